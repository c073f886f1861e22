//! Right-to-left text in print: each set line's words put in visual order
//! by the Unicode bidirectional algorithm (UAX #9), at the level of words.
//!
//! Words are shaped in their own direction (a Hebrew word's glyphs come out
//! of the shaper already right to left), so a line needs only its words and
//! spaces reordered: each stands in the algorithm as one character of its
//! class (a strong right-to-left letter, a strong left-to-right one, a
//! number, a space or other neutral), and the algorithm's levels give the
//! order in which they are laid out from the left.

use unicode_bidi::{bidi_class, BidiClass, BidiInfo, Level};

/// Whether `c` is a strong right-to-left character (Hebrew, Arabic, Syriac, Thaana, N'Ko…).
/// None comes before Hebrew (U+0590): most text is answered without the table.
fn is_right_to_left(c: char) -> bool {
    c >= '\u{590}' && matches!(bidi_class(c), BidiClass::R | BidiClass::AL)
}

/// `c`'s strength: `Some(true)` strong right to left, `Some(false)` strong left to right,
/// `None` weak or neutral. ASCII is answered without the table: its letters are the
/// only strong characters in it, all left to right.
fn strength(c: char) -> Option<bool> {
    if c.is_ascii() {
        return c.is_ascii_alphabetic().then_some(false);
    }
    match bidi_class(c) {
        BidiClass::R | BidiClass::AL => Some(true),
        BidiClass::L => Some(false),
        _ => None,
    }
}

/// Whether a word's first strong character runs right to left, so it is shaped so.
pub fn runs_right_to_left(text: &str) -> bool {
    text.chars().find_map(strength) == Some(true)
}

/// The direction of a paragraph whose texts are `texts`: `None` when none
/// of its characters runs right to left (its lines stay as set, the common
/// case, with no cost), else whether its first strong character does, which
/// makes it a right-to-left paragraph (UAX #9, rules P2 and P3).
pub fn paragraph_direction<'a>(texts: impl Iterator<Item = &'a str> + Clone) -> Option<bool> {
    if !texts.clone().any(|t| t.chars().any(is_right_to_left)) {
        return None;
    }
    Some(texts.flat_map(str::chars).find_map(strength) == Some(true))
}

/// The character a word stands as in the algorithm: its first strong
/// character's class, or else a number's, a space's or a neutral's.
fn stand_in(text: &str) -> char {
    let mut number = false;
    for c in text.chars() {
        match bidi_class(c) {
            BidiClass::R => return '\u{5d0}',
            BidiClass::AL => return '\u{627}',
            BidiClass::L => return 'a',
            BidiClass::EN | BidiClass::AN => number = true,
            _ => {}
        }
    }
    match (number, text.chars().all(char::is_whitespace)) {
        (true, _) => '0',
        (false, true) => ' ',
        (false, false) => '!',
    }
}

/// The visual order of a line's words, spaces and hyphen (`texts`, in
/// logical order): their indices from the left of the page.
pub fn visual_order(texts: &[&str], right_to_left: bool) -> Vec<usize> {
    let line: String = texts.iter().map(|t| stand_in(t)).collect();
    let base = if right_to_left { Level::rtl() } else { Level::ltr() };
    let info = BidiInfo::new(&line, Some(base));
    // One level per stand-in, each a character of its own (all are one or two bytes).
    let levels: Vec<Level> = line.char_indices().map(|(at, _)| info.levels[at]).collect();
    BidiInfo::reorder_visual(&levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcuts_agree_with_the_bidi_table() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            let table = match bidi_class(c) {
                BidiClass::R | BidiClass::AL => Some(true),
                BidiClass::L => Some(false),
                _ => None,
            };
            assert_eq!(strength(c), table, "{c:?}");
            assert_eq!(is_right_to_left(c), table == Some(true), "{c:?}");
        }
    }

    #[test]
    fn hebrew_words_run_right_to_left_and_english_inside_keeps_its_order() {
        assert_eq!(paragraph_direction(["The word ", "שלום עולם", " means hello"].into_iter()), Some(false));
        assert_eq!(paragraph_direction(["שלום", " world"].into_iter()), Some(true));
        assert_eq!(paragraph_direction(["plain English"].into_iter()), None);
        // "The", " ", "שלום", " ", "עולם", " ", "means": the two Hebrew words swap.
        let words = ["The", " ", "שלום", " ", "עולם", " ", "means"];
        assert_eq!(visual_order(&words, false), [0, 1, 4, 3, 2, 5, 6]);
        // In a Hebrew paragraph the English words keep their order, the rest runs from the right.
        let words = ["שלום", " ", "big", " ", "world", " ", "עולם"];
        assert_eq!(visual_order(&words, true), [6, 5, 2, 3, 4, 1, 0]);
        assert!(runs_right_to_left("(שלום)") && !runs_right_to_left("abc"));
    }
}
