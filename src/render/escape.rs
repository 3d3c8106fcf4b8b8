//! Escaping for every target format. Names of components are restricted by
//! the format, but titles, descriptions, engines, zones, tags and
//! suppression reasons are free text from files anyone may write: every
//! such string passes through the function for its target before it is
//! written. One function per target: [`xml`] (HTML, SVG, JUnit),
//! [`markdown`] and [`markdown_code`], [`mermaid`], [`dot`], and
//! [`terminal`] / [`terminal_text`]. None lets a control character or a
//! bidirectional override through: the first are shown as their Unicode
//! pictures (`␛`), the second as `�`, so a name cannot reorder or hide the
//! text around it.

/// Whether `c` changes the direction of the text after it (the
/// "Trojan Source" characters, CVE-2021-42574, and the marks).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// What a control or bidirectional character is shown as, or `None` for
/// any other character: C0 controls and DEL as their Unicode control
/// pictures (`␛` for ESC), C1 controls and direction changes as `�`.
pub fn visible(c: char) -> Option<char> {
    match c {
        '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32),
        '\u{7F}' => Some('␡'),
        '\u{80}'..='\u{9F}' => Some('\u{FFFD}'),
        c if is_bidi_control(c) => Some('\u{FFFD}'),
        _ => None,
    }
}

/// Marks the start and the end of inline code in text built for a
/// terminal: [`terminal`] never lets either through from a design, so
/// only the markup renderer can place them (and replaces them by colour).
pub const CODE_START: char = '\u{E000}';
pub const CODE_END: char = '\u{E001}';

/// One value (a name, an engine, a tag, a message) for a terminal: every
/// control character, line breaks included, shown as its picture, every
/// direction change as `�`, so nothing a design says can move the cursor,
/// change colours, ring the bell or reorder the line.
pub fn terminal(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            CODE_START | CODE_END => '\u{FFFD}',
            c => visible(c).unwrap_or(c),
        })
        .collect()
}

/// Whole lines of text for a terminal (a table, a report): as [`terminal`],
/// but line breaks stay line breaks.
pub fn terminal_text(text: &str) -> String {
    text.split('\n')
        .map(terminal)
        .collect::<Vec<_>>()
        .join("\n")
}

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
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => escaped.push(visible(c).unwrap_or(c)),
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
        } else if is_bidi_control(c) {
            escaped.push_str("#65533;");
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
            c if is_bidi_control(c) => escaped.push('\u{FFFD}'),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A D2 double-quoted string (a label or a quoted key): backslashes and
/// quotes escaped, `$` escaped so that no `${...}` substitution runs, line
/// breaks as `\n`, other control characters dropped, direction changes as
/// `�`.
pub fn d2(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '"' => escaped.push_str("\\\""),
            '$' => escaped.push_str("\\$"),
            '\n' => escaped.push_str("\\n"),
            c if c.is_control() => {}
            c if is_bidi_control(c) => escaped.push('\u{FFFD}'),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A LikeC4 single-quoted string: backslashes and quotes escaped, line
/// breaks as `\n`, other control characters dropped, direction changes as
/// `�`.
pub fn likec4(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '\'' => escaped.push_str("\\'"),
            '\n' => escaped.push_str("\\n"),
            c if c.is_control() => {}
            c if is_bidi_control(c) => escaped.push('\u{FFFD}'),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Free text in Markdown (paragraphs and table cells): one line, markup
/// characters backslash-escaped, `<`, `>`, `&` as entities so that no HTML
/// reaches a renderer that allows it, and what would start a block at the
/// start of a line (a list, a heading underline, an indented code block)
/// neutralised.
pub fn markdown(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    // Line breaks and tabs become spaces (as in [`markdown_inline`]) before
    // the start is looked at: a leading tab is a leading space too.
    let one_line: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut rest = one_line.as_str();
    // What starts a heading, a list item, a thematic break, a setext
    // underline or an indented code block does so only at the start of a
    // line: the value is one line, so only its start is looked at.
    let spaced = |after: &str| after.is_empty() || after.starts_with([' ', '\t']);
    let first = rest.chars().next();
    let ruled = !rest.is_empty() && rest.chars().all(|c| matches!(c, '-' | '=' | ' '));
    if let Some(marker @ ('#' | '-' | '+' | '=')) = first
        && (marker == '#' || ruled || spaced(&rest[1..]))
    {
        escaped.push('\\');
        escaped.push(marker);
        rest = &rest[1..];
    } else if let Some(indented) = rest.strip_prefix(' ') {
        escaped.push_str("&#32;");
        rest = indented;
    } else {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if (1..=9).contains(&digits)
            && rest[digits..].starts_with(['.', ')'])
            && spaced(&rest[digits + 1..])
        {
            escaped.push_str(&rest[..digits]);
            escaped.push('\\');
            escaped.push_str(&rest[digits..digits + 1]);
            rest = &rest[digits + 1..];
        }
    }
    escaped.push_str(&markdown_inline(rest));
    escaped
}

/// [`markdown`] for text that follows other text on its line, where
/// nothing can start a block.
pub fn markdown_inline(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '\n' | '\r' | '\t' => escaped.push(' '),
            // Brackets are escaped, so parentheses and `!` cannot make a
            // link or an image; `#`, `+`, `-` and `=` mean something only
            // at the start of a line (see [`markdown`]).
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                escaped.push('\\');
                escaped.push(c);
            }
            c => escaped.push(visible(c).unwrap_or(c)),
        }
    }
    escaped
}

