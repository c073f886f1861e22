//! Shaping: text to positioned glyphs with the font's kerning, ligatures and features.

use rustybuzz::{Feature, UnicodeBuffer};

/// One shaped glyph, in font units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapedGlyph {
    pub id: u16,
    /// Byte offset in the shaped text of the cluster this glyph belongs to.
    pub cluster: usize,
    pub x_advance: i32,
    pub x_offset: i32,
    pub y_offset: i32,
}

/// Shapes `text` left to right with `features` (e.g. `onum`, `smcp`) switched on.
pub fn shape(face: &rustybuzz::Face<'_>, text: &str, features: &[Feature]) -> Vec<ShapedGlyph> {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(rustybuzz::Direction::LeftToRight);
    let output = rustybuzz::shape(face, features, buffer);
    output
        .glyph_infos()
        .iter()
        .zip(output.glyph_positions())
        .map(|(info, pos)| ShapedGlyph {
            id: info.glyph_id as u16,
            cluster: info.cluster as usize,
            x_advance: pos.x_advance,
            x_offset: pos.x_offset,
            y_offset: pos.y_offset,
        })
        .collect()
}

/// Parses feature settings written in a style file, such as `"onum"` or `"smcp"`.
pub fn features(tags: &[String]) -> Vec<Feature> {
    tags.iter().filter_map(|t| t.parse::<Feature>().ok()).collect()
}

/// Width of `text` in font units.
pub fn width(face: &rustybuzz::Face<'_>, text: &str) -> i32 {
    shape(face, text, &[]).iter().map(|g| g.x_advance).sum()
}
