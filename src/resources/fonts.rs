//! Loading the book's font family, as `styles/fonts.toml` names it: from files
//! in a `fonts/` folder or from the bytes of the built-in fonts.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

/// File names of the four faces, relative to the fonts folder.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FontFiles {
    pub regular: String,
    pub italic: String,
    pub bold: String,
    pub bold_italic: String,
    /// Faces for characters the book face lacks, tried in order for each
    /// character, so that they print instead of leaving a blank box: one
    /// name or a list. Print editions only.
    #[serde(default)]
    pub fallback: Fallbacks,
    /// A monospaced face for code (print editions). A list without it sets
    /// code in the regular face.
    #[serde(default)]
    pub mono: Option<String>,
}

/// `fallback = "DejaVuSans.ttf"` or a list of such entries.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(untagged)]
pub enum Fallbacks {
    #[default]
    None,
    One(FaceFile),
    List(Vec<FaceFile>),
}

impl Fallbacks {
    pub fn entries(&self) -> &[FaceFile] {
        match self {
            Fallbacks::None => &[],
            Fallbacks::One(entry) => std::slice::from_ref(entry),
            Fallbacks::List(entries) => entries,
        }
    }
}

/// A font file: a name in the fonts folder or a path; for a collection
/// (`.ttc`), `{ path = "…", index = N }` picks its face N.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum FaceFile {
    Name(String),
    InCollection { path: String, index: u32 },
}

impl FaceFile {
    pub fn path(&self) -> &str {
        match self {
            FaceFile::Name(path) | FaceFile::InCollection { path, .. } => path,
        }
    }