/// Text as inline code in Markdown, safe in a paragraph and in a table
/// cell: a code span whose fence is longer than any run of backticks inside
/// (so a double backtick cannot close it), padded when the text starts or
/// ends with a backtick. Text a code span cannot hold as it is (a `|`,
/// which ends a table cell even there, or a control character) is written
/// as escaped text between escaped backticks instead, which reads the same.
pub fn markdown_code(text: &str) -> String {
    if text.is_empty()
        || text.contains('|')
        || text.chars().any(|c| visible(c).is_some())
        || text.trim().is_empty()
    {
        return format!("\\`{}\\`", markdown_inline(text));
    }
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let padding = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{padding}{text}{padding}{fence}")
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
        assert_eq!(xml("a\u{1}b"), "a␁b");
        assert_eq!(xml("a\u{202E}b"), "a\u{FFFD}b");
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
    fn terminals_see_no_control_characters() {
        assert_eq!(terminal("a\u{1b}[2Jb\u{7}"), "a␛[2Jb␇");
        assert_eq!(terminal("x\u{202E}y\u{9b}z\nw"), "x\u{FFFD}y\u{FFFD}z␊w");
        assert_eq!(terminal("é ü 名"), "é ü 名");
        assert_eq!(terminal_text("a\u{1b}\nb\r"), "a␛\nb␍");
        assert_eq!(
            terminal(&format!("{CODE_START}x{CODE_END}")),
            "\u{FFFD}x\u{FFFD}"
        );
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
    fn markdown_blocks_cannot_start() {
        assert_eq!(markdown("- item"), "\\- item");
        assert_eq!(markdown("+ item"), "\\+ item");
        assert_eq!(markdown("==="), "\\===");
        assert_eq!(markdown("- - -"), "\\- - -");
        assert_eq!(markdown("# title"), "\\# title");
        assert_eq!(markdown("12. twelve"), "12\\. twelve");
        assert_eq!(markdown("3)"), "3\\)");
        assert_eq!(markdown("    code"), "&#32;   code");
        // A leading tab is read as a space: it cannot indent a list item.
        assert_eq!(markdown("\t- |"), "&#32;- \\|");
        // Nothing else needs it: figures read as they are.
        assert_eq!(markdown("a-b 1. c"), "a-b 1. c");
        assert_eq!(markdown("-20.0%"), "-20.0%");
        assert_eq!(markdown("+11.4%"), "+11.4%");
        assert_eq!(markdown("6.77ms"), "6.77ms");
        assert_eq!(markdown("C# a+b"), "C# a+b");
    }

    #[test]
    fn markdown_code_spans_stay_closed() {
        assert_eq!(markdown_code("redis"), "`redis`");
        assert_eq!(markdown_code("a ``b`` c"), "```a ``b`` c```");
        assert_eq!(markdown_code("`x`"), "`` `x` ``");
        assert_eq!(markdown_code("a|b"), "\\`a\\|b\\`");
        assert_eq!(
            markdown_code("<img src=x onerror=alert(1)>"),
            "`<img src=x onerror=alert(1)>`"
        );
        assert_eq!(markdown_code("a\u{1b}b"), "\\`a␛b\\`");
    }

    #[test]
    fn markdown_is_one_inert_line() {
        let escaped = markdown(HOSTILE);
        assert!(!escaped.contains('\n') && !escaped.contains('<'));
        assert!(escaped.contains("a\\|b"));
        assert!(escaped.contains("\\`d\\`"));
    }
}
