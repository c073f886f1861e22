//! The EPUB's fonts, cut down to the characters its documents use.
//!
//! A reading system shapes the text itself, so each subset must stay a complete
//! OpenType font: a `cmap` for the characters kept, and `GSUB`/`GPOS` for the
//! ligatures, kerning and features among them. skera (fontations' port of
//! hb-subset) builds all of that, and closes the glyph set over GSUB so a
//! ligature made of kept characters keeps its glyph, but it cannot subset CFF
//! outlines yet; subsetter (which quire's PDF already uses) supplies the `CFF `
//! table. Both number the kept glyphs in ascending order of their old ids, and
//! the subsetter is fed skera's numbering explicitly, so the two agree.
//!
//! The fonts are under the SIL Open Font License, which allows subsetting; the
//! subsets keep their names (see the README on the Reserved Font Name clause).

use std::collections::BTreeSet;

use skera::{subset_font, Plan, SubsetFlags, DEFAULT_DROP_TABLES, DEFAULT_LAYOUT_FEATURES};
use write_fonts::read::collections::IntSet;
use write_fonts::read::types::{GlyphId, NameId, Tag};
use write_fonts::read::{FontRef, TableProvider};
use write_fonts::FontBuilder;

const CFF: Tag = Tag::new(b"CFF ");
const CFF2: Tag = Tag::new(b"CFF2");

/// The name records kept: family, style, version and PostScript names (0–6), as
/// hb-subset keeps by default, and the licence and its URL (13, 14), which the
/// OFL asks to travel with the font.
const NAME_IDS: [u16; 9] = [0, 1, 2, 3, 4, 5, 6, 13, 14];
const ENGLISH_US: u16 = 0x0409;

/// What [`subset`] makes its subsets with, for the build's store of them: to be
/// changed with skera's or subsetter's version or with the splice below.
pub const SUBSET_KIND: &str = "epub-font skera-0.9.0 subsetter-0.2.6";

/// A complete OpenType font holding only what `characters` need.
pub fn subset(font: &[u8], characters: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    let source = FontRef::new(font).map_err(|e| format!("cannot read the font: {e}"))?;
    if source.data_for_tag(CFF2).is_some() {
        // skera drops CFF2 outlines and the splice below is written for CFF only;
        // a whole font is larger but correct.
        return Ok(font.to_vec());
    }
    let unicodes: IntSet<u32> = characters.iter().map(|&c| c as u32).collect();
    let mut all_scripts = IntSet::<Tag>::empty();
    all_scripts.invert();
    let plan = Plan::new(
        &IntSet::<GlyphId>::empty(),
        &unicodes,
        &source,
        SubsetFlags::default(),
        &DEFAULT_DROP_TABLES.iter().copied().collect(),
        &all_scripts,
        &DEFAULT_LAYOUT_FEATURES.iter().copied().collect(),
        &NAME_IDS.iter().map(|&id| NameId::new(id)).collect(),
        &[ENGLISH_US].into_iter().collect(),
    );
    let tables = subset_font(&source, &plan).map_err(|e| format!("cannot subset the font: {e}"))?;
    if source.data_for_tag(CFF).is_none() {
        // TrueType outlines: skera subsets glyf and loca itself.
        return Ok(tables);
    }

    let mut mapping: Vec<(GlyphId, GlyphId)> = plan.old_to_new_glyph_mapping().collect();
    mapping.sort_by_key(|&(_, new)| new);
    let mut remapper = subsetter::GlyphRemapper::new();
    for (position, &(old, new)) in mapping.iter().enumerate() {
        let old = u16::try_from(old.to_u32()).map_err(|_| "glyph id out of range")?;
        if new.to_u32() as usize != position || remapper.remap(old) as usize != position {
            return Err(format!("glyph {old} would be numbered differently in the outlines and the layout tables"));
        }
    }
    let outlines = subsetter::subset(font, 0, &remapper).map_err(|e| format!("cannot subset the font's outlines: {e}"))?;
    let outlines = FontRef::new(&outlines).map_err(|e| format!("cannot read the subset outlines: {e}"))?;
    let cff = outlines.data_for_tag(CFF).ok_or("the subset outlines have no CFF table")?;
    let tables = FontRef::new(&tables).map_err(|e| format!("cannot read the subset font: {e}"))?;
    Ok(FontBuilder::new().add_raw(CFF, cff.as_bytes()).copy_missing_tables(tables).build())
}

/// The characters an XHTML document shows: its text, with entities decoded,
/// outside tags. The EPUB's documents are quire's own, well-formed and simple,
/// so a scan is enough; attribute values (ids, alt text) are not set in the book face.
pub fn characters_shown(xhtml: &str, into: &mut BTreeSet<char>) {
    let mut rest = xhtml;
    // Skip the XML declaration, doctype and head: nothing there is set in the book face
    // (the title element is shown by some readers, but in their own interface font).
    if let Some(body) = rest.find("<body") {
        rest = &rest[body..];
    }
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
            }
            '&' => {
                let end = rest.find(';').unwrap_or(rest.len());
                if let Some(decoded) = entity(&rest[1..end]) {
                    into.insert(decoded);
                }
                rest = rest.get(end + 1..).unwrap_or("");
            }
            _ => {
                if !c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2009}' {
                    into.insert(c);
                }
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    // Word spaces are set in the book face too.
    into.insert(' ');
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let code = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"));
            let value = match code {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => name.strip_prefix('#')?.parse().ok()?,
            };
            char::from_u32(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_entities_but_not_markup() {
        let mut chars = BTreeSet::new();
        characters_shown("<html><head><title>Q</title></head><body><p class=\"x\">a&amp;b&#8617;&#x2014;</p></body></html>", &mut chars);
        assert_eq!(chars.into_iter().collect::<String>(), " &ab—↩");
    }
}
