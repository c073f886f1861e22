//! Fitting a booklet to its sheets: office printing is paid by the sheet, and a
//! blank page is paper paid for and wasted. The pamphlet is typeset as the style
//! says first; when that leaves blank pages, other layouts and settings are tried,
//! from the natural one outward, and the first that fills whole sheets is kept.
//!
//! A candidate that changes the type is a whole typesetting, so there are few,
//! in an order that changes the least first: the notes run on after the text,
//! the colophon moved off the inside front cover, both (the type as the style
//! sets it), then the body's leading half a point either way, then its size and
//! leading together (within the style's `fit_size_pt` and `fit_leading_pt`). A booklet the
//! natural setting fills is typeset exactly as without fitting. The layouts
//! of one type share its stack (collected, prepared, its lines broken; see
//! [`reuse`]): each makes only its pages.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::impose;
use crate::layout::Document;
use crate::resources::style::{Fit, Style};
use crate::typeset::flow::covers::Colophon;
use crate::typeset::PamphletStack;

/// How far each step of fitting moves the body's size and leading.
const STEP_PT: f32 = 0.5;

/// One way to set the pamphlet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Candidate {
    pub size_pt: f32,
    pub leading_pt: f32,
    pub notes_run_on: bool,
    pub colophon: Colophon,
}

impl Candidate {
    /// `style` set as this candidate says: the body's size and leading, and the
    /// headings that share them, which keeps them on the body's grid.
    pub fn style(&self, style: &Style) -> Style {
        let mut set = style.clone();
        let (size, leading) = (style.body.size_pt, style.body.leading_pt);
        for sub in &mut set.subheadings {
            if sub.size_pt == size {
                sub.size_pt = self.size_pt;
            }
            if sub.leading_pt == leading {
                sub.leading_pt = self.leading_pt;
            }
        }
        if set.heading.size_pt == size {
            set.heading.size_pt = self.size_pt;
        }
        set.body.size_pt = self.size_pt;
        set.body.leading_pt = self.leading_pt;
        set.notes.run_on = style.notes.run_on || self.notes_run_on;
        set
    }

    fn is_natural_type(&self, style: &Style) -> bool {
        self.size_pt == style.body.size_pt && self.leading_pt == style.body.leading_pt
    }
}

/// The candidates in the order they are tried, the style's own setting first.
pub(super) fn candidates(style: &Style) -> Vec<Candidate> {
    let (size, leading) = (style.body.size_pt, style.body.leading_pt);
    let within = |value: f32, [least, most]: [f32; 2]| value >= least - 1e-3 && value <= most + 1e-3;
    let b = &style.booklet;
    let settings = [(0.0, 0.0), (0.0, -STEP_PT), (0.0, STEP_PT), (-STEP_PT, -STEP_PT), (STEP_PT, STEP_PT)]
        .into_iter()
        .map(|(ds, dl)| (size + ds, leading + dl))
        .enumerate()
        .filter(|&(i, (s, l))| i == 0 || (within(s, b.fit_size_pt) && within(l, b.fit_leading_pt)));
    // The notes run on before the colophon moves: the article keeps its opening recto, facing the colophon.
    let layouts = [(false, Colophon::InsideFrontCover), (true, Colophon::InsideFrontCover), (false, Colophon::AfterText), (true, Colophon::AfterText)];
    settings
        .flat_map(|(_, (size_pt, leading_pt))| layouts.map(|(notes_run_on, colophon)| Candidate { size_pt, leading_pt, notes_run_on, colophon }))
        .collect()
}

/// Whether a booklet whose natural setting comes to `pages` is set so without
/// trying another candidate, whatever its count: fitting is off and no count is
/// asked for, or it is too long to saddle-stitch (see [`fit`]).
pub(super) fn tries_only_natural(style: &Style, asked: Option<usize>, pages: usize) -> bool {
    asked.is_none() && (style.booklet.fit == Fit::None || pages > style.imposition.saddle_stitch_max_pages)
}

