//! Fonts, glyph placement, rules and extractable text.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Object, ObjectId};

use super::*;
use crate::layout::*;

#[test]
fn fonts_are_embedded_once_subset_and_tagged() {
    let doc = sample();
    let lo = load(&write(&doc));
    let fonts = type0_fonts(&lo);
    // Bold italic is never used, so it is not embedded at all.
    assert_eq!(fonts.len(), 3, "{:?}", fonts.keys());
    for (name, font) in &fonts {
        let (tag, rest) = name.split_once('+').expect("subset tag");
        assert!(
            tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
            "{name}"
        );
        assert!(rest.starts_with("LinLibertineO"));
        let cid = descendant(&lo, font);
        assert_eq!(
            cid.get(b"BaseFont").unwrap().as_name().unwrap(),
            name.as_bytes()
        );
        assert_eq!(
            font.get(b"Encoding").unwrap().as_name().unwrap(),
            b"Identity-H"
        );
        let descriptor = dict(&lo, cid, "FontDescriptor");
        assert_eq!(
            descriptor.get(b"FontName").unwrap().as_name().unwrap(),
            name.as_bytes()
        );
        let file = descriptor
            .get(b"FontFile3")
            .or_else(|_| descriptor.get(b"FontFile2"))
            .expect("font program");
        let file = resolve(&lo, file).as_stream().unwrap();
        assert_eq!(
            file.dict.get(b"Filter").unwrap().as_name().unwrap(),
            b"FlateDecode"
        );
        let program = file.decompressed_content().unwrap();
        let original = doc
            .fonts
            .iter()
            .find(|f| rest == f.postscript_name)
            .unwrap()
            .data
            .len();
        assert!(
            program.len() * 10 < original,
            "{name}: subset {} vs original {original}",
            program.len()
        );
    }
}

#[test]
fn subset_tag_follows_the_glyph_set() {
    let doc = sample();
    let name = |d: &Document| {
        let lo = load(&write_pdf(d).unwrap());
        let n = font_named(&lo, "LinLibertineO")
            .get(b"BaseFont")
            .unwrap()
            .as_name()
            .unwrap()
            .to_vec();
        String::from_utf8(n).unwrap()
    };
    let mut fewer = doc.clone();
    fewer.pages[1].items.pop();
    assert_eq!(name(&doc), name(&doc.clone()));
    assert_ne!(name(&doc), name(&fewer));
}

#[test]
fn to_unicode_maps_ligature_and_space() {
    let lo = load(&write(&sample()));
    let map = to_unicode(&lo, font_named(&lo, "LinLibertineO"));
    let texts: Vec<&str> = map.values().map(String::as_str).collect();
    assert!(texts.contains(&"fi"), "{map:?}");
    assert!(texts.contains(&" "), "{map:?}");
    // Every used glyph has exactly one mapping, so no text is listed twice.
    let mut unique = texts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), texts.len());
    let italic = to_unicode(&lo, font_named(&lo, "LinLibertineOI"));
    assert!(italic.values().any(|t| t == "fi"));
}

/// Replays the content stream the way a viewer does (Tf, Tm, TJ, and the /W
/// widths from the file) and returns every glyph's (x, y) baseline position.
fn glyph_positions(lo: &lopdf::Document, page: ObjectId) -> Vec<(f64, f64)> {
    let fonts = lo.get_page_fonts(page).unwrap();
    let widths: BTreeMap<Vec<u8>, BTreeMap<u16, f64>> = fonts
        .iter()
        .map(|(res, font)| {
            let w = descendant(lo, font).get(b"W").unwrap().as_array().unwrap();
            let mut map = BTreeMap::new();
            for pair in w.chunks(2) {
                let start = pair[0].as_i64().unwrap() as u16;
                for (k, v) in pair[1].as_array().unwrap().iter().enumerate() {
                    map.insert(start + k as u16, v.as_float().unwrap() as f64);
                }
            }
            (res.clone(), map)
        })
        .collect();
    let content = Content::decode(&lo.get_page_content(page)).unwrap();
    let (mut font, mut size, mut x, mut y, mut scale) = (Vec::new(), 0.0, 0.0, 0.0, 1.0);
    let mut out = Vec::new();
    for op in content.operations {
        match op.operator.as_str() {
            "Tf" => {
                font = op.operands[0].as_name().unwrap().to_vec();
                size = op.operands[1].as_float().unwrap() as f64;
            }
            "Tm" => {
                scale = op.operands[0].as_float().unwrap() as f64;
                x = op.operands[4].as_float().unwrap() as f64;
                y = op.operands[5].as_float().unwrap() as f64;
            }
            "TJ" => {
                for item in op.operands[0].as_array().unwrap() {
                    match item {
                        Object::String(bytes, _) => {
                            for code in bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])) {
                                out.push((x, y));
                                x += widths[&font][&code] * size * scale / 1000.0;
                            }
                        }
                        n => x -= n.as_float().unwrap() as f64 * size * scale / 1000.0,
                    }
                }
            }
            "Tj" | "'" | "\"" => panic!("unexpected text operator {}", op.operator),
            _ => {}
        }
    }
    out
}

#[test]
fn every_glyph_lands_at_its_layout_position() {
    assert_glyphs_land(&sample());
}

