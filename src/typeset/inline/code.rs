//! Code: a block of source text set in the monospaced face as it was typed.
//!
//! Each source line is its own line, its spaces kept (a tab goes to the next
//! tab stop), never justified nor hyphenated. A line too long for the
//! measure turns over: it breaks after a space or a punctuation mark (inside
//! a word only if there is neither), and goes on further in than it starts,
//! after a continuation mark, so that no glyph passes the margin and the
//! reader sees that the line goes on. Lines are filled greedily, as an editor
//! wraps them: code has no word spaces to even out, so Knuth–Plass would
//! have nothing to optimise.

use std::sync::Arc;

use super::line::SetLine;
use super::linebreak::{Item, FORCED_PENALTY};
use super::prepare::{Payload, Piece, Prepared, Span, TextSetter};
use crate::resources::fonts::FaceStyle;
use crate::resources::style::CodeStyle;

/// How a code line too long for the measure goes on.
#[derive(Debug, Clone)]
pub struct Turnover {
    /// Drawn at the line's own indentation before each continuation.
    pub mark: Arc<Piece>,
    /// How much further in than the line's indentation a continuation starts.
    pub indent: f32,
}

impl TextSetter<'_> {
    /// A code block's text as items: a box for each character, a glue for
    /// each space, a free break after a punctuation mark that precedes a
    /// word, and a forced break at the end of each source line.
    pub fn prepare_code(&mut self, code: &str, size: f32, style: &CodeStyle) -> Prepared {
        self.use_features(&style.features);
        let mut prepared = Prepared::default();
        let space = self.shared_piece(" ", FaceStyle::Mono, size);
        for line in code.lines() {
            let expanded = expand_tabs(line, style.tab_columns);
            let spans = self.with_fallback(vec![Span::new(expanded, FaceStyle::Mono, None)]);
            let characters: Vec<(char, FaceStyle)> = spans.iter().flat_map(|span| span.text.chars().map(move |c| (c, span.face))).collect();
            for (i, &(c, face)) in characters.iter().enumerate() {
                if c == ' ' {
                    prepared.items.push(Item::Glue { width: space.width, stretch: 0.0, shrink: 0.0 });
                    prepared.payloads.push(Payload::Space(Arc::clone(&space)));
                    continue;
                }
                let mut utf8 = [0; 4];
                let piece = self.shared_piece(c.encode_utf8(&mut utf8), face, size);
                prepared.items.push(Item::Box { width: piece.width });
                prepared.payloads.push(Payload::Word(piece));
                let next = characters.get(i + 1).map(|&(n, _)| n);
                if breaks_after(c) && next.is_some_and(|n| n != ' ' && !n.is_ascii_punctuation()) {
                    prepared.items.push(Item::Penalty { width: 0.0, cost: 0.0, flagged: false });
                    prepared.payloads.push(Payload::None);
                }
            }
            prepared.items.push(Item::Penalty { width: 0.0, cost: FORCED_PENALTY, flagged: false });
            prepared.payloads.push(Payload::None);
        }
        let mono = self.fonts.get(FaceStyle::Mono);
        let mark_face = if style.continuation_mark.chars().all(|c| mono.has_glyph(c)) { FaceStyle::Mono } else { FaceStyle::Fallback(0) };
        let mark = self.shared_piece(&style.continuation_mark, mark_face, size);
        prepared.turnover = Some(Turnover { mark, indent: space.width * style.turnover_columns as f32 });
        prepared
    }
}

/// Whether a code line may turn over after `c` (when a word follows): after
/// punctuation, but not inside a name (`_`) nor after what may open a string.
fn breaks_after(c: char) -> bool {
    c.is_ascii_punctuation() && !matches!(c, '_' | '\'' | '"' | '`')
}

