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
    /// `false` keeps straight quotes, `--` and `...` as typed; smart punctuation is on unless said.
    #[serde(default)]
    pub smart_punctuation: Option<bool>,
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
    "smart_punctuation",
];

/// What a front-matter key holds, to say which key is wrong and how to write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Text,
    TextList,
    TrueOrFalse,
}

impl KeyKind {
    pub fn of(key: &str) -> Option<KeyKind> {
        match key {
            "subjects" | "back_matter" | "hyphenation_exceptions" => Some(KeyKind::TextList),
            "smart_punctuation" => Some(KeyKind::TrueOrFalse),
            _ if KNOWN_KEYS.contains(&key) => Some(KeyKind::Text),
            _ => None,
        }
    }

    pub fn accepts(self, value: &toml::Value) -> bool {
        match (self, value) {
            (KeyKind::Text, toml::Value::String(_)) | (KeyKind::TrueOrFalse, toml::Value::Boolean(_)) => true,
            (KeyKind::TextList, toml::Value::Array(items)) => items.iter().all(toml::Value::is_str),
            _ => false,
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            KeyKind::Text => "text in double quotes",
            KeyKind::TextList => "a list of texts in double quotes",
            KeyKind::TrueOrFalse => "true or false",
        }
    }

    /// How a value of this kind is written, for the help line.
    pub fn example(self, key: &str) -> String {
        match self {
            KeyKind::Text => format!("{key} = \"…\""),
            KeyKind::TextList => format!("{key} = [\"…\", \"…\"]"),
            KeyKind::TrueOrFalse => format!("{key} = false"),
        }
    }
}

impl Metadata {
    /// The year of publication, if the date has one.
    pub fn year(&self) -> Option<&str> {
        self.date.as_deref().and_then(|d| d.get(..4)).filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The date as year, month and day; missing parts default to 1. Only the forms the
    /// editions can stamp are accepted: four-digit year, two-digit month and day.
    pub fn date_parts(&self) -> Option<(i32, u32, u32)> {
        let date = self.date.as_deref()?;
        let widths_ok = date.split('-').enumerate().all(|(i, p)| p.len() == if i == 0 { 4 } else { 2 } && p.bytes().all(|b| b.is_ascii_digit()));
        if !widths_ok || date.split('-').count() > 3 {
            return None;
        }
        let mut parts = date.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next().map_or(Some(1), |m| m.parse().ok())?;
        let day = parts.next().map_or(Some(1), |d| d.parse().ok())?;
        chrono::NaiveDate::from_ymd_opt(year, month, day).map(|_| (year, month, day))
    }

    /// Smart punctuation is on unless the front matter turns it off.
    pub fn wants_smart_punctuation(&self) -> bool {
        self.smart_punctuation != Some(false)
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
    fn every_known_key_has_a_kind() {
        for key in KNOWN_KEYS {
            assert!(KeyKind::of(key).is_some(), "{key}");
        }
        assert!(KeyKind::of("smart_punctuation").unwrap().accepts(&toml::Value::Boolean(false)));
        assert!(!KeyKind::of("title").unwrap().accepts(&toml::Value::Integer(5)));
        assert!(!KeyKind::of("subjects").unwrap().accepts(&toml::Value::Array(vec![toml::Value::Integer(1)])));
    }

    #[test]
    fn dates() {
        let m = Metadata { date: Some("2017".into()), ..Default::default() };
        assert_eq!(m.date_parts(), Some((2017, 1, 1)));
        assert_eq!(m.year(), Some("2017"));
        let m = Metadata { date: Some("2017-13".into()), ..Default::default() };
        assert_eq!(m.date_parts(), None);
        // The PDF stamps only four-digit years and two-digit months and days.
        for unstampable in ["17", "2017-1", "2017-02-31", "2017-10-5", "2017-10-05-01", "+2017"] {
            let m = Metadata { date: Some(unstampable.into()), ..Default::default() };
            assert_eq!(m.date_parts(), None, "{unstampable}");
        }
    }
}
