//! The manuscript's front matter: who wrote it, what it is called, in which language.

use serde::Deserialize;

/// A publication date as a manuscript gives it: a year, a month or a day
/// (ISO 8601: `2017`, `2017-10`, `2017-10-25`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl Date {
    /// Only the forms every edition can stamp: a four-digit year, two-digit month and day.
    pub fn parse(text: &str) -> Option<Date> {
        let parts: Vec<&str> = text.split('-').collect();
        let widths_ok = parts.len() <= 3 && parts.iter().enumerate().all(|(i, p)| p.len() == if i == 0 { 4 } else { 2 } && p.bytes().all(|b| b.is_ascii_digit()));
        if !widths_ok {
            return None;
        }
        let number = |i: usize| parts.get(i).map(|p| p.parse::<u32>()).transpose();
        let date = Date { year: parts[0].parse().ok()?, month: number(1).ok()?, day: number(2).ok()? };
        chrono::NaiveDate::from_ymd_opt(date.year, date.month.unwrap_or(1), date.day.unwrap_or(1)).map(|_| date)
    }

    /// A date as people write it, beyond ISO 8601: a timestamp (`2015-11-13T10:00:00Z`),
    /// slashes (`2015/11/13`), or the month in English words (`November 13, 2015`,
    /// `13 Nov 2015`, `Nov 2015`). `None` for anything else.
    pub fn read(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Some(date) = Date::parse(text) {
            return Some(date);
        }
        // A timestamp's day, with its time of day dropped.
        if text.len() > 10 && text.is_char_boundary(10) && text[10..].starts_with(['T', ' ']) {
            if let Some(date) = Date::parse(&text[..10]) {
                return Some(date);
            }
        }
        if text.contains('/') && text.chars().all(|c| c.is_ascii_digit() || c == '/') && text.split('/').next().is_some_and(|y| y.len() == 4) {
            return Date::parse(&text.replace('/', "-"));
        }
        let words: Vec<&str> = text.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        let month = words.iter().filter_map(|w| month_number(w)).collect::<Vec<_>>();
        let numbers: Vec<&str> = words.iter().copied().filter(|w| month_number(w).is_none()).collect();
        let ([month], true) = (month.as_slice(), words.len() == numbers.len() + 1) else { return None };
        let (year, day) = match numbers.as_slice() {
            [year] => (*year, None),
            [a, b] if a.len() == 4 => (*a, Some(*b)),
            [a, b] => (*b, Some(*a)),
            _ => return None,
        };
        let day = day.map(|d| d.trim_end_matches(['.', 's', 't', 'n', 'd', 'r', 'h'])).map(|d| format!("-{:0>2}", d)).unwrap_or_default();
        Date::parse(&format!("{year}-{month:02}{day}"))
    }

    /// The first day the date covers: 2017 is 1 January 2017.
    pub fn first_day(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1)).unwrap_or_default()
    }
}

/// January is 1: English month names, whole or in three letters (`Nov`, `Nov.`, `Sept`).
fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
    let word = word.trim_end_matches('.').to_ascii_lowercase();
    let known = |(i, name): (usize, &&str)| (word.len() >= 3 && name.starts_with(&word)).then_some(i as u32 + 1);
    MONTHS.iter().enumerate().find_map(known)
}

/// As the manuscript wrote it.
impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

