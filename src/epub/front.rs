//! The front-matter pages: cover, title page, copyright page, dedication, epigraph.

use std::fmt::Write;

use super::package::escape;
use crate::model::metadata::Metadata;
use crate::model::Book;

/// The cover is the picture and its description only: calibre turns `cover.xhtml`
/// into the Kindle cover and drops it, and Kobo shows any text in it as fixed layout.
/// The picture is the page's heading (named by its description), since a page
/// without one is no section to assistive technology (EPUBCheck's edupub check).
pub fn cover_body(book: &Book, image: &str) -> String {
    let m = &book.metadata;
    let alt = format!("{}: {}{}", m.labels.cover, m.title, m.author.as_deref().map(|a| format!(", {a}")).unwrap_or_default());
    format!("<div epub:type=\"cover\" class=\"cover\">\n<h1><img src=\"{image}\" alt=\"{}\" role=\"doc-cover\"/></h1>\n</div>\n", escape(&alt))
}

pub fn title_page_body(book: &Book) -> String {
    let m = &book.metadata;
    let mut out = format!("<section epub:type=\"titlepage\" class=\"titlepage\" aria-label=\"{}\">\n", escape(&m.labels.title_page));
    let _ = writeln!(out, "<h1 class=\"title\">{}</h1>", title_markup(m));
    if let Some(subtitle) = &m.subtitle {
        let _ = writeln!(out, "<p class=\"standfirst\">{}</p>", escape(subtitle));
    }
    if let Some(author) = m.title_block_byline() {
        let _ = writeln!(out, "<p class=\"author\">{}</p>", escape(author));
    }
    if let Some(publisher) = &m.publisher {
        let year = m.date.map(|d| format!(" · {:04}", d.year)).unwrap_or_default();
        let _ = writeln!(out, "<p class=\"publisher\">{}{year}</p>", escape(publisher));
    }
    // A book has a copyright page for its rights; an article keeps them here.
    if let (Some(rights), false) = (&m.rights, book.has_chapters()) {
        let _ = writeln!(out, "<p class=\"rights\">{}</p>", escape(rights));
    }
    out.push_str("</section>\n");
    out
}

/// "Main title: subtitle" keeps its colon but sets the part after it on its own line.
pub(super) fn title_markup(m: &Metadata) -> String {
    match m.title_parts() {
        (main, Some(sub)) => format!(
            "<span class=\"title-main\">{}:</span> <span class=\"title-sub\">{}</span>",
            escape(main),
            escape(sub)
        ),
        (title, None) => escape(title),
    }
}

/// The copyright page of a book: rights, publisher, edition, identifier, and how it was made.
pub fn copyright_body(book: &Book) -> String {
    let m = &book.metadata;
    let mut out = format!(
        "<section epub:type=\"copyright-page\" class=\"copyright\" aria-label=\"{}\">\n",
        escape(&m.labels.copyright)
    );
    let _ = writeln!(out, "<p class=\"copyright-title\">{}</p>", escape(&m.title));
    if let Some(author) = &m.author {
        let _ = writeln!(out, "<p>{}</p>", escape(author));
    }
    if let Some(rights) = &m.rights {
        let _ = writeln!(out, "<p class=\"rights\">{}</p>", escape(rights));
    }
    let publisher = match (&m.publisher, m.date) {
        (Some(publisher), Some(date)) => Some(format!("{publisher} · {:04}", date.year)),
        (Some(publisher), None) => Some(publisher.clone()),
        (None, Some(date)) => Some(format!("{:04}", date.year)),
        (None, None) => None,
    };
    for line in [publisher.as_ref(), m.edition.as_ref(), m.identifier.as_ref()].into_iter().flatten() {
        let _ = writeln!(out, "<p>{}</p>", escape(line));
    }
    let _ = writeln!(out, "<p class=\"colophon\">{}</p>", escape(&m.labels.typeset_with));
    out.push_str("</section>\n");
    out
}

/// The dedication page, if the book has one.
pub fn dedication_body(book: &Book) -> Option<String> {
    let m = &book.metadata;
    let dedication = m.dedication.as_deref()?;
    Some(format!(
        "<section epub:type=\"dedication\" role=\"doc-dedication\" class=\"dedication\" aria-label=\"{}\">\n{}</section>\n",
        escape(&m.labels.dedication),
        paragraphs(dedication)
    ))
}

/// The epigraph page, if the book has one: the words, then whose they are.
pub fn epigraph_body(book: &Book) -> Option<String> {
    let m = &book.metadata;
    let epigraph = m.epigraph.as_deref()?;
    let source = m.epigraph_source.as_deref().map(|s| format!("<p class=\"epigraph-source\">— {}</p>\n", escape(s))).unwrap_or_default();
    Some(format!(
        "<section class=\"epigraph-page\" aria-label=\"{}\">\n<blockquote epub:type=\"epigraph\" role=\"doc-epigraph\" class=\"epigraph\">\n{}{source}</blockquote>\n</section>\n",
        escape(&m.labels.epigraph),
        paragraphs(epigraph)
    ))
}

/// Front-matter text as written in book.toml: a blank line between paragraphs, a line break kept.
fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>\n", p.lines().map(|l| escape(l.trim())).collect::<Vec<_>>().join("<br/>")))
        .collect()
}

