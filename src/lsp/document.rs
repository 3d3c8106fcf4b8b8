//! An open document: its text, its version, and the conversion between the
//! editor's positions (line and column in UTF-16 code units, or in bytes
//! when the client agreed to UTF-8) and the byte offsets every span of the
//! library is made of.

use std::ops::Range;

use lsp_types::{Position, TextDocumentContentChangeEvent};

use crate::diagnostic::Span;

/// How the client counts columns: negotiated at `initialize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8, when the client offers `utf-8`.
    Utf8,
    /// UTF-16 code units: the protocol's default, which every client speaks.
    Utf16,
}

impl Encoding {
    /// The width of `c` in this encoding's units.
    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// The text of one open design and where each of its lines starts.
#[derive(Clone, Debug)]
pub struct Document {
    pub text: String,
    pub version: i32,
    /// Byte offset of the start of each line. A line ends at `\n`, `\r\n`
    /// or a lone `\r`, as the protocol counts lines.
    line_starts: Vec<usize>,
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let line_starts = line_starts(&text);
        Document {
            text,
            version,
            line_starts,
        }
    }

    /// Applies the edits of one `didChange`, in order. A range outside the
    /// text is clamped to it, so no edit can fail.
    pub fn apply(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: Encoding,
    ) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = self.offset(range.start, encoding);
                    let end = self.offset(range.end, encoding).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
            self.line_starts = line_starts(&self.text);
        }
        self.version = version;
    }

    /// The byte offset of `position`, clamped to the text: a line past the
    /// end is the end, a column past the line's end is the line's end.
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line = &self.text[start..self.line_end(position.line as usize)];
        let mut units = 0;
        for (index, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + index;
            }
            units += encoding.width(c);
        }
        start + line.len()
    }

    /// The position of byte `offset` (moved back to the start of the
    /// character it falls in, and clamped to the text).
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let character: usize = self.text[start..offset]
            .chars()
            .map(|c| encoding.width(c))
            .sum();
        Position::new(line as u32, character as u32)
    }

    /// The editor's range of a byte range.
    pub fn range(&self, bytes: Range<usize>, encoding: Encoding) -> lsp_types::Range {
        lsp_types::Range::new(
            self.position(bytes.start, encoding),
            self.position(bytes.end.max(bytes.start), encoding),
        )
    }

    /// The editor's range of a span of the library: its bytes, or the
    /// character its line and column name when it has no bytes.
    pub fn span_range(&self, span: Span, encoding: Encoding) -> lsp_types::Range {
        if span.end() > span.start() || span.start() > 0 || span.line <= 1 {
            self.range(span.bytes(), encoding)
        } else {
            let at = Span::at(&self.text, span.line, span.column);
            self.range(at.bytes(), encoding)
        }
    }

    /// The bytes of line `line` (0-based), without its line break.
    pub fn line(&self, line: usize) -> &str {
        match self.line_starts.get(line) {
            Some(&start) => &self.text[start..self.line_end(line)],
            None => "",
        }
    }

    /// The 0-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset.min(self.text.len()))
            - 1
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Where line `line`'s text ends (before its line break).
    fn line_end(&self, line: usize) -> usize {
        let next = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        let mut end = next;
        if end > self.line_starts[line] && line + 1 < self.line_starts.len() {
            end -= 1;
            if bytes[end] == b'\n' && end > self.line_starts[line] && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        }
        end
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\n' => starts.push(index + 1),
            b'\r' if bytes.get(index + 1) != Some(&b'\n') => starts.push(index + 1),
            _ => {}
        }
        index += 1;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::Range as LspRange;

    #[test]
    fn utf16_columns_count_surrogate_pairs_and_accents() {
        // "é" is 2 bytes and 1 UTF-16 unit; "🚀" is 4 bytes and 2 units.
        let document = Document::new("name: é🚀x\nb: 1\n".to_string(), 1);
        let x = document.text.find('x').unwrap();
        assert_eq!(document.position(x, Encoding::Utf16), Position::new(0, 9));
        assert_eq!(document.position(x, Encoding::Utf8), Position::new(0, 12));
        assert_eq!(document.offset(Position::new(0, 9), Encoding::Utf16), x);
        assert_eq!(document.offset(Position::new(0, 12), Encoding::Utf8), x);
        // A column inside a surrogate pair or a multi-byte character lands
        // on the character's end, never inside it.
        let rocket = document.text.find('🚀').unwrap();
        assert_eq!(
            document.offset(Position::new(0, 8), Encoding::Utf16),
            rocket + 4
        );
        assert_eq!(
            document.offset(Position::new(0, 99), Encoding::Utf16),
            x + 1
        );
        assert_eq!(
            document.offset(Position::new(7, 0), Encoding::Utf16),
            document.text.len()
        );
        // An offset inside a character is moved to its start.
        assert_eq!(
            document.position(rocket + 2, Encoding::Utf16),
            Position::new(0, 7)
        );
    }

    #[test]
    fn line_breaks_of_every_kind() {
        let document = Document::new("a\r\nbb\rc\n".to_string(), 1);
        assert_eq!(document.line_count(), 4);
        assert_eq!(document.line(0), "a");
        assert_eq!(document.line(1), "bb");
        assert_eq!(document.line(2), "c");
        assert_eq!(document.line(3), "");
        assert_eq!(document.offset(Position::new(1, 5), Encoding::Utf16), 5);
        assert_eq!(document.position(6, Encoding::Utf16), Position::new(2, 0));
    }

    #[test]
    fn incremental_edits_apply_in_order() {
        let mut document = Document::new("zones: [é1]\nkind: x\n".to_string(), 1);
        document.apply(
            vec![
                TextDocumentContentChangeEvent {
                    range: Some(LspRange::new(Position::new(0, 9), Position::new(0, 10))),
                    range_length: None,
                    text: "2, é3".to_string(),
                },
                TextDocumentContentChangeEvent {
                    range: Some(LspRange::new(Position::new(1, 6), Position::new(1, 7))),
                    range_length: None,
                    text: "cache".to_string(),
                },
            ],
            2,
            Encoding::Utf16,
        );
        assert_eq!(document.text, "zones: [é2, é3]\nkind: cache\n");
        assert_eq!(document.version, 2);
        // Ranges past the end, or backwards, are clamped rather than refused.
        document.apply(
            vec![TextDocumentContentChangeEvent {
                range: Some(LspRange::new(Position::new(9, 0), Position::new(0, 0))),
                range_length: None,
                text: "#".to_string(),
            }],
            3,
            Encoding::Utf16,
        );
        assert_eq!(document.text, "zones: [é2, é3]\nkind: cache\n#");
    }
}