/// The stack `style` sets, from the one `kept` with the style it was stacked
/// with, when a candidate with that style changes only the layout: the same
/// stack, or the same with the notes run on (`PamphletStack::run_notes_on`).
/// `None` when it must be stacked anew.
pub(super) fn reuse(kept: &Option<(Style, PamphletStack)>, style: &Style) -> Option<PamphletStack> {
    let (stacked_with, stack) = kept.as_ref()?;
    if stacked_with == style {
        return Some(stack.clone());
    }
    let mut run_on = stacked_with.clone();
    run_on.notes.run_on = true;
    if run_on != *style {
        return None;
    }
    let mut stack = stack.clone();
    stack.run_notes_on().then_some(stack)
}

/// A page count `--pages` asked for that the booklet cannot have.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct NotMet {
    pub asked: usize,
    /// The page counts the candidates tried came to, in the order tried.
    pub reached: Vec<usize>,
}

/// The pamphlet fitted to whole sheets (or to `asked` pages): `typeset` sets it
/// with a style and a colophon's place and gives back its pages and whatever
/// else the setting made (its warnings), which are the kept candidate's only.
///
/// With fitting off (`fit = "none"`) and no count asked for, the style's setting
/// is kept; with fitting off and a count asked for, only the layout may change.
/// Unasked, a booklet too long to saddle-stitch (a book, in signatures) is set as
/// the style says: each candidate would typeset the whole book again, its blank
/// pages are at most three of hundreds, and half a point of leading moves its
/// length by sheets, not pages. Without `notes_may_run_on`
/// (no notes, or a book's, which close each chapter or the book) no candidate
/// runs them on.
/// When no candidate fills whole sheets, the natural setting is kept, blank
/// pages and all; when none comes to `asked` pages, that is the error.
pub(super) fn fit<T>(style: &Style, asked: Option<usize>, notes_may_run_on: bool, mut typeset: impl FnMut(&Style, Colophon) -> (Document, T)) -> Result<(Document, T), NotMet> {
    // No booklet has such a count: the error names the one it fills when fitted.
    if let Some(asked) = asked.filter(|n| !n.is_multiple_of(4)) {
        let fitted = fit(style, None, notes_may_run_on, typeset)?.0.pages.len();
        return Err(NotMet { asked, reached: vec![fitted] });
    }
    let mut tried = candidates(style).into_iter();
    let natural = tried.next().expect("the natural setting is always a candidate");
    let first = typeset(&natural.style(style), natural.colophon);
    let count = first.0.pages.len();
    let whole = impose::padded(count);
    let wanted = |pages: usize| match asked {
        Some(asked) => pages == asked,
        None => pages.is_multiple_of(4) && pages <= whole,
    };
    if wanted(count) || tries_only_natural(style, asked, count) {
        return Ok(first);
    }
    let mut reached = vec![count];
    let may_change_type = style.booklet.fit == Fit::Sheets;
    for candidate in tried.filter(|c| (may_change_type || c.is_natural_type(style)) && (notes_may_run_on || !c.notes_run_on)) {
        let set = typeset(&candidate.style(style), candidate.colophon);
        let pages = set.0.pages.len();
        if wanted(pages) {
            return Ok(set);
        }
        reached.push(pages);
    }
    match asked {
        Some(asked) => Err(NotMet { asked, reached }),
        None => Ok(first),
    }
}

