//! Which document each piece of the book is written to, so that links to a
//! heading, note references and backlinks lead into the right file.

use std::collections::HashMap;

use crate::model::metadata::NotePlacement;
use crate::model::{Book, Matter, Section};

/// A one-file manuscript's text: one document, as it has always been.
pub const ARTICLE_FILE: &str = "article.xhtml";
/// The notes at the end of the book.
pub const NOTES_FILE: &str = "endnotes.xhtml";

/// The document of every anchor of the book and of every note.
pub struct Files {
    /// By anchor id: chapters, parts, sections and subheadings with an id.
    anchors: HashMap<String, String>,
    /// By note number: the document the note is set in.
    notes: HashMap<usize, String>,
}

impl Files {
    pub fn of(book: &Book) -> Files {
        let mut anchors = HashMap::new();
        for part in &book.parts {
            anchors.insert(part.id.clone(), part_file(&part.id));
        }
        for (index, chapter) in book.chapters.iter().enumerate() {
            let chapter_file = chapter_file(book, index);
            anchors.insert(chapter.id.clone(), chapter_file.clone());
            for section in &chapter.sections {
                let file = if section.matter == Matter::Back { back_matter_file(section) } else { chapter_file.clone() };
                anchors.extend(section.subheading_ids().chain(section.entry_ids()).map(|id| (id.to_owned(), file.clone())));
                anchors.insert(section.id.clone(), file);
            }
        }
        let notes = book.notes.iter().map(|note| (note.number, notes_file(book, note.chapter))).collect();
        Files { anchors, notes }
    }

    /// The document that holds the anchor `id`, if the book has it.
    pub fn of_anchor(&self, id: &str) -> Option<&str> {
        self.anchors.get(id).map(String::as_str)
    }

    /// The document note `number` is set in.
    pub fn of_note(&self, number: usize) -> &str {
        self.notes.get(&number).map_or(NOTES_FILE, String::as_str)
    }
}

/// A book's chapter has a document of its own (`chapter-3.xhtml`); a one-file
/// manuscript's one chapter is the article.
pub fn chapter_file(book: &Book, index: usize) -> String {
    match book.has_chapters() {
        true => format!("{}.xhtml", book.chapters[index].id),
        false => ARTICLE_FILE.to_owned(),
    }
}

/// A part's title page (`part-1.xhtml`).
pub fn part_file(id: &str) -> String {
    format!("{id}.xhtml")
}

/// Each back-matter section (“Further reading”) has a document of its own.
pub fn back_matter_file(section: &Section) -> String {
    format!("{}.xhtml", section.id)
}

/// Where the notes of chapter `index` are set: the notes document, or the end of the
/// chapter's own when the book asks for notes at each chapter's end.
pub fn notes_file(book: &Book, index: usize) -> String {
    match book.has_chapters() && book.metadata.note_placement == NotePlacement::EndOfChapter {
        true => chapter_file(book, index),
        false => NOTES_FILE.to_owned(),
    }
}
