//! The manuscript's pictures: each image the model names, found relative to the
//! manuscript's folder, read once for every edition, its format sniffed from its
//! bytes (never from its name), its header read and checked before anything is
//! decoded, and kept in the form the editions need: the file itself for the EPUB,
//! and for print a JPEG to pass through, a PNG's decoded pixels, or an SVG's tree.
//!
//! A picture that cannot be used is a located error (the image's place in the
//! manuscript); a format quire does not place is a warning, and its alt text
//! stands in. Nothing here panics on bad bytes: the fuzz test feeds every reader.

mod jpeg;
mod png;
mod svg;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::model::{Book, Image, SourcePos};
use crate::resources::fonts::FontFamily;

/// A picture whose decoded size passes this many pixels is refused before it is
/// decoded: a small file can claim a vast image (a decompression bomb), and 100
/// megapixels is already a 10,000 × 10,000 photograph, far past any page's need.
pub const MAX_PIXELS: u64 = 100_000_000;

/// A file larger than this is refused unread: no picture for a page is this big,
/// and reading one into memory for each build is never what the writer meant.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Print resolution: a raster picture is never set larger than its pixels at
/// this many per inch, where it still looks sharp at reading distance.
pub const PRINT_PPI: f32 = 150.0;

/// CSS pixels per point: an SVG's user unit is a CSS pixel, 1/96 in.
const SVG_POINTS_PER_PX: f32 = 72.0 / 96.0;

/// Every picture the book places, by its `src` as written.
#[derive(Debug, Default, Clone)]
pub struct Images {
    pictures: BTreeMap<String, Arc<Picture>>,
    /// The front matter's `cover_image`.
    cover: Option<Arc<Picture>>,
}

impl Images {
    /// The pictures of another chapter of the same book join these.
    pub fn extend(&mut self, other: Images) {
        self.pictures.extend(other.pictures);
        self.cover = self.cover.take().or(other.cover);
    }

    pub fn get(&self, src: &str) -> Option<&Arc<Picture>> {
        self.pictures.get(src)
    }

    /// Every picture, in the order of their `src`: the EPUB's file names follow it.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Picture>> {
        self.pictures.values()
    }

    pub fn is_empty(&self) -> bool {
        self.pictures.is_empty()
    }

    /// The covers' picture, if the front matter names one.
    pub fn cover(&self) -> Option<&Arc<Picture>> {
        self.cover.as_ref()
    }
}

/// One picture, read and checked.
#[derive(Debug)]
pub struct Picture {
    /// As the manuscript wrote it.
    pub src: String,
    /// The picture's own pixels (for an SVG, its size in CSS pixels, rounded up).
    pub width: u32,
    pub height: u32,
    /// The file as it is (for an SVG: as usvg writes it back, see [`svg`]), for the EPUB.
    pub file: Vec<u8>,
    pub content: Content,
}

/// What print needs of a picture.
#[derive(Debug)]
pub enum Content {
    /// A JPEG, embedded as it is (PDF's DCTDecode reads it).
    Jpeg { components: u8, inverted_cmyk: bool },
    /// A PNG's pixels, decoded to 8 bits a channel.
    Raster(Raster),
    /// An SVG, as usvg's tree: every reference resolved (or refused) already.
    Svg(Arc<usvg::Tree>),
}

#[derive(Debug)]
pub struct Raster {
    /// 1 (grey) or 3 (RGB) channels, 8 bits each, row by row.
    pub channels: u8,
    pub pixels: Vec<u8>,
    /// One byte of opacity per pixel; `None` when every pixel is opaque.
    pub alpha: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Svg,
}

impl Picture {
    pub fn format(&self) -> Format {
        match self.content {
            Content::Jpeg { .. } => Format::Jpeg,
            Content::Raster(_) => Format::Png,
            Content::Svg(_) => Format::Svg,
        }
    }