impl NotMet {
    /// The error for `file`'s booklet, set with `style` from `style_file`.
    pub fn diagnostic(&self, manuscript: &Path, style: &Style, style_file: &str) -> Diagnostic {
        let asked = self.asked;
        let whole: std::collections::BTreeSet<usize> = self.reached.iter().copied().filter(|&n| whole_count(n, &self.reached)).collect();
        let natural = impose::padded(self.reached[0]);
        // The counts it can have, nearest first: those it fills, else the natural one with its blanks.
        let mut possible: Vec<usize> = if whole.is_empty() { vec![natural] } else { whole.into_iter().collect() };
        possible.sort_by_key(|&n| (n.abs_diff(asked), n));
        let list = possible
            .iter()
            .map(|&n| {
                let sheets = format!("{} sheet{}", n / 4, if n / 4 == 1 { "" } else { "s" });
                let blanks = n - self.reached[0].min(n);
                if whole_count(n, &self.reached) { format!("{n} pages ({sheets})") } else { format!("{n} pages ({sheets}, {blanks} of them blank)") }
            })
            .collect::<Vec<_>>()
            .join(" or ");
        let why = if !asked.is_multiple_of(4) {
            let below = asked / 4 * 4;
            let near = if below == 0 { format!("{}", below + 4) } else { format!("{below} or {}", below + 4) };
            format!("each sheet folds into 4 pages, so a booklet has a multiple of 4 pages ({near}, not {asked})")
        } else {
            let (least, most) = (self.reached.iter().min().copied().unwrap_or(0), self.reached.iter().max().copied().unwrap_or(0));
            let b = &style.booklet;
            format!(
                "set within the style's bounds (body {}–{} pt on {}–{} pt leading, the notes run on, the colophon moved), the booklet comes to {least} to {most} pages, never {asked}",
                b.fit_size_pt[0], b.fit_size_pt[1], b.fit_leading_pt[0], b.fit_leading_pt[1]
            )
        };
        Diagnostic::error(manuscript, None, format!("the booklet cannot have {asked} pages (--pages {asked}): {why}"))
            .with_help(format!(
                "this booklet can have {list}: ask for that, or leave out --pages to fit it to the fewest whole sheets; `fit_size_pt` and `fit_leading_pt` in styles/{style_file} ([booklet]) bound the fitting"
            ))
    }
}

