//! Loading the book's font family, as `styles/fonts.toml` names it: from files
//! in a `fonts/` folder or from the bytes of the built-in fonts.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

/// File names of the four faces, relative to the fonts folder.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FontFiles {
    pub regular: String,
    pub italic: String,
    pub bold: String,
    pub bold_italic: String,
    /// A face with wide coverage for characters the book face lacks, so that
    /// they print instead of leaving a blank box. Print editions only.
    #[serde(default)]
    pub fallback: Option<String>,
    /// A monospaced face for code (print editions). A list without it sets
    /// code in the regular face.
    #[serde(default)]
    pub mono: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaceStyle {
    Regular,
    Italic,
    Bold,
    BoldItalic,
    /// The fallback face, for characters none of the four faces has.
    Fallback,
    /// The monospaced face, for code.
    Mono,
}

impl FaceStyle {
    pub const ALL: [FaceStyle; 4] = [FaceStyle::Regular, FaceStyle::Italic, FaceStyle::Bold, FaceStyle::BoldItalic];

    /// The fallback and monospaced faces have one style only.
    pub fn with_italic(self) -> Self {
        match self {
            FaceStyle::Regular | FaceStyle::Italic => FaceStyle::Italic,
            FaceStyle::Bold | FaceStyle::BoldItalic => FaceStyle::BoldItalic,
            FaceStyle::Fallback | FaceStyle::Mono => self,
        }
    }

    pub fn with_bold(self) -> Self {
        match self {
            FaceStyle::Regular | FaceStyle::Bold => FaceStyle::Bold,
            FaceStyle::Italic | FaceStyle::BoldItalic => FaceStyle::BoldItalic,
            FaceStyle::Fallback | FaceStyle::Mono => self,
        }
    }
}

#[derive(Debug, Clone)]
pub struct LoadedFont {
    pub file_name: String,
    /// Borrowed from the binary for a built-in font: they are a few megabytes.
    pub data: Arc<Cow<'static, [u8]>>,
    pub postscript_name: String,
    pub units_per_em: u16,
    /// Where a rule through the text (strikethrough) goes, from the font's
    /// OS/2 table: its centre above the baseline and its thickness, in ems.
    pub strikeout: Strikeout,
    /// The characters of the Basic Multilingual Plane the font has a glyph
    /// for, one bit each. Asking the cmap for every character of a book (to
    /// find those that need the fallback face) was a tenth of a long build.
    basic_plane: Arc<Vec<u64>>,
}

impl LoadedFont {
    /// Whether the cmap maps `c` to a real glyph (not `.notdef`).
    pub fn has_glyph(&self, c: char) -> bool {
        let code = c as usize;
        match self.basic_plane.get(code / 64) {
            Some(bits) if code < 0x10000 => bits & (1 << (code % 64)) != 0,
            _ => maps_to_a_glyph(&self.face(), c),
        }
    }

    pub fn face(&self) -> ttf_parser::Face<'_> {
        // Checked when loaded, so parsing again cannot fail.
        ttf_parser::Face::parse(&self.data, 0).expect("font was validated when loaded")
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
    pub fallback: Option<LoadedFont>,
    pub mono: Option<LoadedFont>,
}

impl FontFamily {
    /// The face for `style`; the regular face stands in for a fallback that
    /// is not configured (no text is ever given that style then), and for a
    /// monospaced face that is not (code is then set in it).
    pub fn get(&self, style: FaceStyle) -> &LoadedFont {
        match style {
            FaceStyle::Fallback => self.fallback.as_ref().unwrap_or(&self.faces[0]),
            FaceStyle::Mono => self.mono.as_ref().unwrap_or(&self.faces[0]),
            _ => &self.faces[style as usize],
        }
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
pub fn parse_font(path: &Path, data: Cow<'static, [u8]>) -> Result<LoadedFont, FontError> {
    let error = |message: String| FontError { path: path.to_path_buf(), message };
    let face = ttf_parser::Face::parse(&data, 0).map_err(|e| error(format!("not an OpenType font: {e}")))?;
    let postscript_name = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        // The Macintosh record is plain ASCII; ttf-parser decodes only the Unicode ones.
        .find_map(|n| n.to_string().or_else(|| String::from_utf8(n.name.to_vec()).ok()))
        .unwrap_or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
    let units_per_em = face.units_per_em();
    let file_name = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let basic_plane = Arc::new(basic_plane_coverage(&face));
    let em = f32::from(units_per_em.max(1));
    // A font without the metrics: the rule through the middle of the small letters.
    let strikeout = face
        .strikeout_metrics()
        .filter(|m| m.thickness > 0)
        .map_or(Strikeout { height: 0.25, thickness: 0.05 }, |m| Strikeout { height: (f32::from(m.position) + f32::from(m.thickness) / 2.0) / em, thickness: f32::from(m.thickness) / em });
    Ok(LoadedFont { file_name, data: Arc::new(data), postscript_name, units_per_em, strikeout, basic_plane })
}

/// Glyph 0 is `.notdef`, the box a font draws for what it lacks: some cmaps
/// map U+FFFF to it.
fn maps_to_a_glyph(face: &ttf_parser::Face<'_>, c: char) -> bool {
    face.glyph_index(c).is_some_and(|glyph| glyph.0 != 0)
}

/// One bit per character below U+10000 that `face` maps to a glyph. The
/// cmap's own list of code points gives the candidates; `glyph_index`, which
/// the shaper relies on, has the last word on each.
fn basic_plane_coverage(face: &ttf_parser::Face<'_>) -> Vec<u64> {
    let mut bits = vec![0u64; 0x10000 / 64];
    for subtable in face.tables().cmap.into_iter().flat_map(|cmap| cmap.subtables).filter(|t| t.is_unicode()) {
        subtable.codepoints(|code| {
            let Some(c) = char::from_u32(code).filter(|_| code < 0x10000) else { return };
            if maps_to_a_glyph(face, c) {
                bits[code as usize / 64] |= 1 << (code % 64);
            }
        });
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coverage_bits_agree_with_the_cmap_for_every_character_of_every_bundled_face() {
        let family = crate::resources::Resources::built_in().fonts().unwrap();
        let fonts: Vec<&LoadedFont> = family.faces.iter().chain(&family.fallback).chain(&family.mono).collect();
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
