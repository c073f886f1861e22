//! Pictures inside a paragraph: each a box in the line, standing on the
//! baseline as tall as the text's tallest letters (the face's ascender at the
//! paragraph's size), as wide as its aspect makes it.
//!
//! A picture set inline joins the document's list of pictures (after the
//! figures'), so each is embedded once however often it is placed.

use std::sync::Arc;

use crate::images::{Images, Picture};
use crate::layout::{ImageId, Item, Point, Rect};
use crate::model::Image;
use crate::resources::fonts::LoadedFont;

use super::prepare::Piece;

/// A picture in a line: which one, and how tall (its width is its piece's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InlinePicture {
    pub image: ImageId,
    pub height: f32,
}

/// The book's pictures, and those the print edition places, by id.
#[derive(Debug, Default)]
pub struct PictureList<'a> {
    /// `None`: no pictures (a cover's text); each is set as its alt text.
    pub images: Option<&'a Images>,
    /// Handed to the document: the figures' pictures, then those set inline.
    pub placed: Vec<Arc<Picture>>,
}

impl PictureList<'_> {
    /// `image`'s id in [`PictureList::placed`], and its picture; `None` for a
    /// picture print has not got (on the web, or in a format quire does not
    /// place: a warning already says so), whose alt text then stands in.
    fn place(&mut self, image: &Image) -> Option<(ImageId, &Picture)> {
        let picture = self.images?.get(&image.src)?;
        let id = match self.placed.iter().position(|p| Arc::ptr_eq(p, picture)) {
            Some(id) => id,
            None => {
                self.placed.push(Arc::clone(picture));
                self.placed.len() - 1
            }
        };
        Some((id, picture))
    }

    /// The piece that places `image` in a paragraph set in `font` at `size`;
    /// `None` when print has no such picture.
    pub fn piece(&mut self, image: &Image, font: &LoadedFont, size: f32, template: &Piece) -> Option<Piece> {
        let (id, picture) = self.place(image)?;
        let (natural_width, natural_height) = picture.natural_size();
        if !(natural_width > 0.0 && natural_height > 0.0) {
            return None;
        }
        let height = text_height(font) * size;
        let width = height * natural_width / natural_height;
        let glyphs = crate::layout::Glyphs::default();
        Some(Piece { glyphs, width, rise: 0.0, scale: 1.0, ..template.clone() }.marked(None, None, Some(InlinePicture { image: id, height })))
    }
}

/// How tall an inline picture stands, in ems: the face's ascender (the top of
/// b, d, l), or its capitals' height where the font gives no ascender.
fn text_height(font: &LoadedFont) -> f32 {
    let face = font.face();
    let em = f32::from(face.units_per_em());
    let ascender = f32::from(face.ascender());
    if ascender > 0.0 {
        ascender / em
    } else {
        face.capital_height().map_or(0.7, |h| f32::from(h) / em)
    }
}

/// `piece` made no wider than `room`, its height shrunk with it: a picture
/// wider than the measure (a panorama at text height) still fits the line.
pub fn narrowed(piece: &Piece, room: f32) -> Option<Piece> {
    let picture = piece.picture()?;
    if piece.width <= room || piece.width <= 0.0 {
        return None;
    }
    let scale = room / piece.width;
    let (anchor, strike) = (piece.anchor().cloned(), piece.strike());
    Some(Piece { width: room, ..piece.clone() }.marked(anchor, strike, Some(InlinePicture { height: picture.height * scale, ..picture })))
}

/// The layout item of a picture piece set at `origin` (its baseline's left end): standing on the baseline.
pub fn placed(piece: &Piece, origin: Point) -> Option<Item> {
    let picture = piece.picture()?;
    Some(Item::Image { image: picture.image, area: Rect { x: origin.x, y: origin.y - piece.rise - picture.height, width: piece.width, height: picture.height } })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::fonts::FaceStyle;

    #[test]
    fn a_picture_wider_than_the_measure_is_narrowed_with_its_aspect_and_text_is_not() {
        let picture = InlinePicture { image: 0, height: 10.0 };
        let text = Piece::plain(FaceStyle::Regular, 11.0, Default::default(), 500.0);
        let wide = text.clone().marked(None, None, Some(picture));
        let narrow = narrowed(&wide, 250.0).unwrap();
        assert_eq!((narrow.width, narrow.picture().unwrap().height), (250.0, 5.0));
        assert!(narrowed(&wide, 600.0).is_none(), "a picture that fits keeps its size");
        assert!(narrowed(&text, 250.0).is_none(), "only pictures");
        let foot = placed(&narrow, Point { x: 3.0, y: 100.0 }).unwrap();
        assert!(matches!(foot, Item::Image { area: Rect { x: 3.0, y: 95.0, width: 250.0, height: 5.0 }, .. }), "{foot:?}");
    }
}
