//! Pictures inside a paragraph, on `tests/manuscripts/inline-pictures.md`: in print
//! each is drawn in its line (a PNG as an image XObject, an SVG as a form), standing
//! on the baseline as tall as the letters, inside the text block; the words around
//! them are kept; no line runs past the margin; and no warning says print drops them.

use std::path::PathBuf;
use std::process::Command;

mod common;

use common::drawn;

const QUIRE: &str = env!("CARGO_BIN_EXE_quire");

/// The baselines of the text's lines (PDF points, y up) on a page: each `x y Td` or `Tm`'s y.
fn baselines(content: &str) -> Vec<f32> {
    let words: Vec<&str> = content.split_whitespace().collect();
    let mut ys = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if *word == "Tm" && i >= 6 {
            ys.push(words[i - 1].parse().unwrap());
        }
    }
    ys
}

#[test]
fn inline_pictures_stand_on_the_baseline_at_text_height_in_print() {
    let manuscript = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/manuscripts/inline-pictures.md");
    let out = std::env::temp_dir().join(format!("quire-inline-pictures-{}", std::process::id()));
    let output = Command::new(QUIRE).arg("build").arg(&manuscript).arg("--out").arg(&out).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("alt text"), "no warning that print sets alt text: {stderr}");
    let pdf = out.join("inline-pictures.pdf");
    let doc = lopdf::Document::load(&pdf).unwrap();
    let mm = 72.0 / 25.4;
    let (left, right) = (20.0 * mm, 128.0 * mm);
    let mut kinds = Vec::new();
    for &page in doc.get_pages().values() {
        let content = String::from_utf8_lossy(&doc.get_and_decode_page_content(page).unwrap().encode().unwrap()).into_owned();
        let resources = doc.get_dictionary(page).unwrap().get(b"Resources").unwrap();
        let resources = doc.dereference(resources).unwrap().1.as_dict().unwrap().clone();
        let xobjects = resources.get(b"XObject").and_then(|x| x.as_dict()).cloned().unwrap_or_default();
        let lines = baselines(&content);
        for (name, [x, y, w, h]) in drawn(&content) {
            let id = xobjects.get(name.as_bytes()).unwrap().as_reference().unwrap();
            let subtype = doc.get_object(id).unwrap().as_stream().unwrap().dict.get(b"Subtype").unwrap().as_name().unwrap().to_vec();
            kinds.push(String::from_utf8(subtype).unwrap());
            // As tall as the letters of 11 pt text (the face's ascender), no taller.
            assert!(h > 7.0 && h < 11.0, "{name} is {h} tall");
            assert!(x >= left - 0.01 && x + w <= right + 0.01, "{name} at {x} wide {w} is outside the measure");
            // Its foot on a line's baseline.
            assert!(lines.iter().any(|b| (b - y).abs() < 1.0), "{name}'s foot at {y} is on no baseline of {lines:?}");
        }
    }
    // The disc twice (one image), the bands (an image), the diagram (a form).
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "Image").count(), 3, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "Form").count(), 1, "{kinds:?}");
    // The words around the pictures are kept; the alt texts are not printed.
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils) is installed").stdout;
    let text = String::from_utf8(text).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    for words in ["the disc stands on the baseline", "the diagram follows it", "repeats the disc glued", "the bands that are much wider"] {
        assert!(text.contains(words), "{words:?} not in {text:?}");
    }
    assert!(!text.contains("the stages") && !text.contains("a disc"), "{text}");
    std::fs::remove_dir_all(&out).unwrap();
}
