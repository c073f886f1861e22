//! Knuth–Plass total-fit line breaking over a box/glue/penalty list.
//!
//! The caller turns a paragraph into [`Item`]s (words and fragments become
//! boxes, spaces become glue, hyphenation points become flagged penalties) and
//! keeps its own payload in a parallel array: items carry only metrics, and the
//! result refers to them by index.
//!
//! **Ending a paragraph.** Finish every paragraph with [`Item::paragraph_end`]:
//! a glue of zero width and infinite stretch followed by a forced break. The
//! glue absorbs the last line's shortfall so it stays ragged instead of being
//! stretched, exactly like TeX's `\parfillskip`. Without it the last line is
//! justified like all others (and, if it is short, counts as very underfull).
//! A manual line break inside a paragraph is the same pair. A list that does
//! not end with a forced break is treated as if it had one right after its
//! last item; that line then ends at `items.len()`.
//!
//! Units are whatever the caller uses (points in quire); only ratios of widths
//! matter, except for [`Params::emergency_stretch`], which is a width.

// ---------------------------------------------------------------------------
// Cost constants.
//
// The numbers follow TeX (and Knuth & Plass, 1981) because they have been
// tuned on real books for forty years and because authors coming from LaTeX
// expect paragraphs to look like TeX's. Each says why it has its value.
// ---------------------------------------------------------------------------

/// A penalty at least this large forbids a break, as TeX's `inf_penalty`:
/// larger than any badness (capped at 10000), so a "forbidden" break can never
/// be bought by making a line look better.
pub const INFINITE_PENALTY: f32 = 10_000.0;

/// A penalty at most this small forces a break (TeX's `eject_penalty`); the
/// symmetric counterpart of [`INFINITE_PENALTY`].
pub const FORCED_PENALTY: f32 = -10_000.0;

/// Suggested cost of a hyphenation break (TeX's `\hyphenpenalty`): 50 squared
/// is 2500 demerits, the price of a line of badness about 40, so a hyphen is
/// taken only when it saves a visibly loose or tight line.
#[cfg(test)]
pub const HYPHEN_PENALTY: f32 = 50.0;

/// Badness of a line that cannot be stretched enough (TeX's `inf_bad`). Capping
/// keeps demerits finite, so the last-resort pass can still rank hopeless
/// alternatives against each other instead of treating them all as equal.
const INFINITELY_BAD: f64 = 10_000.0;

/// Badness up to which a line is "decent" (fitness class 2): TeX's 12, which is
/// an adjustment ratio of about ±0.5 — spaces changed by half their elasticity
/// are not noticed by readers.
const DECENT_BADNESS_LIMIT: f64 = 12.0;

/// Badness up to which a stretched line is merely "loose" rather than "very
/// loose": TeX's 99, i.e. an adjustment ratio of about 1 (spaces stretched by
/// their full stretchability).
const LOOSE_BADNESS_LIMIT: f64 = 99.0;

/// Widths closer than this count as equal. One thousandth of a point is far
/// below what a printer can render, but it absorbs the rounding error of
/// summing hundreds of thousands of f32 widths.
const WIDTH_EPSILON: f64 = 1e-3;

/// Default for [`Params::line_penalty`]: TeX's `\linepenalty`. Added to every
/// line's badness before squaring, so that of two equally good settings the
/// one with fewer lines wins, and a perfect line still costs something.
pub const DEFAULT_LINE_PENALTY: f32 = 10.0;

/// Default for [`Params::tolerance`] as an adjustment ratio: spaces may grow by
/// up to twice their stretchability (badness 800) before a line is rejected.
/// Looser than TeX's 200 because quire's callers usually also justify narrow
/// EPUB-ish measures and should rarely need the emergency passes.
pub const DEFAULT_TOLERANCE: f32 = 2.0;

/// Default for [`Params::pretolerance`]: TeX's `\pretolerance=100` is badness
/// 100, an adjustment ratio of 1. A paragraph that sets this well without
/// hyphenation is not hyphenated at all.
pub const DEFAULT_PRETOLERANCE: f32 = 1.0;

/// Default for [`Params::double_hyphen_demerits`]: Knuth & Plass's α = 3000.
/// Stacked hyphens ("ladders") are a classic blemish; 3000 is worth a line of
/// badness about 45, so they are avoided unless the alternative is clearly loose.
pub const DEFAULT_DOUBLE_HYPHEN_DEMERITS: f32 = 3_000.0;

/// Default for [`Params::final_hyphen_demerits`]: TeX's plain value 5000. A
/// hyphen on the next-to-last line leaves a word fragment on the short last
/// line, which is more conspicuous than a hyphen in mid-paragraph.
pub const DEFAULT_FINAL_HYPHEN_DEMERITS: f32 = 5_000.0;

/// Default for [`Params::fitness_demerits`]: Knuth & Plass's γ = 3000. A tight
/// line directly next to a very loose one shows as a change of "colour"; this
/// costs like a hyphen ladder.
pub const DEFAULT_FITNESS_DEMERITS: f32 = 3_000.0;

/// When no setting is found within the tolerance, the passes that follow
/// accept lines this many times as loose, one after the other, before any
/// emergency stretch: the first that succeeds has the least loose worst line
/// there is (to a step), and, its badness being the lines' own, the breaker
/// still weighs every line as it is set, where emergency stretch would make
/// a line twice as loose look hardly worse than one a little loose.
const LOOSER_TOLERANCES: [f64; 4] = [1.25, 1.5, 2.0, 3.0];

/// With [`Params::avoid_final_hyphen`], how much looser than the tolerance
/// a paragraph may be set to keep a hyphen off its second-last line.
const FINAL_HYPHEN_LOOSENESS: f64 = 1.1;

// ---------------------------------------------------------------------------
// Public types.
// ---------------------------------------------------------------------------

/// One element of a paragraph's horizontal list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    /// Unbreakable material of fixed width (a word, a fragment, an indent).
    Box { width: f32 },
    /// Elastic space. A legal break when it directly follows a box; discarded
    /// at the start of a line. `stretch` may be `f32::INFINITY` ("fil" glue):
    /// it then absorbs any shortfall on its own.
    Glue { width: f32, stretch: f32, shrink: f32 },
    /// A possible break. `cost` ≥ [`INFINITE_PENALTY`] forbids the break,
    /// ≤ [`FORCED_PENALTY`] forces it. `width` (e.g. a hyphen) is typeset only
    /// when the line breaks here. `flagged` marks hyphen breaks.
    Penalty { width: f32, cost: f32, flagged: bool },
}

impl Item {
    /// The two items that must end every paragraph: infinitely stretchable
    /// glue (ragged last line) and a forced break.
    pub fn paragraph_end() -> [Item; 2] {
        [
            Item::Glue { width: 0.0, stretch: f32::INFINITY, shrink: 0.0 },
            Item::Penalty { width: 0.0, cost: FORCED_PENALTY, flagged: false },
        ]
    }

    /// A hyphenation opportunity whose hyphen is `hyphen_width` wide.
    #[cfg(test)]
    pub fn hyphen(hyphen_width: f32) -> Item {
        Item::Penalty { width: hyphen_width, cost: HYPHEN_PENALTY, flagged: true }
    }
}

/// Knobs of the line breaker. `Params::default()` gives TeX-like settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Largest adjustment ratio (stretch used / stretch available) a line may
    /// have in the main pass. Shrinking is always limited to ratio −1.
    pub tolerance: f32,
    /// If set, a first pass ignores hyphen breaks (flagged penalties) and
    /// accepts lines up to this ratio; hyphenation is tried only if it fails.
    /// `None` goes straight to the main pass, where a hyphen is taken whenever
    /// it lowers the total demerits.
    pub pretolerance: Option<f32>,
    /// Added to each line's badness before squaring (TeX's `\linepenalty`).
    pub line_penalty: f32,
    /// Extra demerits for two consecutive lines ending at flagged breaks.
    pub double_hyphen_demerits: f32,
    /// Extra demerits when the next-to-last line of the paragraph ends at a
    /// flagged break.
    pub final_hyphen_demerits: f32,
    /// Extra demerits when adjacent lines are more than one fitness class apart
    /// (very loose / loose / decent / tight, TeX's four classes).
    pub fitness_demerits: f32,
    /// Try first to set the paragraph within the tolerance with no hyphen on
    /// its second-last line at all, and only if that fails weigh such a
    /// hyphen by `final_hyphen_demerits`.
    pub avoid_final_hyphen: bool,
    /// Ask for this many more (positive) or fewer (negative) lines than the
    /// optimum, as TeX's `\looseness`; best effort. Non-zero values keep line
    /// numbers apart in the search, which makes long paragraphs slower.
    pub looseness: i32,
    /// Imaginary extra stretch per line, used (like TeX's `\emergencystretch`)
    /// only when the main pass finds no solution. A width, not a ratio.
    pub emergency_stretch: f32,
    /// Font expansion (pdfTeX's hz): every box and every penalty's width
    /// (the hyphen) may widen or narrow by this fraction of its width, at the
    /// line's adjustment ratio, like glue. 0.02 lets a line's letters absorb
    /// about a fifth of a word space per word, which is what makes spacing
    /// even in short paragraphs; readers do not see a 2 % change of width.
    /// Negative penalty widths (margin kerns) do not expand.
    pub expansion: f32,
}

