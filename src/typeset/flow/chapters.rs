//! A book's body as print sets it: each part on a recto of its own, each
//! chapter opening a new page (a recto when the style says so) with a sink,
//! its number and title in display type; sections under headings of their
//! own; and the notes grouped under their chapters' headings, at the end of
//! the book or of each chapter. The outline nests parts, chapters, sections.
//!
//! A one-file article is not set here: it keeps its title block (`collect`).

use std::borrow::Cow;

use crate::layout::{OutlineEntry, Role};
use crate::model::labels::Labels;
use crate::model::metadata::NotePlacement;
use crate::model::{plain_text, Book, Chapter, Inline, Matter};
use crate::typeset::inline::prepare::TextStyle;

use super::collect::{face_named, Collector, Keep, Material, Place, Setting, Spacing};
use super::pagebreak::{VItem, INFINITE_PENALTY};
use super::SectionKind;

/// A line of display type: its size, leading and face, and the white under it.
struct Display<'s> {
    size: f32,
    leading: f32,
    face: &'s str,
    space_below: f32,
}

impl<'a> Collector<'a> {
    /// Parts, chapters and their sections, in reading order.
    pub(crate) fn book_body(&mut self, book: &'a Book) {
        self.features = &self.style.body.features;
        let mut part = None;
        // Whether the page the next chapter opens on is already begun: the
        // book's first, or the recto after a part's page.
        let mut page_begun = true;
        for (index, chapter) in book.chapters.iter().enumerate() {
            if chapter.part != part {
                if part.is_some() {
                    self.close();
                }
                part = chapter.part;
                if let Some(p) = part.and_then(|p| book.parts.get(p)) {
                    self.open(Role::Part);
                    self.part_page(book, p, page_begun);
                    page_begun = true;
                } else if part.is_some() {
                    // A part the book does not have: its chapters in a part all the same.
                    self.open(Role::Part);
                }
            }
            if !page_begun {
                self.page_break();
            }
            page_begun = false;
            let level = if chapter.part.is_some() { 2 } else { 1 };
            self.open(Role::Sect);
            self.chapter_opening(book, chapter, level);
            self.sections(chapter.sections.iter().filter(|s| s.matter == Matter::Body), level + 1);
            if book.metadata.note_placement == NotePlacement::EndOfChapter && book.notes_of(index).next().is_some() {
                let s = self.style;
                let labels = &book.metadata.labels;
                self.open_section(labels.notes.clone(), SectionKind::Text);
                self.open(Role::Sect);
                self.section_level = level;
                self.subheading(Cow::Owned(vec![Inline::Text(labels.notes.clone())]), 2, Place::text(s));
                self.note_entries(book.notes_of(index));
                self.close();
                self.features = &s.body.features;
            }
            self.close();
        }
        if part.is_some() {
            self.close();
        }
    }

    /// The notes at the end of a book: a section opening as a chapter does,
    /// each chapter's notes under its number and title.
    pub(crate) fn book_notes(&mut self, book: &'a Book) {
        if book.notes.is_empty() || book.metadata.note_placement == NotePlacement::EndOfChapter {
            return;
        }
        let (s, labels) = (self.style, &book.metadata.labels);
        self.page_break();
        self.chapter_title = labels.notes.clone();
        self.open_section(labels.notes.clone(), SectionKind::Opening);
        self.collected.outline.push(OutlineEntry { title: labels.notes.clone(), level: 1, destination: "notes".into() });
        self.open(Role::Sect);
        self.sink(s.chapters.sink_fraction);
        let title = self.title_display();
        let role = self.collected.tagging.heading(1);
        self.display(Cow::Owned(vec![Inline::Text(labels.notes.clone())]), &title, Some("notes".into()), role);
        let c = &s.chapters;
        let heading = Display { size: c.notes_heading_size_pt, leading: s.body.leading_pt, face: &c.notes_heading_face, space_below: s.body.leading_pt * 0.4 };
        for (index, chapter) in book.chapters.iter().enumerate() {
            if book.notes_of(index).next().is_none() {
                continue;
            }
            let name = chapter_name(chapter, labels);
            self.open_section(name.clone(), SectionKind::Notes);
            self.push_space(s.body.leading_pt);
            self.open(Role::Sect);
            let role = self.collected.tagging.heading(2);
            self.display(Cow::Owned(vec![Inline::Text(name)]), &heading, None, role);
            self.note_entries(book.notes_of(index));
            self.close();
        }
        self.close();
        self.features = &s.body.features;
    }

    /// A forced page break before a chapter or the notes, onto a recto when the style asks.
    fn page_break(&mut self) {
        let item = if self.style.chapters.on_recto { VItem::RectoBreak } else { VItem::ForcedBreak };
        self.collected.material.push(Material::Vertical(item));
    }

    /// White at the top of an opening page, `fraction` of the text block:
    /// an empty line, as a space there would be discarded, kept with what follows.
    fn sink(&mut self, fraction: f32) {
        let height = self.style.text_height() * fraction.clamp(0.0, 0.9);
        self.collected.material.push(Material::Vertical(VItem::Line { height }));
        self.collected.material.push(Material::Vertical(VItem::Penalty { cost: INFINITE_PENALTY }));
    }

