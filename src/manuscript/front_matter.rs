//! Front matter: the TOML between `+++` lines at the top of a manuscript,
//! read into the model's [`Metadata`], with every mistake reported at its key.

use super::Source;
use crate::diagnostics::Diagnostic;
use crate::model::metadata::{Date, Metadata};

/// Every key the front matter may hold and what it holds; typos get the nearest one suggested.
const KEYS: &[(&str, KeyKind)] = &[
    ("title", KeyKind::Text),
    ("subtitle", KeyKind::Text),
    ("author", KeyKind::Text),
    ("publisher", KeyKind::Text),
    ("date", KeyKind::Date),
    ("language", KeyKind::Text),
    ("identifier", KeyKind::Text),
    ("rights", KeyKind::Text),
    ("subjects", KeyKind::TextList),
    ("back_matter", KeyKind::TextList),
    ("hyphenation_exceptions", KeyKind::TextList),
    ("smart_punctuation", KeyKind::TrueOrFalse),
];

/// Reads the front matter whose text starts at byte `start` of the source (the line
/// after the opening delimiter). `text` is the parser's copy of it, used when the
/// closing delimiter cannot be found in the source. Returns the metadata, if it
/// could be read, and what was found wrong on the way.
pub(super) fn read(source: &Source<'_>, text: &str, start: usize, yaml: bool) -> (Option<Metadata>, Vec<Diagnostic>) {
    let mut reader = Reader { source, diagnostics: Vec::new(), metadata: None };
    reader.front_matter(text, start, yaml);
    (reader.metadata, reader.diagnostics)
}

struct Reader<'a> {
    source: &'a Source<'a>,
    diagnostics: Vec<Diagnostic>,
    metadata: Option<Metadata>,
}

impl Reader<'_> {
    fn error(&mut self, offset: usize, message: String, help: &str) {
        self.diagnostics.push(self.source.error(offset, message, help));
    }

    fn warning(&mut self, offset: usize, message: String, help: &str) {
        self.diagnostics.push(self.source.warning(offset, message, help));
    }

    fn front_matter(&mut self, text: &str, start: usize, yaml: bool) {
        if yaml {
            self.error(
                start,
                "front matter must be TOML between `+++` lines".into(),
                "replace the `---` lines around the front matter with `+++` and write `key = \"value\"`",
            );
            return;
        }
        // The source between the delimiters, rather than the parser's copy: that one has
        // `\r\n` turned into `\n`, and every offset into it must be an offset into the file.
        let source = self.source.text;
        let closing = std::iter::once(start)
            .chain(source[start..].match_indices('\n').map(|(i, _)| start + i + 1))
            .find(|&line| source[line..].starts_with("+++"));
        let text = closing.map_or(text, |end| &source[start..end]);
        let table: toml::Table = match toml::from_str(text) {
            Ok(t) => t,
            Err(e) => {
                let at = e.span().map_or(start, |s| start + s.start);
                let message = e.message().trim_end().replace('\n', "; ");
                let line_start = self.source.text[..at].rfind('\n').map_or(0, |n| n + 1);
                let key = self.source.text[line_start..].split(['=', '\n']).next().map(str::trim).filter(|k| is_bare_key(k));
                let message = match key {
                    Some(key) => format!("invalid front matter at `{key}`: {message}"),
                    None => format!("invalid front matter: {message}"),
                };
                self.error(at, message, "front matter is TOML: `key = \"value\"`, text in double quotes");
                return;
            }
        };
        let key_offset = |key: &str| key_line(text, key).map_or(start, |(k, _)| start + k);
        let value_offset = |key: &str| key_line(text, key).map_or(start, |(_, v)| start + v);
        let mut known = toml::Table::new();
        for (key, value) in table {
            match KeyKind::of(&key) {
                Some(kind) if kind.accepts(&value) => {
                    known.insert(key, value);
                }
                Some(kind) => {
                    let article = if value.type_str().starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
                    self.error(
                        value_offset(&key),
                        format!("invalid front matter: `{key}` is {article} {}, but it must be {}", value.type_str(), kind.description()),
                        &format!("write `{}`", kind.example(&key)),
                    );
                }
                None => {
                    let help = match nearest_key(&key) {
                        Some(k) => format!("did you mean `{k}`?"),
                        None => format!("known keys: {}", KEYS.iter().map(|(key, _)| *key).collect::<Vec<_>>().join(", ")),
                    };
                    self.warning(key_offset(&key), format!("unknown front-matter key `{key}` is ignored"), &help);
                }
            }
        }
        if self.diagnostics.iter().any(Diagnostic::is_error) {
            return;
        }
        for required in ["title", "author", "language"] {
            if !known.contains_key(required) {
                self.error(
                    start.saturating_sub(4),
                    format!("the front matter has no `{required}`"),
                    &format!("add a line `{required} = \"…\"` between the `+++` lines"),
                );
            }
        }
        if self.diagnostics.iter().any(Diagnostic::is_error) {
            return;
        }
        let date = known.remove("date");
        match known.try_into::<Metadata>() {
            Ok(mut m) => {
                if !is_bcp47(&m.language) {
                    self.error(
                        value_offset("language"),
                        format!("`{}` is not a BCP 47 language tag", m.language),
                        "write a tag such as `en`, `en-AU` or `fr-CA` (language, hyphen, region)",
                    );
                }
                if let Some(date) = date.as_ref().and_then(toml::Value::as_str) {
                    m.date = Date::parse(date);
                    if m.date.is_none() {
                        self.error(value_offset("date"), "`date` is not an ISO 8601 date".into(), "write `2017`, `2017-10` or `2017-10-25`");
                    }
                }
                self.metadata = Some(m);
            }
            Err(e) => {
                let message = e.message().trim_end().to_owned();
                self.error(start, format!("invalid front matter: {message}"), "check the type of each value: text in quotes, lists in [ ]");
            }
        }
    }
}

