//! One walk over the document model's text. Every pass that reads or changes
//! the text goes through it, so that no pass forgets a kind of block or inline
//! (a note reference inside a link, alt text, a table cell) when the model grows.

use super::{Block, Book, Inline, NoteRef};

/// How the inline at hand is emphasised by the inlines around it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Emphasis {
    pub italic: bool,
    pub bold: bool,
}

/// What the walk over a run of inlines meets, in reading order.
#[derive(Debug, Clone, Copy)]
pub enum Leaf<'a> {
    Text(&'a str),
    /// Inline code: shown as written.
    Code(&'a str),
    /// A link's address, met before its content: written into the editions, not shown as text.
    Url(&'a str),
    /// An image: its description is shown where the picture cannot be; its file is not text.
    Image { alt: &'a str, src: &'a str },
    NoteRef(&'a NoteRef),
    LineBreak,
}

/// The leaves of `inlines` with the emphasis each is set in, starting from `around`.
pub fn leaves<'a>(inlines: &'a [Inline], around: Emphasis, visit: &mut dyn FnMut(Leaf<'a>, Emphasis)) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => visit(Leaf::Text(t), around),
            Inline::Code(t) => visit(Leaf::Code(t), around),
            Inline::Emphasis(c) => leaves(c, Emphasis { italic: true, ..around }, visit),
            Inline::Strong(c) => leaves(c, Emphasis { bold: true, ..around }, visit),
            Inline::Link { url, content } => {
                visit(Leaf::Url(url), around);
                leaves(content, around, visit)
            }
            Inline::Image { alt, src } => visit(Leaf::Image { alt, src }, around),
            Inline::NoteRef(r) => visit(Leaf::NoteRef(r), around),
            Inline::LineBreak => visit(Leaf::LineBreak, around),
        }
    }
}

/// What the changing walk over a run of inlines meets: the text and the note
/// references may be changed, the rest is there to be seen.
pub enum LeafMut<'a> {
    Text(&'a mut String),
    Code(&'a str),
    Image,
    NoteRef(&'a mut NoteRef),
    LineBreak,
}

/// The leaves of `inlines` in reading order, to change in place.
pub fn leaves_mut(inlines: &mut [Inline], visit: &mut dyn FnMut(LeafMut<'_>)) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => visit(LeafMut::Text(t)),
            Inline::Code(t) => visit(LeafMut::Code(t)),
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Link { content: c, .. } => leaves_mut(c, visit),
            Inline::Image { .. } => visit(LeafMut::Image),
            Inline::NoteRef(r) => visit(LeafMut::NoteRef(r)),
            Inline::LineBreak => visit(LeafMut::LineBreak),
        }
    }
}

/// A run of text a block holds.
#[derive(Debug, Clone, Copy)]
pub enum Run<'a> {
    /// Inlines; `heading` for the text of a heading, which is set in the bold face.
    Inlines { content: &'a [Inline], heading: bool },
    /// A code block's text, shown as written.
    Verbatim(&'a str),
}

/// Every run of text in `blocks`, depth first, in reading order.
pub fn runs<'a>(blocks: &'a [Block], visit: &mut dyn FnMut(Run<'a>)) {
    for block in blocks {
        match block {
            Block::Paragraph(c) => visit(Run::Inlines { content: c, heading: false }),
            Block::Subheading { content, .. } => visit(Run::Inlines { content, heading: true }),
            Block::Quote(inner) => runs(inner, visit),
            Block::List { items, .. } => items.iter().for_each(|item| runs(item, visit)),
            Block::Code(code) => visit(Run::Verbatim(code)),
            Block::Table { rows, .. } => rows.iter().flatten().for_each(|cell| visit(Run::Inlines { content: cell, heading: false })),
            Block::Rule => {}
        }
    }
}

/// Calls `visit` on every inline sequence of the blocks, depth first, in reading order.
pub fn for_each_inlines_mut(blocks: &mut [Block], visit: &mut dyn FnMut(&mut Vec<Inline>)) {
    for block in blocks {
        match block {
            Block::Paragraph(c) | Block::Subheading { content: c, .. } => visit(c),
            Block::Quote(b) => for_each_inlines_mut(b, visit),
            Block::List { items, .. } => items.iter_mut().for_each(|i| for_each_inlines_mut(i, visit)),
            Block::Table { rows, .. } => rows.iter_mut().flatten().for_each(&mut *visit),
            Block::Code(_) | Block::Rule => {}
        }
    }
}

impl Book {
    /// Every run of text of the book in reading order: each section's heading
    /// and blocks, then the notes.
    pub fn runs<'a>(&'a self, visit: &mut dyn FnMut(Run<'a>)) {
        for section in &self.sections {
            if let Some(heading) = &section.heading {
                visit(Run::Inlines { content: heading, heading: true });
            }
            runs(&section.blocks, visit);
        }
        for note in &self.notes {
            runs(&note.blocks, visit);
        }
    }

    /// Every inline sequence of the book in the order of [`Book::runs`], to change in place.
    pub fn for_each_inlines_mut(&mut self, visit: &mut dyn FnMut(&mut Vec<Inline>)) {
        for section in &mut self.sections {
            if let Some(heading) = &mut section.heading {
                visit(heading);
            }
            for_each_inlines_mut(&mut section.blocks, visit);
        }
        for note in &mut self.notes {
            for_each_inlines_mut(&mut note.blocks, visit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Matter, Note, Section};

    fn note_ref(label: &str) -> Inline {
        Inline::NoteRef(NoteRef { label: label.into(), number: 0, occurrence: 0, at: Default::default() })
    }

    /// A book with one of every block and inline, each holding text named after its place.
    fn every_kind() -> Book {
        let inlines = vec![
            Inline::Text("text".into()),
            Inline::Emphasis(vec![Inline::Text("em".into()), Inline::Strong(vec![Inline::Text("em-strong".into())])]),
            Inline::Link { url: "https://x.org".into(), content: vec![Inline::Text("link".into()), note_ref("in-link")] },
            Inline::Image { src: "i.png".into(), alt: "alt".into() },
            Inline::Code("code".into()),
            Inline::LineBreak,
        ];
        let blocks = vec![
            Block::Paragraph(inlines),
            Block::Subheading { level: 2, content: vec![Inline::Text("sub".into())], id: None },
            Block::Quote(vec![Block::Paragraph(vec![Inline::Text("quote".into())])]),
            Block::List { start: None, items: vec![vec![Block::Paragraph(vec![Inline::Text("item".into())])]] },
            Block::Code("verbatim".into()),
            Block::Rule,
            Block::Table { header: true, rows: vec![vec![vec![Inline::Text("cell".into())]]] },
        ];
        Book {
            metadata: Default::default(),
            sections: vec![Section { heading: Some(vec![Inline::Text("heading".into())]), id: "s".into(), matter: Matter::Body, blocks }],
            notes: vec![Note { label: "n".into(), number: 1, blocks: vec![Block::Paragraph(vec![Inline::Text("note".into())])], references: 1, at: Default::default() }],
        }
    }

    #[test]
    fn the_walk_reaches_every_text_in_reading_order() {
        let book = every_kind();
        let mut seen = Vec::new();
        book.runs(&mut |run| match run {
            Run::Verbatim(text) => seen.push(format!("verbatim:{text}")),
            Run::Inlines { content, heading } => leaves(content, Emphasis::default(), &mut |leaf, e| {
                let mark = format!("{}{}{}", if heading { "h" } else { "" }, if e.italic { "i" } else { "" }, if e.bold { "b" } else { "" });
                seen.push(match leaf {
                    Leaf::Text(t) | Leaf::Code(t) => format!("{t}/{mark}"),
                    Leaf::Url(u) => format!("url:{u}"),
                    Leaf::Image { alt, src } => format!("image:{alt}:{src}"),
                    Leaf::NoteRef(r) => format!("ref:{}", r.label),
                    Leaf::LineBreak => "break".into(),
                })
            }),
        });
        assert_eq!(
            seen,
            [
                "heading/h", "text/", "em/i", "em-strong/ib", "url:https://x.org", "link/", "ref:in-link", "image:alt:i.png", "code/", "break",
                "sub/h", "quote/", "item/", "verbatim:verbatim", "cell/", "note/"
            ]
        );
    }

    #[test]
    fn the_changing_walk_reaches_the_same_texts_and_note_references() {
        let mut book = every_kind();
        let mut texts = Vec::new();
        book.for_each_inlines_mut(&mut |inlines| {
            leaves_mut(inlines, &mut |leaf| match leaf {
                LeafMut::Text(t) => {
                    texts.push(t.clone());
                    t.push('!');
                }
                LeafMut::NoteRef(r) => r.number = 7,
                _ => {}
            })
        });
        assert_eq!(texts, ["heading", "text", "em", "em-strong", "link", "sub", "quote", "item", "cell", "note"]);
        let mut after = Vec::new();
        let mut numbers = Vec::new();
        book.runs(&mut |run| {
            if let Run::Inlines { content, .. } = run {
                leaves(content, Emphasis::default(), &mut |leaf, _| match leaf {
                    Leaf::Text(t) => after.push(t.to_owned()),
                    Leaf::NoteRef(r) => numbers.push(r.number),
                    _ => {}
                })
            }
        });
        assert!(after.iter().all(|t| t.ends_with('!')), "{after:?}");
        assert_eq!(numbers, [7]);
    }
}
