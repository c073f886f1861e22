//! Font embedding: one subset per used font, with the widths and glyph texts
//! the content streams and the ToUnicode CMap are built from.

use std::collections::BTreeMap;

use printpdf::{FontId, ParsedFont};
use subsetter::GlyphRemapper;

use super::{fnv1a, PdfError, FNV_OFFSET};
use crate::layout::{Document, FamilyStyle, FontResource, Item};
use crate::resources::kept::KeptBytes;

/// What the PDF's subsets are made with, for [`KeptBytes`]: to be changed with
/// the subsetter's version or the way it is called.
const SUBSET_KIND: &str = "pdf-font subsetter-0.2.6";

/// A font as it goes into the PDF. All glyph ids the rest of the writer sees
/// after lookup are *subset* ids, which are also the CIDs (Identity-H codes).
pub(super) struct EmbeddedFont {
    /// Resource name in the page's `/Font` dictionary.
    pub id: FontId,
    /// The subset program, as printpdf embeds it.
    pub parsed: ParsedFont,
    /// Subset glyph id → advance in thousandths of an em, the unit of both
    /// `/W` and TJ adjustments; keeping one table for both is what makes the
    /// glyph positions exact.
    pub widths: BTreeMap<u16, f64>,
    /// Original glyph id → the text its ToUnicode entry gives.
    unicode: BTreeMap<u16, String>,
    /// The same lookups as tables indexed by glyph id: the content streams ask
    /// them for every glyph of the book, and three tree lookups per glyph were
    /// a third of the writer's time. Unused ids give subset id 0 and "".
    by_original: Vec<(u16, String)>,
    advance_by_subset: Vec<f64>,
}

impl EmbeddedFont {
    /// Subset id of a glyph that [`embed_fonts`] has seen (all of them are).
    pub fn subset_gid(&self, gid: u16) -> u16 {
        self.by_original.get(usize::from(gid)).map_or(0, |entry| entry.0)
    }

    pub fn width(&self, subset_gid: u16) -> f64 {
        self.advance_by_subset.get(usize::from(subset_gid)).copied().unwrap_or(0.0)
    }

    /// Every glyph the document uses: its subset id and its ToUnicode text.
    pub fn glyphs(&self) -> impl Iterator<Item = (u16, &str)> {
        self.unicode.iter().map(|(&gid, text)| (self.subset_gid(gid), text.as_str()))
    }

    /// The text the ToUnicode CMap gives this (original) glyph.
    pub fn mapped_text(&self, gid: u16) -> &str {
        self.by_original.get(usize::from(gid)).map_or("", |entry| entry.1.as_str())
    }
}

/// One entry per `doc.fonts`; `None` for fonts no glyph run uses, which are
/// left out of the PDF entirely.
pub(super) fn embed_fonts(doc: &Document, store: &dyn KeptBytes) -> Result<Vec<Option<EmbeddedFont>>, PdfError> {
    // The first non-empty text wins, so the mapping follows reading order and
    // does not depend on how often a variant occurs.
    // Tables indexed by glyph id (`None`: not used), not maps: a long book
    // looks up every one of its glyphs here, and a tree's lookups were most of
    // the writer's font work.
    let mut used: Vec<Vec<Option<String>>> = vec![Vec::new(); doc.fonts.len()];
    for item in doc.pages.iter().flat_map(|p| &p.items) {
        if let Item::Glyphs(run) = item {
            let glyphs = &mut used[run.font];
            for (g, text) in run.glyphs.with_texts() {
                let at = usize::from(g.id);
                if at >= glyphs.len() {
                    glyphs.resize(at + 1, None);
                }
                let mapped = glyphs[at].get_or_insert_with(String::new);
                if mapped.is_empty() {
                    mapped.push_str(text);
                }
            }
        }
    }
    doc.fonts
        .iter()
        .zip(used)
        .enumerate()
        .map(|(i, (font, glyphs))| {
            let unicode: BTreeMap<u16, String> = glyphs.into_iter().enumerate().filter_map(|(gid, text)| Some((gid as u16, text?))).collect();
            (!unicode.is_empty())
                .then(|| embed(i, font, unicode, store))
                .transpose()
        })
        .collect()
}

