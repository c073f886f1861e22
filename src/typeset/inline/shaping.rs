//! Shaping: text to positioned glyphs with the font's kerning, ligatures and features.

use std::cell::RefCell;
use std::collections::HashMap;

use rustybuzz::{Direction, Feature, Language, Script, ShapePlan, UnicodeBuffer};

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
    buffer.set_direction(Direction::LeftToRight);
    // What rustybuzz::shape does, but with each plan made once per face, script
    // and features rather than once per word: making plans was a quarter of all
    // the work of building the article.
    buffer.guess_segment_properties();
    let key = PlanKey::new(face, &buffer, features);
    let output = PLANS.with(|plans| {
        let mut plans = plans.borrow_mut();
        // Fonts loaded again by a long-running process get new addresses; a
        // book needs a few plans, so a full table is stale and can go.
        if plans.len() >= 64 && !plans.contains_key(&key) {
            plans.clear();
        }
        let plan = plans.entry(key).or_insert_with_key(|key| {
            let script = (key.script != rustybuzz::script::UNKNOWN).then_some(key.script);
            ShapePlan::new(face, key.direction, script, key.language.as_ref(), features)
        });
        rustybuzz::shape_with_plan(face, plan, buffer)
    });
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

thread_local! {
    static PLANS: RefCell<HashMap<PlanKey, ShapePlan>> = RefCell::new(HashMap::new());
}

/// What a shape plan depends on. A face is known by its data's address and by
/// its table directory, which holds every table's checksum: a different font
/// loaded later at the same address still gets a plan of its own.
#[derive(PartialEq, Eq, Hash)]
struct PlanKey {
    address: usize,
    directory: Vec<u8>,
    direction: Direction,
    script: Script,
    language: Option<Language>,
    features: Vec<(u32, u32, u32, u32)>,
}

impl PlanKey {
    fn new(face: &rustybuzz::Face<'_>, buffer: &UnicodeBuffer, features: &[Feature]) -> Self {
        let data = face.raw_face().data;
        let tables = u16::from_be_bytes([data.get(4).copied().unwrap_or(0), data.get(5).copied().unwrap_or(0)]) as usize;
        PlanKey {
            address: data.as_ptr() as usize,
            directory: data.get(..12 + 16 * tables).unwrap_or(data).to_vec(),
            direction: buffer.direction(),
            script: buffer.script(),
            language: buffer.language(),
            features: features.iter().map(|f| (f.tag.as_u32(), f.value, f.start, f.end)).collect(),
        }
    }
}

/// Parses feature settings written in a style file, such as `"onum"` or `"smcp"`.
pub fn features(tags: &[String]) -> Vec<Feature> {
    tags.iter().filter_map(|t| t.parse::<Feature>().ok()).collect()
}

/// Width of `text` in font units.
pub fn width(face: &rustybuzz::Face<'_>, text: &str) -> i32 {
    shape(face, text, &[]).iter().map(|g| g.x_advance).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cached plans must shape exactly as rustybuzz does with a fresh plan per call,
    /// whichever face and script come first.
    #[test]
    fn cached_plans_shape_as_fresh_ones() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let fonts: Vec<Vec<u8>> = ["LinLibertine_R.otf", "LinLibertine_RB.otf", "LinLibertine_RI.otf"]
            .iter()
            .map(|name| std::fs::read(dir.join(name)).unwrap())
            .collect();
        let faces: Vec<rustybuzz::Face> = fonts.iter().map(|data| rustybuzz::Face::from_slice(data, 0).unwrap()).collect();
        let onum = features(&["onum".to_string()]);
        for round in 0..2 {
            for (i, face) in faces.iter().enumerate() {
                for text in ["office", "1917", "Петроград", "Waffle—“quoted”", "The affair"] {
                    for features in [&[][..], &onum[..]] {
                        let mut buffer = UnicodeBuffer::new();
                        buffer.push_str(text);
                        buffer.set_direction(Direction::LeftToRight);
                        let fresh = rustybuzz::shape(face, features, buffer);
                        let expected: Vec<(u32, i32)> = fresh.glyph_infos().iter().zip(fresh.glyph_positions()).map(|(g, p)| (g.glyph_id, p.x_advance)).collect();
                        let got: Vec<(u32, i32)> = shape(face, text, features).iter().map(|g| (g.id as u32, g.x_advance)).collect();
                        assert_eq!(got, expected, "round {round}, face {i}, {text:?}, {features:?}");
                    }
                }
            }
        }
    }
}
