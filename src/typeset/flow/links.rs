//! Links in print: paper cannot follow a link, so a print style says what
//! becomes of a web address (`links` in the style). The typesetter applies
//! this to its own copy of the book before collecting it; the EPUB and the
//! model the other stages see are untouched.
//!
//! - `endnote`: after the link text, a reference to a note that holds the
//!   address in the monospaced face. The address notes join the book's
//!   notes, and all are numbered again in the order of their first
//!   reference (the notes pass, run on the copy), so they read as one sequence.
//!   A second link to the same address cites the same note again.
//! - `inline`: the address follows the link text, in brackets, in the
//!   monospaced face at inline code's smaller size.
//! - `none`: nothing is printed; the reader PDF's links stay clickable.
//!
//! Only addresses a reader can follow (`http`, `https`, `mailto`) are
//! printed; a link whose text is its own address (an autolink) already shows it.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::walk::Run;
use crate::model::{plain_text, Block, Book, Inline, Note, NoteRef, SourcePos};
use crate::resources::style::LinkStyle;
use crate::typeset::inline::prepare::is_followable;

/// The book as the print style `links` sets it.
pub(crate) fn for_print(original: &Book, links: LinkStyle) -> Cow<'_, Book> {
    if links == LinkStyle::None || !has_printable_link(original) {
        return Cow::Borrowed(original);
    }
    let mut book = original.clone();
    let mut notes = AddressNotes::default();
    book.for_each_inlines_mut(&mut |inlines| add_addresses(inlines, links, &mut notes));
    if links == LinkStyle::Inline {
        return Cow::Owned(book);
    }
    book.notes.extend(notes.notes);
    // Numbered again with the book's own notes, in the order of first reference.
    // Every reference added has its note, so this does not fail; if it did, the
    // book would be set with its links only clickable, as with `none`.
    match crate::passes::notes::number_notes(book, &[]) {
        Ok((numbered, _)) => Cow::Owned(numbered),
        Err(_) => Cow::Borrowed(original),
    }
}

fn has_printable_link(book: &Book) -> bool {
    let mut found = false;
    book.runs(&mut |run| {
        if let Run::Inlines { content, .. } = run {
            found |= content.iter().any(printable_link_in);
        }
    });
    found
}

fn printable_link_in(inline: &Inline) -> bool {
    match inline {
        Inline::Link { url, content } => printable(url, content),
        Inline::Emphasis(c) | Inline::Strong(c) | Inline::Strikethrough(c) | Inline::Superscript(c) | Inline::Subscript(c) | Inline::Language { content: c, .. } => {
            c.iter().any(printable_link_in)
        }
        _ => false,
    }
}

/// Whether a link's address is to be printed: one a reader can follow, not already its text.
fn printable(url: &str, content: &[Inline]) -> bool {
    let text = plain_text(content);
    let shown = text.trim() == url || text.trim() == shown_address(url);
    is_followable(url) && !shown
}

/// A mail address without its `mailto:`, as a reader writes it; a web address whole.
fn shown_address(url: &str) -> &str {
    url.strip_prefix("mailto:").unwrap_or(url)
}

/// The notes that hold addresses, one per address, with their labels.
#[derive(Default)]
struct AddressNotes {
    labels: HashMap<String, String>,
    notes: Vec<Note>,
}

impl AddressNotes {
    /// The label of the note for `url`, made the first time it is cited.
    fn label(&mut self, url: &str) -> String {
        if let Some(label) = self.labels.get(url) {
            return label.clone();
        }
        // No manuscript label can hold a space and a colon this way: no clash with the book's own.
        let label = format!("link address: {}", self.notes.len() + 1);
        let address = Block::Paragraph(vec![Inline::Code(shown_address(url).to_owned())]);
        self.notes.push(Note { label: label.clone(), number: 0, mark: 0, chapter: 0, blocks: vec![address], references: 0, at: SourcePos::default() });
        self.labels.insert(url.to_owned(), label.clone());
        label
    }
}

/// Puts after each printable link of `inlines` (at any depth) what `links` asks.
fn add_addresses(inlines: &mut Vec<Inline>, links: LinkStyle, notes: &mut AddressNotes) {
    let mut index = 0;
    while index < inlines.len() {
        let after: Vec<Inline> = match &mut inlines[index] {
            Inline::Link { url, content } if printable(url, content) => match links {
                LinkStyle::Endnote => {
                    let label = notes.label(url);
                    vec![Inline::NoteRef(NoteRef { label, number: 0, mark: 0, occurrence: 0, at: SourcePos::default() })]
                }
                LinkStyle::Inline => vec![Inline::Text(" (".into()), Inline::Code(shown_address(url).to_owned()), Inline::Text(")".into())],
                LinkStyle::None => Vec::new(),
            },
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Strikethrough(c) | Inline::Superscript(c) | Inline::Subscript(c) | Inline::Language { content: c, .. } => {
                add_addresses(c, links, notes);
                Vec::new()
            }
            _ => Vec::new(),
        };
        let added = after.len();
        inlines.splice(index + 1..index + 1, after);
        index += 1 + added;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metadata::Metadata;
    use crate::model::{Matter, Section};

    fn link(url: &str, text: &str) -> Inline {
        Inline::Link { url: url.into(), content: vec![Inline::Text(text.into())] }
    }

    fn book(inlines: Vec<Inline>) -> Book {
        let section = Section { heading: None, listed: true, id: "s".into(), matter: Matter::Body, blocks: vec![Block::Paragraph(inlines)] };
        Book::of_sections(Metadata::default(), vec![section], Vec::new())
    }

    fn paragraph(book: &Book) -> &[Inline] {
        match &book.chapters[0].sections[0].blocks[0] {
            Block::Paragraph(inlines) => inlines,
            _ => unreachable!(),
        }
    }

    #[test]
    fn as_endnotes_addresses_are_notes_numbered_in_order_and_a_repeated_address_cites_its_note_again() {
        let original = book(vec![link("https://a.org", "one"), link("#inside", "inside"), link("https://b.org", "two"), link("https://a.org", "again"), link("https://c.org", "https://c.org")]);
        let printed = for_print(&original, LinkStyle::Endnote);
        let numbers: Vec<(usize, usize)> = paragraph(&printed).iter().filter_map(|i| if let Inline::NoteRef(r) = i { Some((r.number, r.occurrence)) } else { None }).collect();
        assert_eq!(numbers, [(1, 1), (2, 1), (1, 2)], "no note for an internal link nor for an address already shown");
        let addresses: Vec<Vec<Inline>> = printed.notes.iter().map(|n| match &n.blocks[0] { Block::Paragraph(i) => i.clone(), _ => unreachable!() }).collect();
        assert_eq!(addresses, [vec![Inline::Code("https://a.org".into())], vec![Inline::Code("https://b.org".into())]]);
        assert_eq!(printed.notes[0].references, 2);
        assert!(matches!(for_print(&original, LinkStyle::None), Cow::Borrowed(_)), "none leaves the book as it is");
    }

    #[test]
    fn inline_addresses_follow_the_link_text_and_mail_addresses_lose_their_scheme() {
        let original = book(vec![Inline::Emphasis(vec![link("mailto:me@a.org", "me")])]);
        let printed = for_print(&original, LinkStyle::Inline);
        let Inline::Emphasis(inner) = &paragraph(&printed)[0] else { panic!() };
        assert_eq!(inner[1..], [Inline::Text(" (".into()), Inline::Code("me@a.org".into()), Inline::Text(")".into())]);
    }
}
