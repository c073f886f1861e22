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
        f.write_str(&self.render(false))
    }
}

/// ANSI styles for a terminal; `plain` is what a pipe or `NO_COLOR` gets.
struct Palette {
    severity: &'static str,
    gutter: &'static str,
    bold: &'static str,
    reset: &'static str,
}

impl Palette {
    fn new(severity: Severity, colour: bool) -> Palette {
        if !colour {
            return Palette { severity: "", gutter: "", bold: "", reset: "" };
        }
        let severity = match severity {
            Severity::Error => "\x1b[1;31m",
            Severity::Warning => "\x1b[1;33m",
        };
        Palette { severity, gutter: "\x1b[1;34m", bold: "\x1b[1m", reset: "\x1b[0m" }
    }
}

impl Diagnostic {
    /// The report as rustc writes it; `colour` adds ANSI colours for a terminal.
    pub fn render(&self, colour: bool) -> String {
        let p = Palette::new(self.severity, colour);
        let (severity, gutter, bold, reset) = (p.severity, p.gutter, p.bold, p.reset);
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!("{severity}{kind}{reset}{bold}: {}{reset}\n", self.message);
        out.push_str(&format!("  {gutter}-->{reset} {}", self.location()));
        if let (Some(line), Some(at)) = (&self.source_line, self.at) {
            let number = at.line.to_string();
            let pad = " ".repeat(number.len());
            // The caret goes under the character, counted in chars, not bytes.
            let caret_offset = line.chars().take(at.column.saturating_sub(1)).count();
            out.push_str(&format!(
                "\n{gutter}{pad} |{reset}\n{gutter}{number} |{reset} {line}\n{gutter}{pad} |{reset} {}{severity}^{reset}",
                " ".repeat(caret_offset)
            ));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("\n  {gutter}={reset} {bold}help{reset}: {help}"));
        }
        out
    }
}

/// When reports are coloured (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColourChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    Always,
    Never,
}

/// Colour for reports on standard error. By default only on a terminal, and never when
/// `NO_COLOR` is set (no-color.org: any non-empty value); a choice on the command line
/// overrides both, as no-color.org asks.
pub fn colour_on_stderr(choice: ColourChoice) -> bool {
    use std::io::IsTerminal;
    match choice {
        ColourChoice::Always => true,
        ColourChoice::Never => false,
        ColourChoice::Auto => {
            let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            !no_colour && std::io::stderr().is_terminal()
        }
    }
}

/// "2 errors, 1 warning": the closing line of a check.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let count = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", count(errors, "error"), count(warnings, "warning"))
}

/// Levenshtein distance, in characters: how far a misspelt name is from a known one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous_diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous_diagonal + usize::from(ca != *cb);
            previous_diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
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
        assert!(!text.contains('\x1b'), "plain text has no escape codes");
    }

    #[test]
    fn colour_marks_the_severity_and_caret_but_keeps_the_text() {
        let d = Diagnostic::warning(Path::new("book.md"), Some(SourcePos { line: 1, column: 3 }), "double space").with_source("a  b");
        let coloured = d.render(true);
        assert!(coloured.starts_with("\x1b[1;33mwarning\x1b[0m"), "{coloured:?}");
        assert!(coloured.contains("\x1b[1;33m^\x1b[0m"), "{coloured:?}");
        let stripped: String = coloured.split('\x1b').enumerate().map(|(i, part)| if i == 0 { part } else { &part[part.find('m').unwrap() + 1..] }).collect();
        assert_eq!(stripped, d.render(false));
    }

    #[test]
    fn summary_counts_both_kinds() {
        let e = Diagnostic::error(Path::new("b.md"), None, "x");
        let w = Diagnostic::warning(Path::new("b.md"), None, "y");
        assert_eq!(summary(&[e.clone(), w.clone(), e]), "2 errors, 1 warning");
        assert_eq!(summary(&[]), "0 errors, 0 warnings");
    }
}
