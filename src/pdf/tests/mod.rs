//! Tests build a small book by hand with the real Libertine fonts: characters
//! are mapped to glyphs with ttf-parser and placed by their advances (no
//! shaping), with an "fi" ligature glyph, justified word spaces and a
//! superscript note reference. The output is read back with lopdf.

mod document;
mod text;

use std::collections::BTreeMap;
use std::sync::Arc;

use lopdf::{Dictionary, Object, ObjectId};

use super::write_pdf;
use crate::layout::*;

const FONT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fonts");
const REGULAR: FontId = 0;
const ITALIC: FontId = 1;
const BOLD: FontId = 2;
const PAGE_W: f32 = 420.0;
const PAGE_H: f32 = 595.0;

fn font(file: &str, name: &str) -> FontResource {
    let path = format!("{FONT_DIR}/{file}");
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("test font {path}: {e}"));
    FontResource {
        postscript_name: name.into(),
        family: None,
        digest: crate::resources::kept::digest(&data),
        data: Arc::new(data.into()),
        face_index: 0,
    }
}

fn fonts() -> Vec<FontResource> {
    vec![
        font("LinLibertine_R.otf", "LinLibertineO"),
        font("LinLibertine_RI.otf", "LinLibertineOI"),
        font("LinLibertine_RB.otf", "LinLibertineOB"),
        font("LinLibertine_RBI.otf", "LinLibertineOBI"),
    ]
}

/// Sets `text` from `origin`, one glyph per char except "fi" (the ligature
/// glyph, text "fi"). Word spaces get `stretch` extra points, as justification
/// would; `^` makes the next char a superscript (same size, raised), a run of its own.
fn runs(
    fonts: &[FontResource],
    font: FontId,
    size: f32,
    origin: Point,
    text: &str,
    stretch: f32,
) -> Vec<GlyphRun> {
    let face = ttf_parser::Face::parse(&fonts[font].data, 0).unwrap();
    let scale = size / face.units_per_em() as f32;
    let fi = face
        .glyph_index('\u{FB01}')
        .expect("Libertine has an fi ligature");
    let new_run = |x: f32, rise: f32| GlyphRun {
        font,
        size,
        origin: pt(origin.x + x, origin.y),
        glyphs: Glyphs::default(),
        rise,
        horizontal_scale: 1.0,
    };
    // Each run with where it starts, from `origin`.
    let mut runs: Vec<(f32, GlyphRun)> = Vec::new();
    let mut x = 0.0;
    let mut rise = 0.0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '^' {
            rise = size * 0.33;
            continue;
        }
        let (id, text) = if c == 'f' && chars.peek() == Some(&'i') {
            chars.next();
            (fi, "fi".to_string())
        } else {
            (
                face.glyph_index(c)
                    .unwrap_or_else(|| panic!("no glyph for {c:?}")),
                c.to_string(),
            )
        };
        if runs.last().is_none_or(|(_, last)| last.rise != rise) {
            runs.push((x, new_run(x, rise)));
        }
        let (start, run) = runs.last_mut().unwrap();
        run.glyphs.push(Glyph::new(id.0, x - *start), &text);
        rise = 0.0;
        x += face.glyph_hor_advance(id).unwrap() as f32 * scale;
        if c == ' ' {
            x += stretch;
        }
    }
    runs.into_iter().map(|(_, run)| run).collect()
}

/// [`runs`] of a text without superscripts: one run.
fn run(
    fonts: &[FontResource],
    font: FontId,
    size: f32,
    origin: Point,
    text: &str,
    stretch: f32,
) -> GlyphRun {
    let mut runs = runs(fonts, font, size, origin, text, stretch);
    assert_eq!(runs.len(), 1, "{text:?} has a superscript: use `runs`");
    runs.remove(0)
}

fn pt(x: f32, y: f32) -> Point {
    Point { x, y }
}

