//! Which quotation marks each language uses, as data: the marks smart
//! punctuation turns straight quotes into, and whether the language sets a
//! thin space inside them and before `; : ! ?` (French).

/// A language's quotation marks: `outer` for quotations, `inner` for a
/// quotation inside one (straight `"` and `'` as typed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotes {
    pub outer: (char, char),
    pub inner: (char, char),
    /// A narrow no-break space inside guillemets and before `; : ! ?`.
    pub spaced: bool,
}

const fn marks(outer: [char; 2], inner: [char; 2]) -> Quotes {
    Quotes { outer: (outer[0], outer[1]), inner: (inner[0], inner[1]), spaced: false }
}

const ENGLISH: Quotes = marks(['“', '”'], ['‘', '’']);
const GERMAN: Quotes = marks(['„', '“'], ['‚', '‘']);
const GUILLEMETS_ENGLISH_INNER: Quotes = marks(['«', '»'], ['“', '”']);
const GUILLEMETS_GERMAN_INNER: Quotes = marks(['«', '»'], ['„', '“']);
const SWISS: Quotes = marks(['«', '»'], ['‹', '›']);

/// By BCP 47 tag, the most specific first: a region that differs from its
/// language (Swiss German, Brazilian Portuguese) comes before the language.
/// From the conventions of each language's style guides, as CLDR records them.
const TABLE: &[(&str, Quotes)] = &[
    ("en", ENGLISH),
    ("de-ch", SWISS),
    ("de-li", SWISS),
    ("de", GERMAN),
    ("fr-ch", SWISS),
    ("fr", Quotes { spaced: true, ..GUILLEMETS_ENGLISH_INNER }),
    ("ru", GUILLEMETS_GERMAN_INNER),
    ("uk", GUILLEMETS_GERMAN_INNER),
    ("be", GUILLEMETS_GERMAN_INNER),
    ("pl", marks(['„', '”'], ['«', '»'])),
    ("cs", GERMAN),
    ("sk", GERMAN),
    ("sl", GERMAN),
    ("bg", GERMAN),
    ("lt", GERMAN),
    ("et", GERMAN),
    ("is", GERMAN),
    ("hr", marks(['„', '”'], ['‘', '’'])),
    ("sr", marks(['„', '”'], ['‘', '’'])),
    ("ro", marks(['„', '”'], ['«', '»'])),
    ("hu", marks(['„', '”'], ['»', '«'])),
    ("nl", ENGLISH),
    ("sv", marks(['”', '”'], ['’', '’'])),
    ("fi", marks(['”', '”'], ['’', '’'])),
    ("da", marks(['»', '«'], ['›', '‹'])),
    ("nb", marks(['«', '»'], ['‘', '’'])),
    ("nn", marks(['«', '»'], ['‘', '’'])),
    ("no", marks(['«', '»'], ['‘', '’'])),
    ("it", GUILLEMETS_ENGLISH_INNER),
    ("es", GUILLEMETS_ENGLISH_INNER),
    ("ca", GUILLEMETS_ENGLISH_INNER),
    ("pt-br", ENGLISH),
    ("pt", GUILLEMETS_ENGLISH_INNER),
    ("el", GUILLEMETS_ENGLISH_INNER),
    ("lv", GUILLEMETS_GERMAN_INNER),
    ("tr", ENGLISH),
    ("eo", ENGLISH),
    ("ga", ENGLISH),
    ("cy", marks(['‘', '’'], ['“', '”'])),
    ("he", marks(['”', '”'], ['’', '’'])),
    ("ar", GUILLEMETS_ENGLISH_INNER),
    ("zh", ENGLISH),
    ("ja", marks(['「', '」'], ['『', '』'])),
];

/// The marks for a BCP 47 tag, by its language and region; English marks
/// for a language the table does not know.
pub fn for_language(tag: &str) -> Quotes {
    known(tag).unwrap_or(ENGLISH)
}

/// The marks for a tag the table knows.
pub fn known(tag: &str) -> Option<Quotes> {
    let tag = tag.to_ascii_lowercase().replace('_', "-");
    let subtags: Vec<&str> = tag.split('-').collect();
    let primary = *subtags.first()?;
    // `de-CH`, also `de-Latn-CH`: any later subtag may be the region.
    subtags[1..]
        .iter()
        .find_map(|region| TABLE.iter().find(|(t, _)| *t == format!("{primary}-{region}")))
        .or_else(|| TABLE.iter().find(|(t, _)| *t == primary))
        .map(|(_, quotes)| *quotes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_before_languages_and_english_for_the_unknown() {
        assert_eq!(for_language("de-CH").outer, ('«', '»'));
        assert_eq!(for_language("de-AT").outer, ('„', '“'));
        assert_eq!(for_language("pt-BR").outer, ('“', '”'));
        assert_eq!(for_language("pt-PT").outer, ('«', '»'));
        assert!(for_language("fr-CA").spaced);
        assert_eq!(for_language("xx"), ENGLISH);
        assert_eq!(known("xx"), None);
    }
}