#[test]
fn expanded_glyphs_are_widened_and_still_land_at_their_positions() {
    let mut doc = sample();
    let Item::Glyphs(run) = &mut doc.pages[0].items[2] else { panic!("a glyph run") };
    // As the typesetter does for a line set 2 % wide: positions scaled, shapes widened.
    for g in &mut run.glyphs {
        g.x *= 1.02;
    }
    run.horizontal_scale = 1.02;
    assert_glyphs_land(&doc);
    let lo = load(&write(&doc));
    let content = Content::decode(&lo.get_page_content(page_ids(&lo)[0])).unwrap();
    let scales: Vec<f32> = content.operations.iter().filter(|op| op.operator == "Tm").map(|op| op.operands[0].as_float().unwrap()).collect();
    assert!(scales.iter().any(|&s| (s - 1.02).abs() < 1e-6), "no widened text matrix: {scales:?}");
    assert!(scales.contains(&1.0), "other runs stay unscaled: {scales:?}");
}

#[test]
fn a_whole_line_at_a_scale_between_thousandths_lands_without_drift() {
    // A justified line as one run: 300 pt of glyphs at a scale the text
    // matrix can only carry to three decimals. Corrections computed with the
    // unrounded scale would drift by 0.0003 × 300 pt = 0.09 pt by the end.
    let mut doc = sample();
    let fonts = doc.fonts.clone();
    let text = "The first office had a fine view over the river and the town beyond.";
    let mut line = run(&fonts, REGULAR, 11.0, pt(50.0, 200.0), text, 0.0);
    for g in &mut line.glyphs {
        g.x *= 1.0123;
    }
    line.horizontal_scale = 1.0123;
    assert!(line.glyphs.last().unwrap().x > 250.0, "the line is long enough to show drift");
    doc.pages[0].items.push(Item::Glyphs(line));
    assert_glyphs_land(&doc);
}

fn assert_glyphs_land(doc: &Document) {
    let lo = load(&write(doc));
    for (page, id) in doc.pages.iter().zip(page_ids(&lo)) {
        let expected: Vec<(f64, f64)> = page
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Glyphs(r) => Some(r),
                _ => None,
            })
            .flat_map(|r| {
                r.glyphs.iter().map(move |g| {
                    (
                        f64::from(r.origin.x + g.x),
                        f64::from(page.height) - f64::from(r.origin.y) + f64::from(r.rise),
                    )
                })
            })
            .collect();
        let actual = glyph_positions(&lo, id);
        assert_eq!(actual.len(), expected.len());
        for (a, e) in actual.iter().zip(&expected) {
            assert!(
                (a.0 - e.0).abs() < 0.01 && (a.1 - e.1).abs() < 0.01,
                "glyph at {a:?}, layout says {e:?}"
            );
        }
    }
}

#[test]
fn a_glyph_with_a_second_text_gets_actual_text() {
    let mut doc = sample();
    // The space glyph, later once standing for a no-break space. The first
    // text seen (" ") stays the ToUnicode mapping.
    // The run " follows here.", after the raised note mark.
    if let Item::Glyphs(run) = &mut doc.pages[0].items[4] {
        assert_eq!(run.glyphs.with_texts().next().unwrap().1, " ");
        run.glyphs.set_text(0, "\u{a0}");
        // And an "e" drawn over the last "e" standing for nothing, as the
        // second glyph of a cluster does.
        let (&extra, text) = run.glyphs.with_texts().nth(run.glyphs.len() - 2).unwrap();
        assert_eq!(text, "e");
        let at = run.glyphs.len() - 1;
        run.glyphs.insert(at, extra, "");
    }
    let bytes = write_pdf(&doc).unwrap();
    keep("actualtext", &bytes);
    let lo = load(&bytes);
    let content = Content::decode(&lo.get_page_content(page_ids(&lo)[0])).unwrap();
    let spans: Vec<String> = content
        .operations
        .iter()
        .filter(|o| o.operator == "BDC")
        .map(|o| {
            assert_eq!(o.operands[0].as_name().unwrap(), b"Span");
            string(o.operands[1].as_dict().unwrap().get(b"ActualText").unwrap())
        })
        .collect();
    assert_eq!(spans, ["\u{a0}", ""]);
    assert_eq!(
        content
            .operations
            .iter()
            .filter(|o| o.operator == "EMC")
            .count(),
        2
    );
}

/// pdftotext (poppler) must extract exactly the manuscript's words: ligatures
/// expanded, spaces present. Skipped where poppler is not installed.
#[test]
fn pdftotext_extracts_the_exact_text() {
    let dir = std::env::temp_dir().join(format!("quire-pdf-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sample.pdf");
    std::fs::write(&path, write(&sample())).unwrap();
    let output = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let Ok(output) = output else {
        eprintln!("pdftotext not found; skipping the extraction check");
        return;
    };
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "\u{c}")
        .collect();
    assert_eq!(
        lines,
        [
            "Chapter One",
            "The first office had a fine view.",
            "A note1 follows here.",
            "Italic fifty.",
            "Section 1.1",
            "1 The note text.",
        ]
    );
}

#[test]
fn rules_are_stroked_lines_in_pdf_coordinates() {
    let lo = load(&write(&sample()));
    let content = Content::decode(&lo.get_page_content(page_ids(&lo)[0])).unwrap();
    let ops: Vec<(String, Vec<f32>)> = content
        .operations
        .iter()
        .map(|o| {
            (
                o.operator.clone(),
                o.operands
                    .iter()
                    .filter_map(|v| v.as_float().ok())
                    .collect(),
            )
        })
        .collect();
    let at = ops.iter().position(|(op, _)| op == "m").expect("a path");
    assert_eq!(ops[at].1, vec![50.0, PAGE_H - 500.0]);
    assert_eq!(ops[at + 1], ("l".into(), vec![200.0, PAGE_H - 500.0]));
    assert_eq!(ops[at + 2].0, "S");
    assert!(ops[..at].iter().any(|(op, v)| op == "w" && v == &vec![0.5]));
}