fn sample() -> Document {
    let fonts = fonts();
    let mut page1 = Page {
        width: PAGE_W,
        height: PAGE_H,
        items: vec![
            Item::Glyphs(run(&fonts, BOLD, 18.0, pt(50.0, 80.0), "Chapter One", 0.0)),
            Item::Glyphs(run(
                &fonts,
                REGULAR,
                11.0,
                pt(50.0, 120.0),
                "The first office had a fine view.",
                1.5,
            )),
            Item::Glyphs(run(
                &fonts,
                ITALIC,
                11.0,
                pt(50.0, 148.0),
                "Italic fifty.",
                0.0,
            )),
            Item::Rule {
                from: pt(50.0, 500.0),
                to: pt(200.0, 500.0),
                thickness: 0.5,
            },
        ],
        links: vec![Link {
            area: Rect {
                x: 74.0,
                y: 124.0,
                width: 6.0,
                height: 9.0,
            },
            target: LinkTarget::Destination("note-1".into()),
            description: String::new(),
            element: None,
        }],
        destinations: vec![
            Destination {
                name: "ch1".into(),
                at: pt(50.0, 62.0),
            },
            Destination {
                name: "noteref-1".into(),
                at: pt(50.0, 124.0),
            },
        ],
        marks: Vec::new(),
        begins_at: None,
    };
    // The note mark raised in a run of its own, as the typesetter sets one.
    let note_line = runs(&fonts, REGULAR, 11.0, pt(50.0, 134.0), "A note^1 follows here.", 0.0);
    assert_eq!(note_line.len(), 3);
    page1.items.splice(2..2, note_line.into_iter().map(Item::Glyphs));
    let page2 = Page {
        width: PAGE_W,
        height: PAGE_H,
        items: vec![
            Item::Glyphs(run(&fonts, BOLD, 14.0, pt(50.0, 80.0), "Section 1.1", 0.0)),
            Item::Rule {
                from: pt(50.0, 490.0),
                to: pt(130.0, 490.0),
                thickness: 0.4,
            },
            Item::Glyphs(run(
                &fonts,
                REGULAR,
                9.0,
                pt(50.0, 510.0),
                "1 The note text.",
                0.0,
            )),
        ],
        links: vec![Link {
            area: Rect {
                x: 50.0,
                y: 502.0,
                width: 5.0,
                height: 9.0,
            },
            target: LinkTarget::Destination("noteref-1".into()),
            description: String::new(),
            element: None,
        }],
        destinations: vec![
            Destination {
                name: "sec1-1".into(),
                at: pt(50.0, 66.0),
            },
            Destination {
                name: "note-1".into(),
                at: pt(50.0, 501.0),
            },
        ],
        marks: Vec::new(),
        begins_at: None,
    };
    Document {
        info: DocumentInfo {
            title: "The Sample Book".into(),
            author: "Anne Author".into(),
            subject: "Testing".into(),
            keywords: vec!["pdf".into(), "test".into()],
            language: "en-GB".into(),
            date: chrono::NaiveDate::from_ymd_opt(2017, 10, 25),
            creator: "quire 0.1.0".into(),
        },
        fonts,
        pages: vec![page1, page2],
        outline: vec![
            OutlineEntry {
                title: "Chapter One".into(),
                level: 1,
                destination: "ch1".into(),
            },
            OutlineEntry {
                title: "Section 1.1".into(),
                level: 2,
                destination: "sec1-1".into(),
            },
            OutlineEntry {
                title: "Notes".into(),
                level: 1,
                destination: "note-1".into(),
            },
        ],
        images: vec![],
        front_matter_pages: 0,
        structure: None,
    }
}

fn write(doc: &Document) -> Vec<u8> {
    let bytes = write_pdf(doc).expect("sample document writes");
    keep("sample", &bytes);
    bytes
}

/// For manual checks (qpdf, pdffonts, rendering): set QUIRE_PDF_SAMPLE_DIR.
fn keep(name: &str, bytes: &[u8]) {
    if let Ok(dir) = std::env::var("QUIRE_PDF_SAMPLE_DIR") {
        let _ = std::fs::write(format!("{dir}/{name}.pdf"), bytes);
    }
}

fn load(bytes: &[u8]) -> lopdf::Document {
    lopdf::Document::load_mem(bytes).expect("output parses")
}

fn resolve<'a>(lo: &'a lopdf::Document, obj: &'a Object) -> &'a Object {
    lo.dereference(obj).expect("reference resolves").1
}

fn dict<'a>(lo: &'a lopdf::Document, d: &'a Dictionary, key: &str) -> &'a Dictionary {
    resolve(
        lo,
        d.get(key.as_bytes())
            .unwrap_or_else(|_| panic!("missing /{key}")),
    )
    .as_dict()
    .unwrap()
}

fn string(obj: &Object) -> String {
    let bytes = obj.as_str().expect("a string");
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => String::from_utf16(
            &utf16
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        )
        .unwrap(),
        None => String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

fn catalog(lo: &lopdf::Document) -> &Dictionary {
    lo.catalog().unwrap()
}

/// The Type0 fonts of the document, keyed by `/BaseFont`.
fn type0_fonts(lo: &lopdf::Document) -> BTreeMap<String, &Dictionary> {
    lo.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| {
            d.get(b"Subtype")
                .and_then(Object::as_name)
                .is_ok_and(|n| n == b"Type0")
        })
        .map(|d| {
            (
                String::from_utf8(d.get(b"BaseFont").unwrap().as_name().unwrap().to_vec()).unwrap(),
                d,
            )
        })
        .collect()
}

fn font_named<'a>(lo: &'a lopdf::Document, suffix: &str) -> &'a Dictionary {
    type0_fonts(lo)
        .into_iter()
        .find(|(n, _)| n.ends_with(&format!("+{suffix}")))
        .expect("font embedded")
        .1
}

fn descendant<'a>(lo: &'a lopdf::Document, font: &'a Dictionary) -> &'a Dictionary {
    resolve(
        lo,
        &font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0],
    )
    .as_dict()
    .unwrap()
}

/// bfchar entries of a ToUnicode CMap: code → text.
fn to_unicode(lo: &lopdf::Document, font: &Dictionary) -> BTreeMap<u16, String> {
    let stream = resolve(lo, font.get(b"ToUnicode").unwrap())
        .as_stream()
        .unwrap();
    let cmap = String::from_utf8(stream.decompressed_content().unwrap()).unwrap();
    let mut map = BTreeMap::new();
    let mut in_block = false;
    for line in cmap.lines() {
        if line.ends_with("beginbfchar") {
            in_block = true;
        } else if line == "endbfchar" {
            in_block = false;
        } else if in_block {
            let hex: Vec<&str> = line
                .split(['<', '>', ' '])
                .filter(|s| !s.is_empty())
                .collect();
            let code = u16::from_str_radix(hex[0], 16).unwrap();
            let units: Vec<u16> = (0..hex[1].len())
                .step_by(4)
                .map(|i| u16::from_str_radix(&hex[1][i..i + 4], 16).unwrap())
                .collect();
            map.insert(code, String::from_utf16(&units).unwrap());
        }
    }
    map
}

fn page_ids(lo: &lopdf::Document) -> Vec<ObjectId> {
    lo.get_pages().into_values().collect()
}
