//! The booklet edition's last stage: the pamphlet's pages (already typeset,
//! see `typeset::PamphletStack::pages`) placed two by two on landscape sheets in
//! saddle-stitch order ([`crate::impose`]), as a new layout document that the
//! PDF writer writes like any other, so the fonts are embedded and subset once.
//!
//! Creep: folded together, each sheet wraps around those inside it, so the
//! inner sheets stand out at the fore-edge by about a paper thickness per sheet
//! (0.1 mm at 80 g/m²); trimmed flush, their outer margins would be that much
//! narrower. Each sheet's pages are set that much nearer the fold than those of
//! the sheet around it (`creep` per sheet, from the style), so every page keeps
//! its outer margin after trimming, and loses as much of its inner one, where the
//! fold's curve of the inner sheets gives it back.

use super::order::{self as impose, Slot};
use super::signatures;
use crate::layout::{Document, Item, Page, Point};

const POINTS_PER_MM: f32 = 72.0 / 25.4;

/// A paper size for the booklet: the sheet it prints on and the style that
/// typesets its pages at half that sheet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paper {
    /// Used in the file name: `<book>-booklet-<name>.pdf`.
    pub name: &'static str,
    /// A style file in `styles/`; it supplies the page size.
    pub style_file: &'static str,
    /// The landscape sheet, in points.
    pub sheet_width: f32,
    pub sheet_height: f32,
}

/// A5 pages on A4 (297 × 210 mm).
pub const A4: Paper = Paper { name: "a4", style_file: "booklet-a5.toml", sheet_width: 297.0 * POINTS_PER_MM, sheet_height: 210.0 * POINTS_PER_MM };
/// Half-letter pages (5.5 × 8.5 in) on US Letter (11 × 8.5 in).
pub const LETTER: Paper = Paper { name: "letter", style_file: "booklet-half-letter.toml", sheet_width: 11.0 * 72.0, sheet_height: 8.5 * 72.0 };

/// Fold marks drawn with `marks`: 5 mm long, starting 5 mm in from the sheet's
/// edge, because office printers cannot print the outermost 4 or 5 mm. Only the
/// margins are there, and nothing is set near the fold in them.
const MARK_LENGTH: f32 = 5.0 * POINTS_PER_MM;
const MARK_INSET: f32 = 5.0 * POINTS_PER_MM;

/// How the sheets are gathered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// All sheets folded together as one gathering, stapled through the fold.
    SaddleStitch,
    /// Gatherings of this many sheets, each folded and stapled or sewn on its own,
    /// then stacked in order, each with its signature marks ([`super::signatures`]).
    Signatures(usize),
}

/// Places `pamphlet`'s pages on sheets: each sheet gives two PDF pages, its
/// front then its back, the sheets of each signature one after the other. The
/// pages meet at the fold, centred vertically, so both inner margins at the fold
/// are the style's inner margin on the outermost sheet; each sheet further in
/// has its pages `creep` points (per sheet) nearer the fold. Links, destinations
/// and bookmarks move with their pages. With `marks`, a short hairline at the head and foot of the fold
/// on each front shows where to fold.
///
/// The pamphlet is used up: its pages' contents move onto the sheets rather
/// than being copied, so a long pamphlet's glyphs are not held twice.
pub fn impose_document(mut pamphlet: Document, paper: &Paper, marks: bool, binding: Binding, creep: f32) -> Result<Document, ImposeError> {
    let fold = paper.sheet_width / 2.0;
    for (i, page) in pamphlet.pages.iter().enumerate() {
        // A hundredth of a point of slack: A5 is exactly half of A4, but not in f32.
        if page.width > fold + 0.01 || page.height > paper.sheet_height + 0.01 {
            return Err(ImposeError { page: i + 1, width: page.width, height: page.height, paper: paper.name, fold, sheet_height: paper.sheet_height });
        }
    }
    let gatherings = match binding {
        Binding::SaddleStitch => vec![impose::impose(pamphlet.pages.len())],
        Binding::Signatures(sheets) => impose::impose_in_signatures(pamphlet.pages.len(), sheets),
    };
    let sheets_in_all = gatherings.iter().map(Vec::len).sum::<usize>();
    let mut sheets = Vec::with_capacity(2 * sheets_in_all);
    let each_sheet = gatherings.into_iter().enumerate().flat_map(|(signature, g)| g.into_iter().enumerate().map(move |(k, sheet)| (signature, k, sheet)));
    for (signature, k, sheet) in each_sheet {
        for (side, slots) in [sheet.front, sheet.back].into_iter().enumerate() {
            // Room for both pages' items and the fold and signature marks at once: a long booklet's
            // sheets hold every glyph run of the pamphlet.
            let items = 4 + slots.iter().map(|slot| if let Slot::Page(index) = slot { pamphlet.pages[*index].items.len() } else { 0 }).sum::<usize>();
            let mut out = Page { items: Vec::with_capacity(items), ..Page::new(paper.sheet_width, paper.sheet_height) };
            for (half, slot) in slots.into_iter().enumerate() {
                if let Slot::Page(index) = slot {
                    let page = &mut pamphlet.pages[index];
                    // Sheet `k` of its gathering is `k` sheets in: its pages move that many creeps towards the fold.
                    let towards_fold = k as f32 * creep;
                    let dx = if half == 0 { fold - page.width + towards_fold } else { fold - towards_fold };
                    place(&mut out, page, dx, (paper.sheet_height - page.height) / 2.0);
                }
            }
            // The outside of each signature's outermost sheet: its spine and its first page.
            if matches!(binding, Binding::Signatures(_)) && k == 0 && side == 0 {
                out.items.push(signatures::collation_mark(signature, fold, paper.sheet_height));
                // The first signature's first page is the front cover: printers leave it unmarked.
                if signature > 0 {
                    out.items.extend(signatures::signature_number(signature, &pamphlet.fonts, fold, paper.sheet_height));
                }
            }
            if marks && side == 0 {
                let (top, bottom) = (MARK_INSET, paper.sheet_height - MARK_INSET);
                for (from, to) in [(top, top + MARK_LENGTH), (bottom - MARK_LENGTH, bottom)] {
                    out.items.push(Item::Rule { from: Point { x: fold, y: from }, to: Point { x: fold, y: to }, thickness: 0.25 });
                }
            }
            sheets.push(out);
        }
    }
    Ok(Document { info: pamphlet.info, fonts: pamphlet.fonts, pages: sheets, outline: pamphlet.outline, images: pamphlet.images, front_matter_pages: 0, structure: None })
}