/// `line` with each tab replaced by the spaces to the next tab stop.
fn expand_tabs(line: &str, tab_columns: usize) -> String {
    if !line.contains('\t') {
        return line.to_owned();
    }
    let tab_columns = tab_columns.max(1);
    let mut out = String::with_capacity(line.len() + tab_columns);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = tab_columns - column % tab_columns;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out
}

/// The set lines of a code block prepared by [`TextSetter::prepare_code`], none wider than `measure`.
pub fn set_code(prepared: &Prepared, measure: f32) -> Vec<SetLine> {
    let items = &prepared.items;
    let mut lines = Vec::new();
    let mut starts = Vec::new();
    let mut start = 0;
    while start < items.len() {
        let end = (start..items.len()).find(|&i| is_forced(&items[i])).unwrap_or(items.len());
        turn_over(prepared, start, end, measure, &mut lines, &mut starts);
        start = end + 1;
    }
    for (line, first_word) in lines.iter_mut().zip(super::words::first_words(prepared, starts)) {
        line.first_word = first_word;
    }
    lines
}

fn is_forced(item: &Item) -> bool {
    matches!(item, Item::Penalty { cost, .. } if *cost <= FORCED_PENALTY)
}

/// Sets the source line `items[start..end]` as one line or, if it is too
/// long for `measure`, as several.
/// Each line's first item goes into `starts`.
fn turn_over(prepared: &Prepared, start: usize, end: usize, measure: f32, lines: &mut Vec<SetLine>, starts: &mut Vec<usize>) {
    let items = &prepared.items;
    let indentation: f32 = items[start..end].iter().map_while(|item| if let Item::Glue { width, .. } = item { Some(*width) } else { None }).sum();
    // The continuation's indent is capped, so a deeply indented line still
    // has half the measure to go on in.
    let hang = prepared.turnover.as_ref().map_or(0.0, |t| (indentation + t.indent).min(measure / 2.0));
    let mut from = start;
    let mut continued = false;
    loop {
        let room = if continued { measure - hang } else { measure };
        let (line_end, next) = fitting(items, from, end, room);
        let mut line = SetLine::default();
        let left = if continued { hang } else { 0.0 };
        if let (true, Some(turnover)) = (continued, &prepared.turnover) {
            line.push(hang.min(indentation), Piece::clone(&turnover.mark));
        }
        let mut x = left;
        for (item, payload) in items[from..line_end].iter().zip(&prepared.payloads[from..line_end]) {
            match (item, payload) {
                (Item::Box { width }, Payload::Word(piece)) | (Item::Glue { width, .. }, Payload::Space(piece)) => {
                    line.push(x, Piece::clone(piece));
                    x += width;
                }
                _ => {}
            }
        }
        line.width = x;
        lines.push(line);
        starts.push(from);
        if next >= end {
            return;
        }
        from = next;
        continued = true;
    }
}

/// Where the line that starts at `from` ends (exclusive) and where the next
/// begins, for a line at most `room` wide: at the last space or free break
/// that fits, or else before the first character that does not. A break
/// that would leave the line less than half full is not taken: what follows
/// it is a word longer than a line, which has to be cut anyway.
fn fitting(items: &[Item], from: usize, end: usize, room: f32) -> (usize, usize) {
    let mut width = 0.0;
    let mut last_break = None;
    for i in from..end {
        match items[i] {
            Item::Box { width: w } => {
                if width + w > room && i > from {
                    return match last_break {
                        Some((at, filled)) if filled >= room / 2.0 => (at, after_spaces(items, at, end)),
                        _ => (i, i),
                    };
                }
                width += w;
            }
            Item::Glue { width: w, .. } => {
                if i > from && matches!(items[i - 1], Item::Box { .. }) {
                    last_break = Some((i, width));
                }
                width += w;
            }
            Item::Penalty { .. } => last_break = Some((i, width)),
        }
    }
    (end, end)
}

