//! Setting a prepared paragraph: choose the breaks (Knuth–Plass), then place
//! each line's pieces, stretching or shrinking its word spaces to the measure.

use super::prepare::{Anchor, Payload, Piece, Prepared};
use crate::typeset::inline::linebreak::{self, Item, Line, Params};
use crate::layout::{self, Glyphs, Point};
use crate::resources::style::Justification;
use std::sync::Arc;

/// One line, its pieces placed from the line's left edge (points).
#[derive(Debug, Clone, Default)]
pub struct SetLine {
    pub pieces: Vec<(f32, Piece)>,
    pub width: f32,
    /// A word too wide for the measure that had to be cut at it, named on
    /// the line that holds its first part, for the warning.
    pub cut_word: Option<Box<str>>,
    /// The line ends inside a word (a hyphen, or after an explicit hyphen or
    /// dash): a page should not end here on a recto, where the reader turns the leaf.
    pub hyphenated: bool,
    /// Which word of its paragraph the line begins with, counted from 0 (`words`).
    pub first_word: u32,
    /// The line ends where the paragraph went on after a word space, which the break dropped.
    pub broken_at_space: bool,
}

impl SetLine {
    /// Adds `piece` at `x`. A piece in the same face, size, rise and scale as
    /// the one before joins it: a line is then mostly one piece, not one per
    /// word and per space, which is most of a long book's memory until its
    /// pages are made, and one run of glyphs on the page.
    /// Pieces that carry a link to a note stay apart, as the link covers
    /// only them; those of one web address join, to be one link.
    pub(super) fn push(&mut self, x: f32, piece: Piece) {
        if let Some((last_x, last)) = self.pieces.last_mut() {
            if joins(last, &piece) {
                last.glyphs.append_shifted(&piece.glyphs, x - *last_x);
                last.width = x - *last_x + piece.width;
                return;
            }
        }
        self.pieces.push((x, piece));
    }

    /// The line of `placed` pieces, joined as [`SetLine::push`] joins them,
    /// each run made with room for its glyphs and no more: a book's lines
    /// are all held until its pages are made, and runs grown a word at a time
    /// held half as much again as their glyphs. The pieces are the
    /// paragraph's own, borrowed: a run is the only copy made of them.
    fn of(placed: &[Placed<'_>]) -> SetLine {
        // Each run's pieces, glyphs and bytes of their texts. A piece joins
        // the run before it when it joins the piece before it: a run's pieces
        // all look the same.
        let mut runs: Vec<(usize, usize, usize)> = Vec::new();
        for (i, placed_piece) in placed.iter().enumerate() {
            let (glyphs, text) = (placed_piece.piece.glyphs.len(), placed_piece.piece.glyphs.text().len());
            match runs.last_mut() {
                Some(run) if placed[i - 1].joins(placed_piece) => *run = (run.0 + 1, run.1 + glyphs, run.2 + text),
                _ => runs.push((1, glyphs, text)),
            }
        }
        let mut pieces = Vec::with_capacity(runs.len());
        let mut rest = placed;
        for (count, glyphs, text) in runs {
            let (run, after) = rest.split_at(count);
            rest = after;
            let first = &run[0];
            let mut run_glyphs = Glyphs::with_capacity(glyphs, text);
            run_glyphs.append_moved(&first.piece.glyphs, |gx| gx * first.widened);
            let mut width = first.width();
            for next in &run[1..] {
                let dx = next.x - first.x;
                run_glyphs.append_moved(&next.piece.glyphs, |gx| gx * next.widened + dx);
                width = dx + next.width();
            }
            let Piece { face, size, rise, .. } = *first.piece;
            pieces.push((first.x, Piece { face, size, rise, glyphs: run_glyphs, width, scale: first.scale, marks: first.piece.marks.clone() }));
        }
        SetLine { pieces, ..SetLine::default() }
    }
}

/// A piece of a paragraph placed on a line at `x`: its glyphs and width
/// `widened` by the line's font expansion (1 for none), `scale` the scale it
/// is set at. A word space keeps its glyph as it is and takes the letters'
/// scale only so that a line in one font makes one run.
#[derive(Clone, Copy)]
struct Placed<'p> {
    x: f32,
    piece: &'p Piece,
    scale: f32,
    widened: f32,
}

