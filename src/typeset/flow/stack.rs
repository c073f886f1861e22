//! Breaking lines and stacking them: each prepared paragraph is broken into
//! lines and set (`inline::line`, Knuth–Plass), and its lines go into the
//! book's one vertical flow with the keeps that hold them together
//! (`pagebreak::push_paragraph` and `push_heading`).

use crate::typeset::inline::code::set_code;
use crate::typeset::inline::line::{set_paragraph, set_paragraph_alternatives, SetLine, UnsetLines};
use crate::typeset::inline::linebreak::{Item, Params};
use crate::typeset::inline::prepare::Prepared;

use super::collect::{Keep, Material, RunStart, Setting, Spacing};
use crate::layout::{Artifact, Tag};
use super::pagebreak::{self, Keeps, VItem};
use super::{Flow, FlowLine};
use crate::resources::style::Style;

/// Which paragraphs are also set a line longer and shorter, for the page
/// breaker to choose from (`pagebreak::Flexible`): running text, justified or
/// ragged, at the body's leading, so that a line more or less keeps the page on its
/// grid, and no longer than a page, as only a paragraph a page holds whole
/// is ever changed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Vary {
    pub leading: f32,
    pub most_lines: usize,
    /// The largest adjustment ratio a line of another setting may have.
    pub tolerance: f32,
}

impl Vary {
    /// As the style asks (`justification.paragraph_alternatives`, a share of its tolerance).
    pub fn of(style: &Style) -> Option<Vary> {
        let leading = style.body.leading_pt;
        let tolerance = style.justification.tolerance * style.justification.paragraph_alternatives;
        (tolerance > 0.0 && leading > 0.0).then(|| Vary { leading, most_lines: (style.text_height() / leading).floor().max(1.0) as usize, tolerance })
    }

    fn takes(&self, setting: &Setting) -> bool {
        matches!(setting.spacing, Spacing::Justified | Spacing::Ragged) && setting.keep == Keep::Paragraph && (setting.leading - self.leading).abs() < 1e-3
    }
}

/// A paragraph's other settings, a line longer and a line shorter, each
/// with the demerits it costs more than the setting in the flow.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParagraphAlternatives {
    /// Lines of the setting in the flow.
    pub lines: usize,
    pub longer: Option<(OtherSetting, f64)>,
    pub shorter: Option<(OtherSetting, f64)>,
}

/// Another setting of a paragraph, set as lines of the flow only when the
/// page breaker takes it ([`Flow::set_other`]).
#[derive(Debug, Clone)]
pub(crate) struct OtherSetting {
    lines: UnsetLines,
    setting: Setting,
    run: Option<RunStart>,
}

impl Flow {
    /// Sets and adds each block of `material`. A prepared paragraph is
    /// dropped as soon as its lines are set, so the book's prepared text and
    /// its set lines are not all held at once.
    pub(crate) fn stack(&mut self, material: Vec<Material<Prepared>>, params: &Params) {
        for material in material {
            match material {
                Material::Vertical(item) => self.push(item, None),
                Material::Text(block) if self.hung.is_none() && self.vary.is_some_and(|vary| vary.takes(&block.setting)) => {
                    let Vary { most_lines, tolerance, .. } = self.vary.expect("taken only with a Vary");
                    let (mut lines, [longer, shorter]) = if block.setting.spacing == Spacing::Ragged {
                        let (prepared, params) = ragged(block.text, params);
                        set_paragraph_alternatives(prepared, block.setting.measure, &params, most_lines, tolerance * RAGGED_TOLERANCE, false)
                    } else {
                        set_paragraph_alternatives(block.text, block.setting.measure, params, most_lines, tolerance, true)
                    };
                    keep_line_end_spaces(&mut lines);
                    let other = |other: Option<(UnsetLines, f64)>| other.map(|(lines, extra)| (OtherSetting { lines, setting: block.setting.clone(), run: block.run }, extra));
                    let (longer, shorter) = (other(longer), other(shorter));
                    let start = self.items.len();
                    let count = lines.len();
                    self.push_lines(lines, block.setting, block.run);
                    if longer.is_some() || shorter.is_some() {
                        if let Some(first) = self.lines[start..].iter_mut().flatten().next() {
                            first.alternatives = Some(self.alternatives.len() as u32);
                            self.alternatives.push(ParagraphAlternatives { lines: count, longer, shorter });
                        }
                    }
                }
                Material::Text(block) => {
                    let lines = set_lines(block.text, &block.setting, params);
                    if let Keep::Hung { .. } = block.setting.keep {
                        self.flush_hung();
                        self.hung = lines.into_iter().next().map(|line| (line, block.setting));
                    } else {
                        self.push_lines(lines, block.setting, block.run);
                    }
                }
                Material::Table(table) => {
                    self.flush_hung();
                    self.push_table(table, params);
                }
                Material::Figure(figure) => match figure.caption {
                    Some(caption) => {
                        let lines = set_lines(caption.text, &caption.setting, params);
                        self.push_figure(figure.frame, Some(&caption.setting), lines);
                    }
                    None => self.push_figure(figure.frame, None, Vec::new()),
                },
            }
        }
    }

