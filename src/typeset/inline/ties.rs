//! Where a line must not break between two words: an abbreviation and the
//! name it belongs to ("St Petersburg"), a number and the month or unit that
//! follows it ("25 October", "(8 March", "40 km"), a reference and its number
//! ("p. 12"). The words are the style's, by language (`[ties.en]`), not the
//! code's.

use crate::resources::style::Ties;

/// Marks that may open a word before its number: "(8 March".
const OPENING: &[char] = &['(', '[', '{', '“', '‘', '«', '„', '"', '\''];
/// Marks that may close the word after: "25 October," or "40 km)".
const CLOSING: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '}', '’', '”', '»', '"', '\''];

/// Whether no line may break between the words `before` and `after`.
pub fn tied(ties: &Ties, before: &str, after: &str) -> bool {
    let listed = |list: &[String], word: &str| list.iter().any(|entry| entry == word);
    // Most words end and begin with a letter: no mark to look for.
    let ends_in_ascii_alphanumeric = |word: &str| word.as_bytes().last().is_some_and(u8::is_ascii_alphanumeric);
    let begins_in_ascii_alphanumeric = |word: &str| word.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric);
    let after_bare = if ends_in_ascii_alphanumeric(after) { after } else { after.trim_end_matches(CLOSING) };
    let before_bare = if begins_in_ascii_alphanumeric(before) { before } else { before.trim_start_matches(OPENING) };
    let names = after.chars().next().is_some_and(char::is_uppercase) && listed(&ties.before_names, before_bare);
    let numbered = is_number(ties, after_bare) && listed(&ties.before_numbers, before_bare);
    let counted = is_number(ties, before_bare) && (listed(&ties.after_numbers, after) || listed(&ties.after_numbers, after_bare));
    names || numbered || counted
}

/// Digits (with a thousands' comma or a decimal point between them), and
/// perhaps one of the language's ordinal endings: "1917", "1,000", "25th".
fn is_number(ties: &Ties, word: &str) -> bool {
    // An ending is taken off the end only: a number begins with a digit either way,
    // and most words do not, which is answered before any ending is tried.
    if !word.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let digits = ties.ordinal_suffixes.iter().find_map(|suffix| word.strip_suffix(suffix.as_str())).filter(|rest| !rest.is_empty()).unwrap_or(word);
    let bytes = digits.as_bytes();
    !bytes.is_empty()
        && bytes[0].is_ascii_digit()
        && bytes[bytes.len() - 1].is_ascii_digit()
        && bytes.iter().all(|b| b.is_ascii_digit() || matches!(b, b',' | b'.'))
        && !digits.contains(",,")
        && !digits.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::style::Style;

    fn english() -> Ties {
        Style::over_default(std::path::Path::new("test.toml"), "").unwrap().ties_for("en-AU").cloned().expect("English ties in the default style")
    }

    #[test]
    fn an_abbreviation_stays_with_the_name_after_it() {
        let en = english();
        assert!(tied(&en, "St", "Petersburg"));
        assert!(tied(&en, "St", "Petersburg’s"));
        assert!(!tied(&en, "St", "and"), "only before a name");
        assert!(!tied(&en, "the", "Petersburg"));
    }

    #[test]
    fn a_number_stays_with_its_month_or_unit() {
        let en = english();
        assert!(tied(&en, "25", "October"));
        assert!(tied(&en, "25", "October,"));
        assert!(tied(&en, "(8", "March"));
        assert!(tied(&en, "25th", "October"));
        assert!(tied(&en, "40", "km"));
        assert!(!tied(&en, "25", "soldiers"));
        assert!(!tied(&en, "October", "25"), "the month before the number may break");
        assert!(!tied(&en, "1917.", "October"), "a sentence's end is not a number's");
    }

    #[test]
    fn a_reference_stays_with_its_number() {
        let en = english();
        assert!(tied(&en, "p.", "12"));
        assert!(tied(&en, "No.", "3,"));
        assert!(!tied(&en, "p.", "and"));
    }

    #[test]
    fn each_language_its_own_words() {
        let style = Style::over_default(std::path::Path::new("test.toml"), "").unwrap();
        let german = style.ties_for("de").expect("German ties");
        assert!(tied(german, "25.", "Oktober"), "a German ordinal ends in a full stop");
        assert!(!tied(german, "25", "October"));
        let french = style.ties_for("fr-CA").expect("French ties");
        assert!(tied(french, "8", "mars"));
        assert!(style.ties_for("ja").is_none());
    }
}
