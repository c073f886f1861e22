//! The EPUB's XHTML content documents, rendered from the document model.

use std::collections::HashMap;
use std::fmt::Write;

use super::files::Files;
use super::page_list::PageMarks;
use crate::model::walk::Run;
use super::package::escape;
use crate::model::{note_anchor, plain_text, Align, Block, Book, Inline, List, Table};

/// Which document each note reference sits in, so backlinks know where to go.
pub type ReferenceFiles = HashMap<(usize, usize), String>;

pub struct Page<'a> {
    pub language: &'a str,
    pub title: &'a str,
    /// `epub:type` of the body: frontmatter, bodymatter or backmatter.
    pub matter: &'a str,
}

pub fn document(page: &Page<'_>, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">\n\
<head>\n<meta charset=\"utf-8\"/>\n<title>{title}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n\
<body epub:type=\"{matter}\">\n{body}</body>\n</html>\n",
        lang = escape(page.language),
        title = escape(page.title),
        matter = page.matter,
    )
}

pub struct Renderer<'a> {
    /// The file this document will be written to, for note links.
    pub file: &'a str,
    pub references: &'a mut ReferenceFiles,
    /// The document of each anchor and note, for links into other documents.
    pub files: &'a Files,
    /// Where each picture the book places is in the package, by its `src`.
    pub pictures: &'a PictureFiles,
    /// Where the print edition's pages begin, marked as the runs are written.
    pub pages: &'a mut PageMarks,
}

/// The package path of each picture, by the `src` the manuscript gave it.
pub type PictureFiles = HashMap<String, String>;