/// Front-matter keys, as written in TOML between `+++` lines or YAML between `---` lines.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Metadata {
    /// Never empty once the manuscript is read: when the front matter has none, the
    /// manuscript reader takes it from the first heading or the file name.
    #[serde(default)]
    pub title: String,
    /// Standfirst or subtitle; also the book's description.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// Who wrote it, as one byline ("A, B and C", in the book's language: [`Metadata::byline`]);
    /// `None` when the manuscript does not say, and then no edition names an author.
    #[serde(skip)]
    pub author: Option<String>,
    /// Each author by name, in the order given: the EPUB names each as a creator.
    #[serde(skip)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    /// Publication date: read from the front matter's text once, by the manuscript reader.
    #[serde(skip)]
    pub date: Option<Date>,
    /// BCP 47 language tag, e.g. `en-AU`; `en` when the manuscript does not say (the
    /// manuscript reader fills it in).
    #[serde(default)]
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
    /// The language whose quotation marks smart punctuation sets (`quotes = "de"`), if not the book's.
    #[serde(default)]
    pub quotes: Option<String>,
    /// A picture for the covers (the EPUB's and the booklet's), relative to the
    /// manuscript's folder; without it the covers are drawn from the title.
    #[serde(default)]
    pub cover_image: Option<String>,
    /// The bibliography the citations (`[@key]`) cite: a BibTeX or BibLaTeX file (`.bib`) or
    /// hayagriva's YAML (`.yaml`, `.yml`), relative to the manuscript's (or book's) folder.
    #[serde(default)]
    pub bibliography: Option<String>,
    /// A CSL style for the citations, relative to the same folder; Chicago's notes and
    /// bibliography unless given.
    #[serde(default)]
    pub csl: Option<String>,
    /// A dedication, printed on a page of its own after the copyright page.
    #[serde(default)]
    pub dedication: Option<String>,
    /// An epigraph, printed on a page of its own before the first chapter…
    #[serde(default)]
    pub epigraph: Option<String>,
    /// …and whose words it is.
    #[serde(default)]
    pub epigraph_source: Option<String>,
    /// Which edition this is (“Second edition, 2024”), for the copyright page.
    #[serde(default)]
    pub edition: Option<String>,
    /// Whether note numbers run through the book or restart in each chapter
    /// (a book's `book.toml`: `[notes] numbering`).
    #[serde(skip)]
    pub note_numbering: NoteNumbering,
    /// Where the notes are set: all at the end of the book, or each chapter's at its end
    /// (a book's `book.toml`: `[notes] placement`).
    #[serde(skip)]
    pub note_placement: NotePlacement,
    /// How many levels of headings the contents list: 1 chapters (and parts), 2 their
    /// sections too, … (`toc_depth`, pandoc's name); 2 unless given.
    #[serde(default)]
    pub toc_depth: Option<u8>,
    /// The words the editions print around the text, in the book's language
    /// (`styles/labels.toml`, then `book.toml`'s `[labels]`), filled in by the check.
    #[serde(skip)]
    pub labels: super::labels::Labels,
    /// The book's own `[labels]`, by name, which replace the language's.
    #[serde(skip)]
    pub label_overrides: Vec<(String, String)>,
}

/// Where a book's notes are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NotePlacement {
    /// In one notes section at the end of the book, under a heading for each chapter.
    #[default]
    EndOfBook,
    /// At the end of each chapter.
    EndOfChapter,
}

/// How a book numbers its notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoteNumbering {
    /// 1…n through the book: a one-file manuscript's way.
    #[default]
    Book,
    /// From 1 in each chapter: the default for a book of several chapters.
    Chapter,
}

impl Metadata {
    /// Smart punctuation is on unless the front matter turns it off.
    pub fn wants_smart_punctuation(&self) -> bool {
        self.smart_punctuation != Some(false)
    }

    /// The primary language subtag, lower-cased: `en` for `en-AU`.
    pub fn primary_language(&self) -> String {
        self.language.split('-').next().unwrap_or("").to_ascii_lowercase()
    }