/// A pamphlet page larger than half its sheet: the style's page is too large for the paper.
#[derive(Debug, Clone, PartialEq)]
pub struct ImposeError {
    /// 1-based.
    pub page: usize,
    pub width: f32,
    pub height: f32,
    pub paper: &'static str,
    /// Half the sheet's width, the most a page may be.
    pub fold: f32,
    pub sheet_height: f32,
}

impl std::fmt::Display for ImposeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "page {} ({:.0} × {:.0} pt) does not fit half of the {} sheet ({:.0} × {:.0} pt); the style's page is too large",
            self.page, self.width, self.height, self.paper, self.fold, self.sheet_height
        )
    }
}

impl std::error::Error for ImposeError {}

/// Moves `page`'s contents onto `sheet`, shifted by (`dx`, `dy`). Imposition
/// places each page once, so `page` is left empty.
fn place(sheet: &mut Page, page: &mut Page, dx: f32, dy: f32) {
    let shift = |p: Point| Point { x: p.x + dx, y: p.y + dy };
    sheet.items.extend(std::mem::take(&mut page.items).into_iter().map(|item| match item {
        Item::Glyphs(mut run) => {
            run.origin = shift(run.origin);
            Item::Glyphs(run)
        }
        Item::Rule { from, to, thickness } => Item::Rule { from: shift(from), to: shift(to), thickness },
        Item::Image { image, mut area } => {
            area.x += dx;
            area.y += dy;
            Item::Image { image, area }
        }
    }));
    sheet.links.extend(std::mem::take(&mut page.links).into_iter().map(|mut link| {
        link.area.x += dx;
        link.area.y += dy;
        link
    }));
    sheet.destinations.extend(std::mem::take(&mut page.destinations).into_iter().map(|mut d| {
        d.at = shift(d.at);
        d
    }));
}

