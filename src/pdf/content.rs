//! Page content: glyph runs and rules as printpdf operations, in PDF's
//! bottom-left coordinate system.

use std::collections::BTreeMap;

use printpdf::{
    Codepoint, DictItem, Line, LinePoint, Op, PdfFontHandle, PdfPage, Point, Pt, Rect, TextItem,
    TextMatrix,
};

use super::fonts::EmbeddedFont;
use crate::layout::{Glyph, GlyphRun, Item, Page};

pub(super) fn page(page: &Page, fonts: &[Option<EmbeddedFont>]) -> PdfPage {
    let height = page.height;
    let mut ops = Vec::new();
    let mut in_text = false;
    let mut line_width = None;
    for item in &page.items {
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
                    ops.push(Op::StartTextSection);
                    in_text = true;
                }
                glyph_run(&mut ops, run, font, height);
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
                    ops.push(Op::EndTextSection);
                    in_text = false;
                }
                if line_width != Some(*thickness) {
                    ops.push(Op::SetOutlineThickness { pt: Pt(*thickness) });
                    line_width = Some(*thickness);
                }
                let point = |x: f32, y: f32| LinePoint {
                    p: Point {
                        x: Pt(x),
                        y: Pt(height - y),
                    },
                    bezier: false,
                };
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![point(from.x, from.y), point(to.x, to.y)],
                        is_closed: false,
                    },
                });
            }
        }
    }
    if in_text {
        ops.push(Op::EndTextSection);
    }
    let size = Rect::from_wh(Pt(page.width), Pt(height));
    PdfPage {
        media_box: size.clone(),
        trim_box: size.clone(),
        crop_box: size,
        ops,
    }
}

/// Writes a run as segments of one `Tm` + one `TJ` each. A segment ends where
/// the rise changes (the rise goes into the text matrix, so a superscript is a
/// segment of its own) and around every glyph that needs `/ActualText`.
fn glyph_run(ops: &mut Vec<Op>, run: &GlyphRun, font: &EmbeddedFont, page_height: f32) {
    let mut start = 0;
    while start < run.glyphs.len() {
        let first = &run.glyphs[start];
        let spanned = needs_actual_text(font, first);
        let mut end = start + 1;
        if !spanned {
            while end < run.glyphs.len() {
                let g = &run.glyphs[end];
                if g.rise != first.rise || needs_actual_text(font, g) {
                    break;
                }
                end += 1;
            }
        }
        if spanned {
            ops.push(Op::BeginMarkedContentWithProperties {
                tag: "Span".into(),
                properties: actual_text(&first.text),
            });
        }
        segment(ops, run, &run.glyphs[start..end], font, page_height);
        if spanned {
            ops.push(Op::EndMarkedContent);
        }
        start = end;
    }
}

/// A glyph whose text differs from its ToUnicode entry, and any glyph that
/// stands for no text at all: without a mapping, extractors would invent a
/// character (MuPDF gives U+FFFD) for the tail of a cluster.
fn needs_actual_text(font: &EmbeddedFont, glyph: &Glyph) -> bool {
    glyph.text.is_empty() || font.mapped_text(glyph.id) != glyph.text
}

fn segment(
    ops: &mut Vec<Op>,
    run: &GlyphRun,
    glyphs: &[Glyph],
    font: &EmbeddedFont,
    page_height: f32,
) {
    let size = f64::from(run.size);
    // A degenerate scale would make the text matrix singular; draw unscaled.
    let scale = match f64::from(run.horizontal_scale) {
        s if s.is_finite() && s > 0.0 => s,
        _ => 1.0,
    };
    let origin_x = f64::from(run.origin.x);
    let x0 = origin_x + f64::from(glyphs[0].x);
    let y = f64::from(page_height) - f64::from(run.origin.y) + f64::from(glyphs[0].rise);

    // The viewer advances by the glyph's /W width after each glyph; the TJ
    // number corrects that to the next glyph's x. TJ numbers are in
    // thousandths of an em and move the pen left, hence the sign. The text
    // matrix scales everything horizontally, so distances are unscaled first.
    let mut codepoints = Vec::with_capacity(glyphs.len());
    for (i, g) in glyphs.iter().enumerate() {
        let gid = font.subset_gid(g.id);
        let offset = match glyphs.get(i + 1) {
            Some(next) => font.width(gid) - (f64::from(next.x) - f64::from(g.x)) * 1000.0 / (size * scale),
            None => 0.0,
        };
        let offset = ((offset * 1000.0).round() / 1000.0) as f32;
        codepoints.push(Codepoint {
            gid,
            offset,
            cid: Some(font.mapped_text(g.id).to_owned()),
        });
    }

    // A font change before each segment keeps printpdf from merging it with
    // the previous one: its merge would compute kerns from its own widths.
    ops.push(Op::SetFont {
        font: PdfFontHandle::External(font.id.clone()),
        size: Pt(run.size),
    });
    let matrix = if scale == 1.0 {
        TextMatrix::Translate(Pt(x0 as f32), Pt(y as f32))
    } else {
        TextMatrix::Raw([scale as f32, 0.0, 0.0, 1.0, x0 as f32, y as f32])
    };
    ops.push(Op::SetTextMatrix { matrix });
    ops.push(Op::ShowText {
        items: vec![TextItem::GlyphIds(codepoints)],
    });
}

fn actual_text(text: &str) -> DictItem {
    let mut map = BTreeMap::new();
    map.insert(
        "ActualText".to_owned(),
        DictItem::String {
            data: super::structure::utf16_text(text),
            literal: false,
        },
    );
    DictItem::Dict { map }
}
