//! The notes, set where the book asks: in the notes document (one list for an
//! article, a section under each chapter's title for a book) or at the end of
//! each chapter. Each note ends in a backlink to every reference to it.

use std::fmt::Write;

use super::files::{chapter_file, Files};
use super::package::escape;
use super::page_list::PageMarks;
use super::text::chapter_title;
use super::xhtml::{PictureFiles, ReferenceFiles, Renderer};
use crate::model::labels::Labels;
use crate::model::{note_anchor, noteref_anchor, occurrence_letter, Book, Note};

/// How each note is marked as a note, on the `<li>` its references lead to:
/// foliate-js and Kobo type a pop-up by the target's own `epub:type`, so the
/// `<li>` carries it (a typed `<div>` inside an untyped `<li>` pops up untyped on
/// foliate-js, and not at all on Kobo). `footnote`, because `endnote` is
/// deprecated in the Structural Semantics Vocabulary (EPUBCheck OPF-086b); no
/// `role`, because `doc-endnote` is deprecated in DPUB-ARIA 1.1 (EPUBCheck RSC-017)
/// and `doc-footnote` is not allowed on a list item (an EPUBCheck error): the
/// `<ol>` of a `doc-endnotes` section is what makes them notes to assistive technology.
const NOTE_TYPE: &str = "epub:type=\"footnote\"";

/// Every note's text, rendered in the document it is set in, in the order of
/// `book.notes`. Rendering registers the references inside notes, so this runs
/// after every other text and before any backlink is written.
pub fn render_texts(book: &Book, references: &mut ReferenceFiles, files: &Files, pictures: &PictureFiles, pages: &mut PageMarks) -> Vec<String> {
    book.notes
        .iter()
        .map(|note| {
            let mut text = String::new();
            let mut renderer = Renderer { file: files.of_note(note.number), references, files, pictures, pages: &mut *pages };
            renderer.blocks(&note.blocks, &mut text);
            text
        })
        .collect()
}

/// The body of the notes document. An article's notes are one list under "Notes";
/// a book's are a notes section for each chapter, headed by its title, so that
/// each list is numbered from its chapter's first mark.
pub fn notes_document_body(book: &Book, texts: &[String], references: &ReferenceFiles) -> String {
    let labels = &book.metadata.labels;
    if !book.has_chapters() {
        return format!(
            "<section id=\"endnotes\" epub:type=\"endnotes\" role=\"doc-endnotes\" aria-labelledby=\"endnotes-title\">\n\
<h2 id=\"endnotes-title\">{}</h2>\n{}</section>\n",
            escape(&labels.notes),
            list(book, book.notes.iter().zip(texts), references)
        );
    }
    let mut out = format!("<section class=\"book-endnotes\" aria-labelledby=\"endnotes-title\">\n<h1 id=\"endnotes-title\">{}</h1>\n", escape(&labels.notes));
    for (index, chapter) in book.chapters.iter().enumerate() {
        let notes: Vec<_> = book.notes.iter().zip(texts).filter(|(n, _)| n.chapter == index).collect();
        if notes.is_empty() {
            continue;
        }
        let id = format!("notes-{}", chapter.id);
        let _ = writeln!(
            out,
            "<section id=\"{id}\" epub:type=\"endnotes\" role=\"doc-endnotes\" aria-labelledby=\"{id}-title\">\n<h2 id=\"{id}-title\">{}</h2>",
            escape(&chapter_title(book, index))
        );
        out.push_str(&list(book, notes.into_iter(), references));
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
    out
}

/// The notes of chapter `index`, set at the end of its document, under "Notes".
pub fn chapter_notes(book: &Book, index: usize, texts: &[String], references: &ReferenceFiles) -> String {
    let notes: Vec<_> = book.notes.iter().zip(texts).filter(|(n, _)| n.chapter == index).collect();
    if notes.is_empty() {
        return String::new();
    }
    let id = format!("notes-{}", book.chapters[index].id);
    format!(
        "<section id=\"{id}\" epub:type=\"endnotes\" role=\"doc-endnotes\" aria-labelledby=\"{id}-title\">\n\
<h2 id=\"{id}-title\">{}</h2>\n{}</section>\n",
        escape(&book.metadata.labels.notes),
        list(book, notes.into_iter(), references)
    )
}

/// An `<ol>` of notes numbered by their marks: `start` at the first, and an
/// item's own `value` wherever the marks skip.
fn list<'a>(book: &Book, notes: impl Iterator<Item = (&'a Note, &'a String)>, references: &ReferenceFiles) -> String {
    let mut out = String::new();
    let mut next = None;
    for (note, text) in notes {
        let value = match next {
            None if note.mark == 1 => {
                out.push_str("<ol>\n");
                String::new()
            }
            None => {
                let _ = writeln!(out, "<ol start=\"{}\">", note.mark);
                String::new()
            }
            Some(expected) if expected != note.mark => format!(" value=\"{}\"", note.mark),
            Some(_) => String::new(),
        };
        next = Some(note.mark + 1);
        let text = with_backlinks(text, &backlinks(book, note, references));
        // The note's text in a block of its own: a reading system that pops the note
        // up lifts the `<li>`'s content out of the list, and the stylesheet still knows it.
        let _ = write!(out, "<li id=\"{}\" {NOTE_TYPE}{value}>\n<div class=\"note-text\">\n{text}</div>\n</li>\n", note_anchor(note.number));
    }
    if next.is_some() {
        out.push_str("</ol>\n");
    }
    out
}

/// A backlink to each reference to `note`, in the order they are read.
fn backlinks(book: &Book, note: &Note, references: &ReferenceFiles) -> String {
    let labels = &book.metadata.labels;
    let mark = note.mark.to_string();
    let mut out = String::new();
    for occurrence in 1..=note.references.max(1) {
        let file = references.get(&(note.number, occurrence)).cloned().unwrap_or_else(|| chapter_file(book, note.chapter));
        let (label, letter) = if note.references > 1 {
            let occurrence_text = occurrence.to_string();
            let label = Labels::fill(&labels.back_to_reference_of_note, &[("occurrence", &occurrence_text), ("number", &mark)]);
            (label, format!("<sup>{}</sup>", occurrence_letter(occurrence)))
        } else {
            (Labels::fill(&labels.back_to_note_reference, &[("number", &mark)]), String::new())
        };
        let _ = write!(
            out,
            // A no-break space keeps the arrow with the note's last word.
            "\u{a0}<a href=\"{file}#{anchor}\" class=\"backlink\" epub:type=\"backlink\" role=\"doc-backlink\" aria-label=\"{label}\">↩{letter}</a>",
            anchor = noteref_anchor(note.number, occurrence),
            label = escape(&label),
        );
    }
    out
}

/// The backlinks go inside the note's last paragraph, so they read as part of it.
fn with_backlinks(text: &str, backlinks: &str) -> String {
    match text.rfind("</p>") {
        Some(at) if text[at..].trim_end() == "</p>" => format!("{}{backlinks}{}", &text[..at], &text[at..]),
        _ => format!("{text}<p>{}</p>\n", backlinks.trim_start_matches('\u{a0}')),
    }
}