/// Font expansion comes in steps of 0.1 %, as pdfTeX quantizes its expanded
/// fonts. It is also the precision of the scale in a PDF's text matrix, so
/// glyphs land where the layout put them, with no drift along a line.
pub const EXPANSION_STEP: f32 = 0.001;

impl Default for Params {
    fn default() -> Self {
        Params {
            tolerance: DEFAULT_TOLERANCE,
            pretolerance: Some(DEFAULT_PRETOLERANCE),
            line_penalty: DEFAULT_LINE_PENALTY,
            double_hyphen_demerits: DEFAULT_DOUBLE_HYPHEN_DEMERITS,
            final_hyphen_demerits: DEFAULT_FINAL_HYPHEN_DEMERITS,
            fitness_demerits: DEFAULT_FITNESS_DEMERITS,
            avoid_final_hyphen: false,
            looseness: 0,
            emergency_stretch: 0.0,
            expansion: 0.0,
        }
    }
}

/// One line of the result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// Index of the line's first item. Glue and penalties after the previous
    /// break are skipped (they are discarded); the first line starts at 0.
    pub start: usize,
    /// Index of the break item, which is not part of the line except for a
    /// penalty's width (the hyphen). `items.len()` if the list did not end
    /// with a forced break.
    pub end: usize,
    /// Adjustment ratio: glue is set to `width + ratio * stretch` when
    /// positive and `width + ratio * shrink` when negative; use
    /// [`Line::glue_width`], which handles the special values. Boxes scale
    /// by [`Line::expansion_scale`]. 0 when a fil
    /// glue absorbs the difference (give the fil glue what is left of the
    /// measure). Above `tolerance` only from the fallback passes; `+inf` for
    /// an underfull line with nothing to stretch. Below −1 the line is
    /// overfull (`-inf` if it has nothing to shrink).
    pub ratio: f32,
    /// The line ends at a flagged penalty (a hyphen).
    pub hyphenated: bool,
}

impl Line {
    /// The line is wider than its measure even with all glue fully shrunk.
    pub fn is_overfull(&self) -> bool {
        self.ratio < -1.0
    }

    /// The width at which to set a finite glue of this line: stretched or
    /// shrunk by `ratio`, never shrunk beyond its shrinkability, and left at
    /// its natural width when the ratio is infinite (nothing to stretch).
    /// Fil glue (infinite stretch) is not covered: give it what is left.
    /// The horizontal scale of the line's boxes under font expansion
    /// `expansion` ([`Params::expansion`]): `1 + ratio × expansion`, held
    /// within `1 ± expansion`, so letters never widen past the limit even on
    /// an emergency line, and rounded to [`EXPANSION_STEP`]. The glue takes
    /// what capping and rounding leave (see [`Line::expanded_glue_ratio`]).
    pub fn expansion_scale(&self, expansion: f32) -> f32 {
        if self.ratio.is_finite() && expansion > 0.0 {
            // Whole steps, never more of them than the limit holds.
            let limit = (expansion / EXPANSION_STEP + 1e-3).floor();
            let steps = (self.ratio * expansion / EXPANSION_STEP).round().clamp(-limit, limit);
            1.0 + steps * EXPANSION_STEP
        } else {
            1.0
        }
    }

    /// The ratio to give the line's glue (`stretch` and `shrink` in all)
    /// when its boxes and hyphen (natural width `box_width`) are set at
    /// [`Line::expansion_scale`]: the glue's own share at `ratio`, plus
    /// whatever the letters were meant to take and did not because their
    /// scale was capped or rounded, so the line still fills its measure.
    pub fn expanded_glue_ratio(&self, expansion: f32, box_width: f32, stretch: f32, shrink: f32) -> f32 {
        if !self.ratio.is_finite() || expansion <= 0.0 || self.is_overfull() {
            return self.ratio;
        }
        let glue = if self.ratio >= 0.0 { self.ratio * stretch } else { self.ratio * shrink };
        let left_over = box_width * (1.0 + self.ratio * expansion - self.expansion_scale(expansion));
        match glue + left_over {
            total if total >= 0.0 && stretch > 0.0 => total / stretch,
            total if total < 0.0 && shrink > 0.0 => total / shrink,
            _ => self.ratio,
        }
    }

    pub fn glue_width(&self, width: f32, stretch: f32, shrink: f32) -> f32 {
        if self.ratio > 0.0 && self.ratio.is_finite() && stretch.is_finite() {
            width + self.ratio * stretch
        } else if self.ratio < 0.0 {
            width + self.ratio.max(-1.0) * shrink
        } else {
            width
        }
    }
}

/// Breaks `items` into lines; `line_width(n)` is the measure of line `n`
/// (0-based). Returns one [`Line`] per line, in order; empty only when
/// `items` is empty.
///
/// # Algorithm
///
/// Knuth & Plass's total-fit method, as in TeX. Every legal breakpoint (glue
/// right after a box, penalty below [`INFINITE_PENALTY`]) is a node in a graph
/// whose edges are the lines that could be set between two breakpoints. A line
/// is feasible if its glue need not shrink more than its shrinkability nor
/// stretch beyond `tolerance`. Each feasible line costs demerits
/// `(line_penalty + badness)² ± penalty²` (badness = 100·|ratio|³, the sign
/// follows the penalty's), plus [`Params::double_hyphen_demerits`] /
/// [`Params::final_hyphen_demerits`] for hyphen ladders and
/// [`Params::fitness_demerits`] when adjacent lines differ by more than one
/// fitness class. The result is the path of least total demerits from the
/// paragraph start to its final break, found by dynamic programming in one
/// sweep over the breakpoints.
///
/// The sweep keeps an *active list* of breakpoints from which a line could
/// still reach the current one. A node leaves it as soon as the line from it
/// is overfull (adding material can only make it wider) or a forced break is
/// passed, so the list holds roughly one line's worth of breakpoints and the
/// work is linear in the paragraph length. At each breakpoint only the best
/// node per (line number, fitness class) is created — the only state later
/// costs depend on. Line numbers are merged once all further lines have the
/// same measure (unless `looseness` is non-zero), which keeps the list small
/// in long paragraphs.
///
/// Passes, until one succeeds: (1) with `pretolerance`, no hyphen breaks;
/// (2) with `tolerance` (with [`Params::avoid_final_hyphen`]: no hyphen on
/// the second-last line, then the same a little looser, then with one);
/// (3) looser tolerances, step by step ([`LOOSER_TOLERANCES`]); (4) with
/// `tolerance` plus `emergency_stretch`, if that is positive; (5) a last
/// resort that accepts any underfull line and, when no breakpoint can be
/// reached without overflowing, breaks at the least overfull place. Pass 5
/// always produces lines, so this function never fails.
pub fn break_lines(items: &[Item], line_width: &dyn Fn(usize) -> f32, params: &Params) -> Vec<Line> {
    if items.is_empty() {
        return Vec::new();
    }
    Paragraph::new(items, line_width, params).best_lines()
}

/// [`break_lines`], and, for a paragraph of no more than `most_lines`
/// lines, its settings one line longer and one line shorter within
/// `tolerance` ([`Alternative`]s: see `alternatives`), from one reading of
/// the items: the paragraph's measures and sums are made once for both searches.
pub fn break_lines_and_alternatives(items: &[Item], line_width: &dyn Fn(usize) -> f32, params: &Params, most_lines: usize, tolerance: f32) -> (Vec<Line>, [Option<Alternative>; 2]) {
    if items.is_empty() {
        return (Vec::new(), [None, None]);
    }
    let mut paragraph = Paragraph::new(items, line_width, params);
    let lines = paragraph.best_lines();
    if lines.len() > most_lines {
        return (lines, [None, None]);
    }
    let alternatives = paragraph.alternatives(lines.len(), tolerance);
    (lines, alternatives)
}

