//! The config file's text with a line index: byte offsets ↔ line and column.

/// A byte range in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(start: usize, end: usize) -> Self {
        Self {
            start: start as u32,
            end: end as u32,
        }
    }

    /// Whether `other` lies within this span.
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Its first byte: where a diagnostic about a whole object or value points.
    pub fn head(self) -> Span {
        Span {
            start: self.start,
            end: self.start + 1,
        }
    }

    /// As a `Range<usize>`.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The source text of one config file.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name shown in messages (`app.json`, as written in the macro call).
    pub name: String,
    /// The whole text.
    pub text: String,
    line_starts: Vec<usize>,
    /// Offsets of the UTF-8 continuation bytes, so that a column (in characters) is found in
    /// `O(log n)` even on a long line.
    continuations: Vec<u32>,
}

impl Source {
    /// Indexes `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let continuations = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| b & 0xC0 == 0x80)
            .map(|(i, _)| i as u32)
            .collect();
        Self {
            name: name.into(),
            text,
            line_starts,
            continuations,
        }
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = (offset as usize).min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let before = |at: usize| self.continuations.partition_point(|&c| (c as usize) < at);
        let col = (offset - start) - (before(offset) - before(start));
        (line as u32 + 1, col as u32 + 1)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(i) else {
            return "";
        };
        let end = self
            .line_starts
            .get(i + 1)
            .map_or(self.text.len(), |&e| e - 1);
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    /// `name:line:col` of a byte offset.
    pub fn location(&self, offset: u32) -> String {
        let (line, col) = self.line_col(offset);
        format!("{}:{line}:{col}", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let s = Source::new("app.json", "{\n  \"é\": 1,\n  \"b\": 2\n}");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(4), (2, 3));
        let b = s.text.find("\"b\"").unwrap() as u32;
        assert_eq!(s.line_col(b), (3, 3));
        let one = s.text.find('1').unwrap() as u32;
        assert_eq!(s.line_col(one), (2, 8));
        assert_eq!(s.line_text(2), "  \"é\": 1,");
        assert_eq!(s.line_text(9), "");
        let s = Source::new("app.json", "é😀x\n😀y");
        assert_eq!(s.line_col(s.text.find('x').unwrap() as u32), (1, 3));
        assert_eq!(s.line_col(s.text.find('y').unwrap() as u32), (2, 2));
    }
}
