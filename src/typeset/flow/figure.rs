//! Figures: a picture alone in its paragraph, centred, scaled to the room, with
//! its caption centred under it; and where the page breaker puts them.
//!
//! **Size.** As large as the picture may be ([`Picture::fit`]: a raster's pixels
//! at 150 ppi, an SVG at its own size), never wider than the measure, never
//! taller than the text block less room for three lines of caption, aspect kept.
//!
//! **Placement: a float, the simple way.** A figure goes into the flow where it
//! stands, as one unbreakable box (space above, the picture, its caption, space
//! below, no break allowed between the picture and its caption). If it fits on
//! the page, it stays there. If it does not, the optimal page breaker ends the
//! page before it and the page would be left short by the figure's height; so
//! [`break_pages`] then moves the figure down the flow, past as much of the text
//! that follows as fills the room left (to the last place a page may break where
//! that text still fits), and breaks the pages again. The figure then opens the
//! next page, and the text flows on past it, filling the page it would have left
//! empty. A figure is never moved past a forced break (the end of the article,
//! the notes) nor past the next figure, so figures keep their order; when no
//! text follows that could fill the page, the figure simply goes to the top of
//! the next page, as a paragraph's lines would. Each move costs one more run of
//! the page breaker, from just before the moved figure (the flow before it is as
//! it was: `pagebreak::break_pages_resuming`), and only a figure that did not fit is moved.

use std::ops::Range;
use std::sync::Arc;

use crate::images::Picture;
use crate::layout::{ImageId, Item, Page, Rect, Tag};
use crate::resources::style::Style;
use crate::typeset::inline::line::SetLine;

use super::collect::{Setting, TextBlock};
use super::pagebreak::{self, Flexible, PageParams, PageRange, VItem, INFINITE_PENALTY};
use super::{Flow, FlowLine};

/// The cost of breaking the page just before a figure moved down the flow: a
/// bonus (negative), worth more than a page a few lines short (a page half empty
/// costs 2,500 in the page breaker's badness), so the page ends there as planned
/// unless a keep forbids it.
const FLOAT_BREAK_BONUS: f32 = -3_000.0;

/// Lines of caption a figure leaves room for on its page.
const CAPTION_LINES_ALLOWED: f32 = 3.0;

/// A figure to set: its picture at its size, and its caption, not yet set.
#[derive(Debug, PartialEq)]
pub(crate) struct FigureBlock<T> {
    pub frame: FigureFrame,
    pub caption: Option<TextBlock<T>>,
}

/// A figure's picture and the room around it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FigureFrame {
    pub image: ImageId,
    pub width: f32,
    pub height: f32,
    /// Distance of the picture's left edge from the text's left edge: centred.
    pub indent: f32,
    /// Left edge and width of the column the caption is centred in.
    pub column: (f32, f32),
    pub space_around: f32,
    pub gap: f32,
    pub section: usize,
    /// What the picture is in the document's structure: a figure, or decoration.
    pub tag: Tag,
}

/// Where a picture stands on its page, from its line's slot.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlacedPicture {
    pub image: ImageId,
    pub width: f32,
    pub height: f32,
}

/// A figure's items in the flow.
#[derive(Debug, Clone)]
pub(crate) struct FigureSpan {
    pub items: Range<usize>,
}

/// The size of `picture` as a figure in a column `measure` wide: see the module's comment.
pub(crate) fn figure_size(picture: &Picture, style: &Style, measure: f32) -> (f32, f32) {
    let c = &style.caption;
    let room = style.text_height() - c.gap_pt - c.leading_pt * CAPTION_LINES_ALLOWED;
    picture.fit(measure, room.max(style.body.leading_pt))
}

/// Whether a raster picture set in `measure` is held below it by its pixels:
/// set as wide as the measure, it would print below 150 ppi.
pub(crate) fn too_few_pixels(picture: &Picture, measure: f32, set_width: f32) -> bool {
    picture.is_raster() && set_width + 0.5 < measure && (picture.natural_size().0 - set_width).abs() < 0.5
}