impl Paragraph<'_> {
    /// The lines [`break_lines`] gives.
    fn best_lines(&self) -> Vec<Line> {
        let params = self.params;
        let paragraph = self;
        let tolerance = finite_or(params.tolerance, DEFAULT_TOLERANCE as f64).max(0.0);
        let emergency_stretch = finite_or(params.emergency_stretch, 0.0).max(0.0);

        let mut passes = Vec::with_capacity(4);
        if let Some(pretolerance) = params.pretolerance {
            if pretolerance.is_finite() && pretolerance >= 0.0 {
                passes.push(Pass { max_ratio: pretolerance as f64, hyphenate: false, final_hyphen: false, emergency_stretch: 0.0, last_resort: false });
            }
        }
        let final_hyphen = !params.avoid_final_hyphen;
        passes.push(Pass { max_ratio: tolerance, hyphenate: true, final_hyphen, emergency_stretch: 0.0, last_resort: false });
        if !final_hyphen {
            passes.push(Pass { max_ratio: tolerance * FINAL_HYPHEN_LOOSENESS, hyphenate: true, final_hyphen, emergency_stretch: 0.0, last_resort: false });
            passes.push(Pass { max_ratio: tolerance, hyphenate: true, final_hyphen: true, emergency_stretch: 0.0, last_resort: false });
        }
        for step in LOOSER_TOLERANCES {
            passes.push(Pass { max_ratio: tolerance * step, hyphenate: true, final_hyphen: true, emergency_stretch: 0.0, last_resort: false });
        }
        if emergency_stretch > 0.0 {
            passes.push(Pass { max_ratio: tolerance, hyphenate: true, final_hyphen: true, emergency_stretch, last_resort: false });
        }
        passes.push(Pass { max_ratio: f64::INFINITY, hyphenate: true, final_hyphen: true, emergency_stretch, last_resort: true });

        // With looseness, a pass that succeeds without reaching the requested
        // line count hands over to the next one (TeX does the same), but the
        // last resort is not worth a worse paragraph.
        let mut best_effort = None;
        for pass in &passes {
            if pass.last_resort && best_effort.is_some() {
                break;
            }
            if let Some((lines, looseness_met)) = paragraph.run(pass) {
                if looseness_met {
                    return lines;
                }
                best_effort = Some(lines);
            }
        }
        if let Some(lines) = best_effort {
            return lines;
        }
        // The last-resort pass cannot fail; this is only a guard against a bug
        // turning into a panic or an empty result: one line holding everything.
        vec![Line { start: 0, end: paragraph.final_position, ratio: 0.0, hyphenated: false }]
    }
}

/// A setting of a paragraph in another number of lines than its best one.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    pub lines: Vec<Line>,
    /// How many demerits more than the best setting it costs (never negative).
    pub extra_demerits: f64,
}

/// The paragraph set one line longer and one line shorter than in
/// `natural_lines` lines, each the best such setting within the tolerance
/// (`None` where there is none), as TeX's `\looseness` ±1 would find them.
/// A page breaker that may choose among them fills a page a line deeper or
/// takes a line more onto it without a widow or an orphan, where the text
/// itself gives no such break.
///
/// One sweep keeps line counts apart to the end, so both come from the same search as the best setting they are
/// weighed against; the extra demerits compare them with the best this sweep
/// finds in `natural_lines` lines. A paragraph set only by a looser pass, or
/// whose best setting here has another count, has no alternatives: it is
/// already hard to set well.
/// `tolerance` is the largest adjustment ratio their lines may have.
/// (The typesetter has them with its best lines, [`break_lines_and_alternatives`].)
#[cfg(test)]
pub fn alternatives(items: &[Item], line_width: &dyn Fn(usize) -> f32, params: &Params, natural_lines: usize, tolerance: f32) -> [Option<Alternative>; 2] {
    if items.is_empty() {
        return [None, None];
    }
    Paragraph::new(items, line_width, params).alternatives(natural_lines, tolerance)
}

impl Paragraph<'_> {
    /// The settings a line longer and a line shorter than one in
    /// `natural_lines` lines (see `alternatives`). Line numbers are kept apart from here on.
    fn alternatives(&mut self, natural_lines: usize, tolerance: f32) -> [Option<Alternative>; 2] {
        if natural_lines == 0 {
            return [None, None];
        }
        self.merge_lines = false;
        let paragraph = &*self;
        let pass = Pass { max_ratio: finite_or(tolerance, 0.0).max(0.0), hyphenate: true, final_hyphen: true, emergency_stretch: 0.0, last_resort: false };
        let Some((nodes, active)) = paragraph.sweep(&pass) else { return [None, None] };
        let best_with = |count: usize| {
            active
                .iter()
                .copied()
                .filter(|&index| nodes[index].position == paragraph.final_position && nodes[index].line == count)
                .min_by(|&a, &b| nodes[a].total_demerits.total_cmp(&nodes[b].total_demerits))
        };
        let Some(natural) = best_with(natural_lines) else { return [None, None] };
        let alternative = |count: usize| {
            let index = best_with(count)?;
            let extra_demerits = (nodes[index].total_demerits - nodes[natural].total_demerits).max(0.0);
            Some(Alternative { lines: paragraph.lines_ending_at(&nodes, index), extra_demerits })
        };
        [alternative(natural_lines + 1), natural_lines.checked_sub(1).filter(|&n| n > 0).and_then(alternative)]
    }
}

// ---------------------------------------------------------------------------
// Implementation.
// ---------------------------------------------------------------------------

/// TeX's fitness classes, ordered so that "more than one apart" is a
/// difference of more than 1.
const VERY_LOOSE: u8 = 0;
const LOOSE: u8 = 1;
const DECENT: u8 = 2;
const TIGHT: u8 = 3;

/// Marks "no predecessor" in the node arena.
const NO_NODE: usize = usize::MAX;

/// Running sums of item metrics; `prefix[i]` covers `items[..i]`. Kept in f64
/// so that subtracting two sums over a megabyte of text stays exact enough.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    width: f64,
    stretch: f64,
    shrink: f64,
    /// Number of glues with infinite stretch (shrink): they cannot be summed.
    fil_stretch: u32,
    fil_shrink: u32,
}

struct Breakpoint {
    position: usize,
    cost: f64,
    /// Width typeset only when breaking here (the hyphen).
    width: f64,
    flagged: bool,
    forced: bool,
    /// The paragraph's last break, for final-hyphen demerits.
    is_final: bool,
    /// First item of the line that follows this break.
    next_line_start: usize,
}

struct Pass {
    max_ratio: f64,
    hyphenate: bool,
    /// A hyphen may end the paragraph's second-last line.
    final_hyphen: bool,
    emergency_stretch: f64,
    last_resort: bool,
}

/// A breakpoint reached by the best path for its (line, fitness) state.
struct Node {
    position: usize,
    next_line_start: usize,
    /// Number of the line that starts here, capped at `easy_line` when line
    /// numbers are merged.
    line: usize,
    fitness: u8,
    hyphenated: bool,
    total_demerits: f64,
    previous: usize,
    /// Adjustment ratio of the line that ends here.
    ratio: f32,
}

/// A feasible line ending at the current breakpoint.
#[derive(Clone, Copy)]
struct Candidate {
    line: usize,
    fitness: u8,
    total_demerits: f64,
    previous: usize,
    ratio: f32,
}

/// How a line between two breakpoints fits its measure.
enum Fit {
    /// Fits within the pass's limits (possibly very underfull in the last
    /// resort).
    Feasible { badness: f64, ratio: f32, stretching: bool },
    /// Too loose for this pass; material may still be added later.
    TooLoose,
    /// Wider than the measure with all shrink used; `excess` is how much.
    Overfull { excess: f64, ratio: f32 },
}

struct Paragraph<'a> {
    params: &'a Params,
    prefix: Vec<Totals>,
    breakpoints: Vec<Breakpoint>,
    /// Measures of lines `0..=easy_line`; every later line has the last one.
    widths: Vec<f64>,
    easy_line: usize,
    merge_lines: bool,
    final_position: usize,
}