    /// A part's recto: its number and title a sink down, the verso after it blank.
    fn part_page(&mut self, book: &'a Book, part: &'a crate::model::Part, page_begun: bool) {
        let (s, labels) = (self.style, &book.metadata.labels);
        let c = &s.chapters;
        if !page_begun {
            self.collected.material.push(Material::Vertical(VItem::RectoBreak));
        }
        let title = plain_text(&part.title);
        self.chapter_title = title.clone();
        self.open_section(title.clone(), SectionKind::Part);
        self.collected.outline.push(OutlineEntry { title, level: 1, destination: part.id.clone() });
        self.sink(c.part_sink_fraction);
        let number = Labels::fill(&labels.part, &[("number", &part.number.to_string())]);
        let number_display = Display { size: c.part_number_size_pt, leading: c.part_number_size_pt * 1.3, face: &c.number_face, space_below: s.body.leading_pt * c.number_space_below_lines };
        self.centred_display(Cow::Owned(vec![Inline::Text(number)]), &number_display, Some(part.id.clone()), Role::P);
        let title_display = Display { size: c.part_title_size_pt, leading: c.part_title_leading_pt, face: &c.title_face, space_below: 0.0 };
        let role = self.collected.tagging.heading(1);
        self.centred_display(Cow::Borrowed(&part.title), &title_display, None, role);
        // The verso after a part's page stays blank: the chapter after it opens on a recto.
        self.collected.material.push(Material::Vertical(VItem::RectoBreak));
    }

    /// A chapter's opening: the sink, its number if it has one, its title.
    fn chapter_opening(&mut self, book: &'a Book, chapter: &'a Chapter, level: u8) {
        let (s, labels) = (self.style, &book.metadata.labels);
        let c = &s.chapters;
        let title = chapter.title.as_deref().map(plain_text).unwrap_or_default();
        self.chapter_title = title.clone();
        self.open_section(title.clone(), SectionKind::Opening);
        self.collected.outline.push(OutlineEntry { title, level, destination: chapter.id.clone() });
        self.sink(c.sink_fraction);
        let mut destination = Some(chapter.id.clone());
        if let Some(number) = chapter.number {
            let label = Labels::fill(&labels.chapter, &[("number", &number.to_string())]);
            let display = Display { size: c.number_size_pt, leading: c.number_leading_pt, face: &c.number_face, space_below: s.body.leading_pt * c.number_space_below_lines };
            self.display(Cow::Owned(vec![Inline::Text(label)]), &display, destination.take(), Role::P);
        }
        if let Some(title) = &chapter.title {
            let display = self.title_display();
            let role = self.collected.tagging.heading(level);
            self.display(Cow::Borrowed(title), &display, destination.take(), role);
        }
    }

    fn title_display(&self) -> Display<'a> {
        let (s, c) = (self.style, &self.style.chapters);
        Display { size: c.title_size_pt, leading: c.title_leading_pt, face: &c.title_face, space_below: s.body.leading_pt * c.title_space_below_lines }
    }

    /// A section's heading in a book: its own size and face, above the sub-sections'.
    pub(super) fn section_heading(&mut self, heading: &'a [Inline], id: String, space_above: f32, level: u8) {
        let (s, c) = (self.style, &self.style.chapters);
        let display = Display { size: c.section_size_pt, leading: c.section_leading_pt, face: &c.section_face, space_below: s.body.leading_pt * s.heading.space_below_lines };
        let role = self.collected.tagging.heading(level);
        self.heading_block(Cow::Borrowed(heading), &display, Some(id), space_above, Spacing::Ragged, role);
    }

    /// Display type aligned as the style says, kept with what follows, a `role` in the structure.
    fn display(&mut self, text: Cow<'a, [Inline]>, display: &Display, destination: Option<String>, role: Role) {
        let spacing = if self.style.chapters.centred() { Spacing::Centred } else { Spacing::Ragged };
        self.heading_block(text, display, destination, 0.0, spacing, role);
    }

    /// Display type centred on the measure (a part's page).
    fn centred_display(&mut self, text: Cow<'a, [Inline]>, display: &Display, destination: Option<String>, role: Role) {
        self.heading_block(text, display, destination, 0.0, Spacing::Centred, role);
    }

    fn heading_block(&mut self, text: Cow<'a, [Inline]>, display: &Display, destination: Option<String>, space_above: f32, spacing: Spacing, role: Role) {
        let s = self.style;
        self.features = &s.heading.features;
        let text = self.text(text, TextStyle { size: display.size, face: face_named(display.face), indent: 0.0, hyphenate: false });
        let setting = Setting {
            keep: Keep::Heading { space_above, space_below: display.space_below },
            destination,
            ..self.place_setting(spacing, Place::text(s), display.leading)
        };
        self.push_block(role, text, setting);
        self.features = &s.body.features;
    }
}

/// How a chapter is named over its notes: "Chapter 3. Its title", or the title alone.
fn chapter_name(chapter: &Chapter, labels: &Labels) -> String {
    let title = chapter.title.as_deref().map(plain_text).unwrap_or_default();
    match chapter.number {
        Some(number) => format!("{}. {title}", Labels::fill(&labels.chapter, &[("number", &number.to_string())])),
        None => title,
    }
}