impl Flow {
    /// Appends a figure: space, the picture, its caption lines centred, space;
    /// no page break between the picture and the last caption line.
    /// `caption` is set with `setting`'s leading and baseline.
    pub(crate) fn push_figure(&mut self, figure: FigureFrame, setting: Option<&Setting>, caption: Vec<SetLine>) {
        let start = self.items.len();
        self.push(VItem::Space { height: figure.space_around, stretch: 0.0, shrink: 0.0 }, None);
        let picture = PlacedPicture { image: figure.image, width: figure.width, height: figure.height };
        let gap = if caption.is_empty() { 0.0 } else { figure.gap };
        let line = FlowLine {
            line: SetLine::default().into(),
            indent: figure.indent,
            baseline: 0.0,
            destination: None,
            section: figure.section,
            rules: Vec::new(),
            picture: Some(picture),
            opens_block: true,
            first_word: None,
            body: false,
            tag: figure.tag,
            tags: Vec::new(),
            alternatives: None,
        };
        self.push(VItem::Line { height: figure.height + gap }, Some(line));
        let (left, width) = figure.column;
        let (leading, baseline) = setting.map_or((0.0, 0.0), |s| (s.leading, s.baseline));
        let tag = setting.and_then(|s| s.tag).unwrap_or(figure.tag);
        for set in caption {
            self.push(VItem::Penalty { cost: INFINITE_PENALTY }, None);
            let indent = left + ((width - set.width) / 2.0).max(0.0);
            let line = FlowLine { line: set.into(), indent, baseline, destination: None, section: figure.section, rules: Vec::new(), picture: None, opens_block: false, first_word: None, body: false, tag, tags: Vec::new(), alternatives: None };
            self.push(VItem::Line { height: leading }, Some(line));
        }
        self.push(VItem::Space { height: figure.space_around, stretch: 0.0, shrink: 0.0 }, None);
        self.figures.push(FigureSpan { items: start..self.items.len() });
    }
}

/// The picture of a figure line, placed with its slot's top at `top`.
pub(crate) fn place_picture(page: &mut Page, picture: PlacedPicture, left: f32, top: f32) {
    page.items.push(Item::Image { image: picture.image, area: Rect { x: left, y: top, width: picture.width, height: picture.height } });
}

/// Breaks the flow into pages, moving each figure that did not fit where it stands
/// past the text that fills the page it would leave short (see the module's comment).
/// `flexible` names the paragraphs the breaker may set a line longer or shorter, where they stand.
/// Each run after a move resumes where the run before was just before the moved figure.
///
/// The first run resumes `resumption`, another flow's (another edition's),
/// where that flow kept its state and this one is the same up to there; the
/// last leaves this flow's in it, kept before its figures and, in a flow with
/// no recto break, its forced breaks: an edition that prints the same text
/// on the same page but its notes otherwise, or without its back matter,
/// differs from there on.
pub(crate) fn break_pages(
    flow: &mut Flow,
    page_height: &dyn Fn(usize) -> f32,
    params: &PageParams,
    min_gap: f32,
    flexible: fn(&Flow) -> Vec<Flexible>,
    resumption: &mut pagebreak::Resumption,
) -> Vec<PageRange> {
    // A flow with recto breaks is broken stretch by stretch between them, which keeps no state.
    let keeps_forced_breaks = !flow.items.iter().any(|item| matches!(item, VItem::RectoBreak));
    let figure_starts = |flow: &Flow, from: usize| {
        let mut keep_at: Vec<usize> = flow.figures[from..].iter().map(|f| f.items.start).collect();
        if keeps_forced_breaks {
            keep_at.extend(flow.items.iter().enumerate().filter(|(_, item)| matches!(item, VItem::ForcedBreak)).map(|(at, _)| at));
            keep_at.sort_unstable();
            keep_at.dedup();
        }
        keep_at
    };
    let resume_at = resumption.resume_point(&flow.items);
    let mut ranges = pagebreak::break_pages_resuming(&flow.items, &flexible(flow), page_height, params, resume_at, &figure_starts(flow, 0), resumption);
    for f in 0..flow.figures.len() {
        let span = flow.figures[f].items.clone();
        let limit = flow.figures.get(f + 1).map_or(flow.items.len(), |next| next.items.start);
        // The page the picture is on.
        let Some(picture) = span.clone().find(|&i| matches!(flow.items[i], VItem::Line { .. })) else { continue };
        let Some(page) = ranges.iter().position(|r| (r.start..r.end).contains(&picture)) else { continue };
        if page == 0 || matches!(flow.items.get(ranges[page - 1].end), Some(VItem::ForcedBreak | VItem::RectoBreak)) {
            continue;
        }
        // What went to the page with the figure, before it (a heading kept with
        // it, a paragraph's last lines), goes back to the short page too.
        let before: f32 = flow.items[ranges[page].start..span.start.max(ranges[page].start)].iter().map(height).sum();
        let room = page_height(page - 1) - ranges[page - 1].content_height - before;
        if room < min_gap {
            continue;
        }
        let Some(to) = fill_point(&flow.items, &flow.lines, span.end, limit, room) else { continue };
        let length = span.len();
        flow.items[span.start..to].rotate_left(length);
        flow.lines[span.start..to].rotate_left(length);
        // The page is meant to end just before the figure now: the breaker is
        // asked to, with a bonus, not forced (its other keeps still hold).
        let at = to - length;
        flow.items.insert(at, VItem::Penalty { cost: FLOAT_BREAK_BONUS });
        flow.lines.insert(at, None);
        flow.figures[f].items = at..to + 1;
        for later in &mut flow.figures[f + 1..] {
            later.items = later.items.start + 1..later.items.end + 1;
        }
        ranges = pagebreak::break_pages_resuming(&flow.items, &flexible(flow), page_height, params, Some(span.start), &figure_starts(flow, f + 1), resumption);
    }
    ranges
}

