//! Front matter: TOML between `+++` lines or YAML between `---` lines (as pandoc users
//! write it) at the top of a manuscript, read into the model's [`Metadata`], with every
//! mistake reported at its key. pandoc's names for quire's keys (`lang`, `abstract`,
//! `keywords`, …) are read as those keys, and `author` may name several people.

use super::{yaml, Source};
use crate::diagnostics::Diagnostic;
use crate::model::metadata::{Date, Metadata};

/// Every key the front matter may hold and what it holds; typos get the nearest one suggested.
const KEYS: &[(&str, KeyKind)] = &[
    ("title", KeyKind::Text),
    ("subtitle", KeyKind::Text),
    ("author", KeyKind::Names),
    ("publisher", KeyKind::Text),
    ("date", KeyKind::Date),
    ("language", KeyKind::Text),
    ("identifier", KeyKind::Text),
    ("rights", KeyKind::Text),
    ("quotes", KeyKind::Text),
    ("cover_image", KeyKind::Text),
    ("bibliography", KeyKind::Text),
    ("csl", KeyKind::Text),
    ("dedication", KeyKind::Text),
    ("epigraph", KeyKind::Text),
    ("epigraph_source", KeyKind::Text),
    ("edition", KeyKind::Text),
    ("subjects", KeyKind::TextList),
    ("back_matter", KeyKind::TextList),
    ("hyphenation_exceptions", KeyKind::TextList),
    ("smart_punctuation", KeyKind::TrueOrFalse),
    ("toc_depth", KeyKind::Level),
];

/// Other names for quire's keys, pandoc's among them: each is read as the key it names.
const ALIASES: &[(&str, &str)] = &[
    ("lang", "language"),
    // Jekyll sites and many templates name the authors so.
    ("authors", "author"),
    ("description", "subtitle"),
    ("abstract", "subtitle"),
    ("keywords", "subjects"),
    ("subject", "subjects"),
    // pandoc's name for the EPUB's cover.
    ("cover-image", "cover_image"),
];

/// Which syntax the front matter is written in, for messages that show how to write a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
    Toml,
    Yaml,
}

impl Syntax {
    /// A line that sets `key`, as this syntax writes it.
    pub(super) fn line(self, key: &str, value: &str) -> String {
        match self {
            Syntax::Toml => format!("{key} = {value}"),
            Syntax::Yaml => format!("{key}: {}", value.trim_matches('"')),
        }
    }
}

/// One key of the front matter as written, with the byte offsets of the key and its value
/// in the manuscript.
struct Entry {
    key: String,
    key_at: usize,
    value: toml::Value,
    value_at: usize,
}

/// Reads the front matter whose text starts at byte `start` of the source (the line
/// after the opening delimiter). `text` is the parser's copy of it, used when the
/// closing delimiter cannot be found in the source. Returns the metadata, if it
/// could be read, and what was found wrong on the way. Keys left out (`title`,
/// `language`, `author`) are the caller's to supply: it knows the rest of the book.
pub(super) fn read(source: &Source<'_>, text: &str, start: usize, syntax: Syntax) -> (Option<Metadata>, Vec<Diagnostic>) {
    let mut reader = Reader { source, syntax, diagnostics: Vec::new(), metadata: None, named: "front matter" };
    reader.front_matter(text, start);
    (reader.metadata, reader.diagnostics)
}

/// Reads a whole file of front-matter keys (a book's `book.toml`), leaving the
/// keys in `theirs` to the caller, which reads them itself.
pub(super) fn read_table(source: &Source<'_>, syntax: Syntax, theirs: &[&str]) -> (Option<Metadata>, Vec<Diagnostic>) {
    let named = if source.path.file_name().is_some_and(|n| n == "book.toml") { "book.toml" } else { "front matter" };
    let mut reader = Reader { source, syntax, diagnostics: Vec::new(), metadata: None, named };
    let entries = match syntax {
        Syntax::Toml => reader.toml_entries(source.text, 0),
        Syntax::Yaml => reader.yaml_entries(source.text, 0),
    };
    if let Some(entries) = entries {
        let entries = entries.into_iter().filter(|e| !theirs.contains(&e.key.as_str())).collect();
        reader.metadata(entries, 0);
    }
    (reader.metadata, reader.diagnostics)
}

