//! The EPUB 3 edition: XHTML documents from the model, packaged by epub-builder.

mod cover;
pub mod fonts;
mod package;
mod xhtml;

use std::collections::BTreeSet;

use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, TocElement, ZipLibrary};

pub use cover::render_cover;
use package::{escape, read_entries, write_zip, PackageFixes};
use xhtml::{Page, PictureFiles, ReferenceFiles, Renderer, SectionFiles, ARTICLE_FILE, NOTES_FILE};

use crate::images::Images;
use crate::model::{Book, Matter};
use crate::build::timings::{stage, Timings};

/// Files that go into the book besides its text.
pub struct EpubAssets {
    pub stylesheet: String,
    /// (file name, bytes) of each font, referenced from the stylesheet as `fonts/<name>`;
    /// the book carries them subset to the characters it shows.
    pub fonts: Vec<(String, Vec<u8>)>,
    /// The fonts' licence, carried beside them as `fonts/<name>` (the OFL asks for it).
    pub font_licence: Option<(String, Vec<u8>)>,
    /// The cover picture: the front matter's `cover_image`, or one drawn from the title.
    pub cover_image: Vec<u8>,
    /// The cover picture's file extension and media type.
    pub cover_format: (&'static str, &'static str),
    /// The pictures the book places, each packaged once with its media type.
    pub images: Images,
    /// Time written as `dcterms:modified` and on every zip entry, never the clock.
    pub modified: chrono::DateTime<chrono::Utc>,
}

/// Why the EPUB could not be made, with the cause kept.
#[derive(Debug)]
pub enum EpubError {
    /// epub-builder could not assemble the package.
    Package(epub_builder::Error),
    /// The package's zip could not be read back or written.
    Zip(zip::result::ZipError),
    /// A font of the book face could not be subset.
    Font { file: String, message: String },
    /// The cover image could not be drawn.
    Cover(String),
}

impl std::fmt::Display for EpubError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EpubError::Package(e) => write!(f, "cannot write the EPUB: {e}"),
            EpubError::Zip(e) => write!(f, "cannot write the EPUB: {e}"),
            EpubError::Font { file, message } => write!(f, "cannot write the EPUB: {file}: {message}"),
            EpubError::Cover(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for EpubError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EpubError::Package(e) => Some(e),
            EpubError::Zip(e) => Some(e),
            EpubError::Font { .. } | EpubError::Cover(_) => None,
        }
    }
}

/// The EPUB of `book`, adding the time of each of its steps to `timings`.
pub fn write_epub(book: &Book, assets: &EpubAssets, timings: &mut Timings) -> Result<Vec<u8>, EpubError> {
    let (files, fixes) = timings.time(stage::EPUB_DOCUMENTS, || documents(book, assets)).map_err(EpubError::Package)?;
    let mut files = read_entries(&files).map_err(EpubError::Zip)?;
    timings.time(stage::EPUB_FONTS, || fill_in_assets(&mut files, assets))?;
    timings.time(stage::EPUB_PACKAGE, || write_zip(files, &fixes)).map_err(EpubError::Zip)
}

/// Fonts and cover go through epub-builder as empty placeholders, so that it
/// neither compresses them nor has to hold them; the real bytes are put in
/// here, the fonts subset to the characters the finished documents show.
fn fill_in_assets(files: &mut [(String, Vec<u8>)], assets: &EpubAssets) -> Result<(), EpubError> {
    let mut shown = BTreeSet::new();
    for (name, bytes) in files.iter() {
        if name.ends_with(".xhtml") {
            fonts::characters_shown(&String::from_utf8_lossy(bytes), &mut shown);
        }
    }
    // What a reading system may add in the book face: hyphens where it breaks
    // words (the stylesheet asks for hyphenation) and list numbers.
    shown.extend("-\u{2010}0123456789.•".chars());
    for (name, bytes) in files.iter_mut() {
        if let Some((_, whole)) = assets.fonts.iter().find(|(font, _)| name == &format!("OEBPS/fonts/{font}")) {
            *bytes = fonts::subset(whole, &shown).map_err(|message| EpubError::Font { file: name.clone(), message })?;
        } else if name == &format!("OEBPS/{}", cover_file(assets)) {
            bytes.clone_from(&assets.cover_image);
        }
    }
    Ok(())
}

fn cover_file(assets: &EpubAssets) -> String {
    format!("images/cover.{}", assets.cover_format.0)
}