    pub fn index(&self) -> u32 {
        match self {
            FaceFile::Name(_) => 0,
            FaceFile::InCollection { index, .. } => *index,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaceStyle {
    Regular,
    Italic,
    Bold,
    BoldItalic,
    /// The fallback faces, in the order `fonts.toml` lists them, for
    /// characters none of the four faces has.
    Fallback(u8),
    /// The monospaced face, for code.
    Mono,
}

impl FaceStyle {
    pub const ALL: [FaceStyle; 4] = [FaceStyle::Regular, FaceStyle::Italic, FaceStyle::Bold, FaceStyle::BoldItalic];

    /// The face's place among the family's faces (the shaper's and the PDF's
    /// font ids): the four styles, the first fallback, the monospaced face,
    /// then the other fallbacks; a book with one fallback numbers its fonts
    /// as before fallbacks were a list.
    pub fn index(self) -> usize {
        match self {
            FaceStyle::Regular => 0,
            FaceStyle::Italic => 1,
            FaceStyle::Bold => 2,
            FaceStyle::BoldItalic => 3,
            FaceStyle::Fallback(0) => 4,
            FaceStyle::Mono => 5,
            FaceStyle::Fallback(n) => 5 + usize::from(n),
        }
    }

    /// The fallback and monospaced faces have one style only.
    pub fn with_italic(self) -> Self {
        match self {
            FaceStyle::Regular | FaceStyle::Italic => FaceStyle::Italic,
            FaceStyle::Bold | FaceStyle::BoldItalic => FaceStyle::BoldItalic,
            FaceStyle::Fallback(_) | FaceStyle::Mono => self,
        }
    }

    pub fn with_bold(self) -> Self {
        match self {
            FaceStyle::Regular | FaceStyle::Bold => FaceStyle::Bold,
            FaceStyle::Italic | FaceStyle::BoldItalic => FaceStyle::BoldItalic,
            FaceStyle::Fallback(_) | FaceStyle::Mono => self,
        }
    }
}

#[derive(Debug, Clone)]
pub struct LoadedFont {
    pub file_name: String,
    /// The face's index in its file: 0 but in a collection (`.ttc`).
    pub face_index: u32,
    /// Borrowed from the binary for a built-in font: they are a few megabytes.
    pub data: Arc<Cow<'static, [u8]>>,
    pub postscript_name: String,
    pub units_per_em: u16,
    /// Where a rule through the text (strikethrough) goes, from the font's
    /// OS/2 table: its centre above the baseline and its thickness, in ems.
    pub strikeout: Strikeout,
    /// The characters of the Basic Multilingual Plane the font has a glyph
    /// for, one bit each, in blocks of 64. Asking the cmap for every character
    /// of a book (to find those that need the fallback face) was a tenth of a
    /// long build. A block is made when first asked: a book asks for a few
    /// blocks of each face, and the whole plane of four faces cost a
    /// fiftieth of the article's build.
    basic_plane: Arc<[OnceLock<u64>]>,
    /// The file's digest, made when first asked and shared by the clones.
    digest: Arc<OnceLock<[u8; 16]>>,
}

impl LoadedFont {
    /// What names the font among the inputs of what is kept from it (its
    /// subsets, the EPUB's cover): its file's digest, made once for the
    /// process. Each edition hashed the whole files for its keys, a
    /// twentieth of the article's build.
    pub fn digest(&self) -> &[u8; 16] {
        self.digest.get_or_init(|| crate::resources::kept::digest(&self.data))
    }

    /// Whether the cmap maps `c` to a real glyph (not `.notdef`).
    pub fn has_glyph(&self, c: char) -> bool {
        let code = c as usize;
        match self.basic_plane.get(code / 64) {
            Some(block) => block.get_or_init(|| block_coverage(&self.face(), code / 64)) & (1 << (code % 64)) != 0,
            None => maps_to_a_glyph(&self.face(), c),
        }
    }

    pub fn face(&self) -> ttf_parser::Face<'_> {
        // Checked when loaded, so parsing again cannot fail.
        ttf_parser::Face::parse(&self.data, self.face_index).expect("font was validated when loaded")
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strikeout {
    pub height: f32,
    pub thickness: f32,
}

#[derive(Debug, Clone)]
pub struct FontFamily {
    /// In the order of [`FaceStyle::ALL`].
    pub faces: Vec<LoadedFont>,
    /// Tried in order for each character the book face lacks.
    pub fallbacks: Vec<LoadedFont>,
    pub mono: Option<LoadedFont>,
    /// What loading the family found wrong but could go on without (a
    /// fallback face that is not there).
    pub warnings: Vec<crate::diagnostics::Diagnostic>,
    /// Words shaped in these faces, for every thread that sets them.
    pub shaped: Arc<super::shaping::ShapedWords>,
}

impl FontFamily {
    /// The face for `style`; the regular face stands in for a fallback that
    /// is not configured (no text is ever given that style then), and for a
    /// monospaced face that is not (code is then set in it).
    pub fn get(&self, style: FaceStyle) -> &LoadedFont {
        match style {
            FaceStyle::Fallback(n) => self.fallbacks.get(usize::from(n)).unwrap_or(&self.faces[0]),
            FaceStyle::Mono => self.mono.as_ref().unwrap_or(&self.faces[0]),
            _ => &self.faces[style.index()],
        }
    }

    /// Every face, in the order of [`FaceStyle::index`]; the first fallback
    /// is there even when none is configured (the regular face stands in).
    pub fn styles(&self) -> Vec<FaceStyle> {
        let further = (1..self.fallbacks.len()).map(|n| FaceStyle::Fallback(n as u8));
        FaceStyle::ALL.into_iter().chain([FaceStyle::Fallback(0), FaceStyle::Mono]).chain(further).collect()
    }

    /// The first fallback face that has `c`.
    pub fn fallback_for(&self, c: char) -> Option<FaceStyle> {
        self.fallbacks.iter().position(|f| f.has_glyph(c)).map(|n| FaceStyle::Fallback(n as u8))
    }
}

#[derive(Debug)]
pub struct FontError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for FontError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// The font list in `text`, read from `path`; an error comes with its byte offset when it has one.
pub fn parse_font_files(path: &Path, text: &str) -> Result<FontFiles, (FontError, Option<usize>)> {
    toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|span| span.start);
        (FontError { path: path.to_path_buf(), message: format!("invalid font list: {}", e.message()) }, offset)
    })
}

/// The font in `data`, read from `path` (which names it: its file name is the
/// face's name in the EPUB).
/// `face_index` picks a face of a collection (`.ttc`); 0 for a single font.
pub fn parse_font(path: &Path, data: Cow<'static, [u8]>, face_index: u32) -> Result<LoadedFont, FontError> {
    let error = |message: String| FontError { path: path.to_path_buf(), message };
    let faces = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
    if face_index >= faces {
        return Err(error(format!("has {faces} face(s); there is no face {face_index} (the first is 0)")));
    }
    let face = ttf_parser::Face::parse(&data, face_index).map_err(|e| error(format!("not an OpenType font: {e}")))?;
    let postscript_name = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        // The Macintosh record is plain ASCII; ttf-parser decodes only the Unicode ones.
        .find_map(|n| n.to_string().or_else(|| String::from_utf8(n.name.to_vec()).ok()))
        .unwrap_or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
    let units_per_em = face.units_per_em();
    let file_name = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let basic_plane = (0..0x10000 / 64).map(|_| OnceLock::new()).collect();
    let em = f32::from(units_per_em.max(1));
    // A font without the metrics: the rule through the middle of the small letters.
    let strikeout = face
        .strikeout_metrics()
        .filter(|m| m.thickness > 0)
        .map_or(Strikeout { height: 0.25, thickness: 0.05 }, |m| Strikeout { height: (f32::from(m.position) + f32::from(m.thickness) / 2.0) / em, thickness: f32::from(m.thickness) / em });
    Ok(LoadedFont { file_name, face_index, data: Arc::new(data), postscript_name, units_per_em, strikeout, basic_plane, digest: Arc::default() })
}

/// Glyph 0 is `.notdef`, the box a font draws for what it lacks: some cmaps
/// map U+FFFF to it.
fn maps_to_a_glyph(face: &ttf_parser::Face<'_>, c: char) -> bool {
    face.glyph_index(c).is_some_and(|glyph| glyph.0 != 0)
}

/// One bit for each of the 64 characters of `block` (U+0000–U+003F is block 0)
/// that `face` maps to a glyph, as `glyph_index`, which the shaper relies on, says.
fn block_coverage(face: &ttf_parser::Face<'_>, block: usize) -> u64 {
    let first = block as u32 * 64;
    (0..64u32).filter(|n| char::from_u32(first + n).is_some_and(|c| maps_to_a_glyph(face, c))).fold(0, |bits, n| bits | 1 << n)
}

/// Han ideographs, kana, bopomofo and CJK and full-width punctuation: the
/// characters that break between each other.
pub fn is_ideographic(c: char) -> bool {
    matches!(c, '\u{2e80}'..='\u{2fdf}' | '\u{3000}'..='\u{30ff}' | '\u{3100}'..='\u{31ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}' | '\u{20000}'..='\u{3134f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coverage_bits_agree_with_the_cmap_for_every_character_of_every_bundled_face() {
        let family = crate::resources::Resources::built_in().fonts().unwrap();
        let fonts: Vec<&LoadedFont> = family.faces.iter().chain(&family.fallbacks).chain(&family.mono).collect();
        assert_eq!(fonts.len(), 6, "four faces, the fallback and the monospaced face");
        for font in fonts {
            let face = font.face();
            let mut covered = 0;
            for c in (0..0x11000).filter_map(char::from_u32) {
                let expected = face.glyph_index(c).is_some_and(|glyph| glyph.0 != 0);
                assert_eq!(font.has_glyph(c), expected, "{} and {c:?} (U+{:04X})", font.file_name, c as u32);
                covered += usize::from(expected);
            }
            assert!(covered > 500, "{} covers {covered} characters", font.file_name);
        }
    }
}
