//! The documents of the book's text: an article's one document, or a book's
//! part title pages and chapters.

use std::fmt::Write;

use super::package::escape;
use super::xhtml::Renderer;
use crate::model::labels::Labels;
use crate::model::{plain_text, Book, Matter, Part, Section};

/// A one-file manuscript's text, under the book's title: `article.xhtml`, as it always was.
pub fn article_body(book: &Book, renderer: &mut Renderer) -> String {
    let m = &book.metadata;
    let mut out = String::from("<article id=\"article\" aria-labelledby=\"article-title\">\n");
    out.push_str(&format!("<header>\n<h1 id=\"article-title\">{}</h1>\n", super::front::title_markup(m)));
    if let Some(subtitle) = &m.subtitle {
        out.push_str(&format!("<p class=\"standfirst\">{}</p>\n", escape(subtitle)));
    }
    out.push_str("</header>\n");
    for chapter in &book.chapters {
        sections_body(renderer, body_sections(&chapter.sections), &mut out);
    }
    out.push_str("</article>\n");
    out
}

/// A part's title page: "Part 1" over its title.
pub fn part_body(book: &Book, part: &Part, renderer: &mut Renderer) -> String {
    let label = Labels::fill(&book.metadata.labels.part, &[("number", &part.number.to_string())]);
    let mut out = format!("<section id=\"{id}\" epub:type=\"part\" role=\"doc-part\" aria-labelledby=\"{id}-title\">\n", id = part.id);
    renderer.page_opening(&part.title, &mut out);
    let _ = write!(out, "<h1 id=\"{id}-title\" class=\"part\"><span class=\"part-number\">{}</span> ", escape(&label), id = part.id);
    renderer.inlines(&part.title, &mut out);
    out.push_str("</h1>\n</section>\n");
    out
}

/// Chapter `index`'s opening and text, its `<section>` left open: the chapter's
/// notes may follow before [`CHAPTER_END`] closes it.
pub fn chapter_text(book: &Book, index: usize, renderer: &mut Renderer) -> String {
    let chapter = &book.chapters[index];
    let id = &chapter.id;
    let mut out = format!("<section id=\"{id}\" epub:type=\"chapter\" role=\"doc-chapter\" aria-labelledby=\"{id}-title\">\n");
    if let Some(title) = &chapter.title {
        renderer.page_opening(title, &mut out);
    }
    let _ = write!(out, "<h1 id=\"{id}-title\" class=\"chapter\">");
    if let Some(number) = chapter.number {
        let label = Labels::fill(&book.metadata.labels.chapter, &[("number", &number.to_string())]);
        let _ = write!(out, "<span class=\"chapter-number\">{}</span> ", escape(&label));
    }
    match &chapter.title {
        Some(title) => renderer.inlines(title, &mut out),
        None => out.push_str(&escape(&chapter_title(book, index))),
    }
    out.push_str("</h1>\n");
    sections_body(renderer, body_sections(&chapter.sections), &mut out);
    out
}

/// What closes a chapter's document after [`chapter_text`] and its notes.
pub const CHAPTER_END: &str = "</section>\n";

/// A chapter's title as plain text, for contents, page titles and the notes' headings;
/// one without a title is named by its number, or else by the book's title.
pub fn chapter_title(book: &Book, index: usize) -> String {
    let chapter = &book.chapters[index];
    match (&chapter.title, chapter.number) {
        (Some(title), _) => plain_text(title),
        (None, Some(number)) => Labels::fill(&book.metadata.labels.chapter, &[("number", &number.to_string())]),
        (None, None) => book.metadata.title.clone(),
    }
}

/// A back-matter section's document: its heading and text.
pub fn back_matter_body(section: &Section, renderer: &mut Renderer) -> String {
    let kind = if section.is_bibliography() { " epub:type=\"bibliography\" role=\"doc-bibliography\"" } else { "" };
    let Some(heading) = &section.heading else {
        // A bibliography the book asked to have no heading.
        let mut body = format!("<section id=\"{}\"{kind}>\n", section.id);
        renderer.blocks(&section.blocks, &mut body);
        body.push_str("</section>\n");
        return body;
    };
    let mut body = format!("<section id=\"{}\"{kind} aria-labelledby=\"{}-title\">\n<h2 id=\"{}-title\">", section.id, section.id, section.id);
    renderer.inlines(heading, &mut body);
    body.push_str("</h2>\n");
    renderer.blocks(&section.blocks, &mut body);
    body.push_str("</section>\n");
    body
}

fn body_sections(sections: &[Section]) -> impl Iterator<Item = &Section> {
    sections.iter().filter(|s| s.matter == Matter::Body)
}

fn sections_body<'a>(renderer: &mut Renderer, sections: impl Iterator<Item = &'a Section>, out: &mut String) {
    for section in sections {
        match &section.heading {
            Some(heading) => {
                out.push_str(&format!("<section id=\"{}\" aria-labelledby=\"{}-title\">\n<h2 id=\"{}-title\">", section.id, section.id, section.id));
                renderer.inlines(heading, out);
                out.push_str("</h2>\n");
                renderer.blocks(&section.blocks, out);
                out.push_str("</section>\n");
            }
            None => {
                out.push_str("<div class=\"opening\">\n");
                renderer.blocks(&section.blocks, out);
                out.push_str("</div>\n");
            }
        }
    }
}
