//! Where words may break: Liang's patterns for the manuscript's language, with
//! the TeX exception list that ships with them and the manuscript's own exceptions.

use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxHashMap;

use hyphenation::{Hyphenator as _, Language, Load, Standard};

pub struct Hyphenator {
    patterns: Arc<Patterns>,
    /// The language writes every noun with a capital ([`NOUNS_CAPITALISED`]).
    capitalises_nouns: bool,
}

/// One language's patterns at given minima and exceptions, loaded once per
/// process: every edition, and every fitting candidate of a booklet, sets the
/// same words, and each pattern lookup costs about ten thousand instructions.
struct Patterns {
    dictionary: Standard,
    /// Breaks of each word already seen, by any thread.
    known: Mutex<FxHashMap<Box<str>, Box<[usize]>>>,
}

/// What makes two [`Patterns`] the same: the language, the minima, the exceptions.
type PatternsKey = (Language, usize, usize, Vec<String>);

/// The patterns loaded so far in this process.
fn loaded() -> &'static Mutex<FxHashMap<PatternsKey, Arc<Patterns>>> {
    static LOADED: OnceLock<Mutex<FxHashMap<PatternsKey, Arc<Patterns>>>> = OnceLock::new();
    LOADED.get_or_init(Default::default)
}

/// Languages that write every noun with a capital: a capital there says
/// nothing of a name, so a style that keeps names whole still hyphenates
/// their capitalised words, as German typesetting does.
const NOUNS_CAPITALISED: [&str; 2] = ["de", "lb"];

/// Patterns for a BCP 47 tag: British English for every English but the
/// US's, the reformed German spelling for German, and otherwise the
/// patterns the `hyphenation` crate ships under the tag or its language.
pub fn language_for(tag: &str) -> Option<Language> {
    let lower = tag.to_ascii_lowercase().replace('_', "-");
    let primary = lower.split('-').next().unwrap_or("");
    let script = |s: &str| lower.split('-').skip(1).any(|subtag| subtag == s);
    Some(match primary {
        "en" if lower == "en-us" => Language::EnglishUS,
        "en" => Language::EnglishGB,
        "de" => Language::German1996,
        "el" => Language::GreekMono,
        "grc" => Language::GreekAncient,
        "mn" => Language::Mongolian,
        "no" => Language::NorwegianBokmal,
        "sr" if script("latn") => Language::SerbocroatianLatin,
        "sr" => Language::SerbianCyrillic,
        // Only romanised Chinese (pinyin) has patterns; characters break between themselves.
        "zh" => return None,
        _ => return Language::try_from_code(&lower).or_else(|| Language::try_from_code(primary)),
    })
}

impl Hyphenator {
    /// `exceptions` are words with hyphens where they may break ("Bol-she-viks").
    pub fn new(language_tag: &str, left_min: usize, right_min: usize, exceptions: &[String]) -> Option<Hyphenator> {
        let language = language_for(language_tag)?;
        let primary = language_tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        let capitalises_nouns = NOUNS_CAPITALISED.contains(&primary.as_str());
        let key: PatternsKey = (language, left_min, right_min, exceptions.to_vec());
        let mut loaded = loaded().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let patterns = match loaded.get(&key) {
            Some(patterns) => Arc::clone(patterns),
            None => {
                let patterns = Arc::new(Patterns::load(language, left_min, right_min, exceptions)?);
                loaded.insert(key, Arc::clone(&patterns));
                patterns
            }
        };
        Some(Hyphenator { patterns, capitalises_nouns })
    }

    /// Whether the language writes every noun with a capital (German), so
    /// that a capitalised word is no more a name than any other.
    pub fn capitalises_nouns(&self) -> bool {
        self.capitalises_nouns
    }

    /// Byte offsets inside `word` where it may break with a hyphen.
    /// Only plain alphabetic words are hyphenated; names with digits or marks are left whole.
    pub fn breaks(&self, word: &str) -> Vec<usize> {
        let minima = self.patterns.dictionary.minima;
        // Most words are ASCII: counted by their bytes, and lower-cased without changing length.
        let ascii = word.is_ascii();
        let letters = if ascii { word.len() } else { word.chars().count() };
        if letters < minima.0 + minima.1 || !word.chars().all(char::is_alphabetic) {
            return Vec::new();
        }
        // The patterns work on the lower-cased word; where lower-casing changes a letter's
        // length in bytes (Ⱥ → ⱥ), their offsets would cut a character in two.
        if !ascii && word.to_lowercase().len() != word.len() {
            return Vec::new();
        }
        self.patterns.breaks(word)
    }
}