/// The first item at or after `at` that is not a space or a break: spaces
/// where a line turns over belong to neither line.
fn after_spaces(items: &[Item], at: usize, end: usize) -> usize {
    (at..end).find(|&i| matches!(items[i], Item::Box { .. })).unwrap_or(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::style::Style;

    fn texts(lines: &[SetLine]) -> Vec<String> {
        lines.iter().map(|line| line.pieces.iter().map(|(_, p)| p.glyphs.text()).collect()).collect()
    }

    #[test]
    fn tabs_go_to_the_next_tab_stop() {
        assert_eq!(expand_tabs("\tif x:\n", 4), "    if x:\n");
        assert_eq!(expand_tabs("ab\tc", 4), "ab  c");
        assert_eq!(expand_tabs("abcd\tc", 4), "abcd    c");
    }

    #[test]
    fn the_monospaced_face_fits_72_to_80_characters_in_the_measure_of_each_edition() {
        let resources = crate::resources::Resources::built_in();
        let family = resources.fonts().unwrap();
        for file in ["reader-a5.toml", "booklet-a5.toml", "booklet-half-letter.toml"] {
            let style = resources.style(file).unwrap();
            let mut setter = TextSetter::new(&family, None, &style.justification);
            let advances: Vec<f32> = "il mW_ (){}0O".chars().map(|c| setter.piece(&c.to_string(), FaceStyle::Mono, style.code.size_pt, None).width).collect();
            assert!(advances.windows(2).all(|w| (w[0] - w[1]).abs() < 1e-3), "every character is as wide as the next: {advances:?}");
            let columns = style.measure() / advances[0];
            assert!((72.0..=80.5).contains(&columns), "{file}: {columns} characters fit the measure");
        }
    }

    #[test]
    fn indentation_stays_and_a_long_line_turns_over_after_a_space_or_punctuation_within_the_measure() {
        let family = crate::resources::Resources::built_in().fonts().unwrap();
        let style = Style::over_default(std::path::Path::new("default"), "").unwrap();
        let mut setter = TextSetter::new(&family, None, &style.justification);
        let column = setter.piece(" ", FaceStyle::Mono, style.code.size_pt, None).width;
        let long = format!("    result = compute(alpha, beta, {})", "gamma.".repeat(40));
        let code = format!("def f():\n\tif x:\n        return 1\n\n{long}\n");
        let prepared = setter.prepare_code(&code, style.code.size_pt, &style.code);
        let measure = 40.5 * column;
        let lines = set_code(&prepared, measure);
        let text = texts(&lines);
        assert_eq!(&text[..4], ["def f():", "    if x:", "        return 1", ""]);
        assert_eq!(lines[1].pieces[0].0, 0.0, "the indentation is spaces set, not an offset lost in copying");
        assert_eq!(text[4], "    result = compute(alpha, beta, gamma.", "breaks after the last punctuation that fits");
        assert_eq!(text[5], format!("↪{}", "gamma.".repeat(5)));
        let names = set_code(&setter.prepare_code(&format!("x = '{}'", "long_name".repeat(10)), style.code.size_pt, &style.code), measure);
        assert_eq!(texts(&names)[0].chars().count(), 40, "cut at the measure, not left almost empty: {:?}", texts(&names));
        assert!(lines.len() > 6, "{text:?}");
        for (line, text) in lines.iter().zip(&text).skip(5) {
            assert!(text.starts_with('↪'), "a continuation starts with the mark: {text:?}");
            assert_eq!(line.pieces[0].0, 4.0 * column, "the mark stands at the line's own indentation");
            assert!((line.pieces[1].0 - 6.0 * column).abs() < 1e-3, "the text goes on two columns further in");
        }
        for line in &lines {
            let ink = line.pieces.iter().map(|(x, p)| x + p.width).fold(0.0, f32::max);
            assert!(ink <= measure + 1e-3, "{ink} past {measure}");
        }
        let rejoined: String = text[4..].iter().map(|t| t.trim_start_matches('↪')).collect();
        assert_eq!(rejoined, long.trim_end(), "nothing is lost where the line turns over");
    }
}