impl<'a> Paragraph<'a> {
    fn new(items: &[Item], line_width: &dyn Fn(usize) -> f32, params: &'a Params) -> Self {
        let count = items.len();

        let mut prefix = Vec::with_capacity(count + 1);
        let mut running = Totals::default();
        prefix.push(running);
        let expansion = finite_or(params.expansion, 0.0).max(0.0);
        for item in items {
            match *item {
                Item::Box { width } => {
                    let width = finite_or(width, 0.0);
                    running.width += width;
                    running.stretch += width.max(0.0) * expansion;
                    running.shrink += width.max(0.0) * expansion;
                }
                Item::Glue { width, stretch, shrink } => {
                    running.width += finite_or(width, 0.0);
                    if stretch == f32::INFINITY {
                        running.fil_stretch += 1;
                    } else {
                        running.stretch += finite_or(stretch, 0.0);
                    }
                    if shrink == f32::INFINITY {
                        running.fil_shrink += 1;
                    } else {
                        running.shrink += finite_or(shrink, 0.0);
                    }
                }
                Item::Penalty { .. } => {}
            }
            prefix.push(running);
        }

        // `content_from[i]`: first index >= i holding a box or a forced break
        // (or `count`): where a line starting after a break really begins.
        let mut content_from = vec![count; count + 1];
        for index in (0..count).rev() {
            content_from[index] = match items[index] {
                Item::Box { .. } => index,
                Item::Penalty { cost, .. } if is_forced(cost) => index,
                _ => content_from[index + 1],
            };
        }

        let mut breakpoints = Vec::new();
        for (position, item) in items.iter().enumerate() {
            let (cost, width, flagged) = match *item {
                Item::Glue { .. } => match position.checked_sub(1).map(|before| &items[before]) {
                    Some(Item::Box { .. }) => (0.0, 0.0, false),
                    _ => continue,
                },
                Item::Penalty { width, cost, flagged } => {
                    if cost.is_nan() || cost >= INFINITE_PENALTY {
                        continue;
                    }
                    (cost as f64, finite_or(width, 0.0), flagged)
                }
                Item::Box { .. } => continue,
            };
            let forced = is_forced(cost as f32);
            breakpoints.push(Breakpoint {
                position,
                cost: if forced { 0.0 } else { cost },
                width,
                flagged,
                forced,
                is_final: false,
                next_line_start: content_from[position + 1],
            });
        }

        // The paragraph ends at its last forced break, unless boxes follow it
        // (or there is none): then a virtual forced break ends the list.
        let last_forced = breakpoints.iter().rposition(|breakpoint| breakpoint.forced);
        let content_after_last_forced = match last_forced {
            Some(index) => content_from[breakpoints[index].position + 1] < count,
            None => true,
        };
        if content_after_last_forced {
            breakpoints.push(Breakpoint {
                position: count,
                cost: 0.0,
                width: 0.0,
                flagged: false,
                forced: true,
                is_final: true,
                next_line_start: count,
            });
        } else if let Some(index) = last_forced {
            breakpoints.truncate(index + 1);
            breakpoints[index].is_final = true;
        }
        let final_position = breakpoints.last().map_or(count, |breakpoint| breakpoint.position);

        // A paragraph has at most one line per breakpoint, so probing that many
        // measures tells where they become constant (TeX's "easy line"), after
        // which line numbers no longer matter to the search.
        let mut widths: Vec<f64> = (0..=breakpoints.len())
            .map(|line| finite_or(line_width(line), 0.0).max(0.0))
            .collect();
        let last_width = *widths.last().unwrap_or(&0.0);
        let easy_line = widths.iter().rposition(|&width| width != last_width).map_or(0, |index| index + 1);
        widths.truncate(easy_line + 1);

        Paragraph {
            params,
            prefix,
            breakpoints,
            widths,
            easy_line,
            merge_lines: params.looseness == 0,
            final_position,
        }
    }

    fn measure(&self, line: usize) -> f64 {
        self.widths[line.min(self.easy_line)]
    }

    /// One sweep over the breakpoints; `None` if this pass finds no solution,
    /// else the lines and whether they have the line count `looseness` asks.
    fn run(&self, pass: &Pass) -> Option<(Vec<Line>, bool)> {
        let (nodes, active) = self.sweep(pass)?;
        let (last, looseness_met) = self.choose_final(&nodes, &active)?;
        Some((self.lines_ending_at(&nodes, last), looseness_met))
    }

    /// The search itself: the nodes it made, and those active at the end
    /// (all at the paragraph's final break). `None` if this pass finds no solution.
    fn sweep(&self, pass: &Pass) -> Option<(Vec<Node>, Vec<usize>)> {
        let params = self.params;
        let line_penalty = finite_or(params.line_penalty, DEFAULT_LINE_PENALTY as f64);
        let double_hyphen = finite_or(params.double_hyphen_demerits, 0.0);
        let final_hyphen = finite_or(params.final_hyphen_demerits, 0.0);
        let fitness_demerits = finite_or(params.fitness_demerits, 0.0).max(0.0);

        let mut nodes = vec![Node {
            position: 0,
            next_line_start: 0,
            line: 0,
            fitness: DECENT,
            hyphenated: false,
            total_demerits: 0.0,
            previous: NO_NODE,
            ratio: 0.0,
        }];
        let mut active: Vec<usize> = vec![0];
        let mut candidates: Vec<Candidate> = Vec::new();

        for breakpoint in &self.breakpoints {
            if breakpoint.flagged && !pass.hyphenate {
                continue;
            }
            candidates.clear();
            // The node to break from if nothing else can reach this point:
            // the one whose line overflows least.
            let mut rescue: Option<(f64, f64, usize, f32)> = None;
            let mut kept = 0;
            for slot in 0..active.len() {
                let node_index = active[slot];
                let node = &nodes[node_index];
                if node.next_line_start > breakpoint.position {
                    // Still inside the discardable run after that node's break:
                    // a line ending here would be empty.
                    active[kept] = node_index;
                    kept += 1;
                    continue;
                }
                let fit = self.fit(node, breakpoint, pass);
                let mut deactivate = breakpoint.forced;
                match fit {
                    Fit::Feasible { .. } if node.hyphenated && breakpoint.is_final && !pass.final_hyphen => {}
                    Fit::Feasible { badness, ratio, stretching } => {
                        let fitness = fitness_class(badness, stretching);
                        let mut demerits = line_demerits(line_penalty, badness, breakpoint.cost);
                        if node.hyphenated && breakpoint.is_final {
                            demerits += final_hyphen;
                        } else if node.hyphenated && breakpoint.flagged {
                            demerits += double_hyphen;
                        }
                        if fitness.abs_diff(node.fitness) > 1 {
                            demerits += fitness_demerits;
                        }
                        candidates.push(Candidate {
                            line: self.next_line(node.line),
                            fitness,
                            total_demerits: node.total_demerits + demerits,
                            previous: node_index,
                            ratio,
                        });
                    }
                    Fit::TooLoose => {}
                    Fit::Overfull { excess, ratio } => {
                        deactivate = true;
                        let better = match rescue {
                            None => true,
                            Some((best_excess, best_demerits, _, _)) => {
                                excess < best_excess - WIDTH_EPSILON
                                    || (excess <= best_excess + WIDTH_EPSILON && node.total_demerits < best_demerits)
                            }
                        };
                        if better {
                            rescue = Some((excess, node.total_demerits, node_index, ratio));
                        }
                    }
                }
                if !deactivate {
                    active[kept] = node_index;
                    kept += 1;
                }
            }
            active.truncate(kept);

            if candidates.is_empty() && active.is_empty() {
                // Nothing can continue the paragraph.
                if !pass.last_resort {
                    return None;
                }
                let (_, _, previous, ratio) = rescue?;
                candidates.push(Candidate {
                    line: self.next_line(nodes[previous].line),
                    fitness: TIGHT,
                    total_demerits: nodes[previous].total_demerits,
                    previous,
                    ratio,
                });
            }
            self.add_best_candidates(&candidates, breakpoint, fitness_demerits, &mut nodes, &mut active);
        }

        Some((nodes, active))
    }

    fn next_line(&self, line: usize) -> usize {
        if self.merge_lines {
            (line + 1).min(self.easy_line)
        } else {
            line + 1
        }
    }

