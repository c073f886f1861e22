//! The words the editions print around the book's own text ("Contents",
//! "Notes", "Chapter 3"), in the book's language: read from `styles/labels.toml`
//! and the book's own `[labels]` by the check, so every edition says the same.

use serde::Deserialize;

/// Each label as text; `{number}`, `{first}`, `{last}` and `{occurrence}` are
/// placeholders [`Labels::fill`] replaces.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub contents: String,
    pub notes: String,
    /// The bibliography's heading; empty for none.
    pub bibliography: String,
    pub cover: String,
    pub title_page: String,
    pub copyright: String,
    pub dedication: String,
    pub epigraph: String,
    pub chapter: String,
    pub part: String,
    pub pages: String,
    pub landmarks: String,
    pub start: String,
    pub notes_to_pages: String,
    pub back_to_note_reference: String,
    pub back_to_reference_of_note: String,
    /// What a note reference is, said by a screen reader (the PDF's link text).
    pub note_reference: String,
    pub typeset_with: String,
}

impl Default for Labels {
    /// English, for a book read without the resources (tests of one stage).
    fn default() -> Labels {
        Labels {
            contents: "Contents".into(),
            notes: "Notes".into(),
            bibliography: "Bibliography".into(),
            cover: "Cover".into(),
            title_page: "Title page".into(),
            copyright: "Copyright".into(),
            dedication: "Dedication".into(),
            epigraph: "Epigraph".into(),
            chapter: "Chapter {number}".into(),
            part: "Part {number}".into(),
            pages: "Pages".into(),
            landmarks: "Landmarks".into(),
            start: "Start of the text".into(),
            notes_to_pages: "Notes to pages {first}–{last}".into(),
            back_to_note_reference: "Back to note reference {number}".into(),
            back_to_reference_of_note: "Back to reference {occurrence} of note {number}".into(),
            note_reference: "Note {number}".into(),
            typeset_with: "Typeset with quire".into(),
        }
    }
}

impl Labels {
    /// `label` with each `{name}` replaced by its value: `fill(&l.chapter, &[("number", "3")])`.
    pub fn fill(label: &str, values: &[(&str, &str)]) -> String {
        let mut out = label.to_owned();
        for (name, value) in values {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// The label's names, as `styles/labels.toml` and `[labels]` write them.
    pub fn set(&mut self, name: &str, value: String) -> bool {
        let field = match name {
            "contents" => &mut self.contents,
            "notes" => &mut self.notes,
            "bibliography" => &mut self.bibliography,
            "cover" => &mut self.cover,
            "title_page" => &mut self.title_page,
            "copyright" => &mut self.copyright,
            "dedication" => &mut self.dedication,
            "epigraph" => &mut self.epigraph,
            "chapter" => &mut self.chapter,
            "part" => &mut self.part,
            "pages" => &mut self.pages,
            "landmarks" => &mut self.landmarks,
            "start" => &mut self.start,
            "notes_to_pages" => &mut self.notes_to_pages,
            "back_to_note_reference" => &mut self.back_to_note_reference,
            "back_to_reference_of_note" => &mut self.back_to_reference_of_note,
            "note_reference" => &mut self.note_reference,
            "typeset_with" => &mut self.typeset_with,
            _ => return false,
        };
        *field = value;
        true
    }
}