    /// The authors as one byline, joined as the book's language joins names: "Ann",
    /// "Ann and Bob", "Ann, Bob and Cy"; "Anne et Bernard" in French. A language whose
    /// word quire does not know joins the last two with "&".
    pub fn byline(&self) -> Option<String> {
        let and = match self.primary_language().as_str() {
            "en" => "and",
            "fr" | "la" => "et",
            "de" => "und",
            "es" => "y",
            "it" | "pt" | "gl" => "e",
            "ru" | "bg" => "и",
            "uk" => "і",
            "nl" | "af" => "en",
            "ca" | "pl" | "hr" | "bs" | "sr" => "i",
            "da" | "no" | "nb" | "nn" | "is" => "og",
            "sv" => "och",
            "fi" | "et" => "ja",
            "cs" | "sk" | "cy" => "a",
            "hu" => "és",
            "ro" => "și",
            "tr" => "ve",
            "el" => "και",
            "sl" => "in",
            "lv" => "un",
            "lt" => "ir",
            "eo" => "kaj",
            "ga" => "agus",
            "id" | "ms" => "dan",
            _ => "&",
        };
        match self.authors.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            [rest @ .., last] => Some(format!("{} {and} {last}", rest.join(", "))),
        }
    }

    /// The title's main part and, for "Main: subtitle", the part after the colon:
    /// covers and title pages set the two on lines of their own, running heads the first.
    pub fn title_parts(&self) -> (&str, Option<&str>) {
        match self.title.split_once(": ") {
            Some((main, rest)) => (main, Some(rest)),
            None => (&self.title, None),
        }
    }

    /// The byline under a title block's standfirst: the author, unless the
    /// standfirst already names every author ("…, writes David Glanz."),
    /// where a byline would say it twice.
    pub fn title_block_byline(&self) -> Option<&str> {
        let author = self.author.as_deref()?;
        let Some(standfirst) = self.subtitle.as_deref() else { return Some(author) };
        let names: Vec<&str> = if self.authors.is_empty() { vec![author] } else { self.authors.iter().map(String::as_str).collect() };
        let named = names.iter().all(|name| contains_name(standfirst, name));
        (!named).then_some(author)
    }

    /// Every text of the front matter, with its key, in the order of the keys.
    pub fn texts(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let single = [
            ("title", Some(&self.title)),
            ("subtitle", self.subtitle.as_ref()),
            ("author", self.author.as_ref()),
            ("publisher", self.publisher.as_ref()),
            ("language", Some(&self.language)),
            ("identifier", self.identifier.as_ref()),
            ("rights", self.rights.as_ref()),
            ("quotes", self.quotes.as_ref()),
            ("cover_image", self.cover_image.as_ref()),
            ("bibliography", self.bibliography.as_ref()),
            ("csl", self.csl.as_ref()),
            ("dedication", self.dedication.as_ref()),
            ("epigraph", self.epigraph.as_ref()),
            ("epigraph_source", self.epigraph_source.as_ref()),
            ("edition", self.edition.as_ref()),
        ];
        let lists = [("subjects", &self.subjects), ("back_matter", &self.back_matter), ("hyphenation_exceptions", &self.hyphenation_exceptions)];
        let single = single.into_iter().filter_map(|(key, value)| value.map(|v| (key, v.as_str())));
        single.chain(lists.into_iter().flat_map(|(key, values)| values.iter().map(move |v| (key, v.as_str()))))
    }

    /// The texts the editions print as prose (title page, covers, running heads),
    /// which the typography pass sets as it sets the text.
    pub fn printed_texts_mut(&mut self) -> impl Iterator<Item = &mut String> {
        let single = [
            Some(&mut self.title),
            self.subtitle.as_mut(),
            self.author.as_mut(),
            self.publisher.as_mut(),
            self.rights.as_mut(),
            self.dedication.as_mut(),
            self.epigraph.as_mut(),
            self.epigraph_source.as_mut(),
            self.edition.as_mut(),
        ];
        single.into_iter().flatten().chain(self.authors.iter_mut())
    }
}

