//! The small markup of messages. Rules, the reader and the grader write
//! component names, fields and values between backticks
//! (`` `keygen` is on ``); [`segments`] reads that into plain and code
//! segments, and each output draws them its own way: `<code>` in HTML
//! ([`html`]), code spans in Markdown ([`markdown`]), colour on a terminal
//! ([`terminal`]). The backticked text itself is the plain form, as a
//! compiler prints it: JSON, SARIF's `text`, JUnit and GitHub annotations
//! carry the message as it is.
//!
//! Each segment passes through the escaping of its target, so a name that
//! holds backticks (a tag or a zone may) can only split the message at an
//! odd place; it can never open markup.

use crate::render::escape;

/// A piece of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    Plain(&'a str),
    /// What stood between a pair of backticks.
    Code(&'a str),
}

/// The segments of `text`: what stands between a pair of backticks is
/// code, the rest plain. A backtick left without a partner, and a pair with
/// nothing between, stay plain text.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut rest = text;
    let mut plain_start = 0;
    let mut offset = 0;
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else { break };
        if close == 0 {
            // "``": nothing between; both stay plain.
            offset += open + 2;
            rest = &after[1..];
            continue;
        }
        let code_start = offset + open + 1;
        if code_start - 1 > plain_start {
            segments.push(Segment::Plain(&text[plain_start..code_start - 1]));
        }
        segments.push(Segment::Code(&text[code_start..code_start + close]));
        offset = code_start + close + 1;
        plain_start = offset;
        rest = &after[close + 1..];
    }
    if plain_start < text.len() {
        segments.push(Segment::Plain(&text[plain_start..]));
    }
    segments
}

/// [`markdown`] for a message that follows other text on its line, where
/// nothing can start a block.
pub fn markdown_inline(text: &str) -> String {
    segments(text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Plain(plain) => escape::markdown_inline(plain),
            Segment::Code(code) => escape::markdown_code(code),
        })
        .collect()
}

/// The message in HTML: code as `<code>`, everything escaped.
pub fn html(text: &str) -> String {
    segments(text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Plain(plain) => escape::xml(plain),
            Segment::Code(code) => format!("<code>{}</code>", escape::xml(code)),
        })
        .collect()
}

/// The message in Markdown: code as code spans no backtick can close,
/// everything else escaped; one line, safe in a table cell.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (index, segment) in segments(text).into_iter().enumerate() {
        match segment {
            // Only the start of the message can start a block.
            Segment::Plain(plain) if index == 0 => out.push_str(&escape::markdown(plain)),
            Segment::Plain(plain) => out.push_str(&escape::markdown_inline(plain)),
            Segment::Code(code) => out.push_str(&escape::markdown_code(code)),
        }
    }
    out
}

/// The message for a terminal: every control and direction character
/// shown visibly; code coloured when `color`, else between its backticks.
pub fn terminal(text: &str, color: bool) -> String {
    if !color {
        return escape::terminal(text);
    }
    segments(text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Plain(plain) => escape::terminal(plain),
            Segment::Code(code) => format!("{CODE_STYLE}{}{CODE_RESET}", escape::terminal(code)),
        })
        .collect()
}

/// Cyan for inline code, then back to the default colour (the text around
/// keeps its own weight).
const CODE_STYLE: &str = "\u{1b}[36m";
const CODE_RESET: &str = "\u{1b}[39m";

/// [`terminal`] with the colour left as markers ([`escape::CODE_START`],
/// [`escape::CODE_END`]), for text that goes through a renderer which
/// would show escape sequences visibly; [`colour_markers`] turns them into
/// colour afterwards.
pub fn terminal_marked(text: &str) -> String {
    segments(text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Plain(plain) => escape::terminal(plain),
            Segment::Code(code) => format!(
                "{}{}{}",
                escape::CODE_START,
                escape::terminal(code),
                escape::CODE_END
            ),
        })
        .collect()
}

/// Replaces the markers of [`terminal_marked`] by the colour they stand for.
pub fn colour_markers(text: &str) -> String {
    text.replace(escape::CODE_START, CODE_STYLE)
        .replace(escape::CODE_END, CODE_RESET)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backticks_make_code() {
        assert_eq!(
            segments("`keygen` is on `api`'s path"),
            [
                Segment::Code("keygen"),
                Segment::Plain(" is on "),
                Segment::Code("api"),
                Segment::Plain("'s path"),
            ]
        );
        assert_eq!(segments("no code"), [Segment::Plain("no code")]);
        assert_eq!(
            segments("a `b"),
            [Segment::Plain("a `b")],
            "an unpaired backtick is text"
        );
        assert_eq!(segments("a `` b"), [Segment::Plain("a `` b")]);
        assert_eq!(segments(""), []);
    }

    #[test]
    fn each_output_draws_code() {
        let message = "`orders_db` has 1 replica, below `replicas: 2`";
        assert_eq!(
            html(message),
            "<code>orders_db</code> has 1 replica, below <code>replicas: 2</code>"
        );
        assert_eq!(
            markdown(message),
            "`orders_db` has 1 replica, below `replicas: 2`"
        );
        assert_eq!(terminal(message, false), message);
        assert_eq!(
            terminal(message, true),
            "\u{1b}[36morders_db\u{1b}[39m has 1 replica, below \u{1b}[36mreplicas: 2\u{1b}[39m"
        );
        assert_eq!(
            colour_markers(&terminal_marked(message)),
            terminal(message, true)
        );
    }

    #[test]
    fn hostile_names_stay_inert() {
        let message = "`<img src=x onerror=alert(1)>` and `a|b` then ``` ``x`` ```, `\u{1b}[2J`";
        let html = html(message);
        assert!(!html.contains("<img") && html.contains("&lt;img"), "{html}");
        // HTML only inside a code span, where Markdown shows it as text;
        // a pipe never bare (it would end a table cell even in code).
        let markdown = markdown(message);
        assert!(
            markdown.starts_with("`<img src=x onerror=alert(1)>` and "),
            "{markdown}"
        );
        assert!(!markdown.contains("a|b"), "{markdown}");
        let terminal = terminal(message, true);
        assert!(!terminal.contains("\u{1b}[2J"), "{terminal}");
        assert!(terminal.contains("␛[2J"), "{terminal}");
    }
}