    /// Measures the line from `node`'s break to `breakpoint`.
    fn fit(&self, node: &Node, breakpoint: &Breakpoint, pass: &Pass) -> Fit {
        let from = &self.prefix[node.next_line_start];
        let to = &self.prefix[breakpoint.position];
        let natural = to.width - from.width + breakpoint.width;
        let shortfall = self.measure(node.line) - natural;
        // The hyphen expands with the letters; a margin kern does not.
        let break_elasticity = breakpoint.width.max(0.0) * finite_or(self.params.expansion, 0.0).max(0.0);

        if shortfall > WIDTH_EPSILON {
            if to.fil_stretch > from.fil_stretch {
                return Fit::Feasible { badness: 0.0, ratio: 0.0, stretching: true };
            }
            let stretch = (to.stretch - from.stretch).max(0.0) + break_elasticity;
            let effective_stretch = stretch + pass.emergency_stretch;
            let effective_ratio = if effective_stretch > 0.0 { shortfall / effective_stretch } else { f64::INFINITY };
            if effective_ratio > pass.max_ratio {
                return Fit::TooLoose;
            }
            let ratio = if stretch > 0.0 { (shortfall / stretch) as f32 } else { f32::INFINITY };
            Fit::Feasible { badness: badness(effective_ratio), ratio, stretching: true }
        } else if shortfall < -WIDTH_EPSILON {
            if to.fil_shrink > from.fil_shrink {
                return Fit::Feasible { badness: 0.0, ratio: 0.0, stretching: false };
            }
            let shrink = (to.shrink - from.shrink).max(0.0) + break_elasticity;
            let overflow = -shortfall;
            if overflow > shrink + WIDTH_EPSILON {
                let ratio = if shrink > 0.0 { (shortfall / shrink) as f32 } else { f32::NEG_INFINITY };
                return Fit::Overfull { excess: overflow - shrink, ratio };
            }
            let ratio = (shortfall / shrink).max(-1.0);
            Fit::Feasible { badness: badness(ratio), ratio: ratio as f32, stretching: false }
        } else {
            Fit::Feasible { badness: 0.0, ratio: 0.0, stretching: true }
        }
    }

    /// Creates nodes for the best candidate of each (line, fitness) state. A
    /// candidate worse than its line's best by more than `fitness_demerits`
    /// can never win later (only the fitness term depends on the class), so it
    /// is dropped, as in TeX.
    fn add_best_candidates(
        &self,
        candidates: &[Candidate],
        breakpoint: &Breakpoint,
        fitness_demerits: f64,
        nodes: &mut Vec<Node>,
        active: &mut Vec<usize>,
    ) {
        // (line, best total for the line, best candidate per fitness class)
        let mut best: Vec<(usize, f64, [Option<Candidate>; 4])> = Vec::new();
        for candidate in candidates {
            let entry = match best.iter().position(|entry| entry.0 == candidate.line) {
                Some(index) => &mut best[index],
                None => {
                    best.push((candidate.line, f64::INFINITY, [None; 4]));
                    best.last_mut().expect("just pushed")
                }
            };
            entry.1 = entry.1.min(candidate.total_demerits);
            let slot = &mut entry.2[candidate.fitness as usize];
            if slot.is_none_or(|current| candidate.total_demerits < current.total_demerits) {
                *slot = Some(*candidate);
            }
        }
        for (_, line_best, per_fitness) in best {
            for candidate in per_fitness.into_iter().flatten() {
                if candidate.total_demerits > line_best + fitness_demerits {
                    continue;
                }
                active.push(nodes.len());
                nodes.push(Node {
                    position: breakpoint.position,
                    next_line_start: breakpoint.next_line_start,
                    line: candidate.line,
                    fitness: candidate.fitness,
                    hyphenated: breakpoint.flagged,
                    total_demerits: candidate.total_demerits,
                    previous: candidate.previous,
                    ratio: candidate.ratio,
                });
            }
        }
    }

    /// The final breakpoint is forced, so the active list now holds only nodes
    /// at the paragraph's end. Picks the cheapest, honouring looseness: the
    /// line count nearest to the optimum's plus `looseness`.
    fn choose_final(&self, nodes: &[Node], active: &[usize]) -> Option<(usize, bool)> {
        let at_end: Vec<usize> =
            active.iter().copied().filter(|&index| nodes[index].position == self.final_position).collect();
        let cheapest = |a: &usize, b: &usize| nodes[*a].total_demerits.total_cmp(&nodes[*b].total_demerits);
        let best = *at_end.iter().min_by(|a, b| cheapest(a, b))?;
        if self.params.looseness == 0 {
            return Some((best, true));
        }
        let target = nodes[best].line as i64 + self.params.looseness as i64;
        let distance = |index: usize| (nodes[index].line as i64 - target).abs();
        let chosen = at_end
            .iter()
            .copied()
            .min_by(|a, b| distance(*a).cmp(&distance(*b)).then_with(|| cheapest(a, b)))?;
        Some((chosen, distance(chosen) == 0))
    }

    fn lines_ending_at(&self, nodes: &[Node], last: usize) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut index = last;
        while nodes[index].previous != NO_NODE {
            let node = &nodes[index];
            let previous = &nodes[node.previous];
            lines.push(Line {
                start: previous.next_line_start,
                end: node.position,
                ratio: node.ratio,
                hyphenated: node.hyphenated,
            });
            index = node.previous;
        }
        lines.reverse();
        lines
    }
}

fn is_forced(cost: f32) -> bool {
    cost <= FORCED_PENALTY
}

fn finite_or(value: f32, fallback: f64) -> f64 {
    if value.is_finite() {
        value as f64
    } else {
        fallback
    }
}

/// TeX's badness: 100·|ratio|³, capped at [`INFINITELY_BAD`].
fn badness(ratio: f64) -> f64 {
    let magnitude = ratio.abs();
    if magnitude >= 10.0 {
        return INFINITELY_BAD;
    }
    (100.0 * magnitude * magnitude * magnitude).min(INFINITELY_BAD)
}

fn fitness_class(badness: f64, stretching: bool) -> u8 {
    if stretching {
        if badness > LOOSE_BADNESS_LIMIT {
            VERY_LOOSE
        } else if badness > DECENT_BADNESS_LIMIT {
            LOOSE
        } else {
            DECENT
        }
    } else if badness > DECENT_BADNESS_LIMIT {
        TIGHT
    } else {
        DECENT
    }
}