impl Patterns {
    fn load(language: Language, left_min: usize, right_min: usize, exceptions: &[String]) -> Option<Patterns> {
        let mut dictionary = Standard::from_embedded(language).ok()?;
        dictionary.minima = (left_min, right_min);
        for exception in exceptions {
            let word: String = exception.chars().filter(|&c| c != '-').collect::<String>().to_lowercase();
            let mut breaks = Vec::new();
            let mut offset = 0;
            for part in exception.split('-') {
                offset += part.len();
                breaks.push(offset);
            }
            breaks.pop();
            dictionary.exceptions.0.insert(word, breaks);
        }
        Some(Patterns { dictionary, known: Mutex::new(FxHashMap::default()) })
    }

    /// The breaks of `word`, looked up once per process. The lock is not held
    /// while the patterns are searched, so threads do not wait on each other;
    /// two that meet a new word at once both find the same breaks.
    fn breaks(&self, word: &str) -> Vec<usize> {
        let known = || self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(breaks) = known().get(word) {
            return breaks.to_vec();
        }
        let breaks: Vec<usize> = self.dictionary.hyphenate(word).breaks.into_iter().filter(|&b| word.is_char_boundary(b)).collect();
        known().insert(word.into(), breaks.as_slice().into());
        breaks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_the_crate_has_patterns_for() {
        assert_eq!(language_for("cs"), Some(Language::Czech));
        assert_eq!(language_for("uk-UA"), Some(Language::Ukrainian));
        assert_eq!(language_for("de-CH"), Some(Language::German1996));
        assert_eq!(language_for("sr-Latn"), Some(Language::SerbocroatianLatin));
        assert_eq!(language_for("he"), None);
        assert_eq!(language_for("zh-Hans"), None);
        assert!(Hyphenator::new("da", 2, 3, &[]).is_some_and(|h| !h.breaks("kommunikation").is_empty()));
    }

    #[test]
    fn british_patterns_for_australian_english() {
        assert_eq!(language_for("en-AU"), Some(Language::EnglishGB));
        assert_eq!(language_for("en-US"), Some(Language::EnglishUS));
        let h = Hyphenator::new("en-AU", 2, 3, &[]).unwrap();
        let breaks = h.breaks("revolutionary");
        assert!(!breaks.is_empty());
        // No fragment shorter than the minima.
        assert!(breaks.iter().all(|&b| b >= 2 && "revolutionary".len() - b >= 3), "{breaks:?}");
    }

    #[test]
    fn manuscript_exceptions_win() {
        let h = Hyphenator::new("en-AU", 2, 3, &["Bol-shevik".to_string()]).unwrap();
        assert_eq!(h.breaks("bolshevik"), vec![3]);
    }

    #[test]
    fn breaks_never_cut_a_character() {
        // Found by the fuzz test: 'Ⱥ' is 2 bytes, its lower case 3.
        let h = Hyphenator::new("fr", 2, 3, &[]).unwrap();
        for word in ["ȺAÇaÀ", "ȺȺȺȺȺȺȺȺȺȺȺȺ", "İstanbulİstanbul", "ÇaÇaÇaÇaÇaÇa"] {
            assert!(h.breaks(word).iter().all(|&b| word.is_char_boundary(b)), "{word}");
        }
    }

    #[test]
    fn a_word_seen_before_breaks_as_it_did() {
        let h = Hyphenator::new("en-AU", 2, 3, &["Bol-shevik".to_string()]).unwrap();
        for word in ["revolutionary", "bolshevik", "revolutionary", "bolshevik"] {
            let fresh = Hyphenator::new("en-AU", 2, 3, &["Bol-shevik".to_string()]).unwrap();
            assert_eq!(h.breaks(word), fresh.breaks(word), "{word}");
        }
        assert_eq!(h.breaks("bolshevik"), vec![3]);
    }

    #[test]
    fn words_with_digits_stay_whole() {
        let h = Hyphenator::new("en", 2, 3, &[]).unwrap();
        assert!(h.breaks("No.1").is_empty());
    }
}
