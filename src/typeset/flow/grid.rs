//! The baseline grid: every line of running text stands a whole number of
//! body lines below the top of the text block, on every page, so that lines
//! back each other through the paper and facing pages line up.
//!
//! Body lines are one grid step tall. What stands between two of them (a
//! heading, a figure, a table, code, a quotation at its own leading, the title
//! block, the notes) is made to take whole steps, in two ways, because a page
//! may begin anywhere:
//!
//! * in the middle of a page, all of it together (the space above it, its
//!   lines, the space below) is a whole number of steps;
//! * at the top of a page the space above is discarded (it is a break), so
//!   what is left, from its first line to the next body line, is a whole
//!   number of steps too.
//!
//! The white that rounds a block up goes where a break would discard it, the
//! space after the block, if it has one; otherwise above its first line, in
//! that line's slot (a heading's white above it, at the top of a page too).
//! No item is added or removed, only heights change, so whatever refers to
//! the flow's items by index (figures, repeated table heads) is unaffected.
//!
//! A block broken across pages (a long table, long code) puts what follows it
//! on the next page off the grid by the part of it that page carries; such
//! blocks are rare, and the next heading brings the text back.

use super::pagebreak::VItem;
use super::Flow;

/// Heights closer than this are equal (far below what a printer renders).
const EPSILON: f32 = 1e-3;

/// Rounds the white around the flow's blocks so that every body line of
/// `grid` height sits on the grid of that step.
pub(crate) fn align(flow: &mut Flow, grid: f32) {
    if !(grid > 0.0) {
        return;
    }
    let mut gap_start = 0;
    let mut at_flow_start = true;
    for i in 0..flow.items.len() {
        if is_grid_line(flow, i, grid) {
            if i > gap_start {
                align_gap(flow, gap_start..i, at_flow_start, grid);
            }
            gap_start = i + 1;
            at_flow_start = false;
        }
    }
}

fn is_grid_line(flow: &Flow, i: usize, grid: f32) -> bool {
    matches!(flow.items[i], VItem::Line { height } if (height - grid).abs() < EPSILON) && flow.lines[i].as_ref().is_some_and(|line| line.body)
}

fn height(item: &VItem) -> f32 {
    match item {
        VItem::Line { height } | VItem::Space { height, .. } => *height,
        _ => 0.0,
    }
}

/// The items of `gap` lie between two body lines (or the flow's start and a
/// body line, `at_flow_start`): rounds them to whole steps of `grid`.
fn align_gap(flow: &mut Flow, gap: std::ops::Range<usize>, at_flow_start: bool, grid: f32) {
    // After a forced break the page begins with what follows it.
    let forced = gap.clone().rev().find(|&i| matches!(flow.items[i], VItem::ForcedBreak | VItem::RectoBreak));
    let (start, page_top) = match forced {
        Some(i) => (i + 1, true),
        None => (gap.start, at_flow_start),
    };
    let spaces = |flow: &Flow, range: std::ops::Range<usize>| range.filter(|&i| matches!(flow.items[i], VItem::Space { .. })).collect::<Vec<_>>();
    let Some(first_line) = (start..gap.end).find(|&i| matches!(flow.items[i], VItem::Line { .. })) else {
        // Only white (and breaks): at a page's top it goes; between two body
        // lines it comes to the nearest whole number of steps.
        if !page_top {
            let total: f32 = (start..gap.end).map(|i| height(&flow.items[i])).sum();
            set_spaces(flow, &spaces(flow, start..gap.end), whole_steps(total, grid, Rounding::Nearest));
        }
        return;
    };
    let original_core: f32 = (first_line..gap.end).map(|i| height(&flow.items[i])).sum();
    // Lines at the body's leading inside the block (a standfirst, a byline)
    // go on the grid too: the white before each grows to bring it there.
    let mut core = 0.0;
    let mut any_on_grid = false;
    for i in first_line..gap.end {
        if matches!(flow.items[i], VItem::Line { height } if (height - grid).abs() < EPSILON) {
            let pad = whole_steps(core, grid, Rounding::Up) - core;
            if pad > EPSILON && pad_before(flow, i, first_line, pad) {
                core += pad;
            }
            any_on_grid = true;
        }
        core += height(&flow.items[i]);
    }
    let core_steps = whole_steps(core, grid, Rounding::Up);
    let pad = core_steps - core;
    if pad > EPSILON {
        let last = (first_line..gap.end).rev().find(|&i| !matches!(flow.items[i], VItem::Penalty { .. } | VItem::TurnPenalty { .. } | VItem::SectionStart));
        match last {
            Some(i) if matches!(flow.items[i], VItem::Space { .. }) => grow(&mut flow.items[i], pad),
            // Below the last line of a block with lines on the grid, which
            // white above would move off it.
            Some(i) if any_on_grid => grow(&mut flow.items[i], pad),
            _ => pad_top(flow, first_line, pad),
        }
    }
    if !page_top {
        let above = spaces(flow, start..first_line);
        let white: f32 = above.iter().map(|&i| height(&flow.items[i])).sum();
        let total = whole_steps(white + original_core, grid, Rounding::Nearest).max(core_steps);
        set_spaces(flow, &above, total - core_steps);
    }
}