/// Offsets of `key` and of its value in front-matter `text`, for a line `key = value`.
pub(crate) fn key_line(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if let Some(rest) = line[indent..].strip_prefix(key) {
            let after_key = rest.trim_start_matches([' ', '\t']);
            if let Some(value) = after_key.strip_prefix('=') {
                let value_at = line.len() - value.trim_start_matches([' ', '\t']).len();
                return Some((line_start + indent, line_start + value_at));
            }
        }
        line_start += line.len();
    }
    None
}

fn is_bare_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// What a front-matter key holds, to say which key is wrong and how to write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyKind {
    Text,
    /// A date written as text: `"2017-10-25"`.
    Date,
    TextList,
    TrueOrFalse,
}

impl KeyKind {
    pub(super) fn of(key: &str) -> Option<KeyKind> {
        KEYS.iter().find(|(known, _)| *known == key).map(|(_, kind)| *kind)
    }

    pub(super) fn accepts(self, value: &toml::Value) -> bool {
        match (self, value) {
            (KeyKind::Text | KeyKind::Date, toml::Value::String(_)) | (KeyKind::TrueOrFalse, toml::Value::Boolean(_)) => true,
            (KeyKind::TextList, toml::Value::Array(items)) => items.iter().all(toml::Value::is_str),
            _ => false,
        }
    }

    pub(super) fn description(self) -> &'static str {
        match self {
            KeyKind::Text => "text in double quotes",
            KeyKind::Date => "text in double quotes",
            KeyKind::TextList => "a list of texts in double quotes",
            KeyKind::TrueOrFalse => "true or false",
        }
    }

    /// How a value of this kind is written, for the help line.
    pub(super) fn example(self, key: &str) -> String {
        match self {
            KeyKind::Text => format!("{key} = \"…\""),
            KeyKind::Date => format!("{key} = \"2017-10-25\""),
            KeyKind::TextList => format!("{key} = [\"…\", \"…\"]"),
            KeyKind::TrueOrFalse => format!("{key} = false"),
        }
    }
}

/// A well-formed BCP 47 tag, checked by shape: a 2–3 letter language (or 4–8 letters),
/// then subtags of 1–8 letters or digits. Enough to catch `english` or `en_AU`.
fn is_bcp47(tag: &str) -> bool {
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
fn nearest_key(key: &str) -> Option<&'static str> {
    KEYS.iter()
        .map(|(k, _)| (edit_distance(key, k), *k))
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
        for (key, kind) in KEYS {
            assert_eq!(KeyKind::of(key), Some(*kind), "{key}");
        }
        assert!(KeyKind::of("smart_punctuation").unwrap().accepts(&toml::Value::Boolean(false)));
        assert!(!KeyKind::of("title").unwrap().accepts(&toml::Value::Integer(5)));
        assert!(!KeyKind::of("subjects").unwrap().accepts(&toml::Value::Array(vec![toml::Value::Integer(1)])));
    }

    /// The table of keys and the model's fields must agree: every key, given a
    /// value of its kind, is read into the metadata, and no field lacks a key.
    #[test]
    fn every_key_is_a_field_of_the_metadata() {
        let mut table = toml::Table::new();
        for (key, kind) in KEYS {
            let value = match kind {
                KeyKind::Text => toml::Value::String(format!("{key} value")),
                KeyKind::Date => toml::Value::String("2017-10".into()),
                KeyKind::TextList => toml::Value::Array(vec![toml::Value::String(format!("{key} value"))]),
                KeyKind::TrueOrFalse => toml::Value::Boolean(false),
            };
            table.insert(key.to_string(), value);
        }
        let metadata: Metadata = table.try_into().unwrap();
        let texts: Vec<&str> = metadata.texts().map(|(key, _)| key).collect();
        let text_keys: Vec<&str> = KEYS.iter().filter(|(_, kind)| matches!(kind, KeyKind::Text | KeyKind::TextList)).map(|(key, _)| *key).collect();
        assert_eq!(texts, text_keys, "Metadata::texts lists every text key, in order");
        assert_eq!(metadata.smart_punctuation, Some(false));
    }
}