    /// A paragraph's other setting, which the page breaker took, set as lines of the flow.
    pub(crate) fn set_other(&self, other: OtherSetting) -> Vec<FlowLine> {
        let mut lines = other.lines.set();
        keep_line_end_spaces(&mut lines);
        self.flow_lines(lines, &other.setting, other.run, Vec::new()).collect()
    }

    pub(crate) fn push(&mut self, item: VItem, line: Option<FlowLine>) {
        self.items.push(item);
        self.lines.push(line);
    }

    /// A label no text followed (an item that opens with a table): a line of its own.
    fn flush_hung(&mut self) {
        if let Some((label, setting)) = self.hung.take() {
            let Keep::Hung { right } = setting.keep else { return };
            let indent = setting.indent;
            self.push_lines(vec![hung(label, right, indent)], Setting { keep: Keep::Paragraph, ..setting }, None);
        }
    }

    /// Appends a block's lines with the keeps its setting asks for, and a
    /// label waiting for them on the first; `run`, the book's text it sets.
    fn push_lines(&mut self, mut lines: Vec<SetLine>, setting: Setting, run: Option<RunStart>) {
        let tag = setting.tag.unwrap_or(Tag::Artifact(Artifact::Layout));
        let mut first_tags = Vec::new();
        if let Some(first) = lines.first_mut() {
            if let Some((label, Setting { keep: Keep::Hung { right }, tag: label_tag, .. })) = self.hung.take() {
                let label = hung(label, right, setting.indent).pieces;
                first_tags = vec![(0, label_tag.unwrap_or(tag)), (label.len(), tag)];
                first.pieces.splice(0..0, label);
            }
        }
        let mut heights = vec![setting.leading; lines.len()];
        if let (Keep::Heading { space_below, .. }, Some(last)) = (setting.keep, heights.last_mut()) {
            *last += space_below;
        }
        let hyphenated: Vec<bool> = lines.iter().map(|line| line.hyphenated).collect();
        let contents = self.flow_lines(lines, &setting, run, first_tags);
        let mut new_items = Vec::new();
        match setting.keep {
            Keep::Paragraph | Keep::Hung { .. } => pagebreak::push_paragraph(&mut new_items, &heights, &Keeps::default()),
            Keep::Together { up_to_lines } if heights.len() <= up_to_lines => pagebreak::push_unbroken(&mut new_items, &heights),
            // The default keeps forbid a break after the first line and before the last.
            Keep::Together { .. } => pagebreak::push_paragraph(&mut new_items, &heights, &Keeps::default()),
            Keep::Heading { space_above, .. } => pagebreak::push_heading(&mut new_items, space_above, &heights),
        }
        self.extend(with_turn_penalties(new_items, &hyphenated), contents);
    }

