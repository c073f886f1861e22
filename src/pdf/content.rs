//! Page content: glyph runs and rules written straight into content-stream
//! bytes, in PDF's bottom-left coordinate system.
//!
//! printpdf's operations were the writer's most expensive stage on a long book
//! (each glyph became an op, then a lopdf object, then text) and held three
//! copies of every page in memory; printpdf now only builds the page tree and
//! the fonts, from [`font_usage`], and these bytes replace its streams.

use std::io::Write;

use printpdf::{Codepoint, Op, PdfFontHandle, Pt, TextItem};

use super::fonts::EmbeddedFont;
use super::tagged;
use crate::layout::{Glyph, GlyphRun, Item, Page, Structure, Tag};

/// Operations that show every glyph each font needs once, with its text:
/// printpdf builds each font's `/W` and ToUnicode CMap from the glyphs its
/// pages show. They go on page 1, whose content is then replaced.
pub(super) fn font_usage(fonts: &[Option<EmbeddedFont>]) -> Vec<Op> {
    let mut ops = vec![Op::StartTextSection];
    for font in fonts.iter().flatten() {
        ops.push(Op::SetFont { font: PdfFontHandle::External(font.id.clone()), size: Pt(10.0) });
        let glyphs = font.glyphs().map(|(gid, text)| Codepoint { gid, offset: 0.0, cid: Some(text.to_owned()) }).collect();
        ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(glyphs)] });
    }
    ops.push(Op::EndTextSection);
    ops
}

/// The content stream of one page; with `structure`, each stretch of items
/// that a mark tags is a marked-content sequence (`tagged`).
pub(super) fn page(page: &Page, fonts: &[Option<EmbeddedFont>], structure: Option<&Structure>) -> Vec<u8> {
    let height = page.height;
    let mut out = Vec::with_capacity(page.items.len() * 256);
    let mut in_text = false;
    let mut line_width = None;
    let mut marks = structure.map(|_| tagged::content_marks(page).peekable());
    let (mut marked, mut mcid) = (false, 0);
    let mut font_settings = FontSettings::default();
    for (index, item) in page.items.iter().enumerate() {
        if let (Some(marks), Some(structure)) = (marks.as_mut(), structure) {
            if let Some((_, tag)) = marks.next_if(|(at, _)| *at == index) {
                // A marked-content sequence and a text object must nest.
                if in_text {
                    out.extend_from_slice(b"ET\n");
                    in_text = false;
                }
                if marked {
                    out.extend_from_slice(b"EMC\n");
                }
                tagged::begin_marked(&mut out, tag, structure, mcid);
                mcid += usize::from(matches!(tag, Tag::Element(_)));
                marked = true;
            }
        }
        match item {
            Item::Glyphs(run) => {
                // Validation guarantees the index; a font is embedded iff a run uses it.
                let Some(Some(font)) = fonts.get(run.font) else {
                    continue;
                };
                if run.glyphs.is_empty() {
                    continue;
                }
                if !in_text {
                    out.extend_from_slice(b"BT\n");
                    in_text = true;
                }
                glyph_run(&mut out, run, font, height, &mut font_settings);
            }
            Item::Rule {
                from,
                to,
                thickness,
            } => {
                if *thickness <= 0.0 {
                    continue;
                }
                // Path operators are not allowed inside a text object.
                if in_text {
                    out.extend_from_slice(b"ET\n");
                    in_text = false;
                }
                if line_width != Some(*thickness) {
                    let _ = writeln!(out, "{} w", thickness);
                    line_width = Some(*thickness);
                }
                let _ = writeln!(out, "{} {} m\n{} {} l\nS", from.x, height - from.y, to.x, height - to.y);
            }
            Item::Image { image, area } => {
                if in_text {
                    out.extend_from_slice(b"ET\n");
                    in_text = false;
                }
                // The picture fills the unit square: scaled to the area, its
                // lower-left corner at the area's bottom (PDF's y runs upwards).
                let _ = writeln!(out, "q {} 0 0 {} {} {} cm /{} Do Q", area.width, area.height, area.x, height - area.y - area.height, super::images::name(*image));
            }
        }
    }
    if in_text {
        out.extend_from_slice(b"ET\n");
    }
    if marked {
        out.extend_from_slice(b"EMC\n");
    }
    out
}

