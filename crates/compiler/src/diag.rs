//! Diagnostics: every error and warning names `file:line:col` and shows the line with a
//! caret, and the compiler keeps going after an error, so one run reports them all.

use serde::Serialize;
use std::fmt;

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end: end.max(start) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, positioned in its file (1-based line and column, columns in characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short stable name (`unclosed-tag`, `bad-expression`, …) for scripts and docs.
    pub code: &'static str,
    pub message: String,
    pub file: String,
    pub line: usize,
    pub col: usize,
    /// The source line (or, for a long line, the part around the column), for people.
    pub excerpt: String,
    /// The column of the problem within `excerpt` (1-based).
    pub excerpt_col: usize,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{}:{}:{}: {sev}[{}]: {}", self.file, self.line, self.col, self.code, self.message)?;
        writeln!(f, "  | {}", self.excerpt)?;
        write!(f, "  | {}^", " ".repeat(self.excerpt_col.saturating_sub(1)))
    }
}

/// A source file and the line starts that turn byte offsets into line:col.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
    lines: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Source<'a> {
        let mut lines = vec![0];
        lines.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { name, text, lines }
    }

    /// 1-based (line, column in characters) of a byte offset (clamped into the file; an
    /// offset inside a character counts as that character's start).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.lines.partition_point(|&s| s <= offset).max(1);
        let start = self.lines[line - 1];
        let col = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        (line, col)
    }

    /// The line, or for a long one the 100 characters around byte `offset` (which is on
    /// `line`); and where `offset` is in it. Only the bytes shown are looked at, so a
    /// diagnostic on a line of megabytes costs no more than one on a short line.
    fn excerpt(&self, line: usize, offset: usize) -> (String, usize) {
        let start = self.lines[line - 1];
        let end = self.lines.get(line).map_or(self.text.len(), |e| e - 1);
        let s = self.text.get(start..end).unwrap_or("").trim_end_matches('\r');
        let mut at = offset.saturating_sub(start).min(s.len());
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        let before: Vec<char> = s[..at].chars().rev().take(59).collect();
        let shown: String = before.iter().rev().copied().chain(s[at..].chars()).take(100).map(|c| if c == '\t' { ' ' } else { c }).collect();
        (shown, before.len() + 1)
    }

    pub fn diag(&self, severity: Severity, code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.line_col(span.start);
        let (excerpt, excerpt_col) = self.excerpt(line, span.start);
        Diagnostic { severity, code, message: message.into(), file: self.name.to_string(), line, col, excerpt, excerpt_col }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_in_characters() {
        let s = Source::new("a.wxml", "<view>\n  <文本 x=1>\n</view>");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(7), (2, 1));
        let at = s.text.find("x=1").unwrap();
        assert_eq!(s.line_col(at), (2, 7));
        let d = s.diag(Severity::Error, "test", Span::new(at, at + 3), "boom");
        assert_eq!(d.to_string(), "a.wxml:2:7: error[test]: boom\n  |   <文本 x=1>\n  |       ^");
        assert_eq!(s.line_col(10_000), s.line_col(s.text.len()));
        // Inside a character (a position computed by another tool): that character.
        let wide = s.text.find('本').unwrap();
        assert_eq!(s.line_col(wide + 1), s.line_col(wide));
        assert_eq!(s.diag(Severity::Error, "test", Span::new(wide + 2, 0), "x").col, 5);
        // A long line shows the part around the column, caret under it.
        let long = format!("<view a=\"{}\" b=1>", "x".repeat(1000));
        let s = Source::new("l.wxml", &long);
        let d = s.diag(Severity::Warning, "test", Span::new(long.find("b=").unwrap(), 0), "here");
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[1].find("b=1"), lines[2].find('^'), "{shown}");
    }
}
