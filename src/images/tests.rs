//! The readers on the test pictures (tests/manuscripts/images/, made by its make.py)
//! and on bytes forged to be wrong.

use std::path::{Path, PathBuf};

use super::*;

fn pictures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/manuscripts/images")
}

fn read_test(name: &str) -> Result<(Picture, Vec<String>), Problem> {
    from_bytes(std::fs::read(pictures().join(name)).unwrap())
}

#[test]
fn each_format_is_read_with_its_size() {
    for (name, format, width, height) in [
        ("bands.png", Format::Png, 1200, 500),
        ("disc.png", Format::Png, 400, 400),
        ("small-grey.png", Format::Png, 90, 60),
        ("tall-palette.png", Format::Png, 200, 1400),
        ("photo.jpg", Format::Jpeg, 900, 600),
        ("grey-portrait.jpg", Format::Jpeg, 300, 450),
        ("diagram.svg", Format::Svg, 400, 220),
    ] {
        let (picture, warnings) = read_test(name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!((picture.format(), picture.width, picture.height), (format, width, height), "{name}");
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
    }
}

#[test]
fn png_pixels_are_decoded_and_opacity_split_off() {
    let (disc, _) = read_test("disc.png").unwrap();
    let Content::Raster(raster) = &disc.content else { panic!("a PNG is decoded") };
    assert_eq!((raster.channels, raster.pixels.len()), (3, 400 * 400 * 3));
    let alpha = raster.alpha.as_ref().expect("the disc's ground is transparent");
    assert_eq!((alpha[0], alpha[200 * 400 + 200]), (0, 255));
    // A palette picture comes out as RGB, with no mask: it has no transparency.
    let (tall, _) = read_test("tall-palette.png").unwrap();
    let Content::Raster(raster) = &tall.content else { panic!() };
    assert_eq!((raster.channels, raster.alpha.is_none()), (3, true));
    let (grey, _) = read_test("small-grey.png").unwrap();
    let Content::Raster(raster) = &grey.content else { panic!() };
    assert_eq!(raster.channels, 1);
}

#[test]
fn a_jpeg_is_passed_through_with_its_channels() {
    let (photo, _) = read_test("photo.jpg").unwrap();
    assert!(matches!(photo.content, Content::Jpeg { components: 3, inverted_cmyk: false }));
    assert_eq!(photo.file, std::fs::read(pictures().join("photo.jpg")).unwrap(), "the file itself, unchanged");
    let (grey, _) = read_test("grey-portrait.jpg").unwrap();
    assert!(matches!(grey.content, Content::Jpeg { components: 1, .. }));
}

#[test]
fn bad_pictures_are_refused_with_the_reason() {
    for (name, reason) in [
        ("bad-truncated.png", "cut short"),
        ("bad-truncated.jpg", "cut short"),
        ("bad-malformed.svg", "malformed"),
        ("bad-bomb.png", "400 megapixels"),
    ] {
        match read_test(name) {
            Err(Problem::Bad(why)) => assert!(why.contains(reason), "{name}: {why}"),
            other => panic!("{name}: {:?}", other.map(|(p, _)| (p.width, p.height))),
        }
    }
    assert_eq!(read_test("unsupported.gif").err(), Some(Problem::Unsupported("a GIF")));
}

/// A JPEG's frame header claiming 60,000 × 60,000 pixels: refused from the header alone.
#[test]
fn a_jpeg_bomb_is_refused_from_its_header() {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0xEA, 0x60, 0xEA, 0x60, 1, 1, 0x11, 0];
    bytes.extend([0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
    match from_bytes(bytes) {
        Err(Problem::Bad(why)) => assert!(why.contains("megapixels"), "{why}"),
        other => panic!("{:?}", other.is_ok()),
    }
}

#[test]
fn an_svg_reads_nothing_outside_itself() {
    let (_, warnings) = read_test("reaching.svg").unwrap();
    assert_eq!(warnings.len(), 5, "{warnings:#?}");
    assert!(warnings.iter().any(|w| w.contains("../../../Cargo.toml") && w.contains("outside")));
    assert!(warnings.iter().any(|w| w.contains("/etc/passwd")));
    assert!(warnings.iter().any(|w| w.contains("https://example.org/tracker.svg") && w.contains("web")));
    // What the EPUB carries is usvg's tree written back: no reference survives.
    let (picture, _) = read_test("reaching.svg").unwrap();
    let written = String::from_utf8(picture.file).unwrap();
    assert!(!written.contains("passwd") && !written.contains("example.org") && !written.contains("Cargo"), "{written}");
}

#[test]
fn the_format_comes_from_the_bytes_not_the_name() {
    assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(Format::Png));
    assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Format::Jpeg));
    assert_eq!(sniff(b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- c -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), Some(Format::Svg));
    assert_eq!(sniff(b"<html><body>no</body></html>"), None);
    assert_eq!(sniff(b"GIF89a"), None);
}

#[test]
fn a_picture_is_fitted_never_enlarged_its_aspect_kept() {
    let (bands, _) = read_test("bands.png").unwrap();
    // 1200 px at 150 ppi: 576 pt wide. In a 300 pt measure it is 300 × 125.
    assert_eq!(bands.natural_size(), (576.0, 240.0));
    let (w, h) = bands.fit(300.0, 1000.0);
    assert!((w - 300.0).abs() < 1e-3 && (h - 125.0).abs() < 1e-3, "{w} {h}");
    // Limited by the height instead.
    let (w, h) = bands.fit(300.0, 50.0);
    assert!((h - 50.0).abs() < 1e-3 && (w - 120.0).abs() < 1e-3, "{w} {h}");
    // Room to spare: set at its own size, not enlarged.
    let (small, _) = read_test("small-grey.png").unwrap();
    assert_eq!(small.fit(300.0, 400.0), small.natural_size());
    // An SVG at its own size: 400 CSS px is 300 pt.
    let (diagram, _) = read_test("diagram.svg").unwrap();
    assert_eq!(diagram.natural_size(), (300.0, 165.0));
}

/// A hundred thousand nested groups once overflowed the stack (an abort); groups
/// nested past what a PDF can draw once failed the whole PDF with no place given.
#[test]
fn an_svg_nested_too_deep_is_refused_before_it_is_drawn() {
    let nested = |depth: usize, group: &str| {
        let mut svg = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">");
        svg.push_str(&group.repeat(depth));
        svg.push_str("<rect width=\"5\" height=\"5\"/>");
        svg.push_str(&"</g>".repeat(depth));
        svg.push_str("</svg>");
        from_bytes(svg.into_bytes())
    };
    match nested(100_000, "<g>") {
        Err(Problem::Bad(why)) => assert!(why.contains("nest more than 256 deep"), "{why}"),
        other => panic!("{:?}", other.is_ok()),
    }
    match nested(40, "<g opacity=\"0.5\">") {
        Err(Problem::Bad(why)) => assert!(why.contains("too deep for a PDF"), "{why}"),
        other => panic!("{:?}", other.is_ok()),
    }
    assert!(nested(20, "<g opacity=\"0.5\">").is_ok());
}