/// For printers without duplex: all fronts, then all backs, each in sheet
/// order, as two print-only documents (no links or bookmarks, which could
/// point into the other file). Print the fronts, turn the stack over, feed it
/// back so the sheet printed first goes through first, print the backs.
pub fn split_sides(sheets: &Document) -> (Document, Document) {
    let side = |parity: usize| Document {
        info: sheets.info.clone(),
        fonts: sheets.fonts.clone(),
        pages: sheets
            .pages
            .iter()
            .skip(parity)
            .step_by(2)
            .map(|p| Page { links: Vec::new(), destinations: Vec::new(), begins_at: None, ..p.clone() })
            .collect(),
        outline: Vec::new(),
        images: sheets.images.clone(),
        front_matter_pages: 0,
        structure: None,
    };
    (side(0), side(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{DocumentInfo, Glyph, GlyphRun, Glyphs};

    /// A pamphlet whose page `i` holds one glyph run at its top-left text corner, with glyph id `i`.
    fn pamphlet(pages: usize, width: f32, height: f32) -> Document {
        let page = |i: usize| {
            let mut glyphs = Glyphs::default();
            glyphs.push(Glyph::new(i as u16, 0.0), &i.to_string());
            Page {
                width,
                height,
                items: vec![Item::Glyphs(GlyphRun { font: 0, size: 10.0, origin: Point { x: 50.0, y: 60.0 }, glyphs, rise: 0.0, horizontal_scale: 1.0 })],
                links: Vec::new(),
                destinations: Vec::new(),
                marks: Vec::new(),
                begins_at: None,
            }
        };
        Document { info: DocumentInfo::default(), fonts: Vec::new(), pages: (0..pages).map(page).collect(), outline: Vec::new(), images: Vec::new(), front_matter_pages: 0, structure: None }
    }

    /// (page id, x, y) of every run on a sheet side.
    fn runs(page: &Page) -> Vec<(u16, f32, f32)> {
        page.items
            .iter()
            .filter_map(|i| match i {
                Item::Glyphs(r) => Some((r.glyphs[0].id, r.origin.x, r.origin.y)),
                Item::Rule { .. } | Item::Image { .. } => None,
            })
            .collect()
    }

    #[test]
    fn pages_meet_at_the_fold() {
        let (w, h) = (5.5 * 72.0, 8.5 * 72.0);
        let sheets = impose_document(pamphlet(8, w, h), &LETTER, false, Binding::SaddleStitch, 0.0).unwrap();
        assert_eq!(sheets.pages.len(), 4, "two sheets, two sides each");
        assert!(sheets.pages.iter().all(|p| p.width == 792.0 && p.height == 612.0));
        // Sheet 0 front: page 8 (index 7) on the left, page 1 (index 0) on the right.
        assert_eq!(runs(&sheets.pages[0]), vec![(7, 50.0, 60.0), (0, 396.0 + 50.0, 60.0)]);
        assert_eq!(runs(&sheets.pages[1]), vec![(1, 50.0, 60.0), (6, 446.0, 60.0)]);
    }

    #[test]
    fn a5_pages_centre_on_a4_and_blanks_stay_empty() {
        let (w, h) = (148.0 * POINTS_PER_MM, 210.0 * POINTS_PER_MM);
        let sheets = impose_document(pamphlet(6, w, h), &A4, true, Binding::SaddleStitch, 0.0).unwrap();
        assert_eq!(sheets.pages.len(), 4);
        // Sheet 0 back: page 2 and a blank (pages 6 and 7 are padding; the back cover comes last).
        let back = runs(&sheets.pages[1]);
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].0, 1);
        assert!((back[0].1 - (A4.sheet_width / 2.0 - w + 50.0)).abs() < 0.01);
        // Marks: two hairlines on each front, none on backs.
        let rules = |p: &Page| p.items.iter().filter(|i| matches!(i, Item::Rule { .. })).count();
        assert_eq!(rules(&sheets.pages[0]), 2);
        assert_eq!(rules(&sheets.pages[1]), 0);
    }

    #[test]
    fn pages_larger_than_half_a_sheet_are_an_error() {
        let error = impose_document(pamphlet(4, 420.0, 595.0), &LETTER, false, Binding::SaddleStitch, 0.0).unwrap_err();
        assert_eq!((error.page, error.paper), (1, "letter"));
        assert!(error.to_string().contains("does not fit"), "{error}");
    }

    #[test]
    fn each_sheet_further_in_sets_its_pages_one_creep_nearer_the_fold() {
        let (w, h) = (148.0 * POINTS_PER_MM, 210.0 * POINTS_PER_MM);
        let creep = 0.1 * POINTS_PER_MM;
        let fold = A4.sheet_width / 2.0;
        // 12 pages, 3 sheets: sheet k's front carries pages 12 − 2k (left) and 2k + 1 (right).
        let sheets = impose_document(pamphlet(12, w, h), &A4, false, Binding::SaddleStitch, creep).unwrap();
        for k in 0..3 {
            let front = runs(&sheets.pages[2 * k]);
            let shift = k as f32 * creep;
            assert_eq!(front[0].0 as usize, 11 - 2 * k);
            assert!((front[0].1 - (fold - w + 50.0 + shift)).abs() < 0.01, "sheet {k}, left: {front:?}");
            assert!((front[1].1 - (fold + 50.0 - shift)).abs() < 0.01, "sheet {k}, right: {front:?}");
            let back = runs(&sheets.pages[2 * k + 1]);
            assert!((back[0].1 - (fold - w + 50.0 + shift)).abs() < 0.01 && (back[1].1 - (fold + 50.0 - shift)).abs() < 0.01, "sheet {k}, back: {back:?}");
        }
        // The innermost sheet's pages stand two creeps nearer the fold than the outermost's.
        let (outer, inner) = (runs(&sheets.pages[0])[1].1, runs(&sheets.pages[4])[1].1);
        assert!((outer - inner - 2.0 * creep).abs() < 0.01);
        // In signatures, each gathering's creep starts again from its outermost sheet.
        let signed = impose_document(pamphlet(16, w, h), &A4, false, Binding::Signatures(2), creep).unwrap();
        assert_eq!(runs(&signed.pages[0])[1].1, runs(&signed.pages[4])[1].1, "both signatures' outer sheets");
        assert!((runs(&signed.pages[0])[1].1 - runs(&signed.pages[2])[1].1 - creep).abs() < 0.01);
    }

    #[test]
    fn two_pass_splits_fronts_and_backs() {
        let sheets = impose_document(pamphlet(8, 396.0, 612.0), &LETTER, false, Binding::SaddleStitch, 0.0).unwrap();
        let (fronts, backs) = split_sides(&sheets);
        assert_eq!(fronts.pages.len(), 2);
        assert_eq!(runs(&fronts.pages[1]), runs(&sheets.pages[2]));
        assert_eq!(runs(&backs.pages[1]), runs(&sheets.pages[3]));
    }
}