/// Demerits of one line: `(line_penalty + badness)²`, plus the penalty's
/// square for a positive penalty, minus it for a negative (encouraged) one.
/// Forced breaks contribute nothing: every solution takes them.
fn line_demerits(line_penalty: f64, badness: f64, cost: f64) -> f64 {
    let base = line_penalty + badness;
    let mut demerits = base * base;
    if cost > 0.0 {
        demerits += cost * cost;
    } else if cost < 0.0 {
        demerits -= cost * cost;
    }
    demerits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Interword glue of the test paragraphs: TeX-like proportions.
    const SPACE: Item = Item::Glue { width: 1.0, stretch: 1.0, shrink: 0.5 };
    const HYPHEN_WIDTH: f32 = 1.0;

    /// A paragraph of words; each word is a list of fragment widths with a
    /// hyphenation point between fragments. Ends with the standard finish.
    fn paragraph(words: &[&[f32]]) -> Vec<Item> {
        let mut items = Vec::new();
        for (index, fragments) in words.iter().enumerate() {
            if index > 0 {
                items.push(SPACE);
            }
            for (fragment_index, &width) in fragments.iter().enumerate() {
                if fragment_index > 0 {
                    items.push(Item::hyphen(HYPHEN_WIDTH));
                }
                items.push(Item::Box { width });
            }
        }
        items.extend(Item::paragraph_end());
        items
    }

    fn plain_words(widths: &[f32]) -> Vec<Item> {
        let words: Vec<&[f32]> = widths.iter().map(std::slice::from_ref).collect();
        paragraph(&words)
    }

    fn ends(lines: &[Line]) -> Vec<usize> {
        lines.iter().map(|line| line.end).collect()
    }

    fn without_pretolerance() -> Params {
        Params { pretolerance: None, ..Params::default() }
    }

    /// First fit: each line takes as many words as fit with full shrink.
    fn greedy_ends(items: &[Item], width: f32) -> Vec<usize> {
        let mut result = Vec::new();
        let mut start = 0;
        let mut last_fitting: Option<usize> = None;
        let mut position = 0;
        while position < items.len() {
            let legal = match items[position] {
                Item::Glue { .. } => position > 0 && matches!(items[position - 1], Item::Box { .. }),
                Item::Penalty { cost, .. } => cost < INFINITE_PENALTY,
                Item::Box { .. } => false,
            };
            if legal {
                let (natural, shrink) = natural_and_shrink(&items[start..position]);
                if natural - shrink <= width || last_fitting.is_none() {
                    last_fitting = Some(position);
                    if matches!(items[position], Item::Penalty { cost, .. } if cost <= FORCED_PENALTY) {
                        result.push(position);
                        break;
                    }
                } else {
                    let end = last_fitting.take().expect("checked");
                    result.push(end);
                    start = end + 1;
                    while matches!(items[start], Item::Glue { .. }) {
                        start += 1;
                    }
                    position = start;
                    continue;
                }
            }
            position += 1;
        }
        result
    }

    fn natural_and_shrink(items: &[Item]) -> (f32, f32) {
        let mut natural = 0.0;
        let mut shrink = 0.0;
        for item in items {
            match *item {
                Item::Box { width } => natural += width,
                Item::Glue { width, shrink: glue_shrink, .. } => {
                    natural += width;
                    shrink += glue_shrink;
                }
                Item::Penalty { .. } => {}
            }
        }
        (natural, shrink)
    }

    /// Width of a line with its finite glue set by the line's ratio.
    fn set_width(items: &[Item], line: &Line) -> f32 {
        let mut width = match items.get(line.end) {
            Some(Item::Penalty { width, .. }) => *width,
            _ => 0.0,
        };
        for item in &items[line.start..line.end] {
            match *item {
                Item::Box { width: box_width } => width += box_width,
                Item::Glue { width: glue_width, stretch, shrink } if stretch.is_finite() => {
                    width += line.glue_width(glue_width, stretch, shrink)
                }
                _ => {}
            }
        }
        width
    }

    /// Checks the structural invariants every result must have.
    fn assert_well_formed(items: &[Item], lines: &[Line]) {
        assert!(!lines.is_empty());
        assert_eq!(lines[0].start, 0);
        for pair in lines.windows(2) {
            assert!(pair[0].end < pair[1].end, "breaks must increase: {lines:?}");
            assert!(pair[1].start > pair[0].end, "next line starts after the break");
            assert!(
                items[pair[0].end + 1..pair[1].start].iter().all(|item| !matches!(item, Item::Box { .. })),
                "only discardable items may be skipped"
            );
        }
        let last_box = items.iter().rposition(|item| matches!(item, Item::Box { .. }));
        if let Some(last_box) = last_box {
            assert!(lines.last().expect("non-empty").end > last_box, "every box is set");
        }
    }

    #[test]
    fn total_fit_spreads_the_looseness_that_first_fit_leaves() {
        // Measure 11. First fit packs "2 3 3 1" (shrunk, ratio −0.67) and
        // then has to stretch "5 3" to ratio 2. Total fit moves the "1" down:
        // "2 3 3" (ratio 0.5) and "1 5 3" (exactly full).
        let items = plain_words(&[2.0, 3.0, 3.0, 1.0, 5.0, 3.0, 4.0, 2.0, 1.0]);
        let lines = break_lines(&items, &|_| 11.0, &Params::default());
        assert_well_formed(&items, &lines);
        assert_eq!(ends(&lines), vec![5, 11, 18]);
        assert_eq!(lines.iter().map(|line| line.ratio).collect::<Vec<_>>(), vec![0.5, 0.0, 0.0]);
        assert_eq!(lines[1].start, 6);
        assert_eq!(greedy_ends(&items, 11.0), vec![7, 11, 18]);
    }

    #[test]
    fn forced_break_ends_a_line_early() {
        // "3 3 \\ 3 3": a manual line break (fil glue + forced penalty, as
        // for the paragraph end) although everything would fit on one line.
        let mut items = plain_words(&[3.0, 3.0]);
        items.push(SPACE);
        items.extend(plain_words(&[3.0, 3.0]));
        let lines = break_lines(&items, &|_| 20.0, &Params::default());
        assert_well_formed(&items, &lines);
        assert_eq!(ends(&lines), vec![4, 10]);
        assert_eq!(lines[1].start, 6, "the space after the break is discarded");
        assert_eq!(lines[0].ratio, 0.0, "the fil glue takes the slack");

        // Without the fil glue the short line must be stretched: it is still
        // broken there (from a fallback pass) and reports how loose it is.
        items.remove(3);
        let lines = break_lines(&items, &|_| 20.0, &Params::default());
        assert_eq!(ends(&lines), vec![3, 9]);
        assert_eq!(lines[0].ratio, 13.0);
    }

    #[test]
    fn discarded_items_after_a_break_are_skipped() {
        // Break at glue followed by a penalty and more glue: the next line
        // starts at the next box.
        let items = vec![
            Item::Box { width: 5.0 },
            SPACE,
            Item::Penalty { width: 0.0, cost: 0.0, flagged: false },
            SPACE,
            Item::Box { width: 5.0 },
            Item::paragraph_end()[0],
            Item::paragraph_end()[1],
        ];
        let lines = break_lines(&items, &|_| 5.0, &Params::default());
        assert_well_formed(&items, &lines);
        assert_eq!(ends(&lines), vec![1, 6]);
        assert_eq!(lines[1].start, 4);
    }

    #[test]
    fn hyphenates_only_where_it_helps() {
        // "4 4-4" at measure 10: without the hyphen the first line is either
        // "4" (nothing to stretch) or "4 8" (overfull); "4 4-" fits exactly.
        let needs_hyphen = paragraph(&[&[4.0], &[4.0, 4.0]]);
        let lines = break_lines(&needs_hyphen, &|_| 10.0, &Params::default());
        assert_eq!(ends(&lines), vec![3, 6]);
        assert!(lines[0].hyphenated && lines[0].ratio == 0.0);

        // "3 2-3" fits on one line: the hyphen is never taken.
        let fits = paragraph(&[&[3.0], &[2.0, 3.0]]);
        let lines = break_lines(&fits, &|_| 10.0, &without_pretolerance());
        assert_eq!(lines.len(), 1);
        assert!(!lines[0].hyphenated);
    }

    #[test]
    fn pretolerance_pass_prefers_no_hyphens() {
        // Without hyphens the first line has ratio 1 (within pretolerance);
        // with them a slightly tighter line would cost fewer demerits.
        let items = paragraph(&[&[1.0], &[2.0], &[1.0], &[5.0], &[2.0, 3.0], &[2.0, 2.0]]);
        let default = break_lines(&items, &|_| 15.0, &Params::default());
        assert_eq!(ends(&default), vec![7, 16]);
        assert!(default.iter().all(|line| !line.hyphenated));
        let minimal_demerits = break_lines(&items, &|_| 15.0, &without_pretolerance());
        assert_eq!(ends(&minimal_demerits), vec![9, 16]);
        assert!(minimal_demerits[0].hyphenated);
    }

    #[test]
    fn avoids_consecutive_hyphens_when_an_alternative_exists() {
        let items = paragraph(&[&[3.0, 3.0], &[4.0], &[3.0, 3.0], &[6.0], &[2.0], &[2.0, 2.0]]);
        let ladder_allowed = Params { double_hyphen_demerits: 0.0, ..without_pretolerance() };
        let lines = break_lines(&items, &|_| 17.0, &ladder_allowed);
        assert_eq!(ends(&lines), vec![7, 15, 18]);
        assert!(lines[0].hyphenated && lines[1].hyphenated, "the test needs a ladder to be optimal otherwise");

        let lines = break_lines(&items, &|_| 17.0, &without_pretolerance());
        assert_eq!(ends(&lines), vec![9, 18]);
        assert!(lines.windows(2).all(|pair| !(pair[0].hyphenated && pair[1].hyphenated)));
    }

    #[test]
    fn avoids_a_very_loose_line_next_to_a_decent_one() {
        // "6 6" must be very loose (ratio 2). Next to it, a decent "3 1 5 1 1"
        // would be two fitness classes away; a loose "3 1 5 1" is chosen.
        let items = plain_words(&[6.0, 6.0, 3.0, 1.0, 5.0, 1.0, 1.0, 4.0, 5.0]);
        let no_fitness = Params { fitness_demerits: 0.0, ..Params::default() };
        let lines = break_lines(&items, &|_| 15.0, &no_fitness);
        assert_eq!(ends(&lines), vec![3, 13, 18]);
        assert_eq!(lines[1].ratio, 0.0);

        let lines = break_lines(&items, &|_| 15.0, &Params::default());
        assert_eq!(ends(&lines), vec![3, 11, 18]);
        assert_eq!(lines[0].ratio, 2.0);
        assert!(lines[1].ratio > 0.5 && lines[1].ratio <= 1.0);
    }

    #[test]
    fn box_wider_than_the_measure_gives_one_overfull_line() {
        let items = plain_words(&[3.0, 3.0, 30.0, 3.0, 3.0]);
        let lines = break_lines(&items, &|_| 10.0, &Params::default());
        assert_well_formed(&items, &lines);
        let overfull: Vec<&Line> = lines.iter().filter(|line| line.is_overfull()).collect();
        assert_eq!(overfull.len(), 1, "{lines:?}");
        assert_eq!((overfull[0].start, overfull[0].end), (4, 5), "the wide box is alone on its line");
        assert!(overfull[0].ratio < -1.0);
        assert_eq!(overfull[0].glue_width(1.0, 1.0, 0.5), 0.5, "glue is shrunk no further than allowed");
    }

    #[test]
    fn narrower_first_line() {
        // Twelve words of 3 at measure 15: four per line. A first line of 7
        // takes two, and the rest move up.
        let items = plain_words(&[3.0; 12]);
        let uniform = break_lines(&items, &|_| 15.0, &Params::default());
        assert_eq!(ends(&uniform), vec![7, 15, 24]);
        let narrow_first = |line: usize| if line == 0 { 7.0 } else { 15.0 };
        let lines = break_lines(&items, &narrow_first, &Params::default());
        assert_well_formed(&items, &lines);
        assert_eq!(ends(&lines), vec![3, 11, 19, 24]);
        for (number, line) in lines.iter().enumerate().take(lines.len() - 1) {
            assert!((set_width(&items, line) - narrow_first(number)).abs() < 1e-3, "{line:?}");
        }
    }

    #[test]
    fn empty_and_degenerate_input() {
        assert!(break_lines(&[], &|_| 10.0, &Params::default()).is_empty());
        // Only the paragraph finish: one empty line, like an empty paragraph.
        let lines = break_lines(&Item::paragraph_end(), &|_| 10.0, &Params::default());
        assert_eq!(lines, vec![Line { start: 0, end: 1, ratio: 0.0, hyphenated: false }]);
        // No finishing items: the list end acts as the final break.
        let lines = break_lines(&[Item::Box { width: 3.0 }, SPACE, Item::Box { width: 3.0 }], &|_| 10.0, &Params::default());
        assert_eq!(ends(&lines), vec![3]);
        // Garbage metrics and a zero measure neither panic nor lose content.
        let garbage = vec![
            Item::Box { width: f32::NAN },
            Item::Glue { width: f32::INFINITY, stretch: f32::NAN, shrink: -1.0 },
            Item::Box { width: -5.0 },
            Item::Penalty { width: f32::NAN, cost: f32::NAN, flagged: true },
            Item::Box { width: 1e30 },
        ];
        for width in [0.0, -1.0, f32::NAN, 10.0] {
            let lines = break_lines(&garbage, &|_| width, &Params::default());
            assert_well_formed(&garbage, &lines);
        }
    }

    #[test]
    fn looseness_asks_for_one_more_line() {
        let items = plain_words(&[3.0; 12]);
        let params = Params { looseness: 1, tolerance: 3.0, ..Params::default() };
        let normal = break_lines(&items, &|_| 15.0, &Params::default());
        let looser = break_lines(&items, &|_| 15.0, &params);
        assert_eq!(looser.len(), normal.len() + 1);
        assert_well_formed(&items, &looser);
    }

    #[test]
    fn alternatives_are_a_line_longer_and_shorter_within_the_tolerance() {
        let items = long_paragraph(60);
        let params = Params { expansion: 0.0, ..Params::default() };
        // Whether a paragraph has either depends on how full its last line is:
        // across measures, some give each.
        let (mut longer_seen, mut shorter_seen) = (0, 0);
        for measure in (100..200).step_by(5) {
            let width = |_: usize| measure as f32;
            let natural = break_lines(&items, &width, &params);
            let [longer, shorter] = alternatives(&items, &width, &params, natural.len(), params.tolerance);
            for (other, lines) in [(&longer, natural.len() + 1), (&shorter, natural.len() - 1)] {
                let Some(other) = other else { continue };
                assert_eq!(other.lines.len(), lines);
                assert_well_formed(&items, &other.lines);
                assert!(other.extra_demerits >= 0.0, "the natural setting is the best: {other:?}");
                // The last line is ragged; every other keeps within the tolerance.
                let (last, others) = other.lines.split_last().unwrap();
                assert!(others.iter().all(|line| line.ratio <= params.tolerance && line.ratio >= -1.0), "{other:?}");
                assert_eq!(last.end, items.len() - 1);
            }
            longer_seen += longer.is_some() as usize;
            shorter_seen += shorter.is_some() as usize;
            // With no room to loosen or tighten, there is neither.
            assert_eq!(alternatives(&items, &width, &params, natural.len(), 0.0)[0], None);
        }
        assert!(longer_seen >= 3 && shorter_seen >= 1, "{longer_seen} longer, {shorter_seen} shorter");
        // A one-line paragraph has no shorter setting.
        let short = plain_words(&[3.0, 3.0]);
        let [_, shorter] = alternatives(&short, &|_| 50.0, &params, 1, params.tolerance);
        assert!(shorter.is_none());
    }

    #[test]
    fn emergency_stretch_avoids_the_last_resort() {
        // "4 4" at measure 13 needs ratio 4 — beyond tolerance 2. With 3pt of
        // emergency stretch the effective ratio is 1, so the paragraph is set
        // in the emergency pass, with its real ratio reported.
        let items = plain_words(&[4.0, 4.0, 9.0]);
        let params = Params { emergency_stretch: 3.0, ..Params::default() };
        let lines = break_lines(&items, &|_| 13.0, &params);
        assert_eq!(ends(&lines), vec![3, 6]);
        assert_eq!(lines[0].ratio, 4.0);
    }

    #[test]
    fn long_paragraph_is_broken_correctly() {
        // About a megabyte of text: 100 000 words, 200 000 items, widths of
        // real words at 10pt on a 345pt measure.
        let items = long_paragraph(100_000);
        let params = Params::default();
        let lines = break_lines(&items, &|_| 345.0, &params);
        assert_well_formed(&items, &lines);
        assert_eq!(lines.last().expect("non-empty").end, items.len() - 1);
        assert!(lines.len() > 5_000, "{} lines", lines.len());
        for line in &lines[..lines.len() - 1] {
            assert!(line.ratio >= -1.0 && line.ratio <= params.tolerance, "{line:?}");
            assert!((set_width(&items, line) - 345.0).abs() < 0.01, "{line:?}");
        }
    }

    fn long_paragraph(words: usize) -> Vec<Item> {
        let mut seed: u32 = 12345;
        let mut items = Vec::with_capacity(2 * words + 1);
        for index in 0..words {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if index > 0 {
                items.push(Item::Glue { width: 3.33, stretch: 1.67, shrink: 1.11 });
            }
            items.push(Item::Box { width: 5.0 + ((seed >> 16) % 21) as f32 });
        }
        items.extend(Item::paragraph_end());
        items
    }

    // --- Exhaustive reference -------------------------------------------

    /// Demerits of a given sequence of breaks under the documented rules, or
    /// `None` if a line is infeasible at `tolerance`. Written independently of
    /// the breaker, straight from the definitions.
    fn reference_demerits(items: &[Item], ends: &[usize], width: &dyn Fn(usize) -> f32, params: &Params) -> Option<f64> {
        let mut total = 0.0;
        let mut start = 0;
        let mut previous_fitness = DECENT;
        let mut previous_hyphenated = false;
        for (number, &end) in ends.iter().enumerate() {
            let mut natural = 0.0f64;
            let mut stretch = 0.0f64;
            let mut shrink = 0.0f64;
            let mut fil = false;
            for item in &items[start..end] {
                if let Item::Box { width } = *item {
                    natural += width as f64;
                }
                if let Item::Glue { width, stretch: s, shrink: z } = *item {
                    natural += width as f64;
                    if s.is_infinite() {
                        fil = true;
                    } else {
                        stretch += s as f64;
                    }
                    shrink += z as f64;
                }
            }
            let (cost, hyphenated) = match items[end] {
                Item::Penalty { width, cost, flagged } => {
                    natural += width as f64;
                    (if cost <= FORCED_PENALTY { 0.0 } else { cost as f64 }, flagged)
                }
                _ => (0.0, false),
            };
            let shortfall = width(number) as f64 - natural;
            let ratio = if shortfall.abs() < 1e-9 || (shortfall > 0.0 && fil) {
                0.0
            } else if shortfall > 0.0 {
                shortfall / stretch
            } else {
                shortfall / shrink
            };
            if !(ratio >= -1.0 && ratio <= params.tolerance as f64) {
                return None;
            }
            let badness = (100.0 * ratio.abs().powi(3)).min(10_000.0);
            let fitness = match (ratio > 0.0, badness) {
                (true, b) if b > 99.0 => 0,
                (true, b) if b > 12.0 => 1,
                (false, b) if b > 12.0 => 3,
                _ => 2,
            };
            let mut demerits = (params.line_penalty as f64 + badness).powi(2);
            demerits += cost.signum() * cost * cost;
            let is_last = number == ends.len() - 1;
            if previous_hyphenated && is_last {
                demerits += params.final_hyphen_demerits as f64;
            } else if previous_hyphenated && hyphenated {
                demerits += params.double_hyphen_demerits as f64;
            }
            if (fitness as i32 - previous_fitness as i32).abs() > 1 {
                demerits += params.fitness_demerits as f64;
            }
            total += demerits;
            previous_fitness = fitness;
            previous_hyphenated = hyphenated;
            start = end + 1;
            while start < items.len()
                && matches!(items[start], Item::Glue { .. } | Item::Penalty { cost: FORCED_PENALTY.., .. })
                && !matches!(items[start], Item::Penalty { cost, .. } if cost <= FORCED_PENALTY)
            {
                start += 1;
            }
        }
        Some(total)
    }

    fn best_by_enumeration(items: &[Item], width: &dyn Fn(usize) -> f32, params: &Params) -> Option<f64> {
        let legal: Vec<usize> = (0..items.len())
            .filter(|&position| match items[position] {
                Item::Glue { .. } => position > 0 && matches!(items[position - 1], Item::Box { .. }),
                Item::Penalty { cost, .. } => cost < INFINITE_PENALTY,
                Item::Box { .. } => false,
            })
            .collect();
        let final_break = *legal.last()?;
        let optional = &legal[..legal.len() - 1];
        let mut best: Option<f64> = None;
        for mask in 0u32..(1 << optional.len()) {
            let mut ends: Vec<usize> =
                optional.iter().enumerate().filter(|(bit, _)| mask & (1 << bit) != 0).map(|(_, &p)| p).collect();
            ends.push(final_break);
            if let Some(demerits) = reference_demerits(items, &ends, width, params) {
                best = Some(best.map_or(demerits, |best: f64| best.min(demerits)));
            }
        }
        best
    }

    #[test]
    fn matches_exhaustive_search_on_random_paragraphs() {
        let mut seed: u32 = 99;
        let mut next = |modulus: u32| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) % modulus
        };
        let mut compared = 0;
        for _ in 0..400 {
            let word_count = 4 + next(5) as usize;
            let mut words: Vec<Vec<f32>> = Vec::new();
            let mut hyphens = 0;
            for _ in 0..word_count {
                let width = 1 + next(7);
                if width >= 4 && hyphens < 4 && next(2) == 0 {
                    hyphens += 1;
                    words.push(vec![(width / 2) as f32, (width - width / 2) as f32]);
                } else {
                    words.push(vec![width as f32]);
                }
            }
            let word_refs: Vec<&[f32]> = words.iter().map(|word| word.as_slice()).collect();
            let items = paragraph(&word_refs);
            let first_width = 8.0 + next(8) as f32;
            let other_width = 8.0 + next(8) as f32;
            let measure = move |line: usize| if line == 0 { first_width } else { other_width };
            let params = Params { pretolerance: None, ..Params::default() };
            let Some(expected) = best_by_enumeration(&items, &measure, &params) else { continue };
            compared += 1;
            let lines = break_lines(&items, &measure, &params);
            assert_well_formed(&items, &lines);
            let found = reference_demerits(&items, &ends(&lines), &measure, &params)
                .unwrap_or_else(|| panic!("infeasible result {lines:?} for {words:?}"));
            assert!((found - expected).abs() < 1e-6 * expected.max(1.0), "{found} vs optimum {expected} for {words:?}");
        }
        assert!(compared > 150, "only {compared} feasible paragraphs");
    }

    /// Width of a line set with font expansion: boxes and the hyphen scaled,
    /// glue at the glue ratio that goes with the (possibly capped) scale.
    fn expanded_width(items: &[Item], line: &Line, expansion: f32) -> f32 {
        let scale = line.expansion_scale(expansion);
        let boxes: f32 = items[line.start..line.end].iter().map(|item| if let Item::Box { width } = item { *width } else { 0.0 }).sum();
        let stretch: f32 = items[line.start..line.end].iter().map(|item| if let Item::Glue { stretch, .. } = item { *stretch } else { 0.0 }).sum();
        let shrink: f32 = items[line.start..line.end].iter().map(|item| if let Item::Glue { shrink, .. } = item { *shrink } else { 0.0 }).sum();
        let hyphen = match items.get(line.end) {
            Some(Item::Penalty { width, .. }) => *width,
            _ => 0.0,
        };
        let glue_line = Line { ratio: line.expanded_glue_ratio(expansion, boxes + hyphen, stretch, shrink), ..*line };
        let glue: f32 = items[line.start..line.end]
            .iter()
            .map(|item| match *item {
                Item::Glue { width, stretch, shrink } if stretch.is_finite() => glue_line.glue_width(width, stretch, shrink),
                _ => 0.0,
            })
            .sum();
        (boxes + hyphen) * scale + glue
    }

    #[test]
    fn expansion_lets_letters_take_part_of_the_stretch() {
        // One line of three words (boxes 30) and two spaces (stretch 2) on a
        // measure 1.6 wider than natural. Without expansion the spaces take it
        // all (ratio 0.8); with 2 % the boxes add 0.6 of stretch: ratio 0.4.
        let items = plain_words(&[10.0, 10.0, 10.0, 10.0]);
        let measure = 32.0 + 1.6;
        let plain = break_lines(&items, &|_| measure, &Params::default());
        assert_eq!(plain.len(), 2);
        assert!((plain[0].ratio - 0.8).abs() < 1e-4, "{plain:?}");
        let params = Params { expansion: 0.02, ..Params::default() };
        let expanded = break_lines(&items, &|_| measure, &params);
        assert!((expanded[0].ratio - 1.6 / 2.6).abs() < 1e-4, "{expanded:?}");
        // 1 + 0.02 × 1.6 / 2.6 = 1.0123, in steps of 0.001.
        assert!((expanded[0].expansion_scale(0.02) - 1.012).abs() < 1e-6, "{}", expanded[0].expansion_scale(0.02));
        // The last line is not justified, so its letters keep their width.
        assert_eq!(expanded[1].expansion_scale(0.02), 1.0);
    }

    #[test]
    fn expanded_lines_fill_the_measure_exactly_and_letters_stay_within_the_limit() {
        let expansion = 0.02;
        let params = Params { expansion, emergency_stretch: 3.0, ..Params::default() };
        // Words of 4 to 9 with hyphenation points, on measures from tight to
        // hopeless: every justified line must still come out at the measure.
        let words: Vec<Vec<f32>> = (0..40).map(|i| if i % 3 == 0 { vec![3.0, 4.0 + (i % 4) as f32] } else { vec![4.0 + (i % 6) as f32] }).collect();
        let word_refs: Vec<&[f32]> = words.iter().map(|word| word.as_slice()).collect();
        let items = paragraph(&word_refs);
        for measure in [18.0f32, 25.0, 31.0, 47.0] {
            let lines = break_lines(&items, &|_| measure, &params);
            for line in &lines[..lines.len() - 1] {
                let scale = line.expansion_scale(expansion);
                assert!((1.0 - expansion..=1.0 + expansion).contains(&scale), "scale {scale} for {line:?}");
                let steps = (scale - 1.0) / EXPANSION_STEP;
                assert!((steps - steps.round()).abs() < 1e-3, "scale {scale} is not a whole number of steps");
                if !line.is_overfull() && line.ratio.is_finite() {
                    let width = expanded_width(&items, line, expansion);
                    assert!((width - measure).abs() < 1e-3, "width {width} on measure {measure}: {line:?}");
                }
            }
        }
    }
}
