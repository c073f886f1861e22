//! Glyph coverage: every character the editions would draw that the book's faces
//! lack, found on the model and worded in one place, whoever finds it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, LineIndex};
use crate::model::walk::{leaves, Emphasis, Leaf, Run};
use crate::model::Book;
use crate::resources::fonts::{FaceStyle, FontFamily};

/// Each character the editions would draw that a face lacks, with the first face lacking it.
pub fn unsupported(book: &Book, fonts: &FontFamily) -> BTreeMap<char, FaceStyle> {
    let mut missing = BTreeMap::new();
    // The faces that draw every printable ASCII character (as a book's faces
    // do): in their text only the other characters need looking up.
    let mut covers_ascii: Vec<(FaceStyle, bool)> = Vec::new();
    let mut look = |text: &str, face: Option<FaceStyle>| {
        let Some(face) = face else { return };
        let font = fonts.get(face);
        let ascii_drawn = match covers_ascii.iter().find(|(f, _)| *f == face) {
            Some(&(_, covered)) => covered,
            None => {
                let covered = (b'!'..=b'~').all(|b| font.has_glyph(char::from(b)));
                covers_ascii.push((face, covered));
                covered
            }
        };
        let mut check = |c: char| {
            if !is_invisible(c) && !font.has_glyph(c) {
                missing.entry(c).or_insert(face);
            }
        };
        if !ascii_drawn {
            text.chars().for_each(check);
            return;
        }
        // ASCII's invisible characters are skipped as well: whitespace and controls.
        let mut rest = text;
        while let Some(at) = rest.bytes().position(|b| !b.is_ascii()) {
            let Some(c) = rest[at..].chars().next() else { break };
            check(c);
            rest = &rest[at + c.len_utf8()..];
        }
    };
    let m = &book.metadata;
    look(&m.title, Some(FaceStyle::Bold));
    look(m.subtitle.as_deref().unwrap_or(""), Some(FaceStyle::Italic));
    look(m.author.as_deref().unwrap_or(""), Some(FaceStyle::Regular));
    book.runs(&mut |run| match run {
        Run::Inlines { content, heading } => {
            let base = if heading { FaceStyle::Bold } else { FaceStyle::Regular };
            leaves(content, Emphasis::default(), &mut |leaf, emphasis| {
                let face = face_of(base, emphasis);
                match leaf {
                    Leaf::Text(t) => look(t, Some(face)),
                    Leaf::Code(t) | Leaf::Math(t) => look(t, Some(FaceStyle::Mono)),
                    Leaf::Url(url) => look(url, None),
                    Leaf::Image(image) => {
                        look(&image.src, None);
                        look(&image.alt, Some(face))
                    }
                    Leaf::Language(_) | Leaf::NoteRef(_) | Leaf::LineBreak => {}
                }
            })
        }
        Run::Verbatim(code) => look(code, Some(FaceStyle::Mono)),
    });
    missing
}

/// The face text is drawn in: the block's own, italic and bold as its emphasis says.
fn face_of(base: FaceStyle, emphasis: Emphasis) -> FaceStyle {
    let face = if emphasis.italic { base.with_italic() } else { base };
    if emphasis.bold {
        face.with_bold()
    } else {
        face
    }
}

/// Han ideographs, kana, Hangul and their punctuation: what only a CJK face draws.
fn is_cjk(c: char) -> bool {
    crate::resources::fonts::is_ideographic(c) || matches!(c, '\u{ac00}'..='\u{d7af}')
}

/// Spaces, controls and default-ignorable characters: the shaper draws nothing for them.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{ad}' | '\u{34f}' | '\u{180b}'..='\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{e0000}'..='\u{e0fff}')
}

