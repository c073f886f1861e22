//! YAML front matter (between `---` lines, as pandoc users write it) read into the same
//! table TOML front matter gives, each top-level key with its place in the block.
//!
//! The tree is built here from saphyr-parser's events rather than by a YAML loader, for two
//! reasons: every key and value keeps its position, so a wrong value is reported where it
//! is written; and aliases are expanded under a budget, so that a few lines of nested
//! anchors (the "billion laughs") are an error rather than gigabytes of memory.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// How many values the front matter may hold once its aliases are expanded: far more than
/// any real front matter, far fewer than a hostile one would make.
const MAX_VALUES: usize = 10_000;

/// How deep lists and mappings may nest: quire's keys hold at most a list of texts.
const MAX_DEPTH: usize = 64;

/// One top-level key of the front matter, with the character offsets of the key and its
/// value inside the block.
pub(super) struct Entry {
    pub key: String,
    pub key_at: usize,
    pub value: toml::Value,
    pub value_at: usize,
}

/// Why the block could not be read, at a character offset inside it.
#[derive(Debug)]
pub(super) struct YamlError {
    pub at: usize,
    pub message: String,
    pub help: &'static str,
}

const SYNTAX_HELP: &str = "front matter is YAML: `key: value` lines; put text with a `: ` in it in double quotes";

impl YamlError {
    fn syntax(at: usize, message: impl Into<String>) -> YamlError {
        YamlError { at, message: message.into(), help: SYNTAX_HELP }
    }
}

/// A value being built, with the offset where it starts.
enum Open {
    List { items: Vec<toml::Value>, anchor: usize, at: usize },
    Map { entries: Vec<(String, usize, toml::Value, usize)>, key: Option<(String, usize)>, anchor: usize, at: usize },
}

/// Reads the YAML `text` of a front-matter block. Null values (`subtitle:` with nothing
/// after it) are left out, as if the key were not there. Scalars are kept as text, except
/// `true` and `false` written plainly; which keys want which kind is the caller's business.
pub(super) fn read(text: &str) -> Result<Vec<Entry>, YamlError> {
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, (toml::Value, usize)> = HashMap::new();
    let mut values = 0usize;
    let mut top: Option<Vec<(String, usize, toml::Value, usize)>> = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError::syntax(e.marker().index(), e.info()))?;
        let at = span.start.index();
        let finished = match event {
            Event::Scalar(value, style, anchor, _) => {
                let value = scalar(value, style);
                values += 1;
                if anchor > 0 {
                    if let Some(v) = &value {
                        anchors.insert(anchor, (v.clone(), 1));
                    }
                }
                Some((value, at))
            }
            Event::Alias(anchor) => {
                let Some((value, size)) = anchors.get(&anchor) else {
                    return Err(YamlError::syntax(at, "an alias to an anchor that is not defined"));
                };
                values += size;
                if values > MAX_VALUES {
                    return Err(too_large(span));
                }
                Some((Some(value.clone()), at))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError::syntax(at, format!("lists and mappings nest more than {MAX_DEPTH} deep")));
                }
                let open = if matches!(event, Event::SequenceStart(..)) {
                    Open::List { items: Vec::new(), anchor, at }
                } else {
                    Open::Map { entries: Vec::new(), key: None, anchor, at }
                };
                stack.push(open);
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor, at) = match stack.pop() {
                    Some(Open::List { items, anchor, at }) => (toml::Value::Array(items), anchor, at),
                    // The mapping of the whole block: its entries are the front matter's keys.
                    Some(Open::Map { entries, .. }) if stack.is_empty() && top.is_none() => {
                        top = Some(entries);
                        continue;
                    }
                    Some(Open::Map { entries, anchor, at, .. }) => {
                        let table = entries.into_iter().map(|(k, _, v, _)| (k, v)).collect();
                        (toml::Value::Table(table), anchor, at)
                    }
                    None => continue,
                };
                values += 1;
                if anchor > 0 {
                    anchors.insert(anchor, (value.clone(), count(&value)));
                }
                Some((Some(value), at))
            }
            _ => None,
        };
        if values > MAX_VALUES {
            return Err(too_large(span));
        }
        if let Some((value, value_at)) = finished {
            match stack.last_mut() {
                Some(Open::List { items, .. }) => items.extend(value),
                Some(Open::Map { entries, key, .. }) => match key.take() {
                    None => {
                        let name = match value {
                            Some(toml::Value::String(s)) => s,
                            Some(toml::Value::Boolean(b)) => b.to_string(),
                            None => String::new(),
                            Some(_) => return Err(YamlError::syntax(value_at, "a key must be a plain word, not a list or a mapping")),
                        };
                        *key = Some((name, value_at));
                    }
                    Some((name, key_at)) => {
                        if let Some(value) = value {
                            entries.push((name, key_at, value, value_at));
                        }
                    }
                },
                // A document that is a single scalar or list, not `key: value` lines.
                None => return Err(YamlError::syntax(value_at, "front matter must be `key: value` lines")),
            }
        }
    }
    let entries = top.unwrap_or_default();
    Ok(entries.into_iter().map(|(key, key_at, value, value_at)| Entry { key, key_at, value, value_at }).collect())
}

