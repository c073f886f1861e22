//! The notes pass: numbers notes 1…n in the order of their first reference,
//! counts each note's references (one backlink each), and reports references
//! without a note and notes without a reference.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::model::walk::{leaves_mut, LeafMut};
use crate::model::{for_each_inlines_mut, Book, Inline, Note, SourcePos};

/// Numbers the book's notes in reading order. References inside notes (a note
/// that cites another) count after the main text, in the order the notes are read.
pub fn number_notes(mut book: Book, path: &Path, source: &str) -> Result<(Book, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut definitions: HashMap<String, Note> = book.notes.drain(..).map(|n| (n.label.clone(), n)).collect();
    let mut numbering = Numbering::default();

    for section in &mut book.sections {
        if let Some(heading) = &mut section.heading {
            numbering.visit(heading);
        }
        for_each_inlines_mut(&mut section.blocks, &mut |inlines| numbering.visit(inlines));
    }
    // Notes cited from notes: read each numbered note in turn; it may add more.
    let mut next = 0;
    let mut ordered: Vec<Note> = Vec::new();
    while next < numbering.order.len() {
        let label = numbering.order[next].clone();
        next += 1;
        let Some(mut note) = definitions.remove(&label) else {
            numbering.unresolved.push((label.clone(), numbering.first_at[&label]));
            continue;
        };
        for_each_inlines_mut(&mut note.blocks, &mut |inlines| numbering.visit(inlines));
        note.number = numbering.numbers[&label];
        ordered.push(note);
    }

    let mut diagnostics = Vec::new();
    for (label, at) in &numbering.unresolved {
        diagnostics.push(
            Diagnostic::error(path, Some(*at), format!("note reference `[^{label}]` has no definition"))
                .with_help(format!("add a line `[^{label}]: the note's text`, or correct the label"))
                .with_source(source),
        );
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let mut unused: Vec<Note> = definitions.into_values().collect();
    unused.sort_by_key(|n| (n.at.line, n.at.column));
    for note in unused {
        diagnostics.push(
            Diagnostic::warning(path, Some(note.at), format!("note `[^{}]` is never referenced and is left out", note.label))
                .with_help(format!("put `[^{}]` in the text where the note belongs, or delete the definition", note.label))
                .with_source(source),
        );
    }
    for note in &mut ordered {
        note.references = numbering.counts[&note.label];
    }
    book.notes = ordered;
    Ok((book, diagnostics))
}

#[derive(Default)]
struct Numbering {
    order: Vec<String>,
    numbers: HashMap<String, usize>,
    counts: HashMap<String, usize>,
    first_at: HashMap<String, SourcePos>,
    unresolved: Vec<(String, SourcePos)>,
}

impl Numbering {
    fn visit(&mut self, inlines: &mut [Inline]) {
        leaves_mut(inlines, &mut |leaf| {
            let LeafMut::NoteRef(r) = leaf else { return };
            let next_number = self.order.len() + 1;
            let number = *self.numbers.entry(r.label.clone()).or_insert_with(|| {
                self.order.push(r.label.clone());
                next_number
            });
            self.first_at.entry(r.label.clone()).or_insert(r.at);
            let count = self.counts.entry(r.label.clone()).or_insert(0);
            *count += 1;
            r.number = number;
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
        number_notes(m.book, Path::new("t.md"), &text).expect("numbers")
    }

    fn refs(book: &Book) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut sections = book.sections.clone();
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
