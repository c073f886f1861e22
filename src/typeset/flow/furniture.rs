//! A page's furniture: the running head and the folio. Versos (even page
//! numbers) carry one text at the left, rectos another at the right, as the
//! style says (an article's and a book's each their own); over a book's
//! notes, their label or the pages of their references. The folio is centred
//! at the foot.

use crate::layout::{self, Artifact, Item, Point, Tag};
use crate::model::Book;
use crate::resources::fonts::FaceStyle;
use crate::resources::style::Style;
use crate::typeset::inline::prepare::TextSetter;

use super::pages::run;
use super::{RunningSection, SectionKind};
use crate::model::labels::Labels;

/// Sets the furniture of every page of a book, with the book's text setter:
/// a repeated head is shaped once, and the faces are not parsed again.
pub(crate) struct Furniture<'s, 'a> {
    book: &'s Book,
    style: &'s Style,
    setter: &'s mut TextSetter<'a>,
}

impl<'s, 'a> Furniture<'s, 'a> {
    pub fn new(book: &'s Book, style: &'s Style, setter: &'s mut TextSetter<'a>) -> Self {
        setter.use_features(&style.furniture.features);
        Furniture { book, style, setter }
    }

    /// A book of chapters, whose running heads the style's `book_verso` and `book_recto` choose.
    pub fn is_book(&self) -> bool {
        self.book.has_chapters()
    }

    /// Whether the notes' running heads name the pages of their references.
    pub fn wants_reference_pages(&self) -> bool {
        self.is_book() && self.style.furniture.notes_head == "pages"
    }

    /// The running head of page `index` (counted from 0) whose first line is
    /// in `section`; over notes, `references` are the first and last page
    /// their references are on.
    pub fn head(&self, index: usize, section: &RunningSection, references: Option<(usize, usize)>) -> String {
        let (book, style) = (self.book, self.style);
        let labels = &book.metadata.labels;
        if section.kind == SectionKind::Notes {
            return match references {
                Some((first, last)) if self.wants_reference_pages() => Labels::fill(&labels.notes_to_pages, &[("first", &first.to_string()), ("last", &last.to_string())]),
                _ => labels.notes.clone(),
            };
        }
        let recto = index.is_multiple_of(2);
        let f = &style.furniture;
        let which = match (self.is_book(), recto) {
            (true, true) => &f.book_recto,
            (true, false) => &f.book_verso,
            (false, true) => &f.recto,
            (false, false) => &f.verso,
        };
        match which.as_str() {
            "author" => book.metadata.author.clone().unwrap_or_default(),
            "section" => section.title.clone(),
            "chapter" => section.chapter.clone(),
            "title" => book.metadata.title_parts().0.to_owned(),
            _ => String::new(),
        }
    }

    /// Adds the running head `head` (none if empty) and the folio of page `index` (counted from 0).
    pub fn dress(&mut self, page: &mut layout::Page, index: usize, head: &str) {
        let style = self.style;
        let size = style.furniture.size_pt;
        let folio_number = index + 1;
        let recto = index.is_multiple_of(2);
        let left = style.left_margin(index);
        // On the body's baseline grid, the grid line nearest a line and a
        // half of the head's size above the text block, so that the head
        // backs a line of the page behind it as the text does.
        let leading = style.body.leading_pt;
        let first_baseline = style.top() + leading * 0.8;
        let head_baseline = if leading > 0.0 { first_baseline - ((first_baseline - (style.top() - size * 1.6)) / leading).round() * leading } else { style.top() - size * 1.6 };
        if !head.is_empty() {
            let piece = self.setter.piece(head, FaceStyle::Italic, size, None);
            let x = if recto { left + style.measure() - piece.width } else { left };
            page.tag(Tag::Artifact(Artifact::Header));
            page.items.push(Item::Glyphs(run(piece, Point { x, y: head_baseline })));
        }
        let folio = self.setter.piece(&folio_number.to_string(), FaceStyle::Regular, size, None);
        let x = left + (style.measure() - folio.width) / 2.0;
        let y = style.page_height() - style.bottom() + size * 2.4;
        page.tag(Tag::Artifact(Artifact::Footer));
        page.items.push(Item::Glyphs(run(folio, Point { x, y })));
    }
}