impl Renderer<'_> {
    /// The `<img>` of a packaged picture, with its description.
    fn img(&self, image: &crate::model::Image, class: &str) -> String {
        let src = self.pictures.get(&image.src).map(String::as_str).unwrap_or_default();
        format!("<img class=\"{class}\" src=\"{}\" alt=\"{}\"/>", escape(src), escape(&image.alt))
    }

    /// Each subheading opens a `<section>` of its own, closed where a heading of
    /// its level or above (or the blocks) end: a section holds one ranked heading,
    /// as the EPUB's structure rules ask.
    pub fn blocks(&mut self, blocks: &[Block], out: &mut String) {
        let mut open: Vec<u8> = Vec::new();
        for block in blocks {
            if let Block::Subheading { level, .. } = block {
                while open.last().is_some_and(|l| l >= level) {
                    open.pop();
                    out.push_str("</section>\n");
                }
                open.push(*level);
                out.push_str("<section>\n");
            }
            self.block(block, out);
        }
        for _ in open {
            out.push_str("</section>\n");
        }
    }

    fn block(&mut self, block: &Block, out: &mut String) {
        match block {
            Block::Paragraph(inlines) => {
                out.push_str(if runs_right_to_left(inlines) { "<p dir=\"rtl\">" } else { "<p>" });
                self.inlines(inlines, out);
                out.push_str("</p>\n");
            }
            Block::Subheading { level, content, id, .. } => {
                let level = (level + 1).min(6);
                match id {
                    Some(id) => {
                        let _ = write!(out, "<h{level} id=\"{}\">", escape(id));
                    }
                    None => {
                        let _ = write!(out, "<h{level}>");
                    }
                }
                self.inlines(content, out);
                let _ = writeln!(out, "</h{level}>");
            }
            Block::Quote(blocks) => {
                out.push_str("<blockquote>\n");
                self.blocks(blocks, out);
                out.push_str("</blockquote>\n");
            }
            Block::List(List { start, items, .. }) => {
                match start {
                    Some(1) => out.push_str("<ol>\n"),
                    Some(n) => {
                        let _ = writeln!(out, "<ol start=\"{n}\">");
                    }
                    None => out.push_str("<ul>\n"),
                }
                for item in items {
                    out.push_str("<li>");
                    match item.task {
                        Some(true) => out.push_str("☑ "),
                        Some(false) => out.push_str("☐ "),
                        None => {}
                    }
                    self.blocks(&item.blocks, out);
                    out.push_str("</li>\n");
                }
                out.push_str(if start.is_some() { "</ol>\n" } else { "</ul>\n" });
            }
            Block::Code { text, .. } => {
                let open = self.pages.open(Run::Verbatim(text));
                out.push_str("<pre><code>");
                self.pages.text(text, self.file, out);
                if open {
                    self.pages.close(self.file, out);
                }
                out.push_str("</code></pre>\n");
            }
            Block::Rule => out.push_str("<hr/>\n"),
            Block::Figure(figure) if self.pictures.contains_key(&figure.image.src) => {
                let _ = write!(out, "<figure class=\"figure\">{}", self.img(&figure.image, "picture"));
                if !figure.caption.is_empty() {
                    out.push_str("<figcaption>");
                    self.inlines(&figure.caption, out);
                    out.push_str("</figcaption>");
                }
                out.push_str("</figure>\n");
            }
            // A picture on the web is not packaged: the caption, or else the description, stands in.
            Block::Figure(figure) => {
                out.push_str("<p>");
                match figure.caption.is_empty() {
                    true => out.push_str(&escape(&figure.image.alt)),
                    false => self.inlines(&figure.caption, out),
                }
                out.push_str("</p>\n");
            }
            Block::Verse(lines) => {
                out.push_str("<p>");
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        out.push_str("<br/>");
                    }
                    self.inlines(line, out);
                }
                out.push_str("</p>\n");
            }
            // No role on the entries: `doc-biblioentry` is deprecated in DPUB-ARIA 1.1
            // (EPUBCheck RSC-017), as `doc-endnote` is; the `epub:type` says it.
            Block::Bibliography(entries) => {
                out.push_str("<ul class=\"bibliography\">\n");
                for entry in entries {
                    let _ = write!(out, "<li id=\"{}\" epub:type=\"biblioentry\">", escape(&entry.id));
                    self.inlines(&entry.content, out);
                    out.push_str("</li>\n");
                }
                out.push_str("</ul>\n");
            }
            Block::Definitions(definitions) => {
                out.push_str("<dl>\n");
                for definition in definitions {
                    out.push_str("<dt>");
                    self.inlines(&definition.term, out);
                    out.push_str("</dt>\n");
                    for detail in &definition.details {
                        out.push_str("<dd>");
                        self.blocks(detail, out);
                        out.push_str("</dd>\n");
                    }
                }
                out.push_str("</dl>\n");
            }
            Block::Language { lang, blocks } => {
                let _ = writeln!(out, "<div lang=\"{0}\" xml:lang=\"{0}\">", escape(lang));
                self.blocks(blocks, out);
                out.push_str("</div>\n");
            }
            Block::Table(Table { alignments, header, rows }) => {
                // Alignment by class, so the stylesheet (epub.css) says what it looks like.
                let class = |column: usize| match alignments.get(column) {
                    Some(Align::Left) => " class=\"align-left\"",
                    Some(Align::Center) => " class=\"align-center\"",
                    Some(Align::Right) => " class=\"align-right\"",
                    Some(Align::None) | None => "",
                };
                out.push_str("<table>\n");
                if !header.is_empty() {
                    out.push_str("<thead>\n<tr>");
                    for (column, content) in header.iter().enumerate() {
                        let _ = write!(out, "<th scope=\"col\"{}>", class(column));
                        self.inlines(content, out);
                        out.push_str("</th>");
                    }
                    out.push_str("</tr>\n</thead>\n");
                }
                if !rows.is_empty() {
                    out.push_str("<tbody>\n");
                    for row in rows {
                        out.push_str("<tr>");
                        for (column, content) in row.iter().enumerate() {
                            let _ = write!(out, "<td{}>", class(column));
                            self.inlines(content, out);
                            out.push_str("</td>");
                        }
                        out.push_str("</tr>\n");
                    }
                    out.push_str("</tbody>\n");
                }
                out.push_str("</table>\n");
            }
        }
    }

    /// The marker of a page that begins with the heading `title` opens, written
    /// before the heading, whose label ("Chapter 3") the page begins with too.
    pub fn page_opening(&mut self, title: &[Inline], out: &mut String) {
        self.pages.before(Run::Inlines { content: title, heading: true }, self.file, out);
    }

    /// A run of the book's text: its inlines, with a marker where a printed page begins.
    pub fn inlines(&mut self, inlines: &[Inline], out: &mut String) {
        let open = self.pages.open(Run::Inlines { content: inlines, heading: false });
        self.run(inlines, out);
        if open {
            self.pages.close(self.file, out);
        }
    }

    fn run(&mut self, inlines: &[Inline], out: &mut String) {
        for inline in inlines {
            match inline {
                Inline::Text(t) => self.pages.text(t, self.file, out),
                Inline::Emphasis(c) => self.wrap("em", c, out),
                Inline::Strong(c) => self.wrap("strong", c, out),
                Inline::Strikethrough(c) => self.wrap("del", c, out),
                Inline::Superscript(c) => self.wrap("sup", c, out),
                Inline::Subscript(c) => self.wrap("sub", c, out),
                Inline::Math { tex, .. } => {
                    out.push_str("<code class=\"math\">");
                    self.pages.text(tex, self.file, out);
                    out.push_str("</code>");
                }
                Inline::Language { lang, content } => {
                    let dir = if runs_right_to_left(content) { " dir=\"rtl\"" } else { "" };
                    let _ = write!(out, "<span lang=\"{0}\" xml:lang=\"{0}\"{dir}>", escape(lang));
                    self.run(content, out);
                    out.push_str("</span>");
                }
                Inline::Code(t) => {
                    out.push_str("<code>");
                    self.pages.text(t, self.file, out);
                    out.push_str("</code>");
                }
                Inline::Link { url, content } => {
                    // The manuscript stage let through only web links and links to a heading it found.
                    let href = match url.strip_prefix('#').and_then(|id| self.files.of_anchor(id).map(|file| (file, id))) {
                        Some((file, id)) => format!("{file}#{id}"),
                        None => url.clone(),
                    };
                    let _ = write!(out, "<a href=\"{}\">", escape(&href));
                    self.run(content, out);
                    out.push_str("</a>");
                }
                Inline::Image(image) if self.pictures.contains_key(&image.src) => {
                    self.pages.word(self.file, out);
                    out.push_str(&self.img(image, "inline-picture"));
                }
                // A picture on the web is not packaged: its description stands in for it.
                Inline::Image(image) => self.pages.text(&image.alt, self.file, out),
                Inline::LineBreak => {
                    self.pages.separator();
                    out.push_str("<br/>");
                }
                // The citations pass leaves none; one it could not resolve stands as typed.
                Inline::Citation(c) => self.pages.text(&c.source, self.file, out),
                Inline::NoteRef(r) => {
                    self.pages.word(self.file, out);
                    let id = r.anchor();
                    self.references.insert((r.number, r.occurrence), self.file.to_owned());
                    let _ = write!(
                        out,
                        "<a id=\"{id}\" class=\"noteref\" href=\"{file}#{note}\" epub:type=\"noteref\" role=\"doc-noteref\">{n}</a>",
                        file = self.files.of_note(r.number),
                        note = note_anchor(r.number),
                        n = r.mark
                    );
                }
            }
        }
    }

    fn wrap(&mut self, tag: &str, content: &[Inline], out: &mut String) {
        let _ = write!(out, "<{tag}>");
        self.run(content, out);
        let _ = write!(out, "</{tag}>");
    }
}

/// Whether text's first strong character runs right to left (Hebrew, Arabic):
/// it is then marked so, and the reader sets it from the right. Text with
/// only some right-to-left words is ordered by the reader's own bidi algorithm.
fn runs_right_to_left(inlines: &[Inline]) -> bool {
    unicode_bidi::get_base_direction(crate::model::plain_text(inlines).as_str()) == unicode_bidi::Direction::Rtl
}

pub fn section_title(book: &Book, section: &crate::model::Section) -> String {
    section.heading.as_deref().map(plain_text).unwrap_or_else(|| book.metadata.title.clone())
}
