//! The print edition's pages as places in the text, so that an edition that
//! does not paginate (the EPUB) can say where each printed page begins.
//!
//! A place is a word of a run of text (see [`super::walk::Run`]). The editions
//! each read their own copy of the book: print's may hold notes that carry its
//! links' addresses, and its notes are then numbered otherwise. So a run is
//! named by what no edition changes: its place among the runs of the titles and
//! sections, or, in a note, the note's label and chapter.
//!
//! Words are counted as the typesetter breaks text into words: a word is what
//! lies between spaces, tabs, newlines and line breaks. A note reference or a
//! picture touching a word is part of it.

use rustc_hash::FxHashMap;

use super::walk::Run;
use super::Book;

/// A run of text, named the same in every copy of the book.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RunKey {
    /// The `n`-th run of the book's titles and sections, in reading order.
    Text(usize),
    /// The `run`-th run of the note written with `label` in chapter `chapter`.
    Note { chapter: usize, label: String, run: usize },
}

/// The word `word` (counted from 0) of the run `run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPosition {
    pub run: RunKey,
    pub word: usize,
}

/// The pages of a print edition, in order, each with where its text begins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrintPages {
    /// The print edition the pages are those of, named for the reader (the EPUB's `dc:source`).
    pub source: String,
    pub pages: Vec<PrintPage>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrintPage {
    /// The page's number as printed: "7", or "iv" in a book's front matter.
    pub label: String,
    /// The first word set on the page; `None` for a page with no text of the
    /// book's own (a blank page, a half-title).
    pub starts_at: Option<TextPosition>,
}

/// Every run of a book with its key, found by the run's own text: a run is a
/// slice of the book's inlines (or a code block's string), so its address names
/// it within this copy of the book.
#[derive(Debug, Clone, Default)]
pub struct RunKeys {
    keys: Vec<RunKey>,
    by_address: FxHashMap<usize, u32>,
}

impl RunKeys {
    pub fn of(book: &Book) -> RunKeys {
        let mut keys = RunKeys::default();
        let mut text = 0;
        book.text_runs(&mut |run| {
            keys.add(run, RunKey::Text(text));
            text += 1;
        });
        for note in &book.notes {
            let mut n = 0;
            super::walk::runs(&note.blocks, &mut |run| {
                keys.add(run, RunKey::Note { chapter: note.chapter, label: note.label.clone(), run: n });
                n += 1;
            });
        }
        keys
    }

    fn add(&mut self, run: Run<'_>, key: RunKey) {
        // An empty run has no words, and no address of its own.
        if let Some(address) = address(run) {
            self.by_address.insert(address, self.keys.len() as u32);
            self.keys.push(key);
        }
    }

    /// The index of the run whose inlines are `run`, if it is one of the book's runs.
    pub fn find(&self, run: Run<'_>) -> Option<u32> {
        address(run).and_then(|a| self.by_address.get(&a).copied())
    }

    pub fn key(&self, index: u32) -> &RunKey {
        &self.keys[index as usize]
    }

    /// Every run's key, by its index.
    pub fn keys(&self) -> &[RunKey] {
        &self.keys
    }
}

fn address(run: Run<'_>) -> Option<usize> {
    match run {
        Run::Inlines { content, .. } if !content.is_empty() => Some(content.as_ptr() as usize),
        Run::Verbatim(text) if !text.is_empty() => Some(text.as_ptr() as usize),
        _ => None,
    }
}

/// Whether `c` separates words, as the typesetter splits them.
pub fn separates_words(c: char) -> bool {
    matches!(c, ' ' | '\n' | '\t')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Inline, Matter, Note, Section, SourcePos};

    fn paragraph(text: &str) -> Block {
        Block::Paragraph(vec![Inline::Text(text.into())])
    }

    #[test]
    fn runs_are_named_alike_in_two_copies_of_a_book_and_notes_by_their_labels() {
        let blocks = vec![paragraph("one"), Block::Code { text: "fn main() {}".into(), language: None }, paragraph("two")];
        let section = Section { heading: None, listed: true, id: "s".into(), matter: Matter::Body, blocks };
        let note = Note { label: "a".into(), number: 1, mark: 1, chapter: 0, blocks: vec![paragraph("note")], references: 1, at: SourcePos::default() };
        let book = Book::of_sections(Default::default(), vec![section], vec![note]);
        let copy = book.clone();
        let (ours, theirs) = (RunKeys::of(&book), RunKeys::of(&copy));
        let Block::Paragraph(two) = &copy.chapters[0].sections[0].blocks[2] else { unreachable!() };
        let Block::Code { text, .. } = &book.chapters[0].sections[0].blocks[1] else { unreachable!() };
        assert_eq!(theirs.key(theirs.find(Run::Inlines { content: two, heading: false }).unwrap()), &RunKey::Text(2));
        assert_eq!(ours.key(ours.find(Run::Verbatim(text)).unwrap()), &RunKey::Text(1));
        // The copy's runs are not found among this book's.
        assert_eq!(ours.find(Run::Inlines { content: two, heading: false }), None);
        let Block::Paragraph(in_note) = &book.notes[0].blocks[0] else { unreachable!() };
        assert_eq!(ours.key(ours.find(Run::Inlines { content: in_note, heading: false }).unwrap()), &RunKey::Note { chapter: 0, label: "a".into(), run: 0 });
    }
}