    /// A block's set lines as lines of the flow, the first tagged by `first_tags`.
    fn flow_lines(&self, lines: Vec<SetLine>, setting: &Setting, run: Option<RunStart>, mut first_tags: Vec<(usize, Tag)>) -> impl Iterator<Item = FlowLine> {
        let tag = setting.tag.unwrap_or(Tag::Artifact(Artifact::Layout));
        let mut destination = setting.destination.clone();
        let body = !matches!(setting.keep, Keep::Heading { .. });
        let (indent, baseline, section) = (setting.indent, setting.baseline, setting.section);
        lines.into_iter().enumerate().map(move |(n, line)| FlowLine {
            indent,
            baseline,
            destination: destination.take(),
            section,
            picture: None,
            opens_block: n == 0,
            rules: Vec::new(),
            body,
            tag,
            tags: if n == 0 { std::mem::take(&mut first_tags) } else { Vec::new() },
            first_word: run.map(|r| (r.run, line.first_word.saturating_sub(r.words_before))),
            alternatives: None,
            line: line.into(),
        })
    }

    /// Appends items built by `pagebreak`'s helpers, pairing each line with its content.
    fn extend(&mut self, items: Vec<VItem>, mut contents: impl Iterator<Item = FlowLine>) {
        for item in items {
            let line = matches!(item, VItem::Line { .. }).then(|| contents.next()).flatten();
            self.push(item, line);
        }
    }
}

/// What a page that ends inside a word costs on a recto: the reader turns
/// the leaf in the middle of the word. Above the badness of two facing pages
/// a line short each (about 17), so a spread is shortened rather than turn
/// inside a word, far below a mismatched spread or a widow.
const RECTO_FOOT_HYPHEN_PENALTY: f32 = 3_000.0;

/// `items` (one block's, its `n`th line the `n`th [`VItem::Line`]) with a
/// [`VItem::TurnPenalty`] wherever a page could end after a line that ends
/// inside a word (`hyphenated`), that is where nothing else stands between it
/// and the next line.
fn with_turn_penalties(items: Vec<VItem>, hyphenated: &[bool]) -> Vec<VItem> {
    if !hyphenated.iter().any(|&h| h) {
        return items;
    }
    let mut out = Vec::with_capacity(items.len() + 4);
    let mut line = 0;
    let mut items = items.into_iter().peekable();
    while let Some(item) = items.next() {
        out.push(item);
        if let VItem::Line { .. } = item {
            if hyphenated.get(line) == Some(&true) && matches!(items.peek(), Some(VItem::Line { .. })) {
                out.push(VItem::TurnPenalty { cost: RECTO_FOOT_HYPHEN_PENALTY });
            }
            line += 1;
        }
    }
    out
}

/// Breaks and sets a prepared paragraph as its setting asks. Text (not code)
/// keeps the word spaces its lines were broken at (`keep_line_end_spaces`).
pub(crate) fn set_lines(prepared: Prepared, setting: &Setting, params: &Params) -> Vec<SetLine> {
    let mut lines = set_lines_as_asked(prepared, setting, params);
    if setting.spacing != Spacing::Code {
        keep_line_end_spaces(&mut lines);
    }
    lines
}

/// A line broken at a word space loses the space, which the text still has:
/// its last glyph stands for its text and the space, so that the words either
/// side of the line end read (aloud, in the tagged PDF's structure) and copy
/// as two. Not between ideographs, which have no space to keep.
fn keep_line_end_spaces(lines: &mut [SetLine]) {
    for line in lines.iter_mut().filter(|line| line.broken_at_space) {
        let Some((_, last)) = line.pieces.last_mut() else { continue };
        let Some(text) = last.glyphs.last_text() else { continue };
        let Some(end) = text.chars().last().or_else(|| last.glyphs.text().chars().last()) else { continue };
        if end.is_whitespace() || is_ideographic(end) {
            continue;
        }
        let mut spaced = String::with_capacity(text.len() + 1);
        spaced.push_str(text);
        spaced.push(' ');
        last.glyphs.set_text(last.glyphs.len() - 1, &spaced);
    }
}

