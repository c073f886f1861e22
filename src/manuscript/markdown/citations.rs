//! pandoc's citation syntax, read from the source text: `[@key]`, `[@key, p. 33]`,
//! `[see @a, pp. 3–5, emphasis added; @b]`, `[-@key]` (the author suppressed), and
//! `@key` in the running text (the author's name is the sentence's). What the
//! citations cite is the citations pass's to find (src/passes/citations/).

/// One work of a bracketed citation, as written: byte offsets are into the bracket's text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Item {
    pub key: String,
    /// Offset of the `@` in the bracket's text.
    pub at: usize,
    pub prefix: String,
    pub locator: Option<(String, String)>,
    pub suffix: String,
    pub suppress_author: bool,
}

/// The items of the text between `[` and `]`, when it is a citation: every part between
/// `;`s names one key. `None` for any other bracket.
pub(super) fn bracketed(text: &str) -> Option<Vec<Item>> {
    let mut items = Vec::new();
    let mut start = 0;
    for part in text.split(';') {
        items.push(item(part, start)?);
        start += part.len() + 1;
    }
    Some(items)
}

fn item(part: &str, offset: usize) -> Option<Item> {
    let at = key_start(part)?;
    let (before, suppress_author) = match part[..at].strip_suffix('-') {
        Some(before) => (before, true),
        None => (&part[..at], false),
    };
    let key = key_at(&part[at + 1..])?;
    let rest = &part[at + 1 + key.len()..];
    let (locator, suffix) = locator_and_suffix(rest);
    Some(Item { key: key.to_owned(), at: offset + at, prefix: before.trim().to_owned(), locator, suffix, suppress_author })
}

/// The first `@` that opens a key: at the start, or after a space or `-`.
fn key_start(part: &str) -> Option<usize> {
    part.match_indices('@').map(|(i, _)| i).find(|&i| {
        let before = part[..i].chars().next_back();
        before.is_none_or(|c| c.is_whitespace() || c == '-') && key_at(&part[i + 1..]).is_some()
    })
}

/// A citation key at the start of `text`: a letter, digit or `_`, then those and
/// pandoc's inner punctuation; punctuation ending it is the sentence's, not the key's.
pub(super) fn key_at(text: &str) -> Option<&str> {
    let first = text.chars().next()?;
    if !(first.is_alphanumeric() || first == '_') {
        return None;
    }
    let end = text.find(|c: char| !(c.is_alphanumeric() || "_:.#$%&-+?<>~/".contains(c))).unwrap_or(text.len());
    let key = text[..end].trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
    Some(key)
}

/// The locator terms pandoc's citeproc reads, with the CSL locator each names.
const LOCATOR_TERMS: &[(&str, &str)] = &[
    ("pp.", "page"),
    ("p.", "page"),
    ("pages", "page"),
    ("page", "page"),
    ("chaps.", "chapter"),
    ("chap.", "chapter"),
    ("ch.", "chapter"),
    ("chapter", "chapter"),
    ("secs.", "section"),
    ("sec.", "section"),
    ("section", "section"),
    ("§§", "section"),
    ("§", "section"),
    ("vols.", "volume"),
    ("vol.", "volume"),
    ("volume", "volume"),
    ("nos.", "issue"),
    ("no.", "issue"),
    ("nn.", "note"),
    ("n.", "note"),
    ("note", "note"),
    ("paras.", "paragraph"),
    ("para.", "paragraph"),
    ("¶", "paragraph"),
    ("figs.", "figure"),
    ("fig.", "figure"),
    ("ll.", "line"),
    ("l.", "line"),
    ("line", "line"),
    ("bk.", "book"),
    ("pts.", "part"),
    ("pt.", "part"),
    ("part", "part"),
    ("cols.", "column"),
    ("col.", "column"),
    ("fol.", "folio"),
    ("vv.", "verse"),
    ("v.", "verse"),
    ("s.v.", "sub-verbo"),
];

