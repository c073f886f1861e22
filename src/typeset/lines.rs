//! Setting a prepared paragraph: choose the breaks (Knuth–Plass), then place
//! each line's pieces, stretching or shrinking its word spaces to the measure.

use super::text::{Payload, Piece, Prepared};
use crate::linebreak::{self, Item, Line, Params};
use crate::style::Justification;

/// One line, its pieces placed from the line's left edge (points).
#[derive(Debug, Clone, Default)]
pub struct SetLine {
    pub pieces: Vec<(f32, Piece)>,
    pub width: f32,
}

pub fn params(j: &Justification) -> Params {
    Params {
        tolerance: j.tolerance,
        pretolerance: Some(j.pretolerance),
        double_hyphen_demerits: j.double_hyphen_demerits,
        fitness_demerits: j.fitness_demerits,
        // Only if nothing fits within tolerance: a little imaginary stretch beats an overfull line.
        emergency_stretch: 6.0,
        expansion: j.expansion,
        ..Params::default()
    }
}

/// Breaks and sets a paragraph. `justify` false sets every line at natural spacing (ragged right).
pub fn set_paragraph(prepared: &Prepared, measure: &dyn Fn(usize) -> f32, params: &Params, justify: bool) -> Vec<SetLine> {
    let breaks = linebreak::break_lines(&prepared.items, measure, params);
    breaks.iter().map(|line| set_line(prepared, line, params.expansion, justify)).collect()
}

fn set_line(prepared: &Prepared, line: &Line, expansion: f32, justify: bool) -> SetLine {
    let end = line.end.min(prepared.items.len());
    let items = &prepared.items[line.start..end];
    let (scale, glue_line) = if justify {
        let hyphen = match (prepared.items.get(line.end), prepared.payloads.get(line.end)) {
            (Some(Item::Penalty { width, .. }), Some(Payload::Break(Some(_)))) => *width,
            _ => 0.0,
        };
        let box_width: f32 = hyphen + items.iter().map(|item| if let Item::Box { width } = item { *width } else { 0.0 }).sum::<f32>();
        let stretch: f32 = items.iter().map(|item| if let Item::Glue { stretch, .. } = item { *stretch } else { 0.0 }).sum();
        let glue_ratio = line.expanded_glue_ratio(expansion, box_width, stretch);
        (line.expansion_scale(expansion), Line { ratio: glue_ratio, ..*line })
    } else {
        (1.0, Line { ratio: 0.0, ..*line })
    };
    let payloads = &prepared.payloads[line.start..end];
    // Room for every piece and a hyphen at once: a book's set lines hold all
    // its pieces until the pages take them, and a vector grown piece by piece
    // ends with up to twice the room it needs.
    let pieces = 1 + payloads
        .iter()
        .map(|p| match p {
            Payload::Word(pieces) => pieces.len(),
            Payload::Space(_) => 1,
            _ => 0,
        })
        .sum::<usize>();
    let mut set = SetLine { pieces: Vec::with_capacity(pieces), width: 0.0 };
    let mut x = 0.0;
    for (item, payload) in items.iter().zip(payloads) {
        match (item, payload) {
            (Item::Box { width }, Payload::Word(pieces)) => {
                let mut px = x;
                for piece in pieces {
                    let piece = piece.expanded(scale);
                    let width = piece.width;
                    set.pieces.push((px, piece));
                    px += width;
                }
                x += width * scale;
            }
            (Item::Box { width }, _) => x += width * scale,
            (Item::Glue { width, stretch, shrink }, payload) => {
                if stretch.is_infinite() {
                    continue;
                }
                // The space glyph is invisible and only there for copy and paste:
                // it keeps its natural width, whatever the letters do.
                if let Payload::Space(space) = payload {
                    set.pieces.push((x, space.clone()));
                }
                x += glue_line.glue_width(*width, *stretch, *shrink);
            }
            _ => {}
        }
    }
    match (prepared.items.get(line.end), prepared.payloads.get(line.end)) {
        (Some(Item::Penalty { width, .. }), Some(Payload::Break(Some(hyphen)))) => {
            set.pieces.push((x, hyphen.expanded(scale)));
            x += width * scale;
        }
        // A margin kern: the line's last glyph hangs into the margin by this much.
        (Some(Item::Penalty { width, .. }), _) => x += width,
        _ => {}
    }
    set.width = x;
    set
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::fonts::{self, FaceStyle};
    use crate::model::Inline;
    use crate::style::Style;
    use crate::typeset::text::{TextSetter, TextStyle};

    fn bundled() -> (fonts::FontFamily, Style) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = fonts::read_font_files(&root.join("styles")).unwrap();
        let family = fonts::load_family(&root.join("fonts"), &files).unwrap();
        (family, Style::read(&root.join("styles/reader-a5.toml")).unwrap())
    }

    /// Where the line's last glyph ends, from the line's left edge.
    fn ink_end(line: &SetLine) -> f32 {
        let (x, piece) = line.pieces.iter().rev().find(|(_, p)| p.glyphs.with_texts().last().is_none_or(|(_, t)| t != " ")).unwrap();
        x + piece.width
    }

    #[test]
    fn a_full_stop_at_the_end_of_a_line_hangs_into_the_margin() {
        let (family, style) = bundled();
        let j = &style.justification;
        let mut setter = TextSetter::new(&family, None, j);
        let text = "Power passed to the soviets. Workers ran the factories and the railways, and peasants took the land.";
        let prepared = setter.prepare(&[Inline::Text(text.into())], TextStyle { size: 11.0, face: FaceStyle::Regular, indent: 0.0, hyphenate: false }, None);
        // A measure that ends the first line at "soviets.": its natural width plus a little.
        let first = setter.piece("Power passed to the soviets.", FaceStyle::Regular, 11.0, None).width;
        let measure = first + 2.0;
        let lines = set_paragraph(&prepared, &|_| measure, &params(j), true);
        assert!(lines.len() >= 2, "{} lines", lines.len());
        let first_end: String = lines[0].pieces.iter().flat_map(|(_, p)| p.glyphs.with_texts().map(|(_, t)| t)).collect();
        assert!(first_end.ends_with("soviets."), "first line: {first_end:?}");
        let period = setter.piece(".", FaceStyle::Regular, 11.0, None).width;
        let hang = j.protrusion_of('.', period);
        assert!(hang > 0.5, "the style hangs full stops: {hang}");
        for line in &lines[..lines.len() - 1] {
            let last = line.pieces.iter().rev().find_map(|(_, p)| p.glyphs.with_texts().last().map(|(_, t)| t)).unwrap();
            let expected = if last.ends_with('.') { measure + hang } else if last.ends_with(',') { measure + j.protrusion_of(',', period) } else { measure };
            assert!((ink_end(line) - expected).abs() < 0.15, "line ending {last:?} ends at {}, expected {expected}", ink_end(line));
        }
        // The paragraph's ragged last line never hangs.
        assert!(ink_end(lines.last().unwrap()) < measure);
    }
}