/// Scripts written without spaces between words: a line may end anywhere in them.
fn is_ideographic(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

fn set_lines_as_asked(prepared: Prepared, setting: &Setting, params: &Params) -> Vec<SetLine> {
    let measure = setting.measure;
    match setting.spacing {
        Spacing::Justified => set_paragraph(&prepared, &|_| measure, params, true),
        Spacing::Code => set_code(&prepared, measure),
        Spacing::Ragged => set_ragged(prepared, measure, params),
        Spacing::Centred => {
            let mut lines = set_ragged(prepared, measure, params);
            for line in &mut lines {
                shift(line, ((measure - line.width) / 2.0).max(0.0));
            }
            lines
        }
        Spacing::Verse { turnover } => {
            let turnover = turnover.min(measure / 2.0);
            let mut lines = set_ragged_in(prepared, &|line| if line == 0 { measure } else { measure - turnover }, params);
            for line in lines.iter_mut().skip(1) {
                shift(line, turnover);
            }
            lines
        }
    }
}

/// `label` placed so that it ends at `right` from the text's left edge, on a line `indent` in.
fn hung(mut label: SetLine, right: f32, indent: f32) -> SetLine {
    let dx = right - label.width - indent;
    shift(&mut label, dx);
    label
}

fn shift(line: &mut SetLine, dx: f32) {
    for (x, _) in &mut line.pieces {
        *x += dx;
    }
}

/// Breaks and sets a prepared paragraph ragged right at `measure`.
pub(crate) fn set_ragged(prepared: Prepared, measure: f32, params: &Params) -> Vec<SetLine> {
    set_ragged_in(prepared, &|_| measure, params)
}

/// Breaks and sets a prepared paragraph ragged right, line `n` at most `measure(n)` wide.
fn set_ragged_in(prepared: Prepared, measure: &dyn Fn(usize) -> f32, params: &Params) -> Vec<SetLine> {
    let (prepared, params) = ragged(prepared, params);
    set_paragraph(&prepared, measure, &params, false)
}

/// A paragraph and the line breaker's parameters as ragged lines are broken.
fn ragged(mut prepared: Prepared, params: &Params) -> (Prepared, Params) {
    // Set at their natural width, the lines must not have counted on
    // shrinking word spaces nor narrowing letters (font expansion), or a
    // line the breaker accepts would stick out of the measure once set.
    for item in &mut prepared.items {
        if let Item::Glue { shrink, .. } = item {
            *shrink = 0.0;
        }
    }
    // A ragged line short of the measure is not a loose one (its spaces are not
    // stretched): the breaker may accept lines as short as a looser tolerance
    // allows, and still prefers the fuller ones, so that keeping a hyphen off a
    // second-last line or out of a name costs a shorter line, never a cut word.
    // So may the first pass, without hyphens: a ragged line needs a hyphen only
    // where a word would leave it far shorter than its neighbours.
    let tolerance = params.tolerance * RAGGED_TOLERANCE;
    let pretolerance = params.pretolerance.map(|p| p * RAGGED_TOLERANCE);
    (prepared, Params { expansion: 0.0, tolerance, pretolerance, ..*params })
}

/// How much shorter than the justified tolerance allows a ragged line may be.
const RAGGED_TOLERANCE: f32 = 6.0;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typeset::flow::pagebreak::INFINITE_PENALTY;

    /// Whether the page may break between each two lines of a block of `count` lines kept as code is.
    fn breakable_between_lines(count: usize) -> Vec<bool> {
        let setting = Setting {
            measure: 300.0,
            spacing: Spacing::Code,
            indent: 0.0,
            baseline: 8.0,
            leading: 10.0,
            keep: Keep::Together { up_to_lines: 8 },
            destination: None,
            section: 0,
            tag: None,
        };
        let mut flow = Flow::default();
        flow.push_lines(vec![SetLine::default(); count], setting, None);
        let mut breakable = Vec::new();
        for pair in flow.items.split(|item| matches!(item, VItem::Line { .. })).skip(1).take(count - 1) {
            breakable.push(!pair.iter().any(|item| matches!(item, VItem::Penalty { cost } if *cost >= INFINITE_PENALTY)));
        }
        breakable
    }

    #[test]
    fn a_short_block_is_kept_whole_and_a_long_one_breaks_with_two_lines_each_side() {
        assert_eq!(breakable_between_lines(8), [false; 7]);
        let long = breakable_between_lines(12);
        assert_eq!(long, [false, true, true, true, true, true, true, true, true, true, false]);
    }
}
