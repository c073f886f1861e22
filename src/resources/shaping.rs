//! Shaping: text to positioned glyphs with the font's kerning, ligatures and features.
//!
//! A [`Shaper`] is the shaping context of one thread, as parley's
//! `FontContext`: it parses a family's faces once and keeps the shape plans
//! made for them. Two stages shape text: the typesetter's text setter and the
//! EPUB cover; each makes its own shaper.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use rustybuzz::{Direction, Face, Feature, Language, Script, ShapePlan, UnicodeBuffer};

use super::fonts::{FaceStyle, FontFamily};

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

/// A family's faces, parsed for shaping, and the plans made for them so far.
pub struct Shaper<'f> {
    /// The family's words shaped so far, by any thread.
    shaped: &'f ShapedWords,
    /// Indexed by [`FaceStyle::index`]; the fallback and monospaced faces
    /// (or the regular face standing in for them) come last.
    faces: Vec<Face<'f>>,
    /// A plan depends on the face, the script and the features, not on the
    /// text; making one per word was a quarter of all the work of building
    /// the article, and a book needs only a few.
    plans: HashMap<PlanKey, ShapePlan>,
}

/// What a shape plan depends on.
#[derive(PartialEq, Eq, Hash)]
struct PlanKey {
    face: FaceStyle,
    direction: Direction,
    script: Script,
    language: Option<Language>,
    features: Vec<(u32, u32, u32, u32)>,
}

impl<'f> Shaper<'f> {
    pub fn new(fonts: &'f FontFamily) -> Self {
        let faces = fonts
            .styles()
            .into_iter()
            .map(|style| {
                let font = fonts.get(style);
                Face::from_slice(&font.data, font.face_index).expect("font was validated when loaded")
            })
            .collect();
        Shaper { shaped: &fonts.shaped, faces, plans: HashMap::new() }
    }

    /// The face for `style`, for what shaping does not give (outlines, metrics).
    pub fn face(&self, style: FaceStyle) -> &Face<'f> {
        &self.faces[style.index()]
    }

    /// Shapes `text` left to right in `style` with `features` (e.g. `onum`, `smcp`) switched on.
    pub fn shape(&mut self, style: FaceStyle, text: &str, features: &[Feature]) -> Vec<ShapedGlyph> {
        self.shape_in(style, text, features, false)
    }

    /// [`Shaper::shape`], right to left if `right_to_left` (a Hebrew or Arabic
    /// word): the glyphs then come in visual order, from the left, their
    /// clusters descending, and Arabic letters take their joining forms.
    pub fn shape_in(&mut self, style: FaceStyle, text: &str, features: &[Feature], right_to_left: bool) -> Vec<ShapedGlyph> {
        let setting = Setting { face: style, right_to_left, features: features.iter().map(|f| (f.tag.as_u32(), f.value, f.start, f.end)).collect() };
        if let Some(glyphs) = self.shaped.get(&setting, text) {
            return glyphs;
        }
        let glyphs = self.shape_afresh(style, text, features, right_to_left);
        self.shaped.put(setting, text, &glyphs);
        glyphs
    }

    fn shape_afresh(&mut self, style: FaceStyle, text: &str, features: &[Feature], right_to_left: bool) -> Vec<ShapedGlyph> {
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(if right_to_left { Direction::RightToLeft } else { Direction::LeftToRight });
        // What rustybuzz::shape does, but with a plan kept for each face, script and features.
        buffer.guess_segment_properties();
        let key = PlanKey {
            face: style,
            direction: buffer.direction(),
            script: buffer.script(),
            language: buffer.language(),
            features: features.iter().map(|f| (f.tag.as_u32(), f.value, f.start, f.end)).collect(),
        };
        let face = &self.faces[style.index()];
        let plan = self.plans.entry(key).or_insert_with_key(|key| {
            let script = (key.script != rustybuzz::script::UNKNOWN).then_some(key.script);
            ShapePlan::new(face, key.direction, script, key.language.as_ref(), features)
        });
        let output = rustybuzz::shape_with_plan(face, plan, buffer);
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

    /// Width of `text` in `style`, in font units.
    pub fn width(&mut self, style: FaceStyle, text: &str) -> i32 {
        self.shape(style, text, &[]).iter().map(|g| g.x_advance).sum()
    }
}

/// What a shaped word depends on besides its text (the script and language
/// are the text's own).
#[derive(PartialEq, Eq, Hash)]
struct Setting {
    face: FaceStyle,
    right_to_left: bool,
    features: Vec<(u32, u32, u32, u32)>,
}

/// The words a family's shapers have shaped, shared by the threads of a
/// build: the reader edition and each booklet set the same words, and
/// shaping them once rather than once per edition was a tenth of the
/// article's build. A word's glyphs depend only on its face, direction,
/// features and text, so the table never needs to forget one.
#[derive(Default)]
pub struct ShapedWords {
    words: Mutex<FxHashMap<Setting, FxHashMap<Box<str>, Arc<[ShapedGlyph]>>>>,
}

impl ShapedWords {
    fn get(&self, setting: &Setting, text: &str) -> Option<Vec<ShapedGlyph>> {
        let words = self.words.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        words.get(setting)?.get(text).map(|glyphs| glyphs.to_vec())
    }

    fn put(&self, setting: Setting, text: &str, glyphs: &[ShapedGlyph]) {
        let mut words = self.words.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        words.entry(setting).or_default().insert(text.into(), glyphs.into());
    }
}

impl std::fmt::Debug for ShapedWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShapedWords")
    }
}

/// Parses feature settings written in a style file, such as `"onum"` or `"smcp"`.
pub fn features(tags: &[String]) -> Vec<Feature> {
    tags.iter().filter_map(|t| t.parse::<Feature>().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cached plans must shape exactly as rustybuzz does with a fresh plan per call,
    /// whichever face and script come first.
    #[test]
    fn cached_plans_shape_as_fresh_ones() {
        let family = crate::resources::Resources::built_in().fonts().unwrap();
        let mut shaper = Shaper::new(&family);
        let onum = features(&["onum".to_string()]);
        for round in 0..2 {
            for style in family.styles() {
                let face = Face::from_slice(&family.get(style).data, 0).unwrap();
                for text in ["office", "1917", "Петроград", "Waffle—“quoted”", "The affair"] {
                    for features in [&[][..], &onum[..]] {
                        let mut buffer = UnicodeBuffer::new();
                        buffer.push_str(text);
                        buffer.set_direction(Direction::LeftToRight);
                        let fresh = rustybuzz::shape(&face, features, buffer);
                        let expected: Vec<(u32, i32)> = fresh.glyph_infos().iter().zip(fresh.glyph_positions()).map(|(g, p)| (g.glyph_id, p.x_advance)).collect();
                        let got: Vec<(u32, i32)> = shaper.shape(style, text, features).iter().map(|g| (g.id as u32, g.x_advance)).collect();
                        assert_eq!(got, expected, "round {round}, {style:?}, {text:?}, {features:?}");
                    }
                }
            }
        }
    }
}