/// The package as epub-builder makes it (stored, fonts and cover left empty), and the fixes it needs.
fn documents(book: &Book, assets: &EpubAssets) -> epub_builder::Result<(Vec<u8>, PackageFixes)> {
    let m = &book.metadata;
    let identifier = m.identifier.clone().unwrap_or_else(|| derived_identifier(book));
    let uuid = identifier
        .strip_prefix("urn:uuid:")
        .and_then(|u| uuid::Uuid::parse_str(u).ok())
        .unwrap_or_else(|| uuid::Uuid::from_u128(fnv128(identifier.as_bytes())));
    let t = assets.modified;
    use chrono::{Datelike, Timelike};
    let fixes = PackageFixes {
        language: m.language.clone(),
        identifier: identifier.clone(),
        builder_uuid: uuid.hyphenated().to_string(),
        timestamp: (t.year() as u16, t.month() as u8, t.day() as u8, t.hour() as u8, t.minute() as u8, t.second() as u8),
        extra_metadata: package_metadata(book, !assets.images.is_empty()),
    };

    let mut epub = EpubBuilder::new(ZipLibrary::new()?)?;
    epub.epub_version(EpubVersion::V33);
    epub.set_title(m.title.as_str());
    // One creator for each author, in the order the manuscript names them.
    for author in &m.authors {
        epub.add_author(author.as_str());
    }
    epub.set_lang(m.language.as_str());
    epub.set_uuid(uuid);
    epub.set_generator(format!("quire {}", env!("CARGO_PKG_VERSION")));
    epub.set_toc_name("Contents");
    epub.set_modified_date(assets.modified);
    if let Some(subtitle) = &m.subtitle {
        epub.add_description(subtitle.as_str());
    }
    epub.set_subjects(m.subjects.clone());
    if let Some(rights) = &m.rights {
        epub.set_license(rights.as_str());
    }

    epub.stylesheet(assets.stylesheet.as_bytes())?;
    for (name, _) in &assets.fonts {
        epub.add_resource(format!("fonts/{name}"), &[][..], "font/otf")?;
    }
    if let Some((name, text)) = &assets.font_licence {
        epub.add_resource(format!("fonts/{name}"), text.as_slice(), "text/plain")?;
    }
    let cover_image = cover_file(assets);
    epub.add_cover_image(cover_image.as_str(), &[][..], assets.cover_format.1)?;
    let mut pictures = PictureFiles::new();
    for (n, picture) in assets.images.iter().enumerate() {
        let file = format!("images/picture-{}.{}", n + 1, picture.extension());
        epub.add_resource(file.as_str(), picture.file.as_slice(), picture.media_type())?;
        pictures.insert(picture.src.clone(), file);
    }

    let language = m.language.as_str();
    let page = |title: &'static str, matter: &'static str| Page { language, title, matter };
    let cover = xhtml::document(&page("Cover", "frontmatter"), &xhtml::cover_body(book, &cover_image));
    epub.add_content(EpubContent::new("cover.xhtml", cover.as_bytes()).title("Cover").reftype(ReferenceType::Cover))?;
    let title_page = xhtml::document(&Page { language, title: &m.title, matter: "frontmatter" }, &xhtml::title_page_body(book));
    epub.add_content(EpubContent::new("titlepage.xhtml", title_page.as_bytes()).title("Title page").reftype(ReferenceType::TitlePage))?;

    let mut references = ReferenceFiles::new();
    let sections = xhtml::section_files(book);
    let article = article_body(book, &mut references, &sections, &pictures);
    let article_doc = xhtml::document(&Page { language, title: &m.title, matter: "bodymatter" }, &article);
    let mut article_content = EpubContent::new(ARTICLE_FILE, article_doc.as_bytes()).title(m.title.as_str()).reftype(ReferenceType::Text);
    for section in book.sections() {
        if section.matter == Matter::Body && section.heading.is_some() && section.listed {
            let title = xhtml::section_title(book, section);
            article_content = article_content.child(TocElement::new(format!("{ARTICLE_FILE}#{}", section.id), title));
        }
    }
    epub.add_content(article_content)?;

    let mut back_documents = Vec::new();
    for section in book.sections().filter(|s| s.matter == Matter::Back) {
        let file = format!("{}.xhtml", section.id);
        let title = xhtml::section_title(book, section);
        let mut body = format!("<section id=\"{}\" aria-labelledby=\"{}-title\">\n<h2 id=\"{}-title\">", section.id, section.id, section.id);
        let mut renderer = Renderer { file: &file, references: &mut references, sections: &sections, pictures: &pictures };
        if let Some(heading) = &section.heading {
            renderer.inlines(heading, &mut body);
        }
        body.push_str("</h2>\n");
        renderer.blocks(&section.blocks, &mut body);
        body.push_str("</section>\n");
        back_documents.push((file, title, body));
    }
    // Reading order: article, notes, back matter. The notes are rendered after the
    // back matter's text so that references made there have registered their file.
    let notes = (!book.notes.is_empty()).then(|| xhtml::notes_body(&book.notes, &mut references, &sections, &pictures));
    if let Some(notes) = notes {
        let doc = xhtml::document(&page("Notes", "backmatter"), &notes);
        epub.add_content(EpubContent::new(NOTES_FILE, doc.as_bytes()).title("Notes").reftype(ReferenceType::Notes))?;
    }
    for (file, title, body) in back_documents {
        let doc = xhtml::document(&Page { language, title: &title, matter: "backmatter" }, &body);
        epub.add_content(EpubContent::new(file.as_str(), doc.as_bytes()).title(title.as_str()))?;
    }

    let mut bytes = Vec::new();
    epub.generate(&mut bytes)?;
    Ok((bytes, fixes))
}