/// The warning for a character `face` lacks. `source` is the manuscript's text
/// when the character comes from it (the warning then points at its first
/// occurrence); `None` when the editions' own words, from the style, hold it.
pub fn missing_glyph(path: &Path, source: Option<&str>, character: char, face: FaceStyle, fonts: &FontFamily) -> Diagnostic {
    let font = fonts.get(face);
    let fallback = fonts.fallback_for(character).map(|face| fonts.get(face).file_name.as_str());
    let face_name = match face {
        FaceStyle::Regular => "the body font",
        FaceStyle::Italic => "the italic face",
        FaceStyle::Bold => "the bold face",
        FaceStyle::BoldItalic => "the bold italic face",
        FaceStyle::Fallback(_) => "the fallback face",
        FaceStyle::Mono => "the monospaced face",
    };
    let at = source.and_then(|text| text.find(character).map(|offset| LineIndex::new(text, 1).position(offset)));
    let made_by = match (source, at) {
        (Some(_), Some(_)) => "",
        (Some(_), None) => " (made by smart punctuation)",
        (None, _) => " (in the style's own text)",
    };
    let (outcome, help) = match fallback {
        Some(name) => (
            format!("the PDF sets it in the fallback face ({name})"),
            "replace the character, or choose a book face that has it in styles/fonts.toml",
        ),
        None if is_cjk(character) => (
            "the PDF prints it as a blank box".to_owned(),
            "Chinese, Japanese and Korean need a CJK face: install Debian's `fonts-noto-cjk` (apt install fonts-noto-cjk), and list it among the fallbacks in styles/fonts.toml: fallback = [\"DejaVuSans.ttf\", { path = \"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc\", index = 2 }] (index 2 is Simplified Chinese, 0 Japanese)",
        ),
        None => (
            "the PDF prints it as a blank box".to_owned(),
            "replace the character, or put a font that has it in fonts/ and name it as `fallback` in styles/fonts.toml",
        ),
    };
    let warning = Diagnostic::warning(
        path,
        at,
        format!("{face_name} ({}) has no glyph for {character:?} (U+{:04X}){made_by}; {outcome}", font.file_name, character as u32),
    )
    .with_help(help);
    match source {
        Some(text) => warning.with_source(text),
        None => warning,
    }
}

/// The warning for a word the PDF had to cut at the measure (no hyphen, no
/// punctuation to break at let it fit). `source` is the manuscript's text,
/// to place the word's first occurrence.
pub fn cut_word(path: &Path, source: Option<&str>, word: &str) -> Diagnostic {
    let characters = word.chars().count();
    let named: String = if characters > 40 { format!("{}…", word.chars().take(40).collect::<String>()) } else { word.to_owned() };
    let at = source.and_then(|text| text.find(word).map(|offset| LineIndex::new(text, 1).position(offset)));
    let warning = Diagnostic::warning(path, at, format!("the word `{named}` ({characters} characters) is wider than a line; the PDF cuts it where the line ends, without a hyphen"))
        .with_help("give it a place to break: a hyphen, a space, or a soft hyphen (&shy;) where it may be divided");
    match (source, at) {
        (Some(text), Some(_)) => warning.with_source(text),
        _ => warning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_character_no_face_has_names_the_package_to_install() {
        let fonts = crate::resources::Resources::built_in().fonts().unwrap();
        let warning = missing_glyph(Path::new("book.md"), Some("中文"), '中', FaceStyle::Regular, &fonts);
        assert!(warning.message.contains("'中'") && warning.message.contains("blank box"), "{}", warning.message);
        assert!(warning.help.as_deref().is_some_and(|h| h.contains("fonts-noto-cjk")), "{:?}", warning.help);
        let latin = missing_glyph(Path::new("book.md"), None, '\u{e000}', FaceStyle::Regular, &fonts);
        assert!(!latin.help.as_deref().unwrap_or("").contains("cjk"));
    }

    #[test]
    fn invisible_characters_are_not_glyphs() {
        assert!(is_invisible('\u{200d}') && is_invisible('\u{fe0f}') && is_invisible(' '));
        assert!(!is_invisible('ж') && !is_invisible('😀'));
    }
}
