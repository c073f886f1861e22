//! Setting a prepared paragraph: choose the breaks (Knuth–Plass), then place
//! each line's pieces, stretching or shrinking its word spaces to the measure.

use super::text::{Payload, Piece, Prepared};
use crate::linebreak::{self, Item, Params};
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
        ..Params::default()
    }
}

/// Breaks and sets a paragraph. `justify` false sets every line at natural spacing (ragged right).
pub fn set_paragraph(prepared: &Prepared, measure: &dyn Fn(usize) -> f32, params: &Params, justify: bool) -> Vec<SetLine> {
    let breaks = linebreak::break_lines(&prepared.items, measure, params);
    let mut lines = Vec::with_capacity(breaks.len());
    for line in &breaks {
        let mut set = SetLine::default();
        let mut x = 0.0;
        let end = line.end.min(prepared.items.len());
        for index in line.start..end {
            match (&prepared.items[index], &prepared.payloads[index]) {
                (Item::Box { width }, Payload::Word(pieces)) => {
                    let mut px = x;
                    for piece in pieces {
                        set.pieces.push((px, piece.clone()));
                        px += piece.width;
                    }
                    x += width;
                }
                (Item::Box { width }, _) => x += width,
                (Item::Glue { width, stretch, shrink }, payload) => {
                    if stretch.is_infinite() {
                        continue;
                    }
                    if let Payload::Space(space) = payload {
                        set.pieces.push((x, space.clone()));
                    }
                    x += if justify { line.glue_width(*width, *stretch, *shrink) } else { *width };
                }
                _ => {}
            }
        }
        if let (Some(Item::Penalty { width, .. }), Some(Payload::Break(Some(hyphen)))) = (prepared.items.get(line.end), prepared.payloads.get(line.end)) {
            set.pieces.push((x, hyphen.clone()));
            x += width;
        }
        set.width = x;
        lines.push(set);
    }
    lines
}