struct Reader<'a> {
    source: &'a Source<'a>,
    /// How messages name what is read: "front matter", or a book's "book.toml".
    named: &'static str,
    syntax: Syntax,
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

    fn front_matter(&mut self, text: &str, start: usize) {
        // The source between the delimiters, rather than the parser's copy: that one has
        // `\r\n` turned into `\n`, and every offset into it must be an offset into the file.
        let source = self.source.text;
        let closings: &[&str] = match self.syntax {
            Syntax::Toml => &["+++"],
            Syntax::Yaml => &["---", "..."],
        };
        let closing = std::iter::once(start)
            .chain(source[start..].match_indices('\n').map(|(i, _)| start + i + 1))
            .find(|&line| closings.iter().any(|c| source[line..].starts_with(c)));
        let text = closing.map_or(text, |end| &source[start..end]);
        let entries = match self.syntax {
            Syntax::Toml => self.toml_entries(text, start),
            Syntax::Yaml => self.yaml_entries(text, start),
        };
        if let Some(entries) = entries {
            self.metadata(entries, start);
        }
    }

    fn toml_entries(&mut self, text: &str, start: usize) -> Option<Vec<Entry>> {
        let table: toml::Table = match toml::from_str(text) {
            Ok(t) => t,
            Err(e) => {
                let at = e.span().map_or(start, |s| start + s.start);
                let message = e.message().trim_end().replace('\n', "; ");
                let line_start = self.source.text[..at].rfind('\n').map_or(0, |n| n + 1);
                let key = self.source.text[line_start..].split(['=', '\n']).next().map(str::trim).filter(|k| is_bare_key(k));
                let message = match key {
                    Some(key) => format!("invalid {} at `{key}`: {message}", self.named),
                    None => format!("invalid {}: {message}", self.named),
                };
                let help = format!("{} is TOML: `key = \"value\"`, text in double quotes", self.named);
                self.error(at, message, &help);
                return None;
            }
        };
        let entries = table.into_iter().map(|(key, value)| {
            let (key_at, value_at) = key_line(text, &key).map_or((start, start), |(k, v)| (start + k, start + v));
            Entry { key, key_at, value, value_at }
        });
        Some(entries.collect())
    }

    fn yaml_entries(&mut self, text: &str, start: usize) -> Option<Vec<Entry>> {
        // saphyr counts characters; the diagnostics want bytes of the file.
        let byte = |chars: usize| start + text.char_indices().nth(chars).map_or(text.len(), |(b, _)| b);
        match yaml::read(text) {
            Ok(entries) => Some(
                entries.into_iter().map(|e| Entry { key: e.key, key_at: byte(e.key_at), value: e.value, value_at: byte(e.value_at) }).collect(),
            ),
            Err(e) => {
                self.error(byte(e.at), format!("invalid {}: {}", self.named, e.message), e.help);
                None
            }
        }
    }

    /// The entries checked against the known keys and read into the metadata.
    fn metadata(&mut self, entries: Vec<Entry>, start: usize) {
        let syntax = self.syntax;
        let given: Vec<String> = entries.iter().map(|e| e.key.clone()).collect();
        let mut known = toml::Table::new();
        let mut value_at = std::collections::HashMap::new();
        for Entry { key, key_at, value, value_at: at } in entries {
            let canonical = match ALIASES.iter().find(|(alias, _)| *alias == key) {
                Some((_, canonical)) => {
                    if known.contains_key(*canonical) || given.iter().any(|g| g == canonical) {
                        self.warning(key_at, format!("`{key}` is ignored: the {} gives `{canonical}` already", self.named), &format!("keep one of `{key}` and `{canonical}`"));
                        continue;
                    }
                    canonical.to_string()
                }
                None => key.clone(),
            };
            match KeyKind::of(&canonical) {
                Some(kind) => match kind.read(value) {
                    Ok(value) => {
                        value_at.insert(canonical.clone(), at);
                        known.insert(canonical, value);
                    }
                    Err(value) => {
                        let found = type_name(&value, syntax);
                        let article = if found.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
                        self.error(
                            at,
                            format!("invalid {}: `{key}` is {article} {found}, but it must be {}", self.named, kind.description(syntax)),
                            &format!("write `{}`", kind.example(&key, syntax)),
                        );
                    }
                },
                None => {
                    let help = match nearest_key(&key) {
                        Some(k) => format!("did you mean `{k}`?"),
                        None => format!("known keys: {}", KEYS.iter().map(|(key, _)| *key).collect::<Vec<_>>().join(", ")),
                    };
                    self.warning(key_at, format!("unknown {} key `{key}` is ignored", self.named.replace(' ', "-")), &help);
                }
            }
        }
        if self.diagnostics.iter().any(Diagnostic::is_error) {
            return;
        }
        let value_offset = |key: &str| value_at.get(key).copied().unwrap_or(start);
        let date = known.remove("date");
        // The names, one or several; the byline is made once the book's language is known.
        let authors: Vec<String> = match known.remove("author") {
            Some(toml::Value::String(name)) => vec![name],
            Some(toml::Value::Array(names)) => names.into_iter().filter_map(|n| n.as_str().map(str::to_owned)).collect(),
            _ => Vec::new(),
        };
        match known.try_into::<Metadata>() {
            Ok(mut m) => {
                m.authors = authors;
                if !m.language.is_empty() && !is_bcp47(&m.language) {
                    self.error(
                        value_offset("language"),
                        format!("`{}` is not a BCP 47 language tag", m.language),
                        "write a tag such as `en`, `en-AU` or `fr-CA` (language, hyphen, region)",
                    );
                }
                if let Some(date) = date.as_ref().and_then(toml::Value::as_str) {
                    m.date = Date::read(date);
                    if m.date.is_none() {
                        self.warning(
                            value_offset("date"),
                            format!("`date` “{date}” is not a date the editions can read; no edition is dated"),
                            "write it as `2017`, `2017-10` or `2017-10-25` (or `October 25, 2017`)",
                        );
                    }
                }
                self.metadata = Some(m);
            }
            Err(e) => {
                let message = e.message().trim_end().to_owned();
                self.error(start, format!("invalid {}: {message}", self.named), "check the type of each value: text in quotes, lists in [ ]");
            }
        }
    }
}