/// Writes a run as segments of one `Tm` + one `TJ` each. A segment ends
/// around every glyph that needs `/ActualText`.
fn glyph_run(out: &mut Vec<u8>, run: &GlyphRun, font: &EmbeddedFont, page_height: f32, font_settings: &mut FontSettings) {
    let mut glyphs = run.glyphs.with_texts().enumerate().peekable();
    while let Some((start, (first, text))) = glyphs.next() {
        let spanned = needs_actual_text(font, first, text);
        let mut end = start + 1;
        if !spanned {
            while glyphs.next_if(|(_, (g, text))| !needs_actual_text(font, g, text)).is_some() {
                end += 1;
            }
        }
        if spanned {
            out.extend_from_slice(b"/Span <</ActualText <");
            hex(out, &super::structure::utf16_text(text));
            out.extend_from_slice(b">>> BDC\n");
        }
        segment(out, run, &run.glyphs[start..end], font, page_height, font_settings);
        if spanned {
            out.extend_from_slice(b"EMC\n");
        }
    }
}

/// A glyph id as four hexadecimal digits, in one write.
fn hex_glyph_id(out: &mut Vec<u8>, id: u16) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let digit = |shift: u16| DIGITS[usize::from((id >> shift) & 15)];
    out.extend_from_slice(&[digit(12), digit(8), digit(4), digit(0)]);
}

fn hex(out: &mut Vec<u8>, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize]);
        out.push(DIGITS[(b & 15) as usize]);
    }
}

/// A number to three decimals, written from an integer by hand: `std`'s float
/// formatting, then its integer formatting, were each a tenth of the writer's
/// time, and inserting the fraction's leading zeros after its digits (a
/// splice) a tenth again.
fn thousandths(out: &mut Vec<u8>, value: f32) {
    let milli = round(f64::from(value) * 1000.0) as i64;
    if milli < 0 {
        out.push(b'-');
    }
    let milli = milli.unsigned_abs();
    digits(out, milli / 1000);
    let frac = milli % 1000;
    if frac != 0 {
        // Three digits, zeros first (.05 is 050 thousandths), less the zeros that end it.
        let figures = [b'.', b'0' + (frac / 100) as u8, b'0' + (frac / 10 % 10) as u8, b'0' + (frac % 10) as u8];
        let trailing_zeros = if frac % 100 == 0 { 2 } else { usize::from(frac % 10 == 0) };
        out.extend_from_slice(&figures[..figures.len() - trailing_zeros]);
    }
}

/// `x.round()` (halves away from zero), without a call to the C library's
/// `round` for every glyph: the integer part by truncation, which the
/// processor does, and the fraction, which subtracting it leaves exact.
fn round(x: f64) -> f64 {
    if !(x.abs() < 4.0e15) {
        return x.round();
    }
    let whole = x as i64 as f64;
    let fraction = x - whole;
    if fraction >= 0.5 {
        whole + 1.0
    } else if fraction <= -0.5 {
        whole - 1.0
    } else {
        // -0.3 rounds to -0, as the library's does.
        whole.copysign(x)
    }
}

