//! Escaping for every target format. Names of components are restricted by
//! the format, but titles, descriptions, engines, tags and suppression
//! reasons are free text from files anyone may write: every such string
//! passes through the function for its target before it is written.

/// Text and attribute values in XML (SVG) and HTML: the five reserved
/// characters as entities; characters XML 1.0 cannot carry dropped.
pub fn xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// A Mermaid label inside `"..."`: anything but letters, digits, spaces and
/// plain punctuation becomes an entity code (`#35;`), so no quote, bracket,
/// `%%` directive or markup can end the label or reach the renderer.
pub fn mermaid(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric()
            || matches!(c, ' ' | '.' | ',' | '_' | '-' | ':' | '/' | '·' | '+')
        {
            escaped.push(c);
        } else if c.is_control() {
            escaped.push(' ');
        } else {
            escaped.push_str(&format!("#{};", c as u32));
        }
    }
    escaped
}

/// A DOT quoted string: backslashes and quotes escaped, line breaks as
/// `\n`, other control characters dropped.
pub fn dot(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '"' => escaped.push_str("\\\""),
            '\n' => escaped.push_str("\\n"),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// A D2 double-quoted string (a label or a quoted key): backslashes and
/// quotes escaped, `$` escaped so that no `${...}` substitution runs, line
/// breaks as `\n`, other control characters dropped.
pub fn d2(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '"' => escaped.push_str("\\\""),
            '$' => escaped.push_str("\\$"),
            '\n' => escaped.push_str("\\n"),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// A LikeC4 single-quoted string: backslashes and quotes escaped, line
/// breaks as `\n`, other control characters dropped.
pub fn likec4(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '\'' => escaped.push_str("\\'"),
            '\n' => escaped.push_str("\\n"),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Free text in Markdown (paragraphs and table cells): one line, markup
/// characters backslash-escaped, and `<`, `>`, `&` as entities so that no
/// HTML reaches a renderer that allows it.
pub fn markdown(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '\n' | '\r' | '\t' => escaped.push(' '),
            // Brackets are escaped, so parentheses and `!` cannot make a
            // link or an image.
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '+' | '|' | '~' => {
                escaped.push('\\');
                escaped.push(c);
            }
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "</title><script>alert(1)</script> \"]; evil [ %%{init}%% a|b\nc `d` & é";

    #[test]
    fn xml_leaves_no_markup() {
        let escaped = xml(HOSTILE);
        assert!(!escaped.contains('<') && !escaped.contains('"'));
        assert!(escaped.contains("&lt;/title&gt;&lt;script&gt;"));
        assert_eq!(xml("a\u{1}b"), "ab");
    }

    #[test]
    fn mermaid_leaves_no_syntax() {
        let escaped = mermaid(HOSTILE);
        for forbidden in ['"', '[', ']', '%', '{', '}', '<', '>', '|', ';', '\n'] {
            let without_entities: String = escaped
                .split('#')
                .map(|part| part.split_once(';').map_or(part, |(_, rest)| rest))
                .collect();
            assert!(
                !without_entities.contains(forbidden),
                "{forbidden} in {escaped}"
            );
        }
        assert!(escaped.contains("#37;#37;#123;init#125;#37;#37;"));
    }

    #[test]
    fn dot_strings_stay_closed() {
        assert_eq!(dot("say \"hi\"\\\nnext"), "say \\\"hi\\\"\\\\\\nnext");
    }

    #[test]
    fn d2_strings_stay_closed_and_substitute_nothing() {
        assert_eq!(
            d2("say \"hi\" ${x}\\\nnext\u{7}"),
            "say \\\"hi\\\" \\${x}\\\\\\nnext"
        );
    }

    #[test]
    fn likec4_strings_stay_closed() {
        assert_eq!(likec4("it's \"x\"\\\nnext\u{7}"), "it\\'s \"x\"\\\\\\nnext");
    }

    #[test]
    fn markdown_is_one_inert_line() {
        let escaped = markdown(HOSTILE);
        assert!(!escaped.contains('\n') && !escaped.contains('<'));
        assert!(escaped.contains("a\\|b"));
        assert!(escaped.contains("\\`d\\`"));
    }
}
