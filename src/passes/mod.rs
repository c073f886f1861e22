//! The passes every edition shares, each a function of the document model:
//! notes numbered, typography set, and the characters the faces lack found.

pub mod citations;
pub mod coverage;
pub mod notes;
pub mod quotes;
pub mod typography;

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

/// Runs the passes over a book read from `sources` (each chapter's file and
/// text, for the places of what they find). Without `fonts`, characters are not checked.
pub fn run(sources: &notes::Sources, book: Book, fonts: Option<&FontFamily>) -> Result<Passed, Vec<Diagnostic>> {
    run_book(sources, None, book, fonts)
}

/// [`run`] for a book whose settings (`bibliography`, `csl`) are in `book_file`
/// (book.toml: its path and text) rather than its first chapter's front matter.
pub fn run_book(sources: &notes::Sources, book_file: Option<(&std::path::Path, &str)>, book: Book, fonts: Option<&FontFamily>) -> Result<Passed, Vec<Diagnostic>> {
    let (book, bibliography, mut warnings) = citations::prepare(book, sources, book_file)?;
    let (numbered, found) = notes::number_notes(book, sources)?;
    warnings.extend(found);
    let numbered = match bibliography {
        Some(bibliography) => citations::render(numbered, bibliography),
        None => numbered,
    };
    let book = typography::apply(numbered);
    let mut unsupported_characters = Vec::new();
    if let Some(fonts) = fonts {
        for (character, face) in coverage::unsupported(&book, fonts) {
            unsupported_characters.push(character);
            // Named in the first chapter whose text holds it (a title's may be in none).
            let (path, text) = sources.iter().find(|(_, text)| text.contains(character)).or(sources.first()).copied().unwrap_or((std::path::Path::new(""), ""));
            warnings.push(coverage::missing_glyph(path, Some(text), character, face, fonts));
        }
    }
    Ok(Passed { book, warnings, unsupported_characters })
}