enum Rounding {
    Up,
    Nearest,
}

/// `height` as a whole number of `grid` steps.
fn whole_steps(height: f32, grid: f32, rounding: Rounding) -> f32 {
    let steps = height / grid;
    let whole = match rounding {
        Rounding::Up => (steps - EPSILON).ceil(),
        Rounding::Nearest => steps.round(),
    };
    whole.max(0.0) * grid
}

/// Adds `pad` of white before item `i` of a block that begins at `first`:
/// to the space before it (true), or else to the top of its own slot (false).
fn pad_before(flow: &mut Flow, i: usize, first: usize, pad: f32) -> bool {
    let before = (first..i).rev().find(|&j| !matches!(flow.items[j], VItem::SectionStart));
    match before {
        Some(j) if matches!(flow.items[j], VItem::Space { .. }) => {
            grow(&mut flow.items[j], pad);
            true
        }
        _ => {
            pad_top(flow, i, pad);
            false
        }
    }
}

/// Makes line `i`'s slot `pad` taller above its baseline.
fn pad_top(flow: &mut Flow, i: usize, pad: f32) {
    grow(&mut flow.items[i], pad);
    if let Some(line) = flow.lines[i].as_mut() {
        line.baseline += pad;
    }
}

fn grow(item: &mut VItem, pad: f32) {
    if let VItem::Line { height } | VItem::Space { height, .. } = item {
        *height += pad;
    }
}

/// Gives the spaces `indices` `total` between them: all of it to the last,
/// which is where a page would break (the others follow no line).
fn set_spaces(flow: &mut Flow, indices: &[usize], total: f32) {
    for (n, &i) in indices.iter().enumerate() {
        if let VItem::Space { height, .. } = &mut flow.items[i] {
            *height = if n + 1 == indices.len() { total } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typeset::flow::FlowLine;
    use crate::typeset::inline::line::SetLine;

    const GRID: f32 = 14.0;

    fn line(body: bool) -> FlowLine {
        FlowLine { line: SetLine::default().into(), indent: 0.0, baseline: 11.2, destination: None, section: 0, picture: None, opens_block: false, rules: Vec::new(), body, first_word: None, tag: crate::layout::Tag::Artifact(crate::layout::Artifact::Layout), tags: Vec::new(), alternatives: None }
    }

    fn flow(items: &[(VItem, Option<bool>)]) -> Flow {
        let mut flow = Flow::default();
        for (item, body) in items {
            flow.push(*item, body.map(line));
        }
        flow
    }

    fn space(height: f32) -> (VItem, Option<bool>) {
        (VItem::Space { height, stretch: 0.0, shrink: 0.0 }, None)
    }

    fn body() -> (VItem, Option<bool>) {
        (VItem::Line { height: GRID }, Some(true))
    }

    fn total(flow: &Flow, range: std::ops::Range<usize>) -> f32 {
        flow.items[range].iter().map(height).sum()
    }

    #[test]
    fn a_heading_takes_whole_lines_in_mid_page_and_at_a_page_s_top() {
        // 1.5 lines above, the heading's line and half a line below it.
        let heading = (VItem::Line { height: 21.0 }, Some(false));
        let keep = (VItem::Penalty { cost: 10_000.0 }, None);
        let mut f = flow(&[body(), space(21.0), heading, keep, body()]);
        align(&mut f, GRID);
        assert_eq!(total(&f, 1..4), 42.0, "three lines in all, as before");
        assert_eq!(total(&f, 2..4), 28.0, "two lines when the page begins with it");
        let heading = f.lines[2].as_ref().unwrap();
        assert_eq!(heading.baseline, 11.2 + 7.0, "the white is above the heading");
    }

    #[test]
    fn a_block_with_space_after_it_is_rounded_there() {
        // Code: half a line above and below, three lines at 8.5 pt.
        let code = (VItem::Line { height: 8.5 }, Some(true));
        let mut f = flow(&[body(), space(7.0), code, code, code, space(7.0), body()]);
        align(&mut f, GRID);
        let core = total(&f, 2..6);
        assert_eq!(core % GRID, 0.0, "{core}");
        assert_eq!(total(&f, 1..6) % GRID, 0.0);
        assert_eq!(f.lines[2].as_ref().unwrap().baseline, 11.2, "the code's first line stays where it was");
    }

    #[test]
    fn the_title_block_and_what_follows_a_forced_break_are_measured_from_the_page_s_top() {
        let title = (VItem::Line { height: 23.0 }, Some(false));
        let mut f = flow(&[title, title, space(28.0), body(), (VItem::ForcedBreak, None), title, space(5.0), body()]);
        align(&mut f, GRID);
        assert_eq!(total(&f, 0..3) % GRID, 0.0);
        assert_eq!(total(&f, 5..7) % GRID, 0.0);
    }
}
