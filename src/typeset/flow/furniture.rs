//! A page's furniture: the running head and the folio. Versos (even page
//! numbers) carry one text at the left, rectos another at the right, as the
//! style says; the folio is centred at the foot.

use crate::layout::{self, Item, Point};
use crate::model::Book;
use crate::resources::fonts::FaceStyle;
use crate::resources::style::Style;
use crate::typeset::inline::prepare::TextSetter;

use super::pages::run;

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

    /// Adds the running head and folio of page `index` (counted from 0)
    /// whose first line is in the section titled `section`.
    pub fn dress(&mut self, page: &mut layout::Page, index: usize, section: &str) {
        let (book, style) = (self.book, self.style);
        let size = style.furniture.size_pt;
        let folio_number = index + 1;
        let recto = index.is_multiple_of(2);
        let which = if recto { &style.furniture.recto } else { &style.furniture.verso };
        let head = match which.as_str() {
            "author" => book.metadata.author.clone().unwrap_or_default(),
            "section" => section.to_owned(),
            "title" => book.metadata.title_parts().0.to_owned(),
            _ => String::new(),
        };
        let left = style.left_margin(index);
        let head_baseline = style.top() - size * 1.6;
        if !head.is_empty() {
            let piece = self.setter.piece(&head, FaceStyle::Italic, size, None);
            let x = if recto { left + style.measure() - piece.width } else { left };
            page.items.push(Item::Glyphs(run(piece, Point { x, y: head_baseline })));
        }
        let folio = self.setter.piece(&folio_number.to_string(), FaceStyle::Regular, size, None);
        let x = left + (style.measure() - folio.width) / 2.0;
        let y = style.page_height() - style.bottom() + size * 2.4;
        page.items.push(Item::Glyphs(run(folio, Point { x, y })));
    }
}
