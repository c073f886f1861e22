//! The PDF writer: turns the typesetter's pages ([`crate::layout`]) into PDF bytes.
//!
//! printpdf writes the page tree, the content streams and the embedded fonts.
//! It cannot express named destinations, nested bookmarks, `/Lang` or a
//! reproducible trailer, so [`structure`] finishes the document on printpdf's
//! lopdf object graph before it is serialised.
//!
//! Choices worth knowing:
//! - A document without pages is an error: there is no page size to give a
//!   blank page, and an empty book is almost certainly an upstream mistake.
//! - Glyph text: the ToUnicode CMap maps each glyph to the first non-empty text
//!   it carries in the document; any occurrence carrying a different text,
//!   and every glyph whose text is "" (the tail of a cluster), is wrapped in
//!   an `/ActualText` span, so extraction always yields the manuscript's words.
//! - Rules with a thickness of zero or less are not drawn (PDF would draw a
//!   zero-width line as a device hairline, which is never what layout means).

mod content;
mod fonts;
mod images;
mod serialise;
mod structure;
mod tagged;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::fmt;

use printpdf::{PdfDocument, PdfPage, PdfSaveOptions, PdfWarnMsg, Pt, Rect};

use crate::layout::{Document, Item, LinkTarget, Page};
use crate::resources::kept::{KeepNothing, KeptBytes};

/// Why a document could not be written; the message is a plain sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfError {
    message: String,
}

impl PdfError {
    fn new(message: impl Into<String>) -> Self {
        PdfError {
            message: message.into(),
        }
    }
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PdfError {}

pub use tagged::PdfStandard;

/// Writes `doc` as a PDF. The same document always gives the same bytes.
/// A document with a structure is tagged, PDF/UA-1.
pub fn write_pdf(doc: &Document) -> Result<Vec<u8>, PdfError> {
    write_pdf_as(doc, PdfStandard::default())
}

/// Writes `doc` as a PDF that also claims `standard` when it is tagged (PDF/A-2).
pub fn write_pdf_as(doc: &Document, standard: PdfStandard) -> Result<Vec<u8>, PdfError> {
    write_pdf_kept(doc, standard, &KeepNothing)
}

/// [`write_pdf_as`] with its font subsets from `store`: the same bytes.
pub fn write_pdf_kept(doc: &Document, standard: PdfStandard, store: &dyn KeptBytes) -> Result<Vec<u8>, PdfError> {
    validate(doc)?;
    let fonts = fonts::embed_fonts(doc, store)?;

    let mut pdf = PdfDocument::new(&doc.info.title);
    for font in fonts.iter().flatten() {
        pdf.resources
            .fonts
            .map
            .insert(font.id.clone(), printpdf::PdfFont::new(font.parsed.clone()));
    }
    let usage = content::font_usage(&fonts);
    pdf.pages = doc
        .pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let size = Rect::from_wh(Pt(page.width), Pt(page.height));
            PdfPage {
                media_box: size.clone(),
                trim_box: size.clone(),
                crop_box: size,
                ops: if i == 0 { usage.clone() } else { Vec::new() },
            }
        })
        .collect();

    // Compression is applied after the post-pass, so the streams it adds are
    // compressed too; everything else printpdf would do on save is unwanted.
    let opts = PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        ..Default::default()
    };
    // The document's structure (its page tree, links, outline, structure tree)
    // and its pages' content streams need nothing of each other: with a core
    // idle (the reader PDF built alone), they are made side by side.
    let structure = || {
        let mut warnings: Vec<PdfWarnMsg> = Vec::new();
        let mut lo = pdf.to_lopdf_document(&opts, &mut warnings);
        let written = structure::finish(&mut lo, doc, &fonts, standard)?;
        images::embed(&mut lo, &doc.images, store)?;
        Ok::<_, PdfError>((lo, written))
    };
    // Content streams and their compression are most of the writer's time: a
    // run of pages at a time for each core the build leaves idle.
    let contents = || {
        let runs: Vec<&[Page]> = doc.pages.chunks(PAGES_PER_RUN).collect();
        crate::parallel::map(&runs, |pages| pages.iter().map(|page| compress_kept(content::page(page, &fonts, doc.structure.as_ref()), store)).collect::<Vec<_>>())
            .into_iter()
            .flatten()
            .collect()
    };
    let (structure, contents) = crate::parallel::join(structure, contents);
    let (mut lo, written) = structure?;
    set_contents(&mut lo, contents)?;
    compress_streams(&mut lo, store);
    serialise::save_with_content_id(&mut lo, written, store)
}