/// Where, before `limit`, a page may break after `from` with the items between
/// taking at most `room`: the last such place between two blocks, or else (a
/// paragraph longer than the room follows) the last between two lines.
fn fill_point(items: &[VItem], lines: &[Option<FlowLine>], from: usize, limit: usize, room: f32) -> Option<usize> {
    let mut filled = 0.0;
    let (mut between_blocks, mut between_lines) = (None, None);
    for i in from..limit {
        if i > from && matches!(items[i - 1], VItem::Line { .. }) && may_break_before(&items[i]) && filled <= room {
            let opens_block = matches!(items[i], VItem::Space { .. }) || lines[i].as_ref().is_some_and(|l| l.opens_block);
            if opens_block {
                between_blocks = Some(i);
            }
            between_lines = Some(i);
        }
        if matches!(items[i], VItem::ForcedBreak | VItem::RectoBreak) {
            break;
        }
        filled += height(&items[i]);
        if filled > room {
            break;
        }
    }
    between_blocks.or(between_lines)
}

fn height(item: &VItem) -> f32 {
    match item {
        VItem::Line { height } | VItem::Space { height, .. } => *height,
        VItem::Penalty { .. } | VItem::TurnPenalty { .. } | VItem::SectionStart | VItem::ForcedBreak | VItem::RectoBreak | VItem::BreakRepeating { .. } => 0.0,
    }
}

/// Whether, after a line, the page may break just before `item`.
fn may_break_before(item: &VItem) -> bool {
    match item {
        VItem::Line { .. } | VItem::Space { .. } => true,
        VItem::Penalty { cost } => *cost < INFINITE_PENALTY,
        VItem::TurnPenalty { .. } | VItem::SectionStart => true,
        // Between a table's rows: a figure is never put inside a table.
        VItem::ForcedBreak | VItem::RectoBreak | VItem::BreakRepeating { .. } => false,
    }
}

/// The pictures a flow places, by id: kept with the flow and handed to the document.
pub(crate) type Pictures = Vec<Arc<Picture>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn line(h: f32) -> VItem {
        VItem::Line { height: h }
    }

    /// A flow of `before` lines, a figure `figure` lines tall, then `after` lines.
    fn flow(before: usize, figure: f32, after: usize) -> Flow {
        let mut flow = Flow::default();
        for _ in 0..before {
            flow.push(line(1.0), None);
        }
        let start = flow.items.len();
        flow.push(VItem::Space { height: 0.5, stretch: 0.0, shrink: 0.0 }, None);
        flow.push(line(figure), None);
        flow.push(VItem::Space { height: 0.5, stretch: 0.0, shrink: 0.0 }, None);
        flow.figures.push(FigureSpan { items: start..flow.items.len() });
        for _ in 0..after {
            flow.push(line(1.0), None);
        }
        flow
    }

    fn no_balancing() -> PageParams {
        PageParams { balance_spreads: false, ..PageParams::default() }
    }

    #[test]
    fn a_figure_that_fits_stays_where_it_stands() {
        let mut f = flow(10, 5.0, 30);
        let pages = break_pages(&mut f, &|_| 20.0, &no_balancing(), 1.0, |_| Vec::new(), &mut Default::default());
        assert_eq!(f.figures[0].items, 10..13);
        assert!(pages[0].end > 13, "{pages:?}");
    }

    #[test]
    fn a_figure_that_does_not_fit_opens_the_next_page_and_the_text_fills_this_one() {
        // 15 lines, then a figure 10 tall: it cannot fit in the 5 left of a 20-line page.
        let mut f = flow(15, 10.0, 30);
        let pages = break_pages(&mut f, &|_| 20.0, &no_balancing(), 1.0, |_| Vec::new(), &mut Default::default());
        // The page before is filled (to within a line), and the figure opens the next page.
        assert!(pages[0].content_height >= 19.0, "{pages:?}");
        let span = f.figures[0].items.clone();
        let picture = span.clone().find(|&i| matches!(f.items[i], VItem::Line { .. })).unwrap();
        assert!(pages[1].start >= span.start && pages[1].start <= picture, "{pages:?} {span:?}");
        assert!(pages.iter().all(|p| !p.overfull));
        // The lines moved up are the ones that followed the figure: all lines are still there.
        assert_eq!(f.items.iter().filter(|i| matches!(i, VItem::Line { .. })).count(), 46);
    }

    #[test]
    fn a_figure_at_the_end_goes_to_the_next_page() {
        let mut f = flow(15, 10.0, 0);
        let pages = break_pages(&mut f, &|_| 20.0, &no_balancing(), 1.0, |_| Vec::new(), &mut Default::default());
        assert_eq!(pages.len(), 2);
        assert_eq!(f.figures[0].items, 15..18);
    }
}