fn embed(
    index: usize,
    font: &FontResource,
    unicode: BTreeMap<u16, String>,
    store: &dyn KeptBytes,
) -> Result<EmbeddedFont, PdfError> {
    let name = pdf_name(&base_font_name(font), index);
    let face = ttf_parser::Face::parse(&font.data, font.face_index)
        .map_err(|e| PdfError::new(format!("Font {name} could not be read: {e}.")))?;
    let glyph_count = face.number_of_glyphs();
    if let Some(&bad) = unicode.keys().find(|&&gid| gid >= glyph_count) {
        return Err(PdfError::new(format!(
            "Glyph id {bad} is not in font {name}, which has {glyph_count} glyphs."
        )));
    }

    // Ascending order keeps subset ids in the same order as the original ones
    // and makes the subset a function of the glyph set alone.
    let mut remapper = GlyphRemapper::new();
    for &gid in unicode.keys() {
        remapper.remap(gid);
    }
    let kept: Vec<u8> = unicode.keys().flat_map(|gid| gid.to_le_bytes()).collect();
    let program = store
        .get_or_make(SUBSET_KIND, &[&font.digest, &font.face_index.to_le_bytes(), &kept], &mut || {
            subsetter::subset(&font.data, font.face_index, &remapper).map_err(|e| e.to_string())
        })
        .map_err(|e| PdfError::new(format!("Font {name} could not be subset: {e}.")))?;

    // printpdf addresses CFF glyphs through the subset's charset; the writer's
    // widths and text are keyed by subset glyph id, so the two must agree.
    if let Some(cids) = printpdf::cff_charset_gid_to_cid_map(&program, 0) {
        if cids.iter().any(|(gid, cid)| gid != cid) {
            return Err(PdfError::new(format!(
                "The subset of font {name} numbers its glyphs in a way the writer cannot address."
            )));
        }
    }

    let mut warnings = Vec::new();
    let mut parsed = ParsedFont::from_bytes(&program, 0, &mut warnings).ok_or_else(|| {
        PdfError::new(format!("The subset of font {name} could not be read back."))
    })?;
    let base_font = format!("{}+{name}", subset_tag(&name, unicode.keys()));
    // printpdf writes this as `/BaseFont` and `/FontName` unchanged.
    parsed.font_name = Some(base_font);

    let units_per_em = f64::from(face.units_per_em().max(1));
    let mut widths = BTreeMap::new();
    let highest = unicode.keys().next_back().map_or(0, |&gid| usize::from(gid));
    let mut by_original = vec![(0u16, String::new()); highest + 1];
    for (&gid, text) in &unicode {
        let sub = remapper.get(gid).unwrap_or(0);
        let advance = face
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0);
        by_original[usize::from(gid)] = (sub, text.clone());
        widths.insert(sub, f64::from(advance) * 1000.0 / units_per_em);
    }
    let mut advance_by_subset = vec![0.0; widths.keys().next_back().map_or(0, |&sub| usize::from(sub) + 1)];
    for (&sub, &width) in &widths {
        advance_by_subset[usize::from(sub)] = width;
    }

    Ok(EmbeddedFont {
        id: FontId(format!("Q{index}")),
        parsed,
        widths,
        unicode,
        by_original,
        advance_by_subset,
    })
}

/// Six capitals derived from the glyph set: the same subset always gets the
/// same tag, different subsets of one font (almost always) different ones.
fn subset_tag<'a>(name: &str, gids: impl Iterator<Item = &'a u16>) -> String {
    let mut hash = fnv1a(FNV_OFFSET, name.as_bytes());
    for gid in gids {
        hash = fnv1a(hash, &gid.to_be_bytes());
    }
    (0..6)
        .map(|_| {
            let letter = b'A' + (hash % 26) as u8;
            hash /= 26;
            letter as char
        })
        .collect()
}

/// A face of the family is named by the family and its style, so PDF tools
/// can tell bold from regular; a face standing alone, by its own name.
fn base_font_name(font: &FontResource) -> String {
    let Some(member) = &font.family else { return font.postscript_name.clone() };
    let family = &member.family_name;
    match member.style {
        FamilyStyle::Regular => family.clone(),
        FamilyStyle::Italic => format!("{family}-Italic"),
        FamilyStyle::Bold => format!("{family}-Bold"),
        FamilyStyle::BoldItalic => format!("{family}-BoldItalic"),
    }
}

/// A PostScript name is meant to be printable ASCII without PDF delimiters;
/// anything else would have to be escaped in `/BaseFont` and confuses tools.
fn pdf_name(postscript_name: &str, index: usize) -> String {
    let name: String = postscript_name
        .chars()
        .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
        .collect();
    if name.is_empty() {
        format!("Font{index}")
    } else {
        name
    }
}

/// The `/W` array for `widths`: runs of consecutive ids share one entry.
pub(super) fn width_array(widths: &BTreeMap<u16, f64>) -> Vec<lopdf::Object> {
    let mut out = Vec::new();
    let mut run: Vec<lopdf::Object> = Vec::new();
    let mut start = 0u16;
    let mut next = None;
    for (&gid, &w) in widths {
        if next != Some(gid) && !run.is_empty() {
            out.push(lopdf::Object::Integer(i64::from(start)));
            out.push(lopdf::Object::Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            start = gid;
        }
        run.push(number(w));
        next = gid.checked_add(1);
    }
    if !run.is_empty() {
        out.push(lopdf::Object::Integer(i64::from(start)));
        out.push(lopdf::Object::Array(run));
    }
    out
}

/// Integers where possible: shorter, and what every reader expects in `/W`.
pub(super) fn number(v: f64) -> lopdf::Object {
    let rounded = (v * 1000.0).round() / 1000.0;
    if rounded.fract() == 0.0 && rounded.abs() < 1e9 {
        lopdf::Object::Integer(rounded as i64)
    } else {
        lopdf::Object::Real(rounded as f32)
    }
}