/// Whether a candidate came to exactly `pages`, filling its sheets.
fn whole_count(pages: usize, reached: &[usize]) -> bool {
    pages.is_multiple_of(4) && reached.contains(&pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Page;

    fn style() -> Style {
        Style::over_default(Path::new("booklet.toml"), "").unwrap()
    }

    fn pages(n: usize) -> Document {
        let pages = (0..n).map(|_| Page::new(100.0, 100.0)).collect();
        Document { info: Default::default(), fonts: Vec::new(), pages, outline: Vec::new(), images: Vec::new(), front_matter_pages: 0, structure: None }
    }

    #[test]
    fn the_natural_setting_is_tried_first_and_each_candidate_stays_within_the_bounds() {
        let style = style();
        let all = candidates(&style);
        assert_eq!((all[0].size_pt, all[0].leading_pt, all[0].notes_run_on, all[0].colophon), (11.0, 14.0, false, Colophon::InsideFrontCover));
        assert_eq!(all[0].style(&style), style, "the natural candidate is the style itself");
        assert_eq!(all.len(), 20);
        assert!(all.iter().all(|c| (10.5..=11.5).contains(&c.size_pt) && (13.5..=14.5).contains(&c.leading_pt)));
        // The layouts with the style's own type come before any change of type.
        assert!(all[..4].iter().all(|c| c.is_natural_type(&style)) && all[4..].iter().all(|c| !c.is_natural_type(&style)));
    }

    #[test]
    fn the_first_candidate_that_fills_whole_sheets_is_kept() {
        let style = style();
        // 13 pages as the style sets it, 12 with the colophon moved: the third candidate
        // (the notes run on come second, and still take 13).
        let mut tried = Vec::new();
        let (document, kept) = fit(&style, None, true, |set, colophon| {
            tried.push((set.notes.run_on, colophon));
            let n = if colophon == Colophon::AfterText { 12 } else { 13 };
            (pages(n), (set.body.leading_pt, set.notes.run_on, colophon))
        })
        .unwrap();
        assert_eq!((document.pages.len(), kept), (12, (14.0, false, Colophon::AfterText)));
        assert_eq!(tried, [(false, Colophon::InsideFrontCover), (true, Colophon::InsideFrontCover), (false, Colophon::AfterText)]);
        // As many sheets as the natural setting's or fewer: a looser setting may fill the
        // blank pages of its last sheet, but one that would take another sheet is never kept.
        let (document, _) = fit(&style, None, true, |set, _| (pages(if set.body.leading_pt > 14.0 { 16 } else { 13 }), ())).unwrap();
        assert_eq!(document.pages.len(), 16, "the looser setting fills the fourth sheet");
        let (document, _) = fit(&style, None, true, |set, _| (pages(if set.body.leading_pt > 14.0 { 20 } else { 13 }), ())).unwrap();
        assert_eq!(document.pages.len(), 13, "no fit within the bounds: the natural setting, blanks and all");
        // Already whole: the natural setting alone, typeset once.
        let mut times = 0;
        let (document, _) = fit(&style, None, true, |_, _| {
            times += 1;
            (pages(8), ())
        })
        .unwrap();
        assert_eq!((document.pages.len(), times), (8, 1));
    }

    /// Candidates that change only the layout reuse the stack kept; one that
    /// changes the type is stacked anew.
    #[test]
    fn a_kept_stack_serves_the_layouts_of_its_type_only() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (book, _) = crate::build::load(&root.join("tests/manuscripts/two-page-pamphlet.md")).unwrap();
        let fonts = crate::resources::Resources::built_in().fonts().unwrap();
        let style = Style::read(&root.join("styles/booklet-a5.toml")).unwrap();
        let images = crate::images::Images::default();
        let stack = crate::typeset::stack_pamphlet(&book, &images, &style, &fonts, None, crate::typeset::Sharing::Alone, &mut crate::build::timings::Timings::new());
        let kept = Some((style.clone(), stack));
        let all = candidates(&style);
        let reused: Vec<bool> = all.iter().map(|c| reuse(&kept, &c.style(&style)).is_some()).collect();
        // The four layouts of the natural type: notes apart or run on, either colophon.
        assert_eq!(reused[..4], [true; 4]);
        assert!(reused[4..].iter().all(|&r| !r), "{reused:?}");
        assert!(reuse(&None, &style).is_none());
        // Stacked with the notes run on, it cannot set them apart again.
        let run_on = all[1].style(&style);
        assert!(run_on.notes.run_on);
        let stack = crate::typeset::stack_pamphlet(&book, &images, &run_on, &fonts, None, crate::typeset::Sharing::Alone, &mut crate::build::timings::Timings::new());
        let kept = Some((run_on.clone(), stack));
        assert!(reuse(&kept, &run_on).is_some() && reuse(&kept, &style).is_none());
    }

    #[test]
    fn a_long_booklet_is_set_as_the_style_says_and_notes_that_cannot_run_on_are_not_tried() {
        let style = style();
        let mut tried = Vec::new();
        let (document, _) = fit(&style, None, true, |set, colophon| {
            tried.push((set.body.leading_pt, set.notes.run_on, colophon));
            (pages(201), ())
        })
        .unwrap();
        assert_eq!((document.pages.len(), tried.len()), (201, 1), "past saddle_stitch_max_pages, only the natural setting");
        let mut tried = Vec::new();
        fit(&style, None, false, |set, colophon| {
            tried.push((set.body.leading_pt, set.notes.run_on, colophon));
            (pages(13), ())
        })
        .unwrap();
        assert_eq!(tried.len(), 5 * 2, "each of the five settings with its two colophons: {tried:?}");
        assert!(tried.iter().all(|&(_, run_on, _)| !run_on));
    }

    #[test]
    fn a_count_no_candidate_reaches_is_an_error_naming_the_counts_it_can_have() {
        let style = style();
        // Tighter type makes it shorter: 12 pages at most, 11 at least.
        let not_met = fit(&style, Some(8), true, |set, _| (pages(if set.body.leading_pt < 14.0 { 11 } else { 12 }), ())).unwrap_err();
        assert_eq!(not_met.asked, 8);
        let d = not_met.diagnostic(Path::new("a.md"), &style, "booklet-a5.toml");
        assert!(d.is_error());
        let text = d.render(false);
        assert!(text.contains("cannot have 8 pages") && text.contains("11 to 12 pages") && text.contains("can have 12 pages (3 sheets)"), "{text}");
        // Not a multiple of four: said at once, with the multiples either side.
        let mut times = 0;
        let not_met = fit(&style, Some(6), true, |_, _| {
            times += 1;
            (pages(12), ())
        })
        .unwrap_err();
        let text = not_met.diagnostic(Path::new("a.md"), &style, "booklet-a5.toml").render(false);
        assert!(text.contains("multiple of 4 pages (4 or 8, not 6)") && text.contains("can have 12 pages (3 sheets)"), "{text}");
        assert_eq!(times, 1);
    }
}
