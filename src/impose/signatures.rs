//! The marks that let a stack of signatures be gathered in order: a booklet too
//! long to saddle-stitch as one is printed as several gatherings, each folded
//! and stapled or sewn on its own, then stacked.
//!
//! Both marks go on each signature's outermost sheet only, on the side that is
//! outside once folded (the front: the signature's first page on the right half,
//! its last on the left), where the office booklet has its slug: the margins,
//! which are not trimmed.
//!
//! - The collation mark: a short black bar across the fold, which becomes the
//!   signature's spine, one step lower for each signature. Stacked in order, the
//!   spines show a staircase; a signature missing, doubled or out of place breaks it.
//! - The signature number, small, at the foot of the signature's first page,
//!   beside the fold, as printers have set signature marks since the 1470s
//!   (but not on the first signature, whose first page is the front cover).

use crate::layout::{FamilyStyle, FontResource, Glyph, GlyphRun, Glyphs, Item, Point};

const POINTS_PER_MM: f32 = 72.0 / 25.4;

/// The bar: as wide as it is thick across the fold (half on each side), this tall,
/// and the step between two signatures' bars.
const BAR_THICKNESS: f32 = 2.0 * POINTS_PER_MM;
const BAR_HEIGHT: f32 = 4.0 * POINTS_PER_MM;
/// Below the fold mark at the head (see `sheets::MARK_INSET` and `MARK_LENGTH`).
const FIRST_BAR_TOP: f32 = 12.0 * POINTS_PER_MM;

/// The signature number's size, and its baseline above the sheet's foot: clear of
/// an office printer's unprintable edge (about 5 mm), below any page's text.
const NUMBER_SIZE: f32 = 7.0;
const NUMBER_BASELINE_ABOVE_FOOT: f32 = 8.0 * POINTS_PER_MM;
const NUMBER_FROM_FOLD: f32 = 6.0 * POINTS_PER_MM;

/// Signature `index`'s (0-based) collation mark on a sheet `sheet_height` high
/// folded at `fold`. When there are more signatures than steps down the fold,
/// the staircase begins again at the top.
pub(super) fn collation_mark(index: usize, fold: f32, sheet_height: f32) -> Item {
    let steps = (((sheet_height - 2.0 * FIRST_BAR_TOP) / BAR_HEIGHT).floor() as usize).max(1);
    let top = FIRST_BAR_TOP + (index % steps) as f32 * BAR_HEIGHT;
    Item::Rule { from: Point { x: fold, y: top }, to: Point { x: fold, y: top + BAR_HEIGHT }, thickness: BAR_THICKNESS }
}

/// Signature `index`'s number (1-based when printed) at the foot of its first page,
/// in the book's regular face; `None` if no face of the book has the figures.
pub(super) fn signature_number(index: usize, fonts: &[FontResource], fold: f32, sheet_height: f32) -> Option<Item> {
    let regular = fonts.iter().position(|f| f.family.as_ref().is_some_and(|m| m.style == FamilyStyle::Regular)).unwrap_or(0);
    let font = fonts.get(regular)?;
    let face = ttf_parser::Face::parse(&font.data, font.face_index).ok()?;
    let scale = NUMBER_SIZE / f32::from(face.units_per_em());
    let text = (index + 1).to_string();
    let mut glyphs = Glyphs::with_capacity(text.len(), text.len());
    let mut x = 0.0;
    for c in text.chars() {
        let id = face.glyph_index(c)?;
        glyphs.push(Glyph::new(id.0, x), c.encode_utf8(&mut [0; 4]));
        x += f32::from(face.glyph_hor_advance(id)?) * scale;
    }
    let origin = Point { x: fold + NUMBER_FROM_FOLD, y: sheet_height - NUMBER_BASELINE_ABOVE_FOOT };
    Some(Item::Glyphs(GlyphRun { font: regular, size: NUMBER_SIZE, origin, glyphs, rise: 0.0, horizontal_scale: 1.0 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar_top(item: &Item) -> f32 {
        match item {
            Item::Rule { from, to, .. } => {
                assert_eq!(from.x, to.x, "the bar runs down the fold");
                from.y
            }
            _ => panic!("a rule"),
        }
    }

    #[test]
    fn each_signature_s_bar_is_one_step_lower_down_the_fold() {
        let height = 210.0 * POINTS_PER_MM;
        let tops: Vec<f32> = (0..3).map(|i| bar_top(&collation_mark(i, 421.0, height))).collect();
        assert!((tops[1] - tops[0] - BAR_HEIGHT).abs() < 0.01 && (tops[2] - tops[1] - BAR_HEIGHT).abs() < 0.01, "{tops:?}");
        // 210 mm less 2 × 12 mm holds 46 steps of 4 mm: the 47th signature starts again at the top.
        assert_eq!(bar_top(&collation_mark(46, 421.0, height)), tops[0]);
        assert!(bar_top(&collation_mark(45, 421.0, height)) + BAR_HEIGHT <= height - FIRST_BAR_TOP + 0.01);
    }
}