/// Pages whose content streams one thread makes at a time: enough that a
/// run costs far more than handing it over, few enough that the threads end together.
const PAGES_PER_RUN: usize = 8;

/// Deflated at zlib's default level: lopdf's best level spent a large share of the
/// writer's time for a file under 1 % smaller. `None` where deflating gains nothing.
fn compress(bytes: Vec<u8>) -> (Vec<u8>, bool) {
    compress_by(bytes, deflate)
}

/// What every stream is deflated with, for [`KeptBytes`]: a deflated stream
/// is a function of its bytes alone.
const DEFLATED_KIND: &str = "pdf-stream zlib-rs-0.6.8 level-6";

/// [`compress`], the deflated bytes kept in `store`: a page, a picture or a
/// font program is the same from one build to the next far more often than not.
fn compress_kept(bytes: Vec<u8>, store: &dyn KeptBytes) -> (Vec<u8>, bool) {
    compress_by(bytes, |bytes| store.get_or_make(DEFLATED_KIND, &[bytes], &mut || deflate(bytes).ok_or_else(String::new)).ok())
}

/// [`compress`] with `deflate` giving the zlib stream.
fn compress_by(bytes: Vec<u8>, deflate: impl FnOnce(&[u8]) -> Option<Vec<u8>>) -> (Vec<u8>, bool) {
    match deflate(&bytes) {
        Some(compressed) if compressed.len() + 19 < bytes.len() => (compressed, true),
        _ => (bytes, false),
    }
}

/// `bytes` as a zlib stream at the default level, the same bytes flate2's
/// `ZlibEncoder` gives.
fn deflate(bytes: &[u8]) -> Option<Vec<u8>> {
    thread_local! {
        // A new deflater allocates and clears its window and tables: a long
        // book's thousand streams spent more on that than on some of their
        // compression, so each thread keeps one and resets it.
        static DEFLATER: std::cell::RefCell<flate2::Compress> =
            std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::default(), true));
    }
    DEFLATER.with_borrow_mut(|deflater| {
        deflater.reset();
        let mut out = Vec::with_capacity(bytes.len() / 3 + 64);
        loop {
            let read = deflater.total_in() as usize;
            match deflater.compress_vec(&bytes[read..], &mut out, flate2::FlushCompress::Finish) {
                Ok(flate2::Status::StreamEnd) => return Some(out),
                Ok(_) => out.reserve(out.capacity().max(64)),
                Err(_) => return None,
            }
        }
    })
}

/// Puts each page's own content stream in place of the one printpdf wrote.
fn set_contents(lo: &mut lopdf::Document, contents: Vec<(Vec<u8>, bool)>) -> Result<(), PdfError> {
    let pages: Vec<lopdf::ObjectId> = lo.get_pages().into_values().collect();
    let missing = || PdfError::new("Internal error: a page has no content stream.");
    for (page, (bytes, deflated)) in pages.into_iter().zip(contents) {
        let id = lo
            .get_dictionary(page)
            .and_then(|d| d.get(b"Contents"))
            .and_then(lopdf::Object::as_reference)
            .map_err(|_| missing())?;
        let mut dict = lopdf::Dictionary::new();
        if deflated {
            dict.set("Filter", "FlateDecode");
        }
        let mut stream = lopdf::Stream::new(dict, bytes);
        // Already deflated when it pays; lopdf must not try again.
        stream.allows_compression = false;
        lo.objects.insert(id, lopdf::Object::Stream(stream));
    }
    Ok(())
}

/// Deflates the streams printpdf and the post-pass wrote (fonts, CMaps),
/// kept in `store`.
fn compress_streams(lo: &mut lopdf::Document, store: &dyn KeptBytes) {
    for object in lo.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            if stream.dict.get(b"Filter").is_ok() || !stream.allows_compression {
                continue;
            }
            let (bytes, deflated) = compress_kept(std::mem::take(&mut stream.content), store);
            if deflated {
                stream.dict.set("Filter", "FlateDecode");
            }
            stream.set_content(bytes);
        }
    }
}

