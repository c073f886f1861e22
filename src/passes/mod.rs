//! The passes every edition shares, each a function of the document model:
//! notes numbered, typography set, and the characters the faces lack found.

pub mod coverage;
pub mod notes;
pub mod quotes;
pub mod typography;

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::model::Book;
use crate::resources::fonts::FontFamily;

/// The book after the shared passes, and what they found.
pub struct Passed {
    pub book: Book,
    pub warnings: Vec<Diagnostic>,
    /// Characters reported as missing from the fonts.
    pub unsupported_characters: Vec<char>,
}

/// Runs the passes over a book read from `source` (the manuscript's text, for
/// the places of what they find). Without `fonts`, characters are not checked.
pub fn run(path: &Path, source: &str, book: Book, fonts: Option<&FontFamily>) -> Result<Passed, Vec<Diagnostic>> {
    let (numbered, mut warnings) = notes::number_notes(book, path, source)?;
    let book = typography::apply(numbered);
    let mut unsupported_characters = Vec::new();
    if let Some(fonts) = fonts {
        for (character, face) in coverage::unsupported(&book, fonts) {
            unsupported_characters.push(character);
            warnings.push(coverage::missing_glyph(path, Some(source), character, face, fonts));
        }
    }
    Ok(Passed { book, warnings, unsupported_characters })
}
