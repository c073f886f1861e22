//! Checking a manuscript: everything a person can get wrong in one, found in one
//! pass and reported with its place, without building. `quire check` prints the
//! result; `quire build` runs the same pass first and builds only when it found no
//! error, so the two can never disagree.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::model::Book;
use crate::resources::fonts::FontFamily;
use crate::resources::Resources;
use crate::images::{self, Images};
use crate::{manuscript, passes};

/// What a check found.
#[derive(Debug)]
pub struct Checked {
    /// Errors and warnings in the order of their place in the manuscript.
    pub diagnostics: Vec<Diagnostic>,
    /// The book with notes numbered and typography applied, when there is no error.
    pub book: Option<Book>,
    /// The book face, when `styles/fonts.toml` and its files could be read.
    pub fonts: Option<FontFamily>,
    /// Characters already reported as missing from the fonts.
    pub unsupported_characters: Vec<char>,
    /// The pictures the book places, read and checked once for every edition.
    pub images: Images,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    fn failed(diagnostic: Diagnostic) -> Checked {
        Checked { diagnostics: vec![diagnostic], book: None, fonts: None, unsupported_characters: Vec::new(), images: Images::default() }
    }
}

/// Checks the manuscript file at `path` against the fonts and styles in `resources`.
pub fn check(path: &Path, resources: &Resources) -> Checked {
    let fonts = resources.fonts();
    let text = match manuscript::read_file(path) {
        Ok(text) => text,
        Err(diagnostic) => return Checked::failed(diagnostic),
    };
    let mut checked = check_text(path, &text, fonts.as_ref().ok());
    match fonts {
        Ok(family) => checked.fonts = Some(family),
        Err(diagnostic) => {
            checked.diagnostics.insert(0, diagnostic);
            checked.book = None;
        }
    }
    checked
}

/// Checks manuscript `text`; `path` labels the diagnostics and is where image paths start.
/// Without `fonts`, characters are not checked against the book face.
pub fn check_text(path: &Path, text: &str, fonts: Option<&FontFamily>) -> Checked {
    let (book, mut diagnostics, unsupported_characters) = match manuscript::parse(path, text) {
        Ok(manuscript) => match passes::run(path, text, manuscript.book, fonts) {
            Ok(passed) => {
                let mut diagnostics = manuscript.warnings;
                diagnostics.extend(passed.warnings);
                (Some(passed.book), diagnostics, passed.unsupported_characters)
            }
            Err(mut errors) => {
                let mut diagnostics = manuscript.warnings;
                diagnostics.append(&mut errors);
                (None, diagnostics, Vec::new())
            }
        },
        Err(diagnostics) => (None, diagnostics, Vec::new()),
    };
    // Pictures are read only for a book without errors: the check has already
    // refused the files that are missing or outside the manuscript's folder.
    let mut images = Images::default();
    if let Some(book) = book.as_ref().filter(|_| !diagnostics.iter().any(Diagnostic::is_error)) {
        let (loaded, found) = images::load(path, book, fonts, front_matter_key_at(text, &["cover_image", "cover-image"]));
        images = loaded;
        diagnostics.extend(found.into_iter().map(|d| d.with_source(text)));
    }
    diagnostics.sort_by_key(|d| d.at.map(|at| (at.line, at.column)));
    diagnostics.dedup();
    let book = book.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
    Checked { diagnostics, book, fonts: None, unsupported_characters, images }
}


/// Where the front matter (the lines up to its closing `+++` or `---`) gives one
/// of `keys` a value: the key's line and column, for a diagnostic about the value.
fn front_matter_key_at(text: &str, keys: &[&str]) -> Option<crate::model::SourcePos> {
    let mut lines = text.lines().enumerate();
    let (_, opening) = lines.next()?;
    let fence = opening.trim_end();
    if fence != "+++" && fence != "---" {
        return None;
    }
    lines.take_while(|(_, line)| line.trim_end() != fence).find_map(|(n, line)| {
        let trimmed = line.trim_start();
        let names_key = keys.iter().any(|key| trimmed.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(['=', ':'])));
        names_key.then(|| crate::model::SourcePos { line: n + 1, column: line.len() - trimmed.len() + 1 })
    })
}
