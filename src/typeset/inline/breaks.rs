//! Line breaks in Chinese and Japanese: between characters, where UAX #14
//! (Unicode line breaking, through `unicode-linebreak`) allows one. Its classes
//! carry kinsoku: no break before closing marks and small kana (。、」ッ),
//! none after opening ones (「（).

use unicode_linebreak::{linebreaks, BreakOpportunity};

use crate::resources::fonts::is_ideographic;

/// Where a word may be cut: at a hyphenation point (a hyphen is added), in
/// a capitalised word (a name, mostly: a hyphen at the style's higher price),
/// after an explicit hyphen or dash (nothing added), or between ideographs
/// (nothing added, and a little stretch for justification).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cut {
    Hyphen,
    CapitalisedHyphen,
    Plain,
    Ideographic,
}

/// How much a break between two ideographs may stretch, in ems: enough for a
/// justified line of them to fill the measure, no more (CJK text is not
/// spaced out between characters otherwise).
pub const IDEOGRAPHIC_STRETCH: f32 = 0.1;

/// Byte offsets inside `text` (a word: no spaces) where a line may break
/// between two characters, at least one of them ideographic, as UAX #14 says.
/// Other breaks (after a hyphen in Latin text) are left to the hyphenation.
pub fn ideographic_break_points(text: &str) -> Vec<usize> {
    if !text.chars().any(is_ideographic) {
        return Vec::new();
    }
    linebreaks(text)
        .filter(|&(at, opportunity)| opportunity == BreakOpportunity::Allowed && at > 0 && at < text.len())
        .filter(|&(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at..].chars().next();
            before.is_some_and(is_ideographic) || after.is_some_and(is_ideographic)
        })
        .map(|(at, _)| at)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        let mut start = 0;
        let mut out = Vec::new();
        for at in ideographic_break_points(text).into_iter().chain([text.len()]) {
            out.push(&text[start..at]);
            start = at;
        }
        out
    }

    #[test]
    fn chinese_breaks_between_characters_but_never_before_a_closing_mark_or_after_an_opening_one() {
        assert_eq!(pieces("中文，「书」。好"), ["中", "文，", "「书」。", "好"]);
    }

    #[test]
    fn japanese_small_kana_and_the_prolonged_sound_mark_do_not_begin_a_line() {
        let parts = pieces("チョコレートです。");
        assert!(parts.iter().all(|p| !p.starts_with(['ョ', 'ー', '。'])), "{parts:?}");
        assert!(parts.len() > 3, "{parts:?}");
    }

    #[test]
    fn latin_text_gets_no_new_breaks() {
        assert!(ideographic_break_points("well-known/path").is_empty());
    }
}