pub(super) fn digits(out: &mut Vec<u8>, mut n: u64) {
    // Most numbers in a page's content are a few figures: pushed one by one,
    // not copied out of a buffer (a call to `memcpy` each).
    if n < 10 {
        out.push(b'0' + n as u8);
        return;
    }
    let mut buffer = [0u8; 20];
    let mut at = buffer.len();
    while n > 0 {
        at -= 1;
        buffer[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    for &figure in &buffer[at..] {
        out.push(figure);
    }
}

/// A glyph whose text differs from its ToUnicode entry, and any glyph that
/// stands for no text at all: without a mapping, extractors would invent a
/// character (MuPDF gives U+FFFD) for the tail of a cluster.
fn needs_actual_text(font: &EmbeddedFont, glyph: &Glyph, text: &str) -> bool {
    // Compared byte by byte: a glyph's text is a character or two, and
    // comparing strings called the C library's `memcmp` for every glyph.
    text.is_empty() || !font.mapped_text(glyph.id).bytes().eq(text.bytes())
}

/// The `Tf` operators a page has written, each once formatted: a segment's
/// font and size, formatted anew for each, were a sixth of the page's time.
#[derive(Default)]
struct FontSettings {
    written: Vec<(usize, u32, Vec<u8>)>,
}

impl FontSettings {
    /// `/F1 11 Tf` and a newline, for `font` (the document's font `index`) at `size`.
    fn operator(&mut self, index: usize, font: &EmbeddedFont, size: f32) -> &[u8] {
        let bits = size.to_bits();
        let at = match self.written.iter().position(|&(written, written_bits, _)| written == index && written_bits == bits) {
            Some(at) => at,
            None => {
                let mut operator = Vec::new();
                let _ = writeln!(operator, "/{} {} Tf", font.id.0, size);
                self.written.push((index, bits, operator));
                self.written.len() - 1
            }
        };
        &self.written[at].2
    }
}

fn segment(
    out: &mut Vec<u8>,
    run: &GlyphRun,
    glyphs: &[Glyph],
    font: &EmbeddedFont,
    page_height: f32,
    font_settings: &mut FontSettings,
) {
    let size = f64::from(run.size);
    // A degenerate scale would make the text matrix singular; draw unscaled.
    // The scale as the text matrix will carry it, to three decimals: the TJ
    // corrections below must use the same value, or a line set as one run
    // drifts from its positions by the rounding times the distance travelled.
    let scale = match (f64::from(run.horizontal_scale) * 1000.0).round() / 1000.0 {
        s if s.is_finite() && s > 0.0 => s,
        _ => 1.0,
    };
    let origin_x = f64::from(run.origin.x);
    let x0 = origin_x + f64::from(glyphs[0].x);
    let y = f64::from(page_height) - f64::from(run.origin.y) + f64::from(run.rise);

    // A font change before each segment, as the writer always did: a reader
    // that merges runs by font then cannot merge two segments.
    out.extend_from_slice(font_settings.operator(run.font, font, run.size));
    if scale != 1.0 {
        thousandths(out, scale as f32);
        out.extend_from_slice(b" 0 0 1 ");
    } else {
        out.extend_from_slice(b"1 0 0 1 ");
    }
    // Thousandths of a point (a third of a micrometre) are far finer than any device.
    thousandths(out, x0 as f32);
    out.push(b' ');
    thousandths(out, y as f32);
    out.extend_from_slice(b" Tm\n");

    // The viewer advances by the glyph's /W width after each glyph; the TJ
    // number corrects that to the next glyph's x. TJ numbers are in
    // thousandths of an em and move the pen left, hence the sign. The text
    // matrix scales everything horizontally, so distances are unscaled first.
    // Glyphs with no correction between them share one string: `<00260034>`.
    out.push(b'[');
    out.push(b'<');
    for (i, g) in glyphs.iter().enumerate() {
        let gid = font.subset_gid(g.id);
        let offset = match glyphs.get(i + 1) {
            Some(next) => font.width(gid) - (f64::from(next.x) - f64::from(g.x)) * 1000.0 / (size * scale),
            None => 0.0,
        };
        let offset = (round(offset * 1000.0) / 1000.0) as f32;
        hex_glyph_id(out, gid);
        if offset != 0.0 {
            out.extend_from_slice(b"> ");
            thousandths(out, offset);
            out.extend_from_slice(b" <");
        }
    }
    out.push(b'>');
    out.extend_from_slice(b"] TJ\n");
}

#[cfg(test)]
mod tests {
    use super::{round, thousandths};

    #[test]
    fn rounds_halves_away_from_zero_as_the_library_does() {
        for x in [0.0, 0.4999999999999999, 0.5, 1.5, 2.5, -0.5, -1.5, -2.4, -0.3, 0.3, 1234.5678, -98765.4321, 1e15 + 0.5, 5e15, -7e20, f64::INFINITY, 0.1 + 0.2, 12.499_999_999_999_998] {
            assert_eq!(round(x).to_bits(), x.round().to_bits(), "{x}");
        }
        assert!(round(f64::NAN).is_nan());
    }

    #[test]
    fn numbers_to_three_decimals() {
        for (value, text) in [(0.0, "0"), (12.5, "12.5"), (-0.05, "-0.05"), (100.001, "100.001"), (-7.0, "-7"), (0.0004, "0"), (3.0106, "3.011"), (-0.0004, "0"), (2.5, "2.5"), (7.04, "7.04"), (0.001, "0.001"), (1234.56, "1234.56"), (-10.2, "-10.2")] {
            let mut out = Vec::new();
            thousandths(&mut out, value);
            assert_eq!(String::from_utf8(out).unwrap(), text, "{value}");
        }
    }
}