/// Whether `text` names `name`: its words, in order, as whole words
/// (punctuation and a possessive after them, case and line breaks aside).
fn contains_name(text: &str, name: &str) -> bool {
    let word = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        w.strip_suffix("’s").or_else(|| w.strip_suffix("'s")).unwrap_or(&w).to_owned()
    };
    let text: Vec<String> = text.split_whitespace().map(word).collect();
    let name: Vec<String> = name.split_whitespace().map(word).filter(|w| !w.is_empty()).collect();
    !name.is_empty() && text.windows(name.len()).any(|window| window == name.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let year = Date::parse("2017").unwrap();
        assert_eq!((year.year, year.month, year.day), (2017, None, None));
        assert_eq!(year.first_day(), chrono::NaiveDate::from_ymd_opt(2017, 1, 1).unwrap());
        for written in ["2017", "2017-10", "2017-10-05", "1066-02-28"] {
            assert_eq!(Date::parse(written).map(|d| d.to_string()).as_deref(), Some(written), "written as it was");
        }
        // Only four-digit years and two-digit months and days can be stamped.
        for unstampable in ["2017-13", "17", "2017-1", "2017-02-31", "2017-10-5", "2017-10-05-01", "+2017", "", "2017-"] {
            assert_eq!(Date::parse(unstampable), None, "{unstampable}");
        }
    }

    #[test]
    fn dates_as_people_write_them() {
        for (written, read) in [
            ("November 13, 2015", "2015-11-13"),
            ("13 November 2015", "2015-11-13"),
            ("2015-11-13T10:00:00Z", "2015-11-13"),
            ("2015-11-13 10:00", "2015-11-13"),
            ("2015/11/13", "2015-11-13"),
            ("Nov 2015", "2015-11"),
            ("Sept. 3rd, 1999", "1999-09-03"),
            ("2017", "2017"),
        ] {
            assert_eq!(Date::read(written).map(|d| d.to_string()).as_deref(), Some(read), "{written}");
        }
        for unreadable in ["last spring", "13/11/2015", "Nov 31, 2015", "November", "2015 Nov Dec", "ma 2015"] {
            assert_eq!(Date::read(unreadable), None, "{unreadable}");
        }
    }

    #[test]
    fn bylines_in_the_book_s_language() {
        let byline = |language: &str, names: &[&str]| {
            Metadata { language: language.into(), authors: names.iter().map(|n| n.to_string()).collect(), ..Default::default() }.byline()
        };
        assert_eq!(byline("en", &[]), None);
        assert_eq!(byline("en", &["Ann"]).as_deref(), Some("Ann"));
        assert_eq!(byline("en-GB", &["Ann", "Bob"]).as_deref(), Some("Ann and Bob"));
        assert_eq!(byline("fr", &["Anne", "Bernard", "Chloé"]).as_deref(), Some("Anne, Bernard et Chloé"));
        assert_eq!(byline("de", &["A", "B"]).as_deref(), Some("A und B"));
        assert_eq!(byline("ru", &["А", "Б"]).as_deref(), Some("А и Б"));
        assert_eq!(byline("ja", &["A", "B"]).as_deref(), Some("A & B"));
    }

    #[test]
    fn no_byline_where_the_standfirst_names_the_author() {
        let m = |subtitle: Option<&str>, authors: &[&str]| Metadata {
            subtitle: subtitle.map(str::to_owned),
            author: Some(authors.join(" and ")),
            authors: authors.iter().map(|a| a.to_string()).collect(),
            ..Default::default()
        };
        let named = "The October revolution … saw workers overthrow capitalism and establish real democratic control of society, writes David Glanz.";
        assert_eq!(m(Some(named), &["David Glanz"]).title_block_byline(), None);
        assert_eq!(m(Some("What DAVID\nGLANZ’S readers knew"), &["David Glanz"]).title_block_byline(), None);
        assert_eq!(m(Some(named), &["Glanz"]).title_block_byline(), None);
        assert_eq!(m(None, &["David Glanz"]).title_block_byline(), Some("David Glanz"));
        // A name only in part, or one author of two, leaves the byline.
        assert_eq!(m(Some("On David’s revolution"), &["David Glanz"]).title_block_byline(), Some("David Glanz"));
        assert_eq!(m(Some("Davidglanz writes"), &["David Glanz"]).title_block_byline(), Some("David Glanz"));
        assert_eq!(m(Some(named), &["David Glanz", "Ann Lee"]).title_block_byline(), Some("David Glanz and Ann Lee"));
    }

    #[test]
    fn a_title_with_a_colon_has_two_parts() {
        let m = Metadata { title: "Russia’s 1917 revolution: When workers took power".into(), ..Default::default() };
        assert_eq!(m.title_parts(), ("Russia’s 1917 revolution", Some("When workers took power")));
        let m = Metadata { title: "Ratio 3:2".into(), ..Default::default() };
        assert_eq!(m.title_parts(), ("Ratio 3:2", None));
    }
}
