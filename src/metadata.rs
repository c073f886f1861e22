//! The manuscript's front matter: who wrote it, what it is called, in which language.

use serde::Deserialize;

/// Front-matter keys, as written in TOML between `+++` lines.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Metadata {
    pub title: String,
    /// Standfirst or subtitle; also the book's description.
    #[serde(default)]
    pub subtitle: Option<String>,
    pub author: String,
    #[serde(default)]
    pub publisher: Option<String>,
    /// Publication date, ISO 8601: `2017`, `2017-10` or `2017-10-25`.
    #[serde(default)]
    pub date: Option<String>,
    /// BCP 47 language tag, e.g. `en-AU`.
    pub language: String,
    /// A stable identifier (`urn:uuid:…`, `urn:isbn:…`), written once and never changed.
    #[serde(default)]
    pub identifier: Option<String>,
    #[serde(default)]
    pub rights: Option<String>,
    #[serde(default)]
    pub subjects: Vec<String>,
    /// Headings of sections that are back matter (set after the article).
    #[serde(default)]
    pub back_matter: Vec<String>,
    /// Words to hyphenate in a given way, e.g. `["Bol-she-viks"]`, added to the patterns.
    #[serde(default)]
    pub hyphenation_exceptions: Vec<String>,
}

/// Every key the front matter may hold; used to suggest the nearest one for a typo.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "subtitle",
    "author",
    "publisher",
    "date",
    "language",
    "identifier",
    "rights",
    "subjects",
    "back_matter",
    "hyphenation_exceptions",
];

impl Metadata {
    /// The year of publication, if the date has one.
    pub fn year(&self) -> Option<&str> {
        self.date.as_deref().and_then(|d| d.get(..4)).filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The date as year, month and day; missing parts default to 1.
    pub fn date_parts(&self) -> Option<(i32, u32, u32)> {
        let date = self.date.as_deref()?;
        let mut parts = date.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next().map_or(Some(1), |m| m.parse().ok())?;
        let day = parts.next().map_or(Some(1), |d| d.parse().ok())?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
    }

    /// The primary language subtag, lower-cased: `en` for `en-AU`.
    pub fn primary_language(&self) -> String {
        self.language.split('-').next().unwrap_or("").to_ascii_lowercase()
    }
}

/// A well-formed BCP 47 tag, checked by shape: a 2–3 letter language (or 4–8 letters),
/// then subtags of 1–8 letters or digits. Enough to catch `english` or `en_AU`.
pub fn is_bcp47(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let Some(language) = subtags.next() else { return false };
    let language_ok = (2..=3).contains(&language.len()) || (5..=8).contains(&language.len());
    language_ok
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
        && language.len() != 4
        && !["english", "french", "german", "spanish"].contains(&language.to_ascii_lowercase().as_str())
}

/// The known key closest to `key` by edit distance, if it is close enough to be a typo.
pub fn nearest_key(key: &str) -> Option<&'static str> {
    KNOWN_KEYS
        .iter()
        .map(|k| (edit_distance(key, k), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(2))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous_diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous_diagonal + usize::from(ca != *cb);
            previous_diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        assert!(is_bcp47("en-AU"));
        assert!(is_bcp47("en"));
        assert!(is_bcp47("sr-Latn-RS"));
        assert!(!is_bcp47("english"));
        assert!(!is_bcp47("en_AU"));
        assert!(!is_bcp47(""));
    }

    #[test]
    fn typos_get_a_suggestion() {
        assert_eq!(nearest_key("autor"), Some("author"));
        assert_eq!(nearest_key("langauge"), Some("language"));
        assert_eq!(nearest_key("zzzzzz"), None);
    }

    #[test]
    fn dates() {
        let m = Metadata { date: Some("2017".into()), ..Default::default() };
        assert_eq!(m.date_parts(), Some((2017, 1, 1)));
        assert_eq!(m.year(), Some("2017"));
        let m = Metadata { date: Some("2017-13".into()), ..Default::default() };
        assert_eq!(m.date_parts(), None);
    }
}