fn article_body(book: &Book, references: &mut ReferenceFiles, sections: &SectionFiles, pictures: &PictureFiles) -> String {
    let m = &book.metadata;
    let mut out = String::from("<article id=\"article\" aria-labelledby=\"article-title\">\n");
    out.push_str(&format!("<header>\n<h1 id=\"article-title\">{}</h1>\n", escape(&m.title)));
    if let Some(subtitle) = &m.subtitle {
        out.push_str(&format!("<p class=\"standfirst\">{}</p>\n", escape(subtitle)));
    }
    out.push_str("</header>\n");
    let mut renderer = Renderer { file: ARTICLE_FILE, references, sections, pictures };
    let mut part = None;
    for chapter in &book.chapters {
        if chapter.part != part {
            part = chapter.part;
            if let Some(p) = part.and_then(|p| book.parts.get(p)) {
                out.push_str(&format!("<h2 id=\"{}\" class=\"part\">", p.id));
                renderer.inlines(&p.title, &mut out);
                out.push_str("</h2>\n");
            }
        }
        if let Some(title) = &chapter.title {
            out.push_str(&format!("<h2 id=\"{}\" class=\"chapter\">", chapter.id));
            renderer.inlines(title, &mut out);
            out.push_str("</h2>\n");
        }
        sections_body(&mut renderer, chapter.sections.iter().filter(|s| s.matter == Matter::Body), &mut out);
    }
    out.push_str("</article>\n");
    out
}

fn sections_body<'a>(renderer: &mut Renderer, sections: impl Iterator<Item = &'a crate::model::Section>, out: &mut String) {
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

/// Package metadata beyond the basics: publisher, date, and what a reader who
/// cannot see the page needs to know before buying (EPUB Accessibility 1.1).
fn package_metadata(book: &Book, has_pictures: bool) -> Vec<String> {
    let m = &book.metadata;
    let mut lines = Vec::new();
    if let Some(publisher) = &m.publisher {
        lines.push(format!("<dc:publisher>{}</dc:publisher>", escape(publisher)));
    }
    if let Some(date) = m.date {
        lines.push(format!("<dc:date>{date}</dc:date>"));
    }
    let pictures = if has_pictures { "every picture, the cover included, has a text description" } else { "the only image is the cover, which has a text description" };
    let notes = if book.notes.is_empty() { String::new() } else { format!(" {} endnotes are linked both ways.", book.notes.len()) };
    let a11y = [
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityFeature", "alternativeText"),
        ("schema:accessibilityFeature", "displayTransformability"),
        ("schema:accessibilityHazard", "none"),
        ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
        // Whoever stands behind the book; with neither publisher nor author, the tool that checked it.
        ("a11y:certifiedBy", m.publisher.as_deref().or(m.author.as_deref()).unwrap_or("quire")),
    ];
    for (property, value) in a11y {
        lines.push(format!("<meta property=\"{property}\">{}</meta>", escape(value)));
    }
    lines.push(format!(
        "<meta property=\"schema:accessibilitySummary\">{}</meta>",
        escape(&format!(
            "Text with headings, a table of contents and landmarks, in reading order; {pictures}; no colour carries meaning and the text can be resized and restyled.{notes}"
        ))
    ));
    lines
}

/// An identifier for a manuscript that has none: stable, from its title and author.
fn derived_identifier(book: &Book) -> String {
    let seed = format!("{}\u{0}{}", book.metadata.title, book.metadata.author.as_deref().unwrap_or(""));
    format!("urn:uuid:{}", uuid::Uuid::from_u128(fnv128(seed.as_bytes())).hyphenated())
}

/// FNV-1a, 128-bit: a stable hash with no extra crate, for identifiers only.
fn fnv128(bytes: &[u8]) -> u128 {
    let mut hash: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in bytes {
        hash ^= *b as u128;
        hash = hash.wrapping_mul(0x0000000001000000000000000000013B);
    }
    hash
}