/// What follows the key: `, p. 33` (or `, 33`, a page), then the suffix as written
/// (`, emphasis added`). A suffix that opens with no locator is all suffix.
fn locator_and_suffix(rest: &str) -> (Option<(String, String)>, String) {
    let Some(after_comma) = rest.strip_prefix(',') else { return (None, rest.trim_end().to_owned()) };
    let text = after_comma.trim_start();
    let (kind, value_text) = match LOCATOR_TERMS.iter().find(|(term, _)| text.starts_with(term) && !text[term.len()..].starts_with(char::is_alphabetic)) {
        Some((term, kind)) => (*kind, text[term.len()..].trim_start()),
        None => ("page", text),
    };
    // The value: numbers, ranges and lists of them (`33`, `3–5`, `12, 14`, `xiv`).
    let mut end = 0;
    let mut chars = value_text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let more = c.is_ascii_digit() || "–—-ivxlcdm".contains(c) || (c.is_ascii_alphabetic() && i > 0 && value_text[..i].ends_with(|p: char| p.is_ascii_digit()));
        let list = c == ',' && value_text[i + 1..].trim_start().starts_with(|n: char| n.is_ascii_digit());
        let space = c == ' ' && end > 0 && value_text[i..].trim_start().starts_with(|n: char| n.is_ascii_digit()) && value_text[..i].ends_with(',');
        if more || list || space {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    let value = value_text[..end].trim_end_matches(',').trim();
    // A bare word is no page: `, emphasis added` alone is a suffix.
    if value.is_empty() || !value.contains(|c: char| c.is_ascii_digit() || "ivxlcdm".contains(c)) || (kind == "page" && !value.starts_with(|c: char| c.is_ascii_digit())) {
        return (None, rest.trim_end().to_owned());
    }
    (Some((kind.to_owned(), value.to_owned())), value_text[value.len()..].trim_end().to_owned())
}

/// An author-in-text citation in plain text: `@key` at the start or after a space
/// or an opening bracket, never inside an e-mail address. Byte range of `@key`.
pub(super) fn in_text(text: &str) -> Option<(usize, usize)> {
    text.match_indices('@').find_map(|(i, _)| {
        let before = text[..i].chars().next_back();
        let opens = before.is_none_or(|c| c.is_whitespace() || "([{“‘\"'".contains(c));
        let key = key_at(&text[i + 1..]).filter(|_| opens)?;
        Some((i, i + 1 + key.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(kind: &str, value: &str) -> Option<(String, String)> {
        Some((kind.into(), value.into()))
    }

    #[test]
    fn items_prefixes_locators_suffixes() {
        let items = bracketed("see @reed1919, pp. 3–5, emphasis added; -@trotsky:history, chap. 2").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!((items[0].prefix.as_str(), items[0].key.as_str(), items[0].suffix.as_str()), ("see", "reed1919", ", emphasis added"));
        assert_eq!(items[0].locator, loc("page", "3–5"));
        assert_eq!(items[0].at, 4);
        assert!(items[1].suppress_author && items[1].key == "trotsky:history");
        assert_eq!(items[1].locator, loc("chapter", "2"));
        assert_eq!(bracketed("@a, 33").unwrap()[0].locator, loc("page", "33"));
        assert_eq!(bracketed("@a, 12, 14").unwrap()[0].locator, loc("page", "12, 14"));
        assert_eq!(bracketed("@a, p. 33.").unwrap()[0].locator, loc("page", "33"));
        assert_eq!(bracketed("@a, vol. 2").unwrap()[0].locator, loc("volume", "2"));
        let word = &bracketed("@a, for the figures").unwrap()[0];
        assert_eq!((word.locator.clone(), word.suffix.as_str()), (None, ", for the figures"));
        assert_eq!(bracketed("@a and more").unwrap()[0].suffix, " and more");
    }

    #[test]
    fn not_citations() {
        assert!(bracketed("mail a@b.org").is_none());
        assert!(bracketed("@ home").is_none());
        assert!(bracketed("@a; and nothing").is_none());
        assert_eq!(key_at("doe99."), Some("doe99"));
        assert_eq!(key_at("a:b-c, p"), Some("a:b-c"));
        assert_eq!(in_text("As @reed1919 says"), Some((3, 12)));
        assert_eq!(in_text("ann@example.org"), None);
        assert_eq!(in_text("(@doe)"), Some((1, 5)));
    }
}
