//! The EPUB 3 edition: XHTML documents from the model, packaged by epub-builder.

mod cover;
mod files;
pub mod fonts;
mod front;
mod navigation;
mod notes;
mod package;
mod page_list;
mod text;
mod xhtml;

use std::collections::BTreeSet;

use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, ZipLibrary};

pub use cover::{cover_inputs, render_cover};
use files::{back_matter_file, chapter_file, part_file, Files, ARTICLE_FILE, NOTES_FILE};
use navigation::{Entry, Landmark, Navigation};
use package::{escape, read_entries, write_zip, PackageFixes};
use xhtml::{Page, PictureFiles, ReferenceFiles, Renderer};

use crate::images::Images;
use crate::model::metadata::NotePlacement;
use crate::model::print_pages::PrintPages;
use crate::model::{Book, Matter};
use page_list::PageMarks;
use crate::build::timings::{stage, Timings};
use crate::resources::fonts::LoadedFont;
use crate::resources::kept::KeptBytes;

/// Files that go into the book besides its text.
pub struct EpubAssets {
    pub stylesheet: String,
    /// The book face's fonts, each referenced from the stylesheet as `fonts/<file name>`;
    /// the book carries them subset to the characters it shows.
    pub fonts: Vec<LoadedFont>,
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
    /// The print edition's pages, whose numbers the EPUB carries; `None` for none.
    pub print_pages: Option<PrintPages>,
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
/// Its font subsets come from `store`.
pub fn write_epub(book: &Book, assets: &EpubAssets, store: &dyn KeptBytes, timings: &mut Timings) -> Result<Vec<u8>, EpubError> {
    let (files, fixes) = timings.time(stage::EPUB_DOCUMENTS, || documents(book, assets)).map_err(EpubError::Package)?;
    let mut files = read_entries(&files).map_err(EpubError::Zip)?;
    timings.time(stage::EPUB_FONTS, || fill_in_assets(&mut files, assets, store))?;
    timings.time(stage::EPUB_PACKAGE, || write_zip(files, &fixes, store)).map_err(EpubError::Zip)
}

/// Fonts and cover go through epub-builder as empty placeholders, so that it
/// neither compresses them nor has to hold them; the real bytes are put in
/// here, the fonts subset to the characters the finished documents show.
fn fill_in_assets(files: &mut [(String, Vec<u8>)], assets: &EpubAssets, store: &dyn KeptBytes) -> Result<(), EpubError> {
    let mut shown = BTreeSet::new();
    for (name, bytes) in files.iter() {
        if name.ends_with(".xhtml") {
            fonts::characters_shown(&String::from_utf8_lossy(bytes), &mut shown);
        }
    }
    // What a reading system may add in the book face: hyphens where it breaks
    // words (the stylesheet asks for hyphenation) and list numbers.
    shown.extend("-\u{2010}0123456789.•".chars());
    let kept: String = shown.iter().collect();
    for (name, bytes) in files.iter_mut() {
        if let Some(font) = assets.fonts.iter().find(|font| name == &format!("OEBPS/fonts/{}", font.file_name)) {
            *bytes = store
                .get_or_make(fonts::SUBSET_KIND, &[font.digest(), kept.as_bytes()], &mut || fonts::subset(&font.data, &shown))
                .map_err(|message| EpubError::Font { file: name.clone(), message })?;
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
    let mut fixes = PackageFixes {
        language: m.language.clone(),
        identifier: identifier.clone(),
        builder_uuid: uuid.hyphenated().to_string(),
        timestamp: (t.year() as u16, t.month() as u8, t.day() as u8, t.hour() as u8, t.minute() as u8, t.second() as u8),
        extra_metadata: Vec::new(),
        navigation: String::new(),
        ncx: String::new(),
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
    epub.set_toc_name(m.labels.contents.as_str());
    epub.set_modified_date(assets.modified);
    if let Some(subtitle) = &m.subtitle {
        epub.add_description(subtitle.as_str());
    }
    epub.set_subjects(m.subjects.clone());
    if let Some(rights) = &m.rights {
        epub.set_license(rights.as_str());
    }

    epub.stylesheet(assets.stylesheet.as_bytes())?;
    for font in &assets.fonts {
        epub.add_resource(format!("fonts/{}", font.file_name), &[][..], "font/otf")?;
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

    let text = text_documents(book, &pictures, &cover_image, assets.print_pages.as_ref());
    fixes.extra_metadata = package_metadata(book, !assets.images.is_empty(), text.page_source.as_deref());
    fixes.navigation = navigation::nav_document(book, &text.contents, &text.navigation, &text.pages);
    fixes.ncx = navigation::ncx_document(book, &identifier, &text.contents, &text.navigation);
    for document in text.documents {
        let page = Page { language: &m.language, title: &document.title, matter: document.matter };
        let xhtml = xhtml::document(&page, &document.body);
        let mut content = EpubContent::new(document.file.as_str(), xhtml.as_bytes()).title(document.title.as_str());
        if let Some(reftype) = document.reftype {
            content = content.reftype(reftype);
        }
        epub.add_content(content)?;
    }

    let mut bytes = Vec::new();
    epub.generate(&mut bytes)?;
    Ok((bytes, fixes))
}

/// One XHTML document of the book, before it is wrapped in its `<html>`.
struct Document {
    file: String,
    /// Its `<title>`, and its name in the package's guide.
    title: String,
    /// `epub:type` of its body: frontmatter, bodymatter or backmatter.
    matter: &'static str,
    /// What the package's guide calls it, if it is one of the places it names.
    reftype: Option<ReferenceType>,
    body: String,
}

impl Document {
    fn new(file: &str, title: &str, matter: &'static str, reftype: Option<ReferenceType>, body: String) -> Document {
        Document { file: file.to_owned(), title: title.to_owned(), matter, reftype, body }
    }
}

/// The book's documents in reading order, with what the navigation lists.
struct TextDocuments {
    documents: Vec<Document>,
    /// The contents of the text: parts, chapters, sections.
    contents: Vec<Entry>,
    navigation: Navigation,
    /// The print edition's pages: (label, href) of each, for the page-list.
    pages: Vec<(String, String)>,
    /// The print edition the pages are those of, when the documents mark them.
    page_source: Option<String>,
}

/// Front matter, then the text (an article's one document, or each part's title
/// page and each chapter), the notes, and the back matter.
fn text_documents(book: &Book, pictures: &PictureFiles, cover_image: &str, print_pages: Option<&PrintPages>) -> TextDocuments {
    let m = &book.metadata;
    let labels = &m.labels;
    let files = Files::of(book);
    let mut references = ReferenceFiles::new();
    let mut pages = print_pages.map(|p| PageMarks::new(book, p)).unwrap_or_default();
    let (front, mut landmarks) = front_documents(book, cover_image);

    // The text, then the back matter, each rendered before the notes, so that
    // every reference has registered its document before a backlink is written.
    let mut text = Vec::new();
    // Where each chapter's document is in `text`: its notes may follow, then its end.
    let mut chapter_documents = Vec::new();
    if book.has_chapters() {
        let mut part = None;
        for (index, chapter) in book.chapters.iter().enumerate() {
            if chapter.part != part {
                part = chapter.part;
                if let Some(p) = part.and_then(|p| book.parts.get(p)) {
                    let file = part_file(&p.id);
                    let mut renderer = Renderer { file: &file, references: &mut references, files: &files, pictures, pages: &mut pages };
                    let body = text::part_body(book, p, &mut renderer);
                    text.push(Document::new(&file, &crate::model::plain_text(&p.title), "bodymatter", None, body));
                }
            }
            let file = chapter_file(book, index);
            let mut renderer = Renderer { file: &file, references: &mut references, files: &files, pictures, pages: &mut pages };
            let body = text::chapter_text(book, index, &mut renderer);
            chapter_documents.push((index, text.len()));
            text.push(Document::new(&file, &text::chapter_title(book, index), "bodymatter", None, body));
        }
    } else {
        let mut renderer = Renderer { file: ARTICLE_FILE, references: &mut references, files: &files, pictures, pages: &mut pages };
        let body = text::article_body(book, &mut renderer);
        text.push(Document::new(ARTICLE_FILE, &m.title, "bodymatter", None, body));
    }
    if let Some(first) = text.first_mut() {
        first.reftype = Some(ReferenceType::Text);
        landmarks.push(Landmark { kind: "bodymatter", href: first.file.clone(), title: labels.start.clone() });
    }
    let mut back = Vec::new();
    for section in book.sections().filter(|s| s.matter == Matter::Back) {
        let file = back_matter_file(section);
        let mut renderer = Renderer { file: &file, references: &mut references, files: &files, pictures, pages: &mut pages };
        let body = text::back_matter_body(section, &mut renderer);
        back.push(Document::new(&file, &xhtml::section_title(book, section), "backmatter", None, body));
    }

    let note_texts = notes::render_texts(book, &mut references, &files, pictures, &mut pages);
    let mut back_entries = Vec::new();
    if book.has_chapters() && m.note_placement == NotePlacement::EndOfChapter {
        for &(index, at) in &chapter_documents {
            text[at].body.push_str(&notes::chapter_notes(book, index, &note_texts, &references));
        }
    } else if !book.notes.is_empty() {
        let body = notes::notes_document_body(book, &note_texts, &references);
        back.insert(0, Document::new(NOTES_FILE, &labels.notes, "backmatter", Some(ReferenceType::Notes), body));
        back_entries.push(navigation::notes_entry(book));
        landmarks.push(Landmark { kind: "endnotes", href: NOTES_FILE.into(), title: labels.notes.clone() });
    }
    for &(_, at) in &chapter_documents {
        text[at].body.push_str(text::CHAPTER_END);
    }
    back_entries.extend(navigation::back_matter_entries(book));

    let front_entries = vec![Entry { href: "titlepage.xhtml".into(), title: labels.title_page.clone(), children: Vec::new() }];
    let contents = navigation::text_entries(book, &files);
    let documents = front.into_iter().chain(text).chain(back).collect();
    let page_entries = pages.entries();
    let page_source = (!page_entries.is_empty()).then(|| pages.source.clone());
    TextDocuments { documents, contents, navigation: Navigation { front: front_entries, back: back_entries, landmarks }, pages: page_entries, page_source }
}

/// The front matter's documents: cover, title page, and a book's copyright page,
/// dedication and epigraph; with their landmarks.
fn front_documents(book: &Book, cover_image: &str) -> (Vec<Document>, Vec<Landmark>) {
    let m = &book.metadata;
    let labels = &m.labels;
    let mut front = vec![
        Document::new("cover.xhtml", &labels.cover, "frontmatter", Some(ReferenceType::Cover), front::cover_body(book, cover_image)),
        Document::new("titlepage.xhtml", &m.title, "frontmatter", Some(ReferenceType::TitlePage), front::title_page_body(book)),
    ];
    // No landmark for the cover: calibre turns `cover.xhtml` into the Kindle cover
    // and drops it, leaving the landmark a dead link (the package still names the
    // cover: its image's `cover-image` property and the guide). None for the
    // contents either: the nav is not in the spine, and EPUBCheck forbids a link to it (RSC-011).
    let mut landmarks = vec![Landmark { kind: "titlepage", href: "titlepage.xhtml".into(), title: labels.title_page.clone() }];
    if book.has_chapters() {
        front.push(Document::new("copyright.xhtml", &labels.copyright, "frontmatter", Some(ReferenceType::Copyright), front::copyright_body(book)));
        landmarks.push(Landmark { kind: "copyright-page", href: "copyright.xhtml".into(), title: labels.copyright.clone() });
    }
    if let Some(body) = front::dedication_body(book) {
        front.push(Document::new("dedication.xhtml", &labels.dedication, "frontmatter", Some(ReferenceType::Dedication), body));
    }
    if let Some(body) = front::epigraph_body(book) {
        front.push(Document::new("epigraph.xhtml", &labels.epigraph, "frontmatter", Some(ReferenceType::Epigraph), body));
    }
    (front, landmarks)
}

/// Package metadata beyond the basics: publisher, date, and what a reader who
/// cannot see the page needs to know before buying (EPUB Accessibility 1.1).
fn package_metadata(book: &Book, has_pictures: bool, page_source: Option<&str>) -> Vec<String> {
    let m = &book.metadata;
    let mut lines = Vec::new();
    if let Some(publisher) = &m.publisher {
        lines.push(format!("<dc:publisher>{}</dc:publisher>", escape(publisher)));
    }
    // The edition whose page numbers the page-list and page breaks carry.
    if let Some(source) = page_source {
        lines.push(format!("<dc:source id=\"pagination-source\">{}</dc:source>", escape(source)));
        lines.push("<meta refines=\"#pagination-source\" property=\"source-of\">pagination</meta>".to_owned());
    }
    if let Some(date) = m.date {
        lines.push(format!("<dc:date>{date}</dc:date>"));
    }
    let pictures = if has_pictures { "every picture, the cover included, has a text description" } else { "the only image is the cover, which has a text description" };
    let notes = if book.notes.is_empty() { String::new() } else { format!(" {} endnotes are linked both ways.", book.notes.len()) };
    let pages = if page_source.is_some() { " Page numbers and a page list follow the print edition." } else { "" };
    let a11y = [
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityFeature", "alternativeText"),
        ("schema:accessibilityFeature", "displayTransformability"),
        ("schema:accessibilityFeature", if page_source.is_some() { "printPageNumbers" } else { "" }),
        ("schema:accessibilityFeature", if page_source.is_some() { "pageNavigation" } else { "" }),
        ("schema:accessibilityHazard", "none"),
        ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
        // Whoever stands behind the book; with neither publisher nor author, the tool that checked it.
        ("a11y:certifiedBy", m.publisher.as_deref().or(m.author.as_deref()).unwrap_or("quire")),
    ];
    for (property, value) in a11y.into_iter().filter(|(_, value)| !value.is_empty()) {
        lines.push(format!("<meta property=\"{property}\">{}</meta>", escape(value)));
    }
    lines.push(format!(
        "<meta property=\"schema:accessibilitySummary\">{}</meta>",
        escape(&format!(
            "Text with headings, a table of contents and landmarks, in reading order; {pictures}; no colour carries meaning and the text can be resized and restyled.{notes}{pages}"
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
