//! The typesetter's output and the PDF writer's input: pages of positioned glyphs.
//!
//! This is plain data. The PDF writer consumes it without knowing how layout
//! happened, and the booklet imposition places these same pages on sheets.
//!
//! Units are PostScript points (1/72 in). Coordinates have their origin at the
//! top-left corner of the page, x to the right, y downwards, because that is
//! how the typesetter fills a page; the PDF writer flips them.

use std::sync::Arc;

/// Index into [`Document::fonts`].
pub type FontId = usize;

#[derive(Debug, Clone)]
pub struct Document {
    pub info: DocumentInfo,
    pub fonts: Vec<FontResource>,
    pub pages: Vec<Page>,
    /// Bookmarks in reading order; `level` gives the nesting.
    pub outline: Vec<OutlineEntry>,
}

#[derive(Debug, Clone, Default)]
pub struct DocumentInfo {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// BCP 47 tag, written as the catalog's `/Lang`.
    pub language: String,
    /// Publication date from the manuscript, ISO 8601 (`2017`, `2017-10`, `2017-10-25`).
    /// Never the clock: builds must be reproducible.
    pub date: String,
    /// The program that laid out the document, e.g. "quire 0.1.0".
    pub creator: String,
}

/// A font program to embed. The writer subsets it to the glyphs used.
#[derive(Debug, Clone)]
pub struct FontResource {
    /// PostScript name, used for the PDF `/BaseFont` (with a subset tag).
    pub postscript_name: String,
    /// The whole font file (OpenType: TrueType or CFF outlines).
    pub data: Arc<Vec<u8>>,
    /// Face index inside a collection; 0 for a plain font file.
    pub face_index: u32,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
    /// Clickable areas (note references, backlinks, table of contents).
    pub links: Vec<Link>,
    /// Named places on this page that links and outline entries point to.
    pub destinations: Vec<Destination>,
}

#[derive(Debug, Clone)]
pub enum Item {
    Glyphs(GlyphRun),
    /// A straight line, e.g. a rule above the notes or a fold mark.
    Rule { from: Point, to: Point, thickness: f32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

/// Glyphs of one font at one size, sharing a baseline origin.
#[derive(Debug, Clone)]
pub struct GlyphRun {
    pub font: FontId,
    pub size: f32,
    /// Left end of the baseline where glyph offsets start.
    pub origin: Point,
    pub glyphs: Vec<Glyph>,
    /// Horizontal scale of the glyph shapes: 1 for none, 1.02 for letters
    /// widened by 2 % (font expansion, as pdfTeX's hz). Glyph positions are
    /// already scaled; this only widens the outlines.
    pub horizontal_scale: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Glyph id in the font (after shaping: ligatures, kerning already applied).
    pub id: u16,
    /// Horizontal position of the glyph's origin, relative to the run origin.
    pub x: f32,
    /// Vertical shift, positive *up* (superscripts); usually 0.
    pub rise: f32,
    /// The Unicode text this glyph stands for, so that copy and paste give the
    /// manuscript's words: "fi" for an fi ligature, " " for a word space, and
    /// "" for the second and later glyphs of a cluster that maps to one text.
    pub text: String,
}

/// A rectangle in page coordinates (top-left origin).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

#[derive(Debug, Clone)]
pub struct Link {
    pub area: Rect,
    /// Name of a [`Destination`] anywhere in the document.
    pub target: String,
}

#[derive(Debug, Clone)]
pub struct Destination {
    /// Unique in the document, e.g. `note-3` or `noteref-3-1`.
    pub name: String,
    /// Where the view should go: the top-left of the target line.
    pub at: Point,
}

#[derive(Debug, Clone)]
pub struct OutlineEntry {
    pub title: String,
    /// 1 for top-level entries, 2 for their children, and so on.
    pub level: u8,
    /// Name of a [`Destination`].
    pub destination: String,
}