/// The kind of a value as the author wrote it, in the words of the front matter's syntax.
fn type_name(value: &toml::Value, syntax: Syntax) -> &'static str {
    match (value, syntax) {
        (toml::Value::Array(_), Syntax::Yaml) => "list",
        (toml::Value::Table(_), Syntax::Yaml) => "mapping",
        (toml::Value::String(_), Syntax::Yaml) => "text",
        (toml::Value::Boolean(_), Syntax::Yaml) => "truth value",
        (value, _) => value.type_str(),
    }
}

/// Offsets of `key`, or of another name for it (`lang` for `language`), and of its value.
pub(crate) fn key_or_alias_line(text: &str, key: &str) -> Option<(usize, usize)> {
    let aliases = ALIASES.iter().filter(|(_, canonical)| *canonical == key).map(|(alias, _)| *alias);
    std::iter::once(key).chain(aliases).find_map(|name| key_line(text, name))
}

/// Offsets of `key` and of its value in front-matter `text`, for a line `key = value`
/// (TOML) or `key: value` (YAML).
pub(crate) fn key_line(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if let Some(rest) = line[indent..].strip_prefix(key) {
            let after_key = rest.trim_start_matches([' ', '\t']);
            if let Some(value) = after_key.strip_prefix('=').or_else(|| after_key.strip_prefix(':')) {
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
    /// A list of texts, or one text for a list of one.
    TextList,
    /// One name, or a list of names (pandoc also writes each as a mapping with a `name`),
    /// joined into one byline.
    Names,
    TrueOrFalse,
    /// A heading level, 1 to 6.
    Level,
}

impl KeyKind {
    pub(super) fn of(key: &str) -> Option<KeyKind> {
        KEYS.iter().find(|(known, _)| *known == key).map(|(_, kind)| *kind)
    }

    /// The value as the metadata holds it, or the value back when it is of the wrong kind.
    fn read(self, value: toml::Value) -> Result<toml::Value, toml::Value> {
        match (self, value) {
            (KeyKind::Text | KeyKind::Date | KeyKind::Names, value @ toml::Value::String(_)) | (KeyKind::TrueOrFalse, value @ toml::Value::Boolean(_)) => Ok(value),
            (KeyKind::Level, toml::Value::Integer(level)) if (1..=6).contains(&level) => Ok(toml::Value::Integer(level)),
            // YAML's scalars arrive as text.
            (KeyKind::Level, toml::Value::String(text)) if text.parse::<i64>().is_ok_and(|l| (1..=6).contains(&l)) => Ok(toml::Value::Integer(text.parse().unwrap_or(2))),
            (KeyKind::TextList, toml::Value::String(text)) => Ok(toml::Value::Array(vec![toml::Value::String(text)])),
            (KeyKind::TextList, value @ toml::Value::Array(_)) if value.as_array().is_some_and(|items| items.iter().all(toml::Value::is_str)) => Ok(value),
            (KeyKind::Names, toml::Value::Array(items)) => {
                let name = |item: &toml::Value| match item {
                    toml::Value::String(name) => Some(name.clone()),
                    toml::Value::Table(person) => person.get("name").and_then(toml::Value::as_str).map(str::to_owned),
                    _ => None,
                };
                match items.iter().map(name).collect::<Option<Vec<String>>>() {
                    Some(names) if !names.is_empty() => Ok(toml::Value::Array(names.into_iter().map(toml::Value::String).collect())),
                    _ => Err(toml::Value::Array(items)),
                }
            }
            (_, value) => Err(value),
        }
    }

    pub(super) fn description(self, syntax: Syntax) -> &'static str {
        match (self, syntax) {
            (KeyKind::Text | KeyKind::Date, Syntax::Toml) => "text in double quotes",
            (KeyKind::TextList, Syntax::Toml) => "a list of texts in double quotes",
            (KeyKind::Names, Syntax::Toml) => "a name in double quotes, or a list of names",
            (KeyKind::Text | KeyKind::Date, Syntax::Yaml) => "text",
            (KeyKind::TextList, Syntax::Yaml) => "a list of texts",
            (KeyKind::Names, Syntax::Yaml) => "a name, or a list of names",
            (KeyKind::TrueOrFalse, _) => "true or false",
            (KeyKind::Level, _) => "a whole number from 1 to 6",
        }
    }

    /// How a value of this kind is written, for the help line.
    pub(super) fn example(self, key: &str, syntax: Syntax) -> String {
        match (self, syntax) {
            (KeyKind::Text, _) => syntax.line(key, "\"…\""),
            (KeyKind::Date, _) => syntax.line(key, "\"2017-10-25\""),
            (KeyKind::TextList | KeyKind::Names, Syntax::Toml) => format!("{key} = [\"…\", \"…\"]"),
            (KeyKind::TextList | KeyKind::Names, Syntax::Yaml) => format!("{key}: [first, second]"),
            (KeyKind::TrueOrFalse, _) => syntax.line(key, "false"),
            (KeyKind::Level, _) => syntax.line(key, "2"),
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

pub(super) use crate::diagnostics::edit_distance;


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
    fn several_authors_are_kept_by_name() {
        // The byline is made from them once the language is known (Metadata::byline).
        let people = toml::Value::Array(vec![toml::Value::Table([("name".to_string(), toml::Value::from("Ann"))].into_iter().collect()), "Bob".into()]);
        assert_eq!(KeyKind::Names.read(people), Ok(toml::Value::Array(vec!["Ann".into(), "Bob".into()])));
        assert!(KeyKind::Names.read(toml::Value::Array(vec![])).is_err());
        assert_eq!(KeyKind::TextList.read("one".into()), Ok(toml::Value::Array(vec!["one".into()])));
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
        assert!(KeyKind::of("smart_punctuation").unwrap().read(toml::Value::Boolean(false)).is_ok());
        assert!(KeyKind::of("title").unwrap().read(toml::Value::Integer(5)).is_err());
        assert!(KeyKind::of("subjects").unwrap().read(toml::Value::Array(vec![toml::Value::Integer(1)])).is_err());
    }

    /// The table of keys and the model's fields must agree: every key, given a
    /// value of its kind, is read into the metadata, and no field lacks a key.
    #[test]
    fn every_key_is_a_field_of_the_metadata() {
        let mut table = toml::Table::new();
        for (key, kind) in KEYS {
            let value = match kind {
                KeyKind::Text | KeyKind::Names => toml::Value::String(format!("{key} value")),
                KeyKind::Date => toml::Value::String("2017-10".into()),
                KeyKind::TextList => toml::Value::Array(vec![toml::Value::String(format!("{key} value"))]),
                KeyKind::TrueOrFalse => toml::Value::Boolean(false),
                KeyKind::Level => toml::Value::Integer(2),
            };
            table.insert(key.to_string(), value);
        }
        // `author` and `date` are taken out before the rest is deserialized, as `metadata` does.
        table.remove("date");
        let names = table.remove("author").and_then(|v| v.as_str().map(str::to_owned));
        let mut metadata: Metadata = table.try_into().unwrap();
        metadata.authors = names.into_iter().collect();
        metadata.author = metadata.byline();
        let texts: Vec<&str> = metadata.texts().map(|(key, _)| key).collect();
        let text_keys: Vec<&str> = KEYS.iter().filter(|(_, kind)| matches!(kind, KeyKind::Text | KeyKind::Names | KeyKind::TextList)).map(|(key, _)| *key).collect();
        assert_eq!(texts, text_keys, "Metadata::texts lists every text key, in order");
        assert_eq!(metadata.smart_punctuation, Some(false));
    }
}
