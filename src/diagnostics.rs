//! Problems found in a manuscript, reported the way rustc reports them:
//! what is wrong, where (file:line:column, the line, a caret), and how to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::SourcePos;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    pub at: Option<SourcePos>,
    pub message: String,
    pub help: Option<String>,
    /// The manuscript line the problem is on, shown under the message.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &Path, at: Option<SourcePos>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, at, message)
    }

    pub fn warning(file: &Path, at: Option<SourcePos>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file, at, message)
    }

    fn new(severity: Severity, file: &Path, at: Option<SourcePos>, message: impl Into<String>) -> Self {
        Diagnostic { severity, file: file.to_path_buf(), at, message: message.into(), help: None, source_line: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches the offending line of `source` so the report can point at it.
    pub fn with_source(mut self, source: &str) -> Self {
        if let Some(at) = self.at {
            self.source_line = source.lines().nth(at.line.saturating_sub(1)).map(str::to_owned);
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, or just the file when the problem has no position.
    pub fn location(&self) -> String {
        match self.at {
            Some(at) => format!("{}:{}:{}", self.file.display(), at.line, at.column),
            None => self.file.display().to_string(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{kind}: {}", self.message)?;
        write!(f, "  --> {}", self.location())?;
        if let (Some(line), Some(at)) = (&self.source_line, self.at) {
            let number = at.line.to_string();
            let pad = " ".repeat(number.len());
            // The caret goes under the character, counted in chars, not bytes.
            let caret_offset: usize = line.chars().take(at.column.saturating_sub(1)).map(|_| 1).sum();
            write!(f, "\n{pad} |\n{number} | {line}\n{pad} | {}^", " ".repeat(caret_offset))?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Maps byte offsets of a text to 1-based line and column (columns in characters).
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// Added to every line number: the text may start part-way into a file.
    first_line: usize,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str, first_line: usize) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts, first_line }
    }

    pub fn position(&self, offset: usize) -> SourcePos {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        SourcePos { line: line + self.first_line, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let index = LineIndex::new("ab\n“cd”\nx", 1);
        assert_eq!(index.position(0), SourcePos { line: 1, column: 1 });
        assert_eq!(index.position(3), SourcePos { line: 2, column: 1 });
        // after the 3-byte opening quote and 'c'
        assert_eq!(index.position(7), SourcePos { line: 2, column: 3 });
        assert_eq!(index.position(100), SourcePos { line: 3, column: 2 });
    }

    #[test]
    fn report_points_at_the_column() {
        let d = Diagnostic::error(Path::new("book.md"), Some(SourcePos { line: 2, column: 5 }), "no such note")
            .with_help("define it")
            .with_source("first\nsee [^x] here");
        let text = d.to_string();
        assert!(text.starts_with("error: no such note\n  --> book.md:2:5"), "{text}");
        assert!(text.contains("2 | see [^x] here\n  |     ^"), "{text}");
        assert!(text.ends_with("= help: define it"));
    }
}