impl<'p> Placed<'p> {
    /// A word's or hyphen's piece, widened by `scale` (a picture keeps its aspect: only letters are widened).
    fn letters(x: f32, piece: &'p Piece, scale: f32) -> Placed<'p> {
        let widened = if scale == 1.0 || piece.picture().is_some() { 1.0 } else { scale };
        Placed { x, piece, scale: piece.scale * widened, widened }
    }

    /// A word space's piece on a line whose letters are widened by `scale`.
    fn space(x: f32, piece: &'p Piece, scale: f32) -> Placed<'p> {
        Placed { x, piece, scale: piece.scale * scale, widened: 1.0 }
    }

    fn width(&self) -> f32 {
        self.piece.width * self.widened
    }

    /// Whether `next` joins this piece's run, as [`joins`] tells of two set pieces.
    fn joins(&self, next: &Placed<'_>) -> bool {
        joins_in_look(self.piece, next.piece) && self.scale == next.scale
    }
}

/// Whether `piece` joins `last` in one run: the same face, size, rise,
/// scale and rule, and no link to a note nor a picture.
fn joins(last: &Piece, piece: &Piece) -> bool {
    joins_in_look(last, piece) && last.scale == piece.scale
}

/// [`joins`] but for their scales.
fn joins_in_look(last: &Piece, piece: &Piece) -> bool {
    last.anchor().is_none_or(Anchor::is_uri)
        && last.picture().is_none()
        && piece.picture().is_none()
        && last.anchor() == piece.anchor()
        && last.face == piece.face
        && last.size == piece.size
        && last.rise == piece.rise
        && last.strike() == piece.strike()
}

/// The rule through a struck-through piece set at `origin` (its baseline's left end).
pub fn strike_rule(piece: &Piece, origin: Point) -> Option<layout::Item> {
    let strike = piece.strike()?;
    let y = origin.y - strike.height;
    Some(layout::Item::Rule { from: Point { x: origin.x, y }, to: Point { x: origin.x + piece.width, y }, thickness: strike.thickness })
}

pub fn params(j: &Justification) -> Params {
    Params {
        tolerance: j.tolerance,
        pretolerance: Some(j.pretolerance),
        double_hyphen_demerits: j.double_hyphen_demerits,
        final_hyphen_demerits: j.final_hyphen_demerits,
        fitness_demerits: j.fitness_demerits,
        avoid_final_hyphen: j.avoid_final_hyphen,
        // Only if nothing fits within tolerance: a little imaginary stretch beats an overfull line.
        emergency_stretch: 6.0,
        expansion: j.expansion,
        ..Params::default()
    }
}

/// Breaks and sets a paragraph. `justify` false sets every line at natural spacing (ragged right).
pub fn set_paragraph(prepared: &Prepared, measure: &dyn Fn(usize) -> f32, params: &Params, justify: bool) -> Vec<SetLine> {
    let cut = cut_overlong_words(prepared, measure(0));
    let prepared = cut.as_ref().map_or(prepared, |(cut, _)| cut);
    let breaks = linebreak::break_lines(&prepared.items, measure, params);
    let mut lines = set_breaks(prepared, &breaks, measure, params, justify);
    for (at, word) in cut.into_iter().flat_map(|(_, words)| words) {
        if let Some(line) = breaks.iter().position(|line| line.end > at) {
            lines[line].cut_word.get_or_insert(word);
        }
    }
    lines
}

/// A paragraph set as [`set_paragraph`] sets it, and also one line
/// longer and one line shorter where it can be with no line's ratio past
/// `tolerance` (`linebreak::alternatives`), each with the demerits it costs
/// more, for a page breaker to choose from. A paragraph of more than
/// `most_lines` lines, or with a word too wide for the measure, has none.
/// The other settings are only broken, not set: a page breaker takes few of
/// them, and each is set as lines when it is taken ([`UnsetLines::set`]).
pub fn set_paragraph_alternatives(prepared: Prepared, measure: f32, params: &Params, most_lines: usize, tolerance: f32, justify: bool) -> (Vec<SetLine>, [Option<(UnsetLines, f64)>; 2]) {
    let measure_of = |_: usize| measure;
    if cut_overlong_words(&prepared, measure).is_some() {
        return (set_paragraph(&prepared, &measure_of, params, justify), [None, None]);
    }
    let (breaks, [longer, shorter]) = linebreak::break_lines_and_alternatives(&prepared.items, &measure_of, params, most_lines, tolerance);
    let lines = set_breaks(&prepared, &breaks, &measure_of, params, justify);
    if longer.is_none() && shorter.is_none() {
        return (lines, [None, None]);
    }
    let prepared = Arc::new(prepared);
    let unset = |alternative: Option<linebreak::Alternative>| {
        alternative.map(|a| (UnsetLines { prepared: Arc::clone(&prepared), breaks: a.lines, measure, params: *params, justify }, a.extra_demerits))
    };
    (lines, [unset(longer), unset(shorter)])
}

/// A setting of a paragraph broken into lines but not set: the paragraph
/// (shared by its settings), where its lines end, and how they are set.
#[derive(Debug, Clone)]
pub struct UnsetLines {
    prepared: Arc<Prepared>,
    breaks: Vec<Line>,
    measure: f32,
    params: Params,
    justify: bool,
}

impl UnsetLines {
    /// The lines, set as [`set_paragraph_alternatives`] would have set them.
    pub fn set(&self) -> Vec<SetLine> {
        set_breaks(&self.prepared, &self.breaks, &|_| self.measure, &self.params, self.justify)
    }
}

/// The lines `breaks` makes of `prepared`, set.
fn set_breaks(prepared: &Prepared, breaks: &[linebreak::Line], measure: &dyn Fn(usize) -> f32, params: &Params, justify: bool) -> Vec<SetLine> {
    let mut lines: Vec<SetLine> = breaks.iter().enumerate().map(|(n, line)| SetLine { hyphenated: line.hyphenated, ..set_line(prepared, line, params.expansion, justify, measure(n)) }).collect();
    let first_words = super::words::first_words(prepared, breaks.iter().map(|line| line.start));
    for ((line, first_word), at) in lines.iter_mut().zip(first_words).zip(breaks) {
        line.first_word = first_word;
        // A hard line break inside the paragraph stands between two words too
        // (a title's "revolution: / When"); the paragraph's own end does not.
        let hard_break = at.end + 1 < prepared.items.len() && matches!(prepared.items.get(at.end), Some(Item::Penalty { cost, .. }) if *cost <= linebreak::FORCED_PENALTY);
        line.broken_at_space = hard_break || matches!(prepared.items.get(at.end), Some(Item::Glue { .. }));
    }
    lines
}

/// A break inside a word too wide for any line costs this much: it is
/// taken only because nothing else would keep the word inside the margin.
const CUT_PENALTY: f32 = 1_000.0;

/// The paragraph with each word (or fragment between hyphenation points)
/// wider than `measure` cut into parts that fit, with no hyphen: the last
/// resort, after hyphens and an address's punctuation, so that no line runs
/// past the margin. With the words cut, each at the item where it began.
/// `None` when every word fits.
fn cut_overlong_words(prepared: &Prepared, measure: f32) -> Option<(Prepared, Vec<(usize, Box<str>)>)> {
    // The first line's indent narrows it: a part must fit beside it too.
    let indent = match (prepared.items.first(), prepared.payloads.first()) {
        (Some(Item::Box { width }), Some(Payload::None)) => *width,
        _ => 0.0,
    };
    let room = measure - indent;
    let too_wide = |item: &Item, payload: &Payload| matches!(item, Item::Box { width } if *width > room) && !payload.pieces().is_empty();
    if room <= 0.0 || !prepared.items.iter().zip(&prepared.payloads).any(|(i, p)| too_wide(i, p)) {
        return None;
    }
    let mut cut = Prepared { items: Vec::new(), payloads: Vec::new(), turnover: prepared.turnover.clone(), right_to_left: prepared.right_to_left };
    let mut words = Vec::new();
    for (item, payload) in prepared.items.iter().zip(&prepared.payloads) {
        // A picture is made narrower, not cut.
        if let (true, [picture]) = (too_wide(item, payload), payload.pieces()) {
            if let Some(narrow) = super::picture::narrowed(picture, room) {
                cut.items.push(Item::Box { width: narrow.width });
                cut.payloads.push(Payload::Word(Arc::new(narrow)));
                continue;
            }
        }
        if !too_wide(item, payload) {
            cut.items.push(*item);
            cut.payloads.push(payload.clone());
            continue;
        }
        words.push((cut.items.len(), payload.pieces().iter().map(|p| p.glyphs.text()).collect::<String>().into_boxed_str()));
        for (k, part) in cut_pieces(payload.pieces()).into_iter().enumerate() {
            if k > 0 {
                cut.items.push(Item::Penalty { width: 0.0, cost: CUT_PENALTY, flagged: false });
                cut.payloads.push(Payload::None);
            }
            cut.items.push(Item::Box { width: part.iter().map(|p| p.width).sum() });
            cut.payloads.push(Payload::Pieces(part.into_iter().map(Arc::new).collect()));
        }
    }
    Some((cut, words))
}

/// `pieces` cut into their clusters (a letter and its marks, a ligature),
/// each a part: the line breaker then ends a line wherever the measure
/// does, and the first part shares its line with the words before it.
fn cut_pieces(pieces: &[Arc<Piece>]) -> Vec<Vec<Piece>> {
    let mut parts = Vec::new();
    for piece in pieces {
        let glyphs: Vec<(&crate::layout::Glyph, &str)> = piece.glyphs.with_texts().collect();
        let x_of = |i: usize| glyphs.get(i).map_or(piece.width, |(g, _)| g.x);
        let mut start = 0;
        for end in 1..=glyphs.len() {
            // A cluster ends before the next glyph that has a text of its own.
            if end < glyphs.len() && glyphs[end].1.is_empty() {
                continue;
            }
            let mut part = crate::layout::Glyphs::with_capacity(end - start, 0);
            for (g, text) in &glyphs[start..end] {
                part.push(crate::layout::Glyph::new(g.id, g.x - x_of(start)), text);
            }
            parts.push(vec![Piece { glyphs: part, width: x_of(end) - x_of(start), ..Piece::clone(piece) }]);
            start = end;
        }
    }
    parts
}

fn set_line(prepared: &Prepared, line: &Line, expansion: f32, justify: bool, measure: f32) -> SetLine {
    let end = line.end.min(prepared.items.len());
    let items = &prepared.items[line.start..end];
    let (scale, glue_line) = if justify {
        let hyphen = match (prepared.items.get(line.end), prepared.payloads.get(line.end)) {
            (Some(Item::Penalty { width, .. }), Some(Payload::Break(Some(_)))) => *width,
            _ => 0.0,
        };
        let box_width: f32 = hyphen + items.iter().map(|item| if let Item::Box { width } = item { *width } else { 0.0 }).sum::<f32>();
        let (stretch, shrink) = items.iter().fold((0.0, 0.0), |(stretch, shrink), item| match item {
            Item::Glue { stretch: more, shrink: less, .. } if more.is_finite() => (stretch + more, shrink + less),
            _ => (stretch, shrink),
        });
        let glue_ratio = line.expanded_glue_ratio(expansion, box_width, stretch, shrink);
        (line.expansion_scale(expansion), Line { ratio: glue_ratio, ..*line })
    } else {
        (1.0, Line { ratio: 0.0, ..*line })
    };
    let payloads = &prepared.payloads[line.start..end];
    // The pieces in the text's order, each where it starts.
    let mut placed: Vec<Placed<'_>> = Vec::with_capacity(items.len() + 1);
    let mut x = 0.0;
    for (item, payload) in items.iter().zip(payloads) {
        match (item, payload) {
            (Item::Box { width }, Payload::Word(_) | Payload::Pieces(_)) => {
                let mut px = x;
                for piece in payload.pieces() {
                    let piece = Placed::letters(px, piece, scale);
                    px += piece.width();
                    placed.push(piece);
                }
                x += width * scale;
            }
            (Item::Box { width }, _) => x += width * scale,
            (Item::Glue { width, stretch, shrink }, payload) => {
                if stretch.is_infinite() {
                    continue;
                }
                // The space glyph is invisible and only there for copy and paste:
                // the glue, not the glyph, sets the gap. It takes the letters' scale
                // only so that a line in one font makes one run.
                if let Payload::Space(space) = payload {
                    placed.push(Placed::space(x, space, scale));
                }
                x += glue_line.glue_width(*width, *stretch, *shrink);
            }
            _ => {}
        }
    }
    match (prepared.items.get(line.end), prepared.payloads.get(line.end)) {
        (Some(Item::Penalty { width, .. }), Some(Payload::Break(Some(hyphen)))) => {
            placed.push(Placed::letters(x, hyphen, scale));
            x += width * scale;
        }
        // A margin kern: the line's last glyph hangs into the margin by this much.
        (Some(Item::Penalty { width, .. }), _) => x += width,
        _ => {}
    }
    if let Some(right_to_left) = prepared.right_to_left {
        placed = in_visual_order(placed, x, right_to_left, measure);
    }
    let mut set = SetLine::of(&placed);
    set.width = x;
    set
}

/// A line's pieces (in the text's order, `end` where the line ends) laid out
/// from the left in the order the bidirectional algorithm gives them. Each
/// keeps its advance (up to the next piece); a right-to-left paragraph's
/// line, and its indent, are set against the right edge of the `measure`.
fn in_visual_order<'p>(placed: Vec<Placed<'p>>, end: f32, right_to_left: bool, measure: f32) -> Vec<Placed<'p>> {
    let Some(&Placed { x: lead, .. }) = placed.first() else { return placed };
    let advances: Vec<f32> = (0..placed.len()).map(|i| placed.get(i + 1).map_or(end, |p| p.x) - placed[i].x).collect();
    let texts: Vec<&str> = placed.iter().map(|p| p.piece.glyphs.text()).collect();
    let order = super::bidi::visual_order(&texts, right_to_left);
    let mut x = if right_to_left { (measure - lead - (end - lead)).max(0.0) } else { lead };
    let mut pieces: Vec<Option<Placed<'p>>> = placed.into_iter().map(Some).collect();
    let mut visual = Vec::with_capacity(pieces.len());
    for i in order {
        if let Some(piece) = pieces[i].take() {
            visual.push(Placed { x, ..piece });
        }
        x += advances[i];
    }
    visual
}