    pub fn media_type(&self) -> &'static str {
        match self.format() {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Svg => "image/svg+xml",
        }
    }

    pub fn extension(&self) -> &'static str {
        match self.format() {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Svg => "svg",
        }
    }

    pub fn is_raster(&self) -> bool {
        self.format() != Format::Svg
    }

    /// The largest size, in points, the picture is ever set at: a raster's pixels
    /// at [`PRINT_PPI`], an SVG at its own size (CSS pixels of 1/96 in).
    pub fn natural_size(&self) -> (f32, f32) {
        match &self.content {
            Content::Svg(tree) => (tree.size().width() * SVG_POINTS_PER_PX, tree.size().height() * SVG_POINTS_PER_PX),
            _ => (self.width as f32 * 72.0 / PRINT_PPI, self.height as f32 * 72.0 / PRINT_PPI),
        }
    }

    /// The size the picture is set at within `width` × `height` points: as large
    /// as it may be ([`Picture::natural_size`]), never wider or taller than the room,
    /// its aspect kept.
    pub fn fit(&self, width: f32, height: f32) -> (f32, f32) {
        let (w, h) = self.natural_size();
        if !(w > 0.0 && h > 0.0) {
            return (0.0, 0.0);
        }
        let scale = (width / w).min(height / h).clamp(0.0, 1.0);
        (w * scale, h * scale)
    }
}

/// Reads every picture `book` places (the manuscript is `manuscript`, image paths
/// start at its folder). Pictures on the web and files the check already refused
/// are skipped: their alt text stands in. `fonts` set an SVG's text.
/// `cover_at` is where the front matter names the cover's picture.
pub fn load(manuscript: &Path, book: &Book, fonts: Option<&FontFamily>, cover_at: Option<SourcePos>) -> (Images, Vec<Diagnostic>) {
    let folder = manuscript.parent().map(Path::to_path_buf).unwrap_or_default();
    let folder = if folder.as_os_str().is_empty() { PathBuf::from(".") } else { folder };
    let mut images = Images::default();
    let mut diagnostics = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    // The book's faces are read into usvg's font database only for a book with an SVG.
    let fontdb = std::cell::OnceCell::new();
    let fontdb = || fontdb.get_or_init(|| svg::font_database(fonts)).clone();
    book.images(&mut |image: &Image, _figure: bool| {
        if is_remote(&image.src) {
            return;
        }
        if !seen.insert(image.src.clone()) {
            return;
        }
        let path = folder.join(&image.src);
        match read(&folder, &path, &image.src, &fontdb) {
            Ok((picture, warnings)) => {
                for warning in warnings {
                    diagnostics.push(Diagnostic::warning(manuscript, Some(image.at), format!("image `{}`: {warning}", image.src)));
                }
                images.pictures.insert(image.src.clone(), Arc::new(picture));
            }
            Err(Problem::Unreadable) => {} // The check's own error already names it.
            Err(Problem::Unsupported(what)) => diagnostics.push(
                Diagnostic::warning(manuscript, Some(image.at), format!("image `{}` is {what}: quire places PNG, JPEG and SVG pictures; its alt text stands in for it", image.src))
                    .with_help("save the picture as PNG, JPEG or SVG"),
            ),
            Err(Problem::Bad(why)) => diagnostics.push(
                Diagnostic::error(manuscript, Some(image.at), format!("image `{}` cannot be used: {why}", image.src))
                    .with_help("open the picture in an image editor and save it again as PNG, JPEG or SVG"),
            ),
        }
    });
    if let Some(src) = &book.metadata.cover_image {
        let path = folder.join(src);
        let problem = if is_remote(src) {
            Err(Problem::Bad("it is on the web, and no edition fetches a picture".into()))
        } else if !inside(&folder, &path) {
            Err(Problem::Bad("it is not a file inside the manuscript's folder".into()))
        } else {
            read(&folder, &path, src, &fontdb)
        };
        match problem {
            Ok((picture, warnings)) => {
                diagnostics.extend(warnings.into_iter().map(|w| Diagnostic::warning(manuscript, cover_at, format!("cover image `{src}`: {w}"))));
                images.cover = Some(Arc::new(picture));
            }
            Err(Problem::Unsupported(what)) => diagnostics.push(
                Diagnostic::error(manuscript, cover_at, format!("cover image `{src}` is {what}: quire places PNG, JPEG and SVG pictures")).with_help("save the picture as PNG, JPEG or SVG"),
            ),
            Err(Problem::Bad(why)) => diagnostics.push(
                Diagnostic::error(manuscript, cover_at, format!("cover image `{src}` cannot be used: {why}"))
                    .with_help("give the path of a PNG, JPEG or SVG file beside the manuscript, e.g. `cover_image = \"images/cover.jpg\"`, or leave the key out for a cover drawn from the title"),
            ),
            Err(Problem::Unreadable) => diagnostics.push(
                Diagnostic::error(manuscript, cover_at, format!("cover image `{src}` cannot be read"))
                    .with_help("give the path of a PNG, JPEG or SVG file beside the manuscript"),
            ),
        }
    }
    (images, diagnostics)
}