/// Rejects what would otherwise become an invalid or misleading PDF, so that
/// later stages can index and compute without checks of their own.
fn validate(doc: &Document) -> Result<(), PdfError> {
    if doc.pages.is_empty() {
        return Err(PdfError::new(
            "The document has no pages, so there is nothing to write.",
        ));
    }
    let mut names = BTreeSet::new();
    for (p, page) in doc.pages.iter().enumerate() {
        let n = p + 1;
        if !(page.width.is_finite()
            && page.height.is_finite()
            && page.width > 0.0
            && page.height > 0.0)
        {
            return Err(PdfError::new(format!(
                "Page {n} has an unusable size of {} by {} points.",
                page.width, page.height
            )));
        }
        for item in &page.items {
            let finite = match item {
                Item::Glyphs(run) => {
                    if run.font >= doc.fonts.len() {
                        return Err(PdfError::new(format!(
                            "A glyph run on page {n} uses font {}, but the document has only {} fonts.",
                            run.font,
                            doc.fonts.len()
                        )));
                    }
                    if !(run.size.is_finite() && run.size > 0.0) {
                        return Err(PdfError::new(format!(
                            "A glyph run on page {n} has an unusable font size of {}.",
                            run.size
                        )));
                    }
                    finite_all(&[run.origin.x, run.origin.y, run.rise])
                        && run.glyphs.iter().all(|g| finite_all(&[g.x]))
                }
                Item::Rule {
                    from,
                    to,
                    thickness,
                } => finite_all(&[from.x, from.y, to.x, to.y, *thickness]),
                Item::Image { image, area } => {
                    if *image >= doc.images.len() {
                        return Err(PdfError::new(format!(
                            "A picture on page {n} is picture {image}, but the document has only {}.",
                            doc.images.len()
                        )));
                    }
                    finite_all(&[area.x, area.y, area.width, area.height])
                }
            };
            if !finite {
                return Err(PdfError::new(format!(
                    "An item on page {n} has a coordinate that is not a finite number."
                )));
            }
        }
        for link in &page.links {
            let a = link.area;
            if !finite_all(&[a.x, a.y, a.width, a.height]) {
                return Err(PdfError::new(format!(
                    "The link to \"{}\" on page {n} has an area that is not finite.",
                    link.target
                )));
            }
        }
        for dest in &page.destinations {
            if !finite_all(&[dest.at.x, dest.at.y]) {
                return Err(PdfError::new(format!(
                    "Destination \"{}\" on page {n} has a position that is not finite.",
                    dest.name
                )));
            }
            if !names.insert(dest.name.as_str()) {
                return Err(PdfError::new(format!(
                    "Destination \"{}\" is defined more than once.",
                    dest.name
                )));
            }
        }
    }
    for (p, page) in doc.pages.iter().enumerate() {
        for link in &page.links {
            let LinkTarget::Destination(target) = &link.target else { continue };
            if !names.contains(target.as_str()) {
                return Err(PdfError::new(format!(
                    "A link on page {} points to \"{}\", which no page defines.",
                    p + 1,
                    link.target
                )));
            }
        }
    }
    for entry in &doc.outline {
        if !names.contains(entry.destination.as_str()) {
            return Err(PdfError::new(format!(
                "Bookmark \"{}\" points to \"{}\", which no page defines.",
                entry.title, entry.destination
            )));
        }
    }
    Ok(())
}

fn finite_all(values: &[f32]) -> bool {
    values.iter().all(|v| v.is_finite())
}

/// FNV-1a: tiny, and stable across Rust releases (unlike `DefaultHasher`),
/// which matters because its output ends up in the file.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    let mut hash = seed;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// [`fnv1a`] of the same bytes from two seeds, in one pass: the two
/// multiplications of a byte do not wait on each other, so this takes about
/// the time of one hash (a long book's draft is megabytes).
fn fnv1a_pair(seeds: [u64; 2], bytes: &[u8]) -> [u64; 2] {
    let [mut one, mut other] = seeds;
    for &b in bytes {
        one = (one ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        other = (other ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    [one, other]
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