#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::resources::fonts::{self, FaceStyle};
    use crate::model::Inline;
    use crate::resources::style::Style;
    use crate::typeset::inline::prepare::{TextSetter, TextStyle};

    fn bundled() -> (fonts::FontFamily, Style) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let family = crate::resources::Resources::built_in().fonts().unwrap();
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
        let prepared = setter.prepare(&[Inline::Text(text.into())], TextStyle { size: 11.0, face: FaceStyle::Regular, indent: 0.0, hyphenate: false }, None, &[]);
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

    #[test]
    fn a_line_s_words_and_spaces_in_one_face_make_one_piece_and_a_note_reference_stays_apart() {
        let (family, style) = bundled();
        let j = &style.justification;
        let mut setter = TextSetter::new(&family, None, j);
        let note = crate::model::NoteRef { label: "a".into(), number: 1, mark: 1, occurrence: 1, at: Default::default() };
        let inlines = [
            Inline::Text("Workers ran the factories and".into()),
            Inline::NoteRef(note),
            Inline::Text(" the railways, ".into()),
            Inline::Emphasis(vec![Inline::Text("and".into())]),
            Inline::Text(" peasants took the land.".into()),
        ];
        let prepared = setter.prepare(&inlines, TextStyle { size: 11.0, face: FaceStyle::Regular, indent: 0.0, hyphenate: false }, None, &[]);
        let lines = set_paragraph(&prepared, &|_| 1000.0, &params(j), true);
        assert_eq!(lines.len(), 1);
        let pieces = &lines[0].pieces;
        let texts: Vec<&str> = pieces.iter().map(|(_, p)| p.glyphs.text()).collect();
        // Regular words and spaces, the superscript reference, regular, italic
        // (with the space before it, set in the face of the word it precedes), regular.
        assert_eq!(texts, ["Workers ran the factories and", "1", " the railways,", " and", " peasants took the land."]);
        assert!(pieces[1].1.anchor().is_some(), "the reference keeps its own piece for its link");
        // Each piece's width runs to where the next begins.
        for pair in pieces.windows(2) {
            assert!((pair[0].0 + pair[0].1.width - pair[1].0).abs() < 0.01, "{:?} then {:?}", texts, pair[1].0);
        }
    }

    #[test]
    fn hebrew_words_are_set_right_to_left_in_an_english_line_and_a_hebrew_line_from_the_right() {
        let (family, style) = bundled();
        let j = &style.justification;
        let mut setter = TextSetter::new(&family, None, j);
        let body = TextStyle { size: 11.0, face: FaceStyle::Regular, indent: 0.0, hyphenate: false };
        let prepared = setter.prepare(&[Inline::Text("The greeting שלום עולם means hello.".into())], body, None, &[]);
        assert_eq!(prepared.right_to_left, Some(false));
        let lines = set_paragraph(&prepared, &|_| 1000.0, &params(j), false);
        assert_eq!(lines.len(), 1);
        // Each glyph with its text and where it stands on the line.
        let glyphs: Vec<(f32, &str)> = lines[0].pieces.iter().flat_map(|(x, p)| p.glyphs.with_texts().map(move |(g, t)| (x + g.x, t))).filter(|(_, t)| !t.is_empty()).collect();
        // Where a letter stands; of two, the right one (the letters ל ו ם are in both words).
        let at = |text: &str| glyphs.iter().filter(|(_, t)| *t == text).map(|(x, _)| *x).fold(f32::MIN, f32::max);
        // The first Hebrew word stands to the right of the second, and its letters run from the right.
        assert!(at("ש") > at("ע"), "{glyphs:?}");
        assert!(at("ש") > at("ל") && at("ל") > at("ו") && at("ו") > at("ם"), "{glyphs:?}");
        // The English around them reads left to right, before and after them.
        assert!(at("g") < at("ע") && at("ש") < at("m"), "{glyphs:?}");

        let prepared = setter.prepare(&[Inline::Text("שלום עולם".into())], body, None, &[]);
        assert_eq!(prepared.right_to_left, Some(true));
        let line = &set_paragraph(&prepared, &|_| 300.0, &params(j), false)[0];
        let right = line.pieces.iter().map(|(x, p)| x + p.width).fold(0.0, f32::max);
        assert!((right - 300.0).abs() < 0.5, "a right-to-left paragraph's last line ends at the right: {right}");
    }
}