/// Whether `path` (existing) lies inside `folder` once links are followed.
fn inside(folder: &Path, path: &Path) -> bool {
    match (folder.canonicalize(), path.canonicalize()) {
        (Ok(folder), Ok(path)) => path.starts_with(folder) && path.is_file(),
        _ => false,
    }
}

/// A picture on the web: never fetched (the check warns about it).
fn is_remote(src: &str) -> bool {
    src.contains("://") || src.starts_with("//") || src.starts_with("data:")
}

/// Why a picture is not placed.
#[derive(Debug, PartialEq)]
pub enum Problem {
    /// Not there, or not a file inside the folder: the check has already said so.
    Unreadable,
    /// A format quire does not place (named).
    Unsupported(&'static str),
    /// Truncated, malformed or too large: said why.
    Bad(String),
}

fn read(folder: &Path, path: &Path, src: &str, fontdb: &dyn Fn() -> Arc<usvg::fontdb::Database>) -> Result<(Picture, Vec<String>), Problem> {
    if !inside(folder, path) {
        return Err(Problem::Unreadable);
    }
    let size = std::fs::metadata(path).map_err(|_| Problem::Unreadable)?.len();
    if size > MAX_FILE_BYTES {
        return Err(Problem::Bad(format!("the file is {} MB, more than the {} MB quire reads", size / 1_000_000, MAX_FILE_BYTES / 1_000_000)));
    }
    let bytes = std::fs::read(path).map_err(|_| Problem::Unreadable)?;
    let base = path.parent().unwrap_or(folder);
    decode(src, bytes, base, fontdb)
}

/// Any bytes as a picture, with no fonts for an SVG's text: what the fuzz test feeds.
pub fn from_bytes(bytes: Vec<u8>) -> Result<(Picture, Vec<String>), Problem> {
    decode("fuzzed", bytes, Path::new("."), &|| Arc::new(usvg::fontdb::Database::new()))
}

/// Reads a picture's bytes; `base` is where an SVG's relative references would
/// start (it reads none). Warnings come back as sentences.
fn decode(src: &str, bytes: Vec<u8>, base: &Path, fontdb: &dyn Fn() -> Arc<usvg::fontdb::Database>) -> Result<(Picture, Vec<String>), Problem> {
    let mut warnings = Vec::new();
    let (width, height, content, file) = match sniff(&bytes) {
        Some(Format::Png) => {
            let (width, height, raster) = png::decode(&bytes).map_err(Problem::Bad)?;
            (width, height, Content::Raster(raster), bytes)
        }
        Some(Format::Jpeg) => {
            let header = jpeg::header(&bytes).map_err(Problem::Bad)?;
            check_pixels(header.width, header.height).map_err(Problem::Bad)?;
            (header.width, header.height, Content::Jpeg { components: header.components, inverted_cmyk: header.inverted_cmyk }, bytes)
        }
        Some(Format::Svg) => {
            let (tree, refused) = svg::parse(&bytes, base, &fontdb()).map_err(Problem::Bad)?;
            warnings.extend(refused);
            let file = svg::write(&tree);
            let (w, h) = (tree.size().width(), tree.size().height());
            (w.ceil() as u32, h.ceil() as u32, Content::Svg(Arc::new(tree)), file)
        }
        None => return Err(Problem::Unsupported(other_format(&bytes))),
    };
    Ok((Picture { src: src.to_owned(), width, height, file, content }, warnings))
}

/// The picture's format, from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if svg::looks_like_svg(bytes) {
        Some(Format::Svg)
    } else {
        None
    }
}

/// What a picture in a format quire does not place is, for the warning.
fn other_format(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"GIF8") {
        "a GIF"
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "a WebP picture"
    } else if bytes.starts_with(b"BM") {
        "a BMP picture"
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        "a TIFF picture"
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        "an AVIF or HEIF picture"
    } else if bytes.starts_with(b"%PDF") {
        "a PDF"
    } else {
        "no picture quire recognises"
    }
}

/// Refuses a picture with no pixels or more than [`MAX_PIXELS`].
fn check_pixels(width: u32, height: u32) -> Result<(), String> {
    if width == 0 || height == 0 {
        return Err(format!("it is {width} × {height} pixels: there is nothing to show"));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(format!(
            "it is {width} × {height} pixels ({} megapixels), more than the {} megapixels quire decodes",
            pixels / 1_000_000,
            MAX_PIXELS / 1_000_000
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
