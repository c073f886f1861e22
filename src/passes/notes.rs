//! The notes pass: numbers notes 1…n in the order of their first reference,
//! counts each note's references (one backlink each), and reports references
//! without a note and notes without a reference.
//!
//! A note's label is its chapter's own: every chapter file may have its `[^1]`.
//! Numbers run through the book, naming every note's anchors; the mark printed
//! is that number, or the note's number within its chapter when the book's
//! numbering restarts per chapter.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::model::metadata::NoteNumbering;
use crate::model::walk::{leaves_mut, LeafMut};
use crate::model::{for_each_inlines_mut, Book, Inline, Note, SourcePos};

/// Each chapter's file and text, by chapter index, for the places of what the pass finds.
pub type Sources<'a> = [(&'a Path, &'a str)];

/// Numbers the book's notes in reading order. References inside notes (a note
/// that cites another) count after their chapter's text, in the order the notes are read.
pub fn number_notes(mut book: Book, sources: &Sources) -> Result<(Book, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut definitions: HashMap<(usize, String), Note> = book.notes.drain(..).map(|n| ((n.chapter, n.label.clone()), n)).collect();
    let by_chapter = book.metadata.note_numbering == NoteNumbering::Chapter;
    let mut numbering = Numbering::default();
    let mut ordered: Vec<Note> = Vec::new();
    let mut unresolved: Vec<(usize, String, SourcePos)> = Vec::new();
    for (index, chapter) in book.chapters.iter_mut().enumerate() {
        numbering.chapter = index;
        if by_chapter {
            numbering.marks = 0;
        }
        let first = numbering.order.len();
        for section in &mut chapter.sections {
            if let Some(heading) = &mut section.heading {
                numbering.visit(heading);
            }
            for_each_inlines_mut(&mut section.blocks, &mut |inlines| numbering.visit(inlines));
        }
        // Notes cited from notes: read each numbered note in turn; it may add more.
        let mut next = first;
        while next < numbering.order.len() {
            let key = numbering.order[next].clone();
            next += 1;
            let Some(mut note) = definitions.remove(&key) else {
                unresolved.push((index, key.1.clone(), numbering.first_at[&key]));
                continue;
            };
            for_each_inlines_mut(&mut note.blocks, &mut |inlines| numbering.visit(inlines));
            (note.number, note.mark) = numbering.numbers[&key];
            ordered.push(note);
        }
    }
    let source = |chapter: usize| sources.get(chapter).copied().unwrap_or((Path::new(""), ""));

    let mut diagnostics = Vec::new();
    for (chapter, label, at) in &unresolved {
        let (path, text) = source(*chapter);
        diagnostics.push(
            Diagnostic::error(path, Some(*at), format!("note reference `[^{label}]` has no definition"))
                .with_help(format!("add a line `[^{label}]: the note's text` in the same file, or correct the label"))
                .with_source(text),
        );
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let mut unused: Vec<Note> = definitions.into_values().collect();
    unused.sort_by_key(|n| (n.chapter, n.at.line, n.at.column));
    for note in unused {
        let (path, text) = source(note.chapter);
        diagnostics.push(
            Diagnostic::warning(path, Some(note.at), format!("note `[^{}]` is never referenced and is left out", note.label))
                .with_help(format!("put `[^{}]` in the text where the note belongs, or delete the definition", note.label))
                .with_source(text),
        );
    }
    for note in &mut ordered {
        note.references = numbering.counts[&(note.chapter, note.label.clone())];
    }
    book.notes = ordered;
    Ok((book, diagnostics))
}

#[derive(Default)]
struct Numbering {
    /// The chapter being read: labels are looked up in it.
    chapter: usize,
    /// Marks given so far (in the chapter, when they restart per chapter).
    marks: usize,
    order: Vec<(usize, String)>,
    /// Each note's number through the book and its printed mark.
    numbers: HashMap<(usize, String), (usize, usize)>,
    counts: HashMap<(usize, String), usize>,
    first_at: HashMap<(usize, String), SourcePos>,
}

impl Numbering {
    fn visit(&mut self, inlines: &mut [Inline]) {
        leaves_mut(inlines, &mut |leaf| {
            let LeafMut::NoteRef(r) = leaf else { return };
            let key = (self.chapter, r.label.clone());
            let (order, marks) = (&mut self.order, &mut self.marks);
            let (number, mark) = *self.numbers.entry(key.clone()).or_insert_with(|| {
                order.push(key.clone());
                *marks += 1;
                (order.len(), *marks)
            });
            self.first_at.entry(key.clone()).or_insert(r.at);
            let count = self.counts.entry(key).or_insert(0);
            *count += 1;
            r.number = number;
            r.mark = mark;
            r.occurrence = *count;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manuscript;
    use crate::model::Block;

    const HEAD: &str = "+++\ntitle = \"T\"\nauthor = \"A\"\nlanguage = \"en\"\n+++\n\n";

    fn book(body: &str) -> (Book, Vec<Diagnostic>) {
        let text = format!("{HEAD}{body}");
        let m = manuscript::parse(Path::new("t.md"), &text).expect("parses");
        number_notes(m.book, &[(Path::new("t.md"), text.as_str())]).expect("numbers")
    }

    fn refs(book: &Book) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut sections: Vec<_> = book.sections().cloned().collect();
        for s in &mut sections {
            for_each_inlines_mut(&mut s.blocks, &mut |inl| {
                for i in inl.iter() {
                    if let Inline::NoteRef(r) = i {
                        out.push((r.number, r.occurrence));
                    }
                }
            });
        }
        out
    }

    #[test]
    fn numbers_follow_first_reference_not_definition_order() {
        let (b, warnings) = book("One[^b] two[^a].\n\n[^a]: Note A.\n\n[^b]: Note B.\n");
        assert!(warnings.is_empty());
        assert_eq!(refs(&b), vec![(1, 1), (2, 1)]);
        assert_eq!(b.notes.iter().map(|n| (n.label.as_str(), n.number)).collect::<Vec<_>>(), vec![("b", 1), ("a", 2)]);
    }

    #[test]
    fn a_note_cited_twice_is_one_note_with_two_references() {
        let (b, _) = book("One[^x] two[^y] three[^x].\n\n[^x]: X.\n\n[^y]: Y.\n");
        assert_eq!(refs(&b), vec![(1, 1), (2, 1), (1, 2)]);
        assert_eq!(b.notes.len(), 2);
        assert_eq!(b.notes[0].references, 2);
        assert_eq!(b.notes[1].references, 1);
    }

    #[test]
    fn unused_definition_is_a_warning_with_its_line() {
        let (b, warnings) = book("Text[^a].\n\n[^a]: A.\n\n[^spare]: Never cited.\n");
        assert_eq!(b.notes.len(), 1);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("[^spare]"), "{}", warnings[0]);
        assert_eq!(warnings[0].at.map(|p| p.line), Some(11));
        assert!(!warnings[0].is_error());
    }

    #[test]
    fn undefined_reference_is_an_error_with_line_and_column() {
        let text = format!("{HEAD}Text with a note[^missing] here.\n");
        let errors = manuscript::parse(Path::new("t.md"), &text).expect_err("must fail");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "note reference `[^missing]` has no definition");
        assert_eq!(errors[0].at.map(|p| (p.line, p.column)), Some((7, 17)));
    }

    #[test]
    fn notes_inside_notes_are_numbered_after_the_text() {
        let (b, _) = book("A[^a] B[^b].\n\n[^a]: See also[^c].\n\n[^b]: B.\n\n[^c]: C.\n");
        assert_eq!(b.notes.iter().map(|n| n.number).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(b.notes[2].label, "c");
        assert!(matches!(&b.notes[0].blocks[0], Block::Paragraph(_)));
    }
}
