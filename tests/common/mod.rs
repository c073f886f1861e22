//! The whole pipeline in memory, for tests that feed it many or large manuscripts:
//! check (manuscript → notes → typography), then the EPUB and the typeset PDF.

#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;
use std::time::Instant;

use quire::{epub_bytes, pdf_edition};
use quire::check_text;
use quire::diagnostics::Diagnostic;
use quire::FontFamily;
use quire::Style;
use quire::Resources as Builtin;

pub struct Resources {
    pub fonts: FontFamily,
    pub style: Style,
    pub stylesheet: String,
}

pub fn resources() -> &'static Resources {
    static RESOURCES: OnceLock<Resources> = OnceLock::new();
    RESOURCES.get_or_init(|| {
        let built_in = Builtin::built_in();
        Resources {
            fonts: built_in.fonts().expect("quire's own fonts load"),
            style: built_in.style("reader-a5.toml").expect("quire's own style reads"),
            stylesheet: built_in.epub_stylesheet().expect("quire's stylesheet reads"),
        }
    })
}

pub struct Editions {
    pub epub: Vec<u8>,
    pub pdf: Vec<u8>,
    /// The check's warnings.
    pub warnings: Vec<Diagnostic>,
    /// Seconds spent checking, making the EPUB and making the PDF.
    pub seconds: [f64; 3],
}

/// Runs `text` through every stage. A manuscript with errors gives its diagnostics;
/// an edition that fails after a clean check is a bug, so it panics with the reason.
pub fn pipeline(text: &str) -> Result<Editions, Vec<Diagnostic>> {
    let r = resources();
    let start = Instant::now();
    let checked = check_text(Path::new("in-memory.md"), text, Some(&r.fonts));
    let checked_at = start.elapsed().as_secs_f64();
    let Some(book) = checked.book else {
        assert!(checked.has_errors(), "no book, yet no error");
        return Err(checked.diagnostics);
    };
    let epub = epub_bytes(&book, &checked.images, &r.fonts, r.stylesheet.clone()).unwrap_or_else(|e| panic!("EPUB failed after a clean check: {e}"));
    let epub_at = start.elapsed().as_secs_f64();
    let pdf = pdf_edition(&book, &checked.images, &r.style, &r.fonts).unwrap_or_else(|e| panic!("PDF failed after a clean check: {e}")).bytes;
    let seconds = [checked_at, epub_at - checked_at, start.elapsed().as_secs_f64() - epub_at];
    Ok(Editions { epub, pdf, warnings: checked.diagnostics, seconds })
}

pub const HEAD: &str = "+++\ntitle = \"A test\"\nauthor = \"A. Writer\"\nlanguage = \"en\"\n+++\n\n";

/// Every XHTML document of the EPUB, joined.
pub fn epub_text(epub: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).expect("the EPUB is a zip");
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        if entry.name().ends_with(".xhtml") {
            entry.read_to_string(&mut all).unwrap();
        }
    }
    all
}

/// Every link annotation's action, in page order, with the page it is on.
pub fn link_actions(doc: &lopdf::Document) -> Vec<(lopdf::ObjectId, lopdf::Dictionary)> {
    let mut actions = Vec::new();
    for page_id in doc.get_pages().into_values() {
        let page = doc.get_dictionary(page_id).unwrap();
        let Ok(annots) = page.get(b"Annots") else { continue };
        for annot in doc.dereference(annots).unwrap().1.as_array().unwrap() {
            let annot = doc.dereference(annot).unwrap().1.as_dict().unwrap();
            actions.push((page_id, doc.dereference(annot.get(b"A").unwrap()).unwrap().1.as_dict().unwrap().clone()));
        }
    }
    actions
}

/// Every file in the EPUB at `path`, as bytes, by its name in the zip.
pub fn epub_entries(path: &Path) -> std::collections::HashMap<String, Vec<u8>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().to_owned(), bytes)
        })
        .collect()
}

/// Each picture drawn in a page's content (`q w 0 0 h x y cm /Name Do Q`): its
/// XObject's name and `[x, y, w, h]` (PDF points, y up).
pub fn drawn(content: &str) -> Vec<(String, [f32; 4])> {
    let words: Vec<&str> = content.split_whitespace().collect();
    let mut found = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if *word == "Do" && i >= 8 && words[i - 2] == "cm" {
            let n: Vec<f32> = words[i - 8..i - 2].iter().map(|w| w.parse().unwrap()).collect();
            found.push((words[i - 1].trim_start_matches('/').to_owned(), [n[4], n[5], n[0], n[3]]));
        }
    }
    found
}

/// The names of a PDF's named destinations (its `/Names /Dests` tree, one level, as quire writes it).
pub fn destination_names(doc: &lopdf::Document) -> std::collections::HashSet<String> {
    let catalog = doc.catalog().unwrap();
    let names = doc.dereference(catalog.get(b"Names").unwrap()).unwrap().1.as_dict().unwrap().clone();
    let dests = doc.dereference(names.get(b"Dests").unwrap()).unwrap().1.as_dict().unwrap().clone();
    let array = dests.get(b"Names").unwrap().as_array().unwrap().clone();
    array.chunks(2).filter_map(|pair| pair[0].as_str().ok().map(|b| String::from_utf8_lossy(b).into_owned())).collect()
}

/// A word on a PDF page, as `pdftotext -bbox` reports it (points from the top-left).
pub struct Word {
    pub x_min: f32,
    pub x_max: f32,
    pub y_min: f32,
    pub y_max: f32,
    pub text: String,
}

pub fn words(pdf: &Path, page: usize) -> Vec<Word> {
    let bbox = std::process::Command::new("pdftotext").args(["-bbox", "-f", &page.to_string(), "-l", &page.to_string()]).arg(pdf).arg("-").output().unwrap();
    let html = String::from_utf8(bbox.stdout).unwrap();
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|word| {
            let [x_min, x_max, y_min, y_max] = ["xMin", "xMax", "yMin", "yMax"].map(|name| {
                let start = word.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                word[start..].split('"').next().unwrap().parse().unwrap()
            });
            let text = word.split_once('>').and_then(|(_, rest)| rest.split_once("</word>")).map(|(t, _)| t.to_owned()).unwrap_or_default();
            Word { x_min, x_max, y_min, y_max, text }
        })
        .collect()
}

/// What `quire build MANUSCRIPT -o OUT --format …` asks, with every other option at its default.
pub fn build_options(manuscript: &Path, out: &Path, editions: Vec<quire::Edition>) -> quire::BuildOptions {
    quire::BuildOptions {
        manuscript: manuscript.to_path_buf(),
        out_dir: out.to_path_buf(),
        editions,
        resources: None,
        style: None,
        marks: false,
        two_pass: false,
        signatures: None,
        pages: None,
        pdf_standard: Default::default(),
    }
}