fn too_large(span: Span) -> YamlError {
    YamlError {
        at: span.start.index(),
        message: format!("its aliases expand to more than {MAX_VALUES} values"),
        help: "write each value out: front matter holds a title, names and a few lists, which need no aliases",
    }
}

/// How many values `value` holds, itself included: what copying it for an alias costs.
fn count(value: &toml::Value) -> usize {
    match value {
        toml::Value::Array(items) => 1 + items.iter().map(count).sum::<usize>(),
        toml::Value::Table(table) => 1 + table.values().map(count).sum::<usize>(),
        _ => 1,
    }
}

/// A scalar as the front matter reads it: text as written (pandoc reads `title: 1984` as
/// the title "1984"), `true`/`false` written plainly as a truth value, null as nothing.
fn scalar(value: Cow<'_, str>, style: ScalarStyle) -> Option<toml::Value> {
    if style != ScalarStyle::Plain {
        return Some(toml::Value::String(value.into_owned()));
    }
    match value.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => None,
        "true" | "True" | "TRUE" => Some(toml::Value::Boolean(true)),
        "false" | "False" | "FALSE" => Some(toml::Value::Boolean(false)),
        _ => Some(toml::Value::String(value.into_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, usize, toml::Value, usize)> {
        read(text).unwrap().into_iter().map(|e| (e.key, e.key_at, e.value, e.value_at)).collect()
    }

    #[test]
    fn keys_values_and_their_places() {
        let text = "title: A book\nauthor:\n  - Ann\n  - Bob\nsubtitle:\nsmart_punctuation: false\n";
        let found = keys(text);
        assert_eq!(found.len(), 3, "the null subtitle is left out");
        assert_eq!((found[0].0.as_str(), found[0].1, found[0].3), ("title", 0, 7));
        assert_eq!(found[0].2, toml::Value::String("A book".into()));
        assert_eq!(found[1].2, toml::Value::Array(vec!["Ann".into(), "Bob".into()]));
        assert_eq!(found[2].2, toml::Value::Boolean(false));
        assert_eq!(keys("date: 2017\n")[0].2, toml::Value::String("2017".into()), "a year is text");
    }

    #[test]
    fn aliases_expand_within_a_budget() {
        let found = keys("a: &name Ann\nauthor: *name\n");
        assert_eq!(found[1].2, toml::Value::String("Ann".into()));
        // Nine levels of ten aliases each would be a billion values.
        let mut laughs = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..10 {
            let previous = format!("*a{}", level - 1);
            laughs.push_str(&format!("a{level}: &a{level} [{}]\n", vec![previous; 10].join(", ")));
        }
        let error = read(&laughs).err().expect("the billion laughs is refused");
        assert_eq!(error.message, "its aliases expand to more than 10000 values");
    }

    #[test]
    fn deep_nesting_and_bad_yaml_are_errors_not_crashes() {
        let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert!(read(&deep).is_err());
        let error = read("title: [unclosed\n").err().unwrap();
        assert!(!error.message.is_empty());
        assert!(read("- just\n- a list\n").is_err());
        assert!(read("just text\n").is_err());
    }
}
