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

    /// The title's main part and, for "Main: subtitle", the part after the colon:
    /// covers and title pages set the two on lines of their own, running heads the first.
    pub fn title_parts(&self) -> (&str, Option<&str>) {
        match self.title.split_once(": ") {
            Some((main, rest)) => (main, Some(rest)),
            None => (&self.title, None),
        }
    }

    /// Every text of the front matter, with its key, in the order of the keys.
    pub fn texts(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let single = [
            ("title", Some(&self.title)),
            ("subtitle", self.subtitle.as_ref()),
            ("author", Some(&self.author)),
            ("publisher", self.publisher.as_ref()),
            ("date", self.date.as_ref()),
            ("language", Some(&self.language)),
            ("identifier", self.identifier.as_ref()),
            ("rights", self.rights.as_ref()),
        ];
        let lists = [("subjects", &self.subjects), ("back_matter", &self.back_matter), ("hyphenation_exceptions", &self.hyphenation_exceptions)];
        let single = single.into_iter().filter_map(|(key, value)| value.map(|v| (key, v.as_str())));
        single.chain(lists.into_iter().flat_map(|(key, values)| values.iter().map(move |v| (key, v.as_str()))))
    }

    /// The texts the editions print as prose (title page, covers, running heads),
    /// which the typography pass sets as it sets the text.
    pub fn printed_texts_mut(&mut self) -> impl Iterator<Item = &mut String> {
        [Some(&mut self.title), self.subtitle.as_mut(), Some(&mut self.author), self.publisher.as_mut(), self.rights.as_mut()].into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_title_with_a_colon_has_two_parts() {
        let m = Metadata { title: "Russia’s 1917 revolution: When workers took power".into(), ..Default::default() };
        assert_eq!(m.title_parts(), ("Russia’s 1917 revolution", Some("When workers took power")));
        let m = Metadata { title: "Ratio 3:2".into(), ..Default::default() };
        assert_eq!(m.title_parts(), ("Ratio 3:2", None));
    }
}
