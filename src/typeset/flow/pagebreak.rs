//! Optimal page breaking of a flow of lines (Knuth–Plass applied vertically).
//!
//! The caller lays out a flow (a chapter, say) as a vertical list of
//! [`VItem`]s — lines already broken by the line breaker, spaces between
//! blocks, penalties, forced page breaks — and keeps its own payload in a
//! parallel array. [`break_pages`] returns which items go on which page.
//!
//! **Where a page may break.** At a [`VItem::Penalty`] below
//! [`INFINITE_PENALTY`]; at a [`VItem::Space`] that directly follows a line;
//! between two directly adjacent lines (at no cost); at a
//! [`VItem::ForcedBreak`]. Spaces and penalties at the top of a page are
//! discarded; so is a forced break there, which means forced breaks never
//! create blank pages (give a blank page a zero-height line if you want one).
//!
//! **Keeps are penalties.** Widows, orphans and headings are expressed like
//! TeX's `\widowpenalty`, `\clubpenalty` and `\nobreak`: the caller puts a
//! `Penalty { cost: INFINITE_PENALTY }` between the lines that must stay
//! together. [`push_paragraph`] and [`push_heading`] do this. A finite cost
//! discourages instead of forbidding. A forbidden break is still taken when
//! the material that must stay together is taller than the page, since the
//! alternative would be an overflowing page; [`PageRange::keep_broken`] then
//! says so.

// ---------------------------------------------------------------------------
// Cost constants. Each says why it has its value.
// ---------------------------------------------------------------------------

/// A penalty at least this large forbids a break, at most [`FORCED_PENALTY`]
/// forces one, like [`VItem::ForcedBreak`]. The scale is the line breaker's
/// (TeX's `inf_penalty`), so callers use one vocabulary for both; each
/// breaker defines its own, so that neither depends on the other, and the
/// typesetter's tests check that they agree.
pub const INFINITE_PENALTY: f32 = 10_000.0;

/// A penalty at most this small forces a break (TeX's `eject_penalty`).
pub const FORCED_PENALTY: f32 = -10_000.0;

/// Cost of breaking where a keep forbids it. Far above any sum of page
/// badnesses a real book can reach (10 000 per page at worst), so it is paid
/// only when every alternative would overflow a page.
const FORBIDDEN_BREAK_DEMERITS: f64 = 1e12;

/// Badness of a page by its unfilled fraction: `SCALE · (gap / page)²`. With
/// 10 000, a page one line short on a 40-line page costs 6.25 — less than
/// any widow or orphan penalty a caller would choose (TeX's default is 150) —
/// while a half-empty page costs 2 500, so gaps are spread, not piled up.
const UNDERFULL_BADNESS_SCALE: f64 = 10_000.0;

/// Heights closer than this count as equal: far below what a printer renders,
/// large enough to absorb rounding in long sums of f32 heights.
const HEIGHT_EPSILON: f64 = 1e-3;

/// Default for [`PageParams::spread_mismatch_demerits`]: more than the
/// badness of a page two lines short (25 on a 40-line page), so a facing page
/// is shortened to match a short page when that is possible, yet much less
/// than a widow, so balancing never reintroduces one.
pub const DEFAULT_SPREAD_MISMATCH_DEMERITS: f32 = 100.0;

// ---------------------------------------------------------------------------
// Public types.
// ---------------------------------------------------------------------------

/// One element of a flow's vertical list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VItem {
    /// A typeset line; `height` is the baseline-to-baseline advance it takes.
    Line { height: f32 },
    /// Vertical space (between paragraphs, above a heading). Discarded at the
    /// top of a page. `stretch`/`shrink` let a page be filled or squeezed.
    Space { height: f32, stretch: f32, shrink: f32 },
    /// A break opportunity with a cost: ≥ [`INFINITE_PENALTY`] forbids a break
    /// here, ≤ [`FORCED_PENALTY`] forces one, anything between is added to the
    /// cost of breaking here (negative encourages).
    Penalty { cost: f32 },
    /// A break opportunity that costs `cost` only when the page it ends is a
    /// recto, whose foot the reader turns over (after a line that ends inside
    /// a word); on a verso it is free, as a break between two lines is.
    TurnPenalty { cost: f32 },
    /// The line after it opens a section (a heading): a page that ends
    /// before it ends a section, and may be shorter than the page it faces
    /// ("short by design"). A break when it follows a line, as a space is.
    SectionStart,
    /// Start a new page (end of chapter).
    ForcedBreak,
    /// Start a new page that is a recto (a book's chapter or part opens so):
    /// when the page after the break would be a verso, a blank page comes
    /// first ([`PageRange::blank_before`]).
    RectoBreak,
    /// A free break (between two rows of a table) after which the next page
    /// begins with `height` of material repeated from before (the table's
    /// head, the caller's `repeat`): if the break is taken, that page has
    /// `height` less room. Nothing when not taken.
    BreakRepeating { repeat: usize, height: f32 },
}

/// Knobs of the page breaker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageParams {
    /// Make the two pages of a spread end at the same height: when one page
    /// of a spread comes out short, the facing page pays
    /// `spread_mismatch_demerits` unless it is as short.
    pub balance_spreads: bool,
    /// The flow's page 0 is a right-hand page (recto), so spreads are pages
    /// (1, 2), (3, 4), … If false, spreads are (0, 1), (2, 3), …
    pub first_page_is_recto: bool,
    pub spread_mismatch_demerits: f32,
}

impl Default for PageParams {
    fn default() -> Self {
        PageParams {
            balance_spreads: true,
            first_page_is_recto: true,
            spread_mismatch_demerits: DEFAULT_SPREAD_MISMATCH_DEMERITS,
        }
    }
}

/// A paragraph the breaker may set a line longer or shorter, to fill a page
/// or to take a line more onto it: its lines are `items[start..end]` (with
/// only penalties between them), and each of its other settings costs what
/// it says, in the breaker's demerits (`None` where there is none). It is
/// only ever changed on a page that holds it whole, so the breaks around it,
/// and its own keeps, stay as they are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flexible {
    pub start: usize,
    pub end: usize,
    /// The height one line more or less adds or takes.
    pub line: f32,
    pub longer: Option<f32>,
    pub shorter: Option<f32>,
}

/// A paragraph set other than as it stands: which of the [`Flexible`]s given, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alternative {
    pub flexible: usize,
    pub longer: bool,
}

/// The items of one page: `items[start..end]`. Discardable items at the top
/// are already skipped; the break item at `end` belongs to no page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRange {
    pub start: usize,
    pub end: usize,
    /// Natural height of the page's items (lines and spaces).
    pub content_height: f32,
    /// The content cannot fit the page even with all space shrunk: a line (or
    /// a block with no break opportunity) taller than the page.
    pub overfull: bool,
    /// The page ends at a forbidden break (a keep taller than the page).
    pub keep_broken: bool,
    /// A blank page comes before this one, so that it is a recto ([`VItem::RectoBreak`]).
    pub blank_before: bool,
    /// A paragraph of the page is set a line longer or shorter (its
    /// [`Flexible`]); `content_height` counts it so.
    pub alternative: Option<Alternative>,
}

/// How to protect a paragraph's first and last lines: costs of the break
/// after the first line (orphan, TeX's club) and before the last (widow).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Keeps {
    pub orphan_cost: f32,
    pub widow_cost: f32,
}

impl Default for Keeps {
    /// Both forbidden: no widows, no orphans.
    fn default() -> Self {
        Keeps { orphan_cost: INFINITE_PENALTY, widow_cost: INFINITE_PENALTY }
    }
}

/// Appends a paragraph's lines with orphan/widow penalties between them.
/// Breaks between other lines stay free (implicit).
pub fn push_paragraph(list: &mut Vec<VItem>, line_heights: &[f32], keeps: &Keeps) {
    let count = line_heights.len();
    for (index, &height) in line_heights.iter().enumerate() {
        if index > 0 {
            let mut cost: f32 = 0.0;
            if index == 1 {
                cost = cost.max(keeps.orphan_cost);
            }
            if index == count - 1 {
                cost = cost.max(keeps.widow_cost);
            }
            if cost != 0.0 {
                list.push(VItem::Penalty { cost });
            }
        }
        list.push(VItem::Line { height });
    }
}

/// Appends lines that must stay on one page, with a forbidden break between
/// each two (a short code block). Taller than a page, they break anyway.
pub fn push_unbroken(list: &mut Vec<VItem>, line_heights: &[f32]) {
    for (index, &height) in line_heights.iter().enumerate() {
        if index > 0 {
            list.push(VItem::Penalty { cost: INFINITE_PENALTY });
        }
        list.push(VItem::Line { height });
    }
}

/// Appends a heading: space above it (discarded at a page top), its lines,
/// and a forbidden break after each line, so a heading is never last on a
/// page. Follow it with [`push_paragraph`]: with the default [`Keeps`] the
/// heading then always has at least two lines of its paragraph below it.
pub fn push_heading(list: &mut Vec<VItem>, space_above: f32, line_heights: &[f32]) {
    if space_above != 0.0 {
        list.push(VItem::Space { height: space_above, stretch: 0.0, shrink: 0.0 });
    }
    list.push(VItem::SectionStart);
    for &height in line_heights {
        list.push(VItem::Line { height });
        list.push(VItem::Penalty { cost: INFINITE_PENALTY });
    }
}

/// Breaks a flow into pages; `page_height(n)` is the room on page `n`
/// (0-based) of the flow. Returns the pages in order; empty only if `items`
/// has no line.
///
/// # Algorithm
///
/// Total-fit, as Knuth–Plass line breaking but vertical. Each break
/// opportunity is a node; a page between two nodes is feasible if its content
/// (minus shrink) fits the page height, and costs its badness — the squared
/// fraction left empty, after stretchable space absorbs what it can — plus
/// the penalty at its break. The last page of the flow and pages ended by a
/// forced break are ragged-bottom and cost nothing for being short. Dynamic
/// programming over the nodes finds the page sequence of least total cost:
/// unlike a greedy fill it will end a page a line early when that avoids a
/// widow, an orphan or a stranded heading further on.
///
/// A node leaves the active list once the page from it overflows, so the work
/// is linear in the flow's length (times the lines per page). Page numbers
/// are merged, keeping their parity, once page heights stop changing. With
/// `balance_spreads`, the second page of a spread pays
/// `spread_mismatch_demerits` if its fill differs from the first's; nodes
/// ending a spread's first page are then also kept apart by that page's fill.
///
/// Never fails: if nothing can be reached without overflowing (a line taller
/// than the page), the least overflowing page is emitted, flagged overfull.
pub fn break_pages(items: &[VItem], page_height: &dyn Fn(usize) -> f32, params: &PageParams) -> Vec<PageRange> {
    break_pages_flexibly(items, &[], page_height, params)
}

/// [`break_pages`], where a page may also set one of `flexible` (in flow
/// order, none overlapping) a line longer or shorter, at its cost: a page that
/// holds such a paragraph whole may come out a line deeper, or take a line
/// more than its room, and the pages keep their keeps where the text alone
/// leaves no break that fills them. At most one paragraph a page is changed.
pub fn break_pages_flexibly(items: &[VItem], flexible: &[Flexible], page_height: &dyn Fn(usize) -> f32, params: &PageParams) -> Vec<PageRange> {
    break_pages_resuming(items, flexible, page_height, params, None, &[], &mut Resumption::default())
}

/// What a run of the page breaker kept to resume from: its state just before
/// places of its flow, and what it was given, to tell whether a later flow
/// is the same up to there.
#[derive(Default, Clone)]
pub struct Resumption {
    items: Vec<VItem>,
    flexible: Vec<Flexible>,
    globals: Option<Globals>,
    saved: Vec<Saved>,
    /// The stretches between recto breaks the run broke one by one, each with what it read.
    stretches: Vec<KeptStretch>,
    /// Where the run that left this resumed the one before, if it did (for the tests' eyes).
    #[cfg_attr(not(test), allow(dead_code))]
    resumed_at: Option<usize>,
}

impl Resumption {
    /// Where the run that left this resumed another's state, if it did.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn resumed_at(&self) -> Option<usize> {
        self.resumed_at
    }

    /// The last place a run of `items` may resume from: where this one kept
    /// its state, at or before the first item in which the two flows differ
    /// (`break_pages_resuming` checks the rest).
    pub fn resume_point(&self, items: &[VItem]) -> Option<usize> {
        let same = self.items.iter().zip(items).take_while(|(kept, item)| kept == item).count();
        self.saved.iter().map(|saved| saved.item).filter(|&item| item <= same).max()
    }
}

/// What a run's every page depends on, not only the items before it.
#[derive(PartialEq, Clone)]
struct Globals {
    heights: Vec<f64>,
    easy_page: usize,
    keeps_parity: bool,
    first_content: usize,
    longest_line: f64,
    params: PageParams,
}

/// A stretch of the flow between recto breaks as a run broke it on its own
/// ([`Flow::run_in_stretches`]), with everything the breaking read, as
/// numbers: a later run whose stretch reads the same takes its pages as
/// they are, moved to where its stretch begins.
#[derive(Clone)]
struct KeptStretch {
    read: Vec<u64>,
    /// Where the stretch's items and its flexible paragraphs begin in its flow.
    first_item: usize,
    first_flexible: usize,
    pages: Vec<PageRange>,
    blank_after: bool,
}

/// The breaker's state before the breakpoints from `breakpoint` on, the
/// first that look at the items from `item` on.
#[derive(Clone)]
struct Saved {
    item: usize,
    breakpoint: usize,
    nodes: Vec<Node>,
    active: Active,
    free: Vec<u32>,
}

/// [`break_pages_flexibly`] of a flow that may be the flow `resumption` was
/// kept from (by the last call) but for the items from `changed_from` on: the
/// run then resumes where that one was before them, when it kept its state
/// there and the flow is indeed the same up to there (else it runs whole). The
/// pages are the same either way. It keeps its state before each of `keep_at`
/// (item positions, ascending) for the next call.
pub fn break_pages_resuming(
    items: &[VItem],
    flexible: &[Flexible],
    page_height: &dyn Fn(usize) -> f32,
    params: &PageParams,
    changed_from: Option<usize>,
    keep_at: &[usize],
    resumption: &mut Resumption,
) -> Vec<PageRange> {
    let Some(flow) = Flow::new(items, flexible, page_height, params) else {
        *resumption = Resumption::default();
        return Vec::new();
    };
    let globals = flow.globals();
    // The last state kept at or before `changed_from` that this flow can take
    // up: the same items and flexible paragraphs before it, and the same first
    // breakpoint looking at it (a flow the other's runs on past, as the
    // reader's back matter runs on past a booklet's end, has none at its end).
    let resume = changed_from.filter(|_| resumption.globals.as_ref() == Some(&globals)).and_then(|limit| {
        let takes_up = |saved: &Saved| {
            let item = saved.item;
            item <= limit
                && item <= items.len()
                && item <= resumption.items.len()
                && items[..item] == resumption.items[..item]
                && flexible.iter().filter(|f| f.start < item).eq(resumption.flexible.iter().filter(|f| f.start < item))
                && saved.breakpoint == flow.first_looking_at(item)
        };
        let mut latest_first: Vec<usize> = (0..resumption.saved.len()).collect();
        latest_first.sort_by_key(|&i| std::cmp::Reverse(resumption.saved[i].item));
        let index = latest_first.into_iter().find(|&i| takes_up(&resumption.saved[i]))?;
        Some(resumption.saved.swap_remove(index))
    });
    let resumed_at = resume.as_ref().map(|saved| saved.item);
    // Another run's stretches are taken only from a run with the same pages' room and parameters.
    let kept_stretches = if resumption.globals.as_ref() == Some(&globals) { std::mem::take(&mut resumption.stretches) } else { Vec::new() };
    let (pages, saved, stretches) = flow.run(resume, keep_at, flexible, &kept_stretches);
    // The flow is kept only to resume it (a flow with figures or forced breaks), not copied for every run.
    *resumption = if saved.is_empty() && stretches.is_empty() {
        Resumption { resumed_at, ..Resumption::default() }
    } else if saved.is_empty() {
        Resumption { globals: Some(globals), stretches, resumed_at, ..Resumption::default() }
    } else {
        Resumption { items: items.to_vec(), flexible: flexible.to_vec(), globals: Some(globals), saved, stretches, resumed_at }
    };
    pages
}

// ---------------------------------------------------------------------------
// Implementation.
// ---------------------------------------------------------------------------

const NO_NODE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    height: f64,
    stretch: f64,
    shrink: f64,
}

struct Breakpoint {
    position: usize,
    cost: f64,
    /// Added to `cost` when the page ending here is a recto ([`VItem::TurnPenalty`]).
    turn_cost: f64,
    forced: bool,
    forbidden: bool,
    /// The page that follows a break here is a recto ([`VItem::RectoBreak`]).
    recto: bool,
    /// The page ending here ends a section ([`VItem::SectionStart`]).
    ends_section: bool,
    /// First item of the page that follows a break here.
    next_page_start: usize,
    /// Height the page that follows a break here begins with (a repeated table head).
    carried: f64,
}

/// The breakpoint a node stands at when it is the flow's start ([`Flow::start`]).
const START: u32 = u32::MAX;

/// The cheapest way found to break the pages up to a breakpoint, in one
/// state (page number, the fill a facing page must match). A long book makes
/// hundreds of thousands; only those still active or on an active one's path
/// are kept (`KeptStates::release`), and what its breakpoint says (where the
/// page ends, where the next begins) is read from there, not copied.
#[derive(Clone)]
struct Node {
    total_demerits: f64,
    /// Fill of the page ending here if it is the first page of a spread whose
    /// facing page should match it.
    spread_fill: Option<Facing>,
    /// Index of the breakpoint the page ending here ends at, or [`START`].
    at: u32,
    /// Number of the page that starts here (merged past `easy_page`).
    page: u32,
    previous: u32,
    /// Height of the page that ends here (reported as an f32).
    content_height: f32,
    /// The paragraph set otherwise on the page ending here.
    alternative: Option<Choice>,
    overfull: bool,
    /// A blank page follows the page ending here (a recto break after a recto).
    blank_after: bool,
    /// How many nodes kept have this one before them; with `active`, whether
    /// it may still be on the best path (else its place is reused).
    children: u32,
    active: bool,
}

/// The active list: the nodes a page may still start from, in the order
/// they were made (the order breaks ties), and the runs they make.
///
/// The nodes of a run that leaves the list stay in `nodes`, unreachable, until
/// they are as many as the runs' own ([`Active::compact`]): the oldest runs
/// leave at almost every breakpoint, and moving every later node up each time
/// was a tenth of a long book's page breaking.
#[derive(Clone)]
struct Active {
    nodes: Vec<ActiveNode>,
    runs: Vec<Run>,
}

impl Active {
    /// The nodes of each run in order, the first of the list first.
    fn members(&self) -> impl Iterator<Item = &ActiveNode> {
        self.runs.iter().flat_map(|run| &self.nodes[run.start as usize..run.end as usize])
    }

    /// Lets go of the places of runs gone, once they are as many as the runs' own.
    fn compact(&mut self, live: u32) {
        if self.nodes.len() <= 2 * live as usize + 64 {
            return;
        }
        let mut packed = 0;
        for run in &mut self.runs {
            let length = run.end - run.start;
            if run.start != packed {
                self.nodes.copy_within(run.start as usize..run.end as usize, packed as usize);
                *run = Run { start: packed, end: packed + length, least: run.least - run.start + packed, ..*run };
            }
            packed += length;
        }
        self.nodes.truncate(packed as usize);
    }

    /// Appends `node`, made at the breakpoint being reached, as `index`.
    fn push(&mut self, index: u32, node: &Node) {
        let place = self.nodes.len() as u32;
        self.nodes.push(ActiveNode { node: index, total_demerits: node.total_demerits, spread_fill: node.spread_fill });
        match self.runs.last_mut() {
            Some(run) if run.at == node.at && run.page == node.page && run.end == place => {
                run.end += 1;
                if node.total_demerits < self.nodes[run.least as usize].total_demerits {
                    run.least = place;
                }
            }
            _ => self.runs.push(Run { at: node.at, page: node.page, start: place, end: place + 1, least: place }),
        }
    }
}

/// An active node, with what pricing a page from it reads, side by side with the others.
#[derive(Clone, Copy)]
struct ActiveNode {
    node: u32,
    total_demerits: f64,
    spread_fill: Option<Facing>,
}

/// Active nodes side by side made at one breakpoint for one page number:
/// they make the same page to any later breakpoint, worked out once for them,
/// and they leave the active list together.
#[derive(Clone, Copy)]
struct Run {
    at: u32,
    page: u32,
    /// Their places in the active list, `start..end`.
    start: u32,
    end: u32,
    /// The place of the first of them with the least total demerits.
    least: u32,
}

/// The states a breakpoint's candidates are in, found by hashing: for each, a
/// total some way reaches it with (no way that costs more can be its best),
/// and where among the candidates its best is.
#[derive(Default)]
struct States {
    /// Each state's place in `entries`, by its page and fill key.
    places: rustc_hash::FxHashMap<(u32, Option<i64>), u32>,
    entries: Vec<StateEntry>,
}

struct StateEntry {
    bound: f64,
    candidate: Option<usize>,
}

impl States {
    fn clear(&mut self) {
        self.entries.clear();
        self.places.clear();
    }

    /// Some way reaches state (`page`, `key`) with `total`: the state's entry.
    fn bound(&mut self, page: u32, key: Option<i64>, total: f64) -> usize {
        let entries = &mut self.entries;
        let entry = *self.places.entry((page, key)).or_insert_with(|| {
            entries.push(StateEntry { bound: f64::INFINITY, candidate: None });
            entries.len() as u32 - 1
        }) as usize;
        self.entries[entry].bound = self.entries[entry].bound.min(total);
        entry
    }
}

/// The candidate a node reaches a state with, by the page `priced`.
fn candidate(priced: &Priced, total_demerits: f64, previous: u32) -> Candidate {
    Candidate {
        page: priced.next_page,
        spread_fill: priced.spread_fill,
        total_demerits,
        previous,
        content_height: priced.height as f32,
        overfull: false,
        blank_after: priced.blank_after,
        alternative: priced.alternative,
    }
}

/// An [`Alternative`] as a node keeps it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Choice {
    flexible: u32,
    longer: bool,
}

#[derive(Clone, Copy)]
struct Candidate {
    page: u32,
    spread_fill: Option<Facing>,
    total_demerits: f64,
    previous: u32,
    content_height: f32,
    overfull: bool,
    blank_after: bool,
    alternative: Option<Choice>,
}

/// A page from the nodes of one breakpoint and page number to the breakpoint
/// being reached: the same for all of them but for what each node's facing
/// fill adds, so worked out once for them.
struct PageFrom {
    natural: f64,
    excess: f64,
    /// The page as it stands and with a paragraph set otherwise, priced.
    settings: [Option<Priced>; 2],
    /// When the page overflows: whether more material may yet fit, a
    /// paragraph it brings whole set a line shorter.
    may_still_fit: bool,
}

/// One setting of a page, with its demerits but for a facing page's mismatch.
#[derive(Clone, Copy)]
struct Priced {
    height: f64,
    fill: f64,
    demerits: f64,
    spread_fill: Option<Facing>,
    key: Option<i64>,
    /// The page after, and whether a blank page comes first.
    next_page: u32,
    blank_after: bool,
    alternative: Option<Choice>,
}

/// What the first page of a spread asks of the page facing it: to end at
/// its `fill`, or, where it ends a section (and so may be the shorter), at
/// least as deep.
#[derive(Debug, Clone, Copy)]
struct Facing {
    fill: f64,
    ends_section: bool,
}

/// The flexible paragraphs a page holds whole, and the cheapest of each kind
/// among any run of them, found in constant time (a sparse table of minima
/// over the paragraphs in flow order).
struct Flexibles {
    /// `first_from[i]`: the first paragraph that starts at or after item `i`.
    first_from: Vec<u32>,
    /// `ended_by[i]`: how many paragraphs end at or before item `i`.
    ended_by: Vec<u32>,
    /// `levels[k][j]`: the cheapest longer and shorter setting among paragraphs `j..j + 2^k`.
    levels: Vec<Vec<[(f64, u32); 2]>>,
    /// Each paragraph's line, by its index among those given.
    lines: Vec<f64>,
    longest_line: f64,
}

impl Flexibles {
    fn new(flexible: &[Flexible], end: usize) -> Option<Self> {
        let usable: Vec<(usize, &Flexible)> =
            flexible.iter().enumerate().filter(|(_, f)| f.start < f.end && f.end <= end && (f.longer.is_some() || f.shorter.is_some())).collect();
        if usable.is_empty() {
            return None;
        }
        let mut first_from = vec![0u32; end + 1];
        let mut next = usable.len();
        for position in (0..=end).rev() {
            while next > 0 && usable[next - 1].1.start >= position {
                next -= 1;
            }
            first_from[position] = next as u32;
        }
        let mut ended_by = vec![0u32; end + 1];
        let mut count = 0;
        for (position, ended) in ended_by.iter_mut().enumerate() {
            while count < usable.len() && usable[count].1.end <= position {
                count += 1;
            }
            *ended = count as u32;
        }
        let cost = |c: Option<f32>| c.map_or(f64::INFINITY, |c| finite(c).max(0.0));
        let mut levels = vec![usable.iter().map(|(i, f)| [(cost(f.longer), *i as u32), (cost(f.shorter), *i as u32)]).collect::<Vec<_>>()];
        let mut width = 1;
        while width * 2 <= usable.len() {
            let below = levels.last().expect("the first level");
            let level = (0..=usable.len() - width * 2)
                .map(|j| [0, 1].map(|kind| if below[j + width][kind].0 < below[j][kind].0 { below[j + width][kind] } else { below[j][kind] }))
                .collect();
            levels.push(level);
            width *= 2;
        }
        let lines: Vec<f64> = flexible.iter().map(|f| finite(f.line).max(0.0)).collect();
        let longest_line = usable.iter().map(|(i, _)| lines[*i]).fold(0.0, f64::max);
        Some(Flexibles { first_from, ended_by, levels, lines, longest_line })
    }

    /// The cheapest setting of `kind` (0 longer, 1 shorter) among the
    /// paragraphs wholly within items `from..to`: its cost and paragraph.
    fn cheapest(&self, from: usize, to: usize, kind: usize) -> Option<(f64, usize)> {
        let (first, last) = (self.first_from[from] as usize, self.ended_by[to] as usize);
        if first >= last {
            return None;
        }
        let level = (usize::BITS - 1 - (last - first).leading_zeros()) as usize;
        let (a, b) = (self.levels[level][first][kind], self.levels[level][last - (1 << level)][kind]);
        let best = if b.0 < a.0 { b } else { a };
        best.0.is_finite().then_some((best.0, best.1 as usize))
    }
}

impl KeptStretch {
    /// Its pages, moved to a flow where the same stretch begins at item
    /// `first_item`, its flexible paragraphs at `first_flexible`.
    fn moved_to(&self, first_item: usize, first_flexible: usize) -> Vec<PageRange> {
        let item = |at: usize| at - self.first_item + first_item;
        self.pages
            .iter()
            .map(|page| PageRange {
                start: item(page.start),
                end: item(page.end),
                alternative: page.alternative.map(|a| Alternative { flexible: a.flexible - self.first_flexible + first_flexible, ..a }),
                ..*page
            })
            .collect()
    }
}

/// Where a run of the breaker starts: the flow's start or a breakpoint, and the page number there.
#[derive(Clone, Copy)]
struct Origin {
    at: u32,
    page: u32,
}

/// What a run found: the pages to its last breakpoint, the states it kept,
/// and whether a blank page follows its last page.
struct Reached {
    pages: Vec<PageRange>,
    saved: Vec<Saved>,
    blank_after: bool,
}

struct Flow<'a> {
    params: &'a PageParams,
    flexibles: Option<Flexibles>,
    prefix: Vec<Totals>,
    breakpoints: Vec<Breakpoint>,
    /// Where the flow's first page starts, as if a break stood before it.
    start: Breakpoint,
    /// Room on pages `0..=easy_page + 1`; later pages repeat the last one.
    heights: Vec<f64>,
    easy_page: usize,
    /// Page numbers keep their parity past `easy_page` even without
    /// balancing: a recto break must know whether the next page is one.
    keeps_parity: bool,
    first_content: usize,
    end: usize,
}

impl<'a> Flow<'a> {
    fn new(items: &[VItem], flexible: &[Flexible], page_height: &dyn Fn(usize) -> f32, params: &'a PageParams) -> Option<Self> {
        // Whatever follows the last line (spaces, breaks) would only make
        // empty pages: the flow ends right after its last line.
        let end = items.iter().rposition(|item| matches!(item, VItem::Line { .. }))? + 1;
        let items = &items[..end];

        let mut prefix = Vec::with_capacity(end + 1);
        let mut running = Totals::default();
        prefix.push(running);
        for item in items {
            match *item {
                VItem::Line { height } => running.height += finite(height).max(0.0),
                VItem::Space { height, stretch, shrink } => {
                    running.height += finite(height);
                    running.stretch += finite(stretch).max(0.0);
                    running.shrink += finite(shrink).max(0.0);
                }
                VItem::Penalty { .. } | VItem::TurnPenalty { .. } | VItem::SectionStart | VItem::ForcedBreak | VItem::RectoBreak | VItem::BreakRepeating { .. } => {}
            }
            prefix.push(running);
        }

        // `content_from[i]`: first line at or after `i` — where a page whose
        // break is before `i` really starts.
        let mut content_from = vec![end; end + 1];
        for index in (0..end).rev() {
            content_from[index] =
                if matches!(items[index], VItem::Line { .. }) { index } else { content_from[index + 1] };
        }

        let mut breakpoints = Vec::new();
        for position in 1..end {
            let after_line = matches!(items[position - 1], VItem::Line { .. });
            let carried = match items[position] {
                VItem::BreakRepeating { height, .. } => finite(height).max(0.0),
                _ => 0.0,
            };
            let turn_cost = match items[position] {
                VItem::TurnPenalty { cost } => finite(cost).max(0.0),
                _ => 0.0,
            };
            let (cost, forced, forbidden) = match items[position] {
                VItem::Penalty { cost } if cost <= FORCED_PENALTY => (0.0, true, false),
                VItem::Penalty { cost } if cost.is_nan() || cost >= INFINITE_PENALTY => {
                    (FORBIDDEN_BREAK_DEMERITS, false, true)
                }
                VItem::Penalty { cost } => (cost as f64, false, false),
                VItem::ForcedBreak | VItem::RectoBreak => (0.0, true, false),
                VItem::BreakRepeating { .. } | VItem::TurnPenalty { .. } => (0.0, false, false),
                VItem::Space { .. } | VItem::Line { .. } | VItem::SectionStart if after_line => (0.0, false, false),
                _ => continue,
            };
            let recto = matches!(items[position], VItem::RectoBreak);
            let ends_section = items[position..content_from[position]].iter().any(|item| matches!(item, VItem::SectionStart));
            breakpoints.push(Breakpoint { position, cost, turn_cost, forced, forbidden, recto, ends_section, next_page_start: content_from[position], carried });
        }
        breakpoints.push(Breakpoint { position: end, cost: 0.0, turn_cost: 0.0, forced: true, forbidden: false, recto: false, ends_section: true, next_page_start: end, carried: 0.0 });
        let keeps_parity = breakpoints.iter().any(|b| b.recto);

        // At most one page per breakpoint: probing that many heights tells
        // from which page on they are constant.
        let mut heights: Vec<f64> =
            (0..=breakpoints.len() + 1).map(|page| finite(page_height(page)).max(0.0)).collect();
        let last_height = *heights.last().unwrap_or(&0.0);
        let easy_page = heights.iter().rposition(|&height| height != last_height).map_or(0, |index| index + 1);
        heights.truncate(easy_page + 2);

        let flexibles = Flexibles::new(flexible, end);
        let start = Breakpoint { position: 0, cost: 0.0, turn_cost: 0.0, forced: false, forbidden: false, recto: false, ends_section: false, next_page_start: content_from[0], carried: 0.0 };
        Some(Flow { params, flexibles, prefix, breakpoints, start, heights, easy_page, keeps_parity, first_content: content_from[0], end })
    }

    /// Page numbers past `easy_page` only matter by parity, and only when
    /// balancing spreads.
    fn next_page(&self, page: usize) -> usize {
        let next = page + 1;
        if next < self.easy_page {
            next
        } else if self.params.balance_spreads || self.keeps_parity {
            self.easy_page + ((next - self.easy_page) & 1)
        } else {
            self.easy_page
        }
    }

    fn is_spread_start(&self, page: usize) -> bool {
        let odd = page & 1 == 1;
        odd == self.params.first_page_is_recto
    }

    /// The page after a break at `breakpoint` from a page numbered `page`,
    /// and whether a blank page goes before it to make it a recto.
    fn page_after(&self, page: usize, breakpoint: &Breakpoint) -> (usize, bool) {
        let next = self.next_page(page);
        if breakpoint.recto && self.is_spread_start(next) {
            (self.next_page(next), true)
        } else {
            (next, false)
        }
    }

    /// The breakpoint a node stands at.
    fn breakpoint(&self, at: u32) -> &Breakpoint {
        if at == START {
            &self.start
        } else {
            &self.breakpoints[at as usize]
        }
    }

    /// The page from the nodes at breakpoint `start` numbered `page`
    /// to `breakpoint`: its height, how far it overflows, and its settings
    /// priced (the page as it stands, or, only where that leaves it short, or
    /// overflowing by a line, with a paragraph it holds whole set a line
    /// longer or shorter: the two settings weighed).
    fn page_from(&self, start: &Breakpoint, page: usize, breakpoint: &Breakpoint) -> PageFrom {
        let room = self.heights[page.min(self.easy_page)];
        let from = &self.prefix[start.next_page_start];
        let to = &self.prefix[breakpoint.position];
        let natural = to.height - from.height + start.carried;
        let stretch = to.stretch - from.stretch;
        let shrink = to.shrink - from.shrink;

        let excess = natural - shrink - room;
        let ragged = breakpoint.forced;
        let mut settings: [Option<(f64, f64, Option<Choice>)>; 2] = [None, None];
        let cheapest = |kind: usize| {
            let flexibles = self.flexibles.as_ref()?;
            let (cost, flexible) = flexibles.cheapest(start.next_page_start, breakpoint.position, kind)?;
            Some((cost, flexible, flexibles.lines[flexible]))
        };
        if excess <= HEIGHT_EPSILON {
            settings[0] = Some((natural, 0.0, None));
            if !ragged && excess < -HEIGHT_EPSILON {
                if let Some((cost, flexible, line)) = cheapest(0).filter(|&(_, _, line)| excess + line <= HEIGHT_EPSILON) {
                    settings[1] = Some((natural + line, cost, Some(Choice { flexible: flexible as u32, longer: true })));
                }
            }
        } else if let Some((cost, flexible, line)) = cheapest(1).filter(|&(_, _, line)| excess - line <= HEIGHT_EPSILON) {
            settings[0] = Some((natural - line, cost, Some(Choice { flexible: flexible as u32, longer: false })));
        }
        // More material only overflows more, unless a paragraph it brings
        // whole onto the page may yet be set a line shorter.
        let line = self.flexibles.as_ref().map_or(0.0, |f| f.longest_line);
        let may_still_fit = excess - line <= HEIGHT_EPSILON && !breakpoint.forced;

        let (next_page, blank_after) = self.page_after(page, breakpoint);
        let facing = self.params.balance_spreads && !ragged && self.is_spread_start(page);
        let turns = breakpoint.turn_cost > 0.0 && !self.is_spread_start(page);
        // A loop, not a map: a closure returning each setting moved it through memory.
        let mut priced: [Option<Priced>; 2] = [None, None];
        for (&setting, slot) in settings.iter().zip(&mut priced) {
            let Some((height, alternative_cost, alternative)) = setting else { continue };
            // Ragged pages (chapter end, end of flow) may be short for free.
            let fill = (height + stretch).min(room);
            let mut demerits = breakpoint.cost + alternative_cost;
            if turns {
                demerits += breakpoint.turn_cost;
            }
            if !ragged && room > 0.0 {
                let gap = (room - fill).max(0.0) / room;
                demerits += UNDERFULL_BADNESS_SCALE * gap * gap;
            }
            let spread_fill = facing.then_some(Facing { fill, ends_section: breakpoint.ends_section });
            *slot = Some(Priced { height, fill, demerits, spread_fill, key: fill_key(spread_fill), next_page: next_page as u32, blank_after, alternative });
        }
        PageFrom { natural, excess, settings: priced, may_still_fit }
    }

    fn globals(&self) -> Globals {
        Globals {
            heights: self.heights.clone(),
            easy_page: self.easy_page,
            keeps_parity: self.keeps_parity,
            first_content: self.first_content,
            longest_line: self.flexibles.as_ref().map_or(0.0, |f| f.longest_line),
            params: *self.params,
        }
    }

    /// The first breakpoint that looks at item `item` or later (its page,
    /// or the page after it, does).
    fn first_looking_at(&self, item: usize) -> usize {
        self.breakpoints.iter().position(|b| b.position >= item || b.next_page_start >= item).unwrap_or(self.breakpoints.len())
    }

    /// The pages, and the state kept before each of `keep_at`; from the
    /// state `resume` when given.
    ///
    /// A flow broken stretch by stretch takes the stretches of `kept` that read
    /// the same as its own (`flexible`, the paragraphs it was given, among what
    /// they read), and gives back its own.
    fn run(&self, resume: Option<Saved>, keep_at: &[usize], flexible: &[Flexible], kept: &[KeptStretch]) -> (Vec<PageRange>, Vec<Saved>, Vec<KeptStretch>) {
        if resume.is_none() && keep_at.is_empty() {
            if let Some((pages, stretches)) = self.run_in_stretches(flexible, kept) {
                return (pages, Vec::new(), stretches);
            }
        }
        let last = self.breakpoints.len() - 1;
        match self.run_between(Origin { at: START, page: 0 }, last, resume, keep_at) {
            Some(Reached { pages, saved, .. }) => (pages, saved, Vec::new()),
            // Unreachable by construction; never panic, never lose content.
            None => (
                vec![PageRange {
                    start: self.first_content,
                    end: self.end,
                    content_height: (self.prefix[self.end].height - self.prefix[self.first_content].height) as f32,
                    overfull: true,
                    keep_broken: false,
                    blank_before: false,
                    alternative: None,
                }],
                Vec::new(),
                Vec::new(),
            ),
        }
    }

    /// The breakpoints every way through the flow leaves in one and the same
    /// state: recto breaks, after which the page is a recto whatever came
    /// before (its number counts only by parity: every page has the same
    /// room), with no facing fill to match (a forced break ends a ragged
    /// page), and past which no page from before can reach (the last
    /// breakpoint before it starts its next page before it). The best way
    /// through the flow is then the best way to each of them, one after
    /// another, and the stretches between them are broken side by side.
    fn cuts(&self) -> Vec<usize> {
        if self.easy_page != 0 || !self.keeps_parity {
            return Vec::new();
        }
        let last = self.breakpoints.len() - 1;
        (0..last)
            .filter(|&at| {
                let breakpoint = &self.breakpoints[at];
                let before = if at == 0 { &self.start } else { &self.breakpoints[at - 1] };
                breakpoint.recto && breakpoint.forced && before.next_page_start < breakpoint.position
            })
            .collect()
    }

    /// [`Flow::run`] stretch by stretch between the [`Flow::cuts`], the
    /// stretches shared out to idle cores (`parallel::map`); `None` when the
    /// flow has no cut, or a stretch reaches no end (the whole run says what then).
    fn run_in_stretches(&self, flexible: &[Flexible], kept: &[KeptStretch]) -> Option<(Vec<PageRange>, Vec<KeptStretch>)> {
        let cuts = self.cuts();
        if cuts.is_empty() {
            return None;
        }
        // The page after a recto break: of the two numbers pages are merged to, the recto.
        let recto = (0..2).find(|&page| !self.is_spread_start(page))? as u32;
        let origins = std::iter::once(Origin { at: START, page: 0 }).chain(cuts.iter().map(|&at| Origin { at: at as u32, page: recto }));
        let ends = cuts.iter().copied().chain(std::iter::once(self.breakpoints.len() - 1));
        let stretches: Vec<(usize, Origin, usize)> = origins.zip(ends).enumerate().map(|(index, (origin, last))| (index, origin, last)).collect();
        let made = crate::parallel::map(&stretches, |&(index, origin, last)| {
            let (read, first_item, first_flexible) = self.stretch_reads(origin, last, flexible);
            // Most likely the other flow's stretch in the same place, else any.
            let same = |other: &&KeptStretch| other.read == read;
            let taken = kept.get(index).filter(same).or_else(|| kept.iter().find(same));
            let (pages, blank_after) = match taken {
                Some(other) => (other.moved_to(first_item, first_flexible), other.blank_after),
                None => {
                    let Reached { pages, blank_after, .. } = self.run_between(origin, last, None, &[])?;
                    (pages, blank_after)
                }
            };
            Some(KeptStretch { read, first_item, first_flexible, pages, blank_after })
        });
        let mut pages = Vec::new();
        let mut kept_now = Vec::with_capacity(made.len());
        let mut blank_after = false;
        for stretch in made {
            let stretch = stretch?;
            let mut stretch_pages = stretch.pages.clone();
            // The blank page before a stretch's first page is the previous stretch's to say.
            stretch_pages.first_mut()?.blank_before = blank_after;
            blank_after = stretch.blank_after;
            pages.append(&mut stretch_pages);
            kept_now.push(stretch);
        }
        Some((pages, kept_now))
    }

    /// Everything breaking the stretch from `origin` to breakpoint `last`
    /// reads, as numbers, with places counted from the stretch's first item
    /// and the first of `flexible` in it (which it gives too): its
    /// breakpoints, the flow's running totals over its items (absolute, as
    /// pages are priced by their differences), and its flexible paragraphs.
    /// The flow's room, parameters and longest flexible line are the run's
    /// globals, compared apart.
    fn stretch_reads(&self, origin: Origin, last: usize, flexible: &[Flexible]) -> (Vec<u64>, usize, usize) {
        let start = self.breakpoint(origin.at);
        let first_item = if origin.at == START { 0 } else { start.position };
        let end = self.breakpoints[last].position;
        let place = |at: usize| at.wrapping_sub(first_item) as u64;
        let ends_flow = last + 1 == self.breakpoints.len();
        let mut read = vec![origin.page as u64, ends_flow as u64, place(start.next_page_start), start.carried.to_bits()];
        let first = if origin.at == START { 0 } else { origin.at as usize + 1 };
        for breakpoint in &self.breakpoints[first..=last] {
            let Breakpoint { position, cost, turn_cost, forced, forbidden, recto, ends_section, next_page_start, carried } = *breakpoint;
            let flags = forced as u64 | (forbidden as u64) << 1 | (recto as u64) << 2 | (ends_section as u64) << 3;
            read.extend([place(position), cost.to_bits(), turn_cost.to_bits(), flags, place(next_page_start), carried.to_bits()]);
        }
        for totals in &self.prefix[first_item..=end] {
            read.extend([totals.height.to_bits(), totals.stretch.to_bits(), totals.shrink.to_bits()]);
        }
        let first_flexible = flexible.iter().position(|f| f.start >= first_item).unwrap_or(flexible.len());
        let cost = |c: Option<f32>| c.map_or(u64::MAX, |c| c.to_bits() as u64);
        for f in flexible[first_flexible..].iter().take_while(|f| f.start < end) {
            read.extend([place(f.start), place(f.end), f.line.to_bits() as u64, cost(f.longer), cost(f.shorter)]);
        }
        (read, first_item, first_flexible)
    }

    /// The best way from `origin` to breakpoint `last`, from the state
    /// `resume` when given, keeping the state before each of `keep_at`;
    /// `None` if no way reaches it.
    fn run_between(&self, origin: Origin, last: usize, resume: Option<Saved>, keep_at: &[usize]) -> Option<Reached> {
        let balance = self.params.balance_spreads;
        let mismatch_demerits = finite(self.params.spread_mismatch_demerits).max(0.0);

        let mut nodes = vec![Node {
            total_demerits: 0.0,
            spread_fill: None,
            at: origin.at,
            page: origin.page,
            previous: NO_NODE,
            content_height: 0.0,
            alternative: None,
            overfull: false,
            blank_after: false,
            children: 0,
            active: true,
        }];
        let mut active = Active {
            nodes: vec![ActiveNode { node: 0, total_demerits: 0.0, spread_fill: None }],
            runs: vec![Run { at: origin.at, page: origin.page, start: 0, end: 1, least: 0 }],
        };
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut states = States::default();
        let mut pages: Vec<Option<(PageFrom, [usize; 2])>> = Vec::new();
        let mut kept = KeptStates::default();
        // Nodes no longer active, to be let go once the breakpoint's nodes are made.
        let mut dropped: Vec<u32> = Vec::new();
        let mut first = if origin.at == START { 0 } else { origin.at as usize + 1 };
        if let Some(saved) = resume {
            (nodes, active, kept.free, first) = (saved.nodes, saved.active, saved.free, saved.breakpoint);
        }
        let mut saved = Vec::new();
        let mut keep_at = keep_at.iter().map(|&item| (item, self.first_looking_at(item))).filter(|&(_, breakpoint)| breakpoint >= first).peekable();

        for (at, breakpoint) in self.breakpoints.iter().enumerate().take(last + 1).skip(first) {
            while let Some((item, _)) = keep_at.next_if(|&(_, before)| before == at) {
                saved.push(Saved { item, breakpoint: at, nodes: nodes.clone(), active: active.clone(), free: kept.free.clone() });
            }
            // What a node of a run pays for the page from it to here, in a setting.
            let demerits_from = |node: &ActiveNode, priced: &Priced| {
                let mut demerits = priced.demerits;
                if balance && !breakpoint.forced {
                    if let Some(Facing { fill: facing_fill, ends_section: facing_ends_section }) = node.spread_fill {
                        // A page that ends a section may be the shorter.
                        let fill = priced.fill;
                        let by_design = (breakpoint.ends_section && fill < facing_fill) || (facing_ends_section && fill > facing_fill);
                        if (facing_fill - fill).abs() > HEIGHT_EPSILON && !by_design {
                            demerits += mismatch_demerits;
                        }
                    }
                }
                node.total_demerits + demerits
            };

            // Each state the breakpoint's nodes may be in is reached by the
            // first of the least totals among the ways to it, in the order
            // of the active list (the order is the tie-break). A first pass
            // prices each run's page, and bounds each state's least total by
            // what a run's least node reaches it with: a run whose own least
            // is above that bound cannot give the state, and is not priced
            // node by node (the most of the breaker's time, before).
            pages.clear();
            states.clear();
            for run in &active.runs {
                let start = self.breakpoint(run.at);
                if start.next_page_start >= breakpoint.position && breakpoint.position < self.end {
                    // The page would be empty: breaking here changes nothing
                    // for this run (this also swallows forced breaks at the
                    // top of a page).
                    pages.push(None);
                    continue;
                }
                let page = self.page_from(start, run.page as usize, breakpoint);
                let least = &active.nodes[run.least as usize];
                let mut entries = [usize::MAX; 2];
                for (priced, entry) in page.settings.iter().zip(&mut entries) {
                    if let Some(priced) = priced {
                        *entry = states.bound(priced.next_page, priced.key, demerits_from(least, priced));
                    }
                }
                pages.push(Some((page, entries)));
            }

            candidates.clear();
            // (excess, demerits, node, height): the least overflowing page,
            // used only if nothing else reaches this breakpoint.
            let mut rescue: Option<(f64, f64, u32, f64)> = None;
            let (mut kept_runs, mut live) = (0, 0);
            for (index, page) in pages.iter().enumerate() {
                let run = active.runs[index];
                let members = run.start as usize..run.end as usize;
                let stays = match page {
                    None => true,
                    Some((page, _)) if page.settings[0].is_none() => {
                        for member in &active.nodes[members.clone()] {
                            let better = match rescue {
                                None => true,
                                Some((best_excess, best_demerits, _, _)) => {
                                    page.excess < best_excess - HEIGHT_EPSILON || (page.excess <= best_excess + HEIGHT_EPSILON && member.total_demerits < best_demerits)
                                }
                            };
                            if better {
                                rescue = Some((page.excess, member.total_demerits, member.node, page.natural));
                            }
                        }
                        page.may_still_fit
                    }
                    Some((page, entries)) => {
                        // The state each setting leads to, if this run may give it.
                        let least = active.nodes[run.least as usize].total_demerits;
                        let mut targets: [Option<(&Priced, usize)>; 2] = [None, None];
                        for ((priced, &entry), target) in page.settings.iter().zip(entries).zip(&mut targets) {
                            let Some(priced) = priced else { continue };
                            let entry = &mut states.entries[entry];
                            let reached = *entry.candidate.get_or_insert_with(|| {
                                // The state's place among the candidates is where it first comes,
                                // whichever run gives it: kept for that one, here or further on.
                                candidates.push(candidate(priced, f64::INFINITY, NO_NODE));
                                candidates.len() - 1
                            });
                            // No node of the run reaches the state with less than its least
                            // with no mismatch: the run gives the state only if that is
                            // within the bound and below what is there.
                            let floor = least + priced.demerits;
                            if floor <= entry.bound && floor < candidates[reached].total_demerits {
                                *target = Some((priced, reached));
                            }
                        }
                        if targets.iter().any(Option::is_some) {
                            for member in &active.nodes[members.clone()] {
                                for &(priced, reached) in targets.iter().flatten() {
                                    let total_demerits = demerits_from(member, priced);
                                    // Only a strictly better path replaces what is there.
                                    if total_demerits < candidates[reached].total_demerits {
                                        candidates[reached] = candidate(priced, total_demerits, member.node);
                                    }
                                }
                            }
                        }
                        !breakpoint.forced
                    }
                };
                if stays {
                    active.runs[kept_runs] = run;
                    kept_runs += 1;
                    live += run.end - run.start;
                } else {
                    dropped.extend(active.nodes[members].iter().map(|member| member.node));
                }
            }
            active.runs.truncate(kept_runs);
            active.compact(live);

            if candidates.is_empty() && live == 0 {
                let Some((_, _, previous, natural)) = rescue else { break };
                let (page, blank_after) = self.page_after(nodes[previous as usize].page as usize, breakpoint);
                candidates.push(Candidate {
                    page: page as u32,
                    spread_fill: None,
                    total_demerits: nodes[previous as usize].total_demerits,
                    previous,
                    content_height: natural as f32,
                    overfull: true,
                    blank_after,
                    alternative: None,
                });
            }
            kept.add_best(&candidates, at as u32, mismatch_demerits, &mut nodes, &mut active);
            for node in dropped.drain(..) {
                kept.release(&mut nodes, node);
            }
        }

        let best = active
            .members()
            .map(|member| member.node as usize)
            .filter(|&index| nodes[index].at == last as u32)
            .min_by(|&a, &b| nodes[a].total_demerits.total_cmp(&nodes[b].total_demerits))?;
        Some(Reached { pages: self.pages_ending_at(&nodes, best), saved, blank_after: nodes[best].blank_after })
    }

    fn pages_ending_at(&self, nodes: &[Node], last: usize) -> Vec<PageRange> {
        let mut pages = Vec::new();
        let mut index = last;
        while nodes[index].previous != NO_NODE {
            let node = &nodes[index];
            let previous = &nodes[node.previous as usize];
            let end = self.breakpoint(node.at);
            pages.push(PageRange {
                start: self.breakpoint(previous.at).next_page_start,
                end: end.position,
                content_height: node.content_height,
                overfull: node.overfull,
                keep_broken: end.forbidden,
                blank_before: previous.blank_after,
                alternative: node.alternative.map(|choice| Alternative { flexible: choice.flexible as usize, longer: choice.longer }),
            });
            index = node.previous as usize;
        }
        pages.reverse();
        pages
    }
}

/// The least demerits for each page number among a breakpoint's states,
/// worked out for every breakpoint in a vector kept from one to the next;
/// and the nodes' places free for reuse.
#[derive(Default)]
struct KeptStates {
    page_best: Vec<(u32, f64)>,
    /// Places of the nodes let go, for new ones.
    free: Vec<u32>,
}

impl KeptStates {
    /// Keeps the best candidate of each state (one a state: see `Flow::run`),
    /// unless another of its page number is better by more than a mismatch
    /// (a worse path whose fill is easier to match may still win, but not by
    /// more than the mismatch it avoids), as nodes at breakpoint `at`.
    fn add_best(&mut self, candidates: &[Candidate], at: u32, mismatch_demerits: f64, nodes: &mut Vec<Node>, active: &mut Active) {
        let page_best = &mut self.page_best;
        page_best.clear();
        for candidate in candidates {
            match page_best.iter_mut().find(|(page, _)| *page == candidate.page) {
                Some((_, lowest)) => *lowest = lowest.min(candidate.total_demerits),
                None => page_best.push((candidate.page, candidate.total_demerits)),
            }
        }
        for candidate in candidates {
            debug_assert!(candidate.previous != NO_NODE, "every state's place is taken by the run that gives it");
            let lowest = page_best.iter().find(|(page, _)| *page == candidate.page).map_or(f64::INFINITY, |entry| entry.1);
            if candidate.total_demerits > lowest + mismatch_demerits {
                continue;
            }
            let node = Node {
                total_demerits: candidate.total_demerits,
                spread_fill: candidate.spread_fill,
                at,
                page: candidate.page,
                previous: candidate.previous,
                content_height: candidate.content_height,
                alternative: candidate.alternative,
                overfull: candidate.overfull,
                blank_after: candidate.blank_after,
                children: 0,
                active: true,
            };
            nodes[candidate.previous as usize].children += 1;
            let index = match self.free.pop() {
                Some(index) => {
                    nodes[index as usize] = node;
                    index
                }
                None => {
                    nodes.push(node);
                    nodes.len() as u32 - 1
                }
            };
            active.push(index, &nodes[index as usize]);
        }
    }

    /// `node` has left the active list: it, and each node before it on its
    /// path that no other path goes through, is let go, its place reused.
    fn release(&mut self, nodes: &mut [Node], node: u32) {
        let mut index = node;
        nodes[index as usize].active = false;
        loop {
            let node = &nodes[index as usize];
            if node.active || node.children > 0 {
                return;
            }
            self.free.push(index);
            let previous = node.previous;
            if previous == NO_NODE {
                return;
            }
            nodes[previous as usize].children -= 1;
            index = previous;
        }
    }
}

/// The state a spread's first page leaves: its fill, to the breaker's
/// precision, and whether it ends a section.
fn fill_key(facing: Option<Facing>) -> Option<i64> {
    facing.map(|facing| rounded(facing.fill / HEIGHT_EPSILON) * 2 + facing.ends_section as i64)
}

/// `value.round() as i64`, without the call to libm's `round` that took 2 %
/// of a book's build: the cast truncates, and the fraction it leaves (exact in
/// floating point) says whether to go one further from zero.
fn rounded(value: f64) -> i64 {
    // From 2^52 on every f64 is a whole number (and the cast saturates as `round`'s does).
    if !(value.abs() < 4_503_599_627_370_496.0) {
        return value as i64;
    }
    let whole = value as i64;
    let fraction = value - whole as f64;
    if fraction >= 0.5 {
        whole + 1
    } else if fraction <= -0.5 {
        whole - 1
    } else {
        whole
    }
}

fn finite(value: f32) -> f64 {
    if value.is_finite() {
        value as f64
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: f32 = 1.0;

    fn no_balancing() -> PageParams {
        PageParams { balance_spreads: false, ..PageParams::default() }
    }

    fn paragraph(list: &mut Vec<VItem>, lines: usize) {
        push_paragraph(list, &vec![LINE; lines], &Keeps::default());
    }

    fn spans(pages: &[PageRange]) -> Vec<(usize, usize)> {
        pages.iter().map(|page| (page.start, page.end)).collect()
    }

    fn line_count(items: &[VItem], page: &PageRange) -> usize {
        items[page.start..page.end].iter().filter(|item| matches!(item, VItem::Line { .. })).count()
    }

    /// Fills pages greedily line by line, ignoring keeps: what a naive
    /// layout does. Returns the index of the first line of each page.
    fn naive_page_starts(items: &[VItem], room: f32) -> Vec<usize> {
        let mut starts = Vec::new();
        let mut used = room;
        for (index, item) in items.iter().enumerate() {
            match *item {
                VItem::Line { height } => {
                    if used + height > room {
                        starts.push(index);
                        used = 0.0;
                    }
                    used += height;
                }
                VItem::Space { height, .. } => used += height,
                _ => {}
            }
        }
        starts
    }

    /// The fill key rounds as `f64::round` does, halves away from zero
    /// included, so that states are told apart as they always were.
    #[test]
    fn rounded_is_round_as_an_integer() {
        let mut values = vec![0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 0.49999999999999994, -0.49999999999999994, 4_503_599_627_370_495.5, 4_503_599_627_370_496.0, 1e300, -1e300, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, f64::MIN_POSITIVE];
        // Fills in thousandths of a point, as the breaker keys them, and their neighbours.
        for n in -100_000i64..700_000 {
            let half = n as f64 + 0.5;
            values.extend([n as f64 * 0.137, half, f64::from_bits(half.to_bits() + 1), f64::from_bits(half.to_bits() - 1)]);
        }
        for value in values {
            assert_eq!(rounded(value), value.round() as i64, "{value:e}");
        }
    }

    /// Rows of one line between breaks that repeat a two-line head: ten
    /// rows on pages of six lines take four rows a page after the first,
    /// as each later page begins with the head.
    #[test]
    fn a_break_that_repeats_a_head_leaves_the_next_page_that_much_less_room() {
        let mut items = Vec::new();
        for row in 0..10 {
            if row > 0 {
                items.push(VItem::BreakRepeating { repeat: 0, height: 2.0 * LINE });
            }
            items.push(VItem::Line { height: LINE });
        }
        let pages = break_pages(&items, &|_| 6.0 * LINE, &no_balancing());
        let rows: Vec<usize> = pages.iter().map(|page| line_count(&items, page)).collect();
        assert_eq!(rows, [6, 4]);
        assert!(pages.iter().all(|page| !page.overfull));
        assert_eq!(pages[1].content_height, 6.0 * LINE, "the head counts in the page's height");
    }

    /// Invariants every result must satisfy.
    fn assert_well_formed(items: &[VItem], pages: &[PageRange], room: &dyn Fn(usize) -> f32) {
        let lines = items.iter().filter(|item| matches!(item, VItem::Line { .. })).count();
        assert_eq!(pages.iter().map(|page| line_count(items, page)).sum::<usize>(), lines, "every line placed once");
        for (number, page) in pages.iter().enumerate() {
            assert!(matches!(items[page.start], VItem::Line { .. }), "page {number} starts with a line: {pages:?}");
            let shrink: f32 = items[page.start..page.end]
                .iter()
                .map(|item| if let VItem::Space { shrink, .. } = item { *shrink } else { 0.0 })
                .sum();
            if !page.overfull {
                assert!(page.content_height - shrink <= room(number) + 1e-3, "page {number} overflows: {page:?}");
            }
        }
        for pair in pages.windows(2) {
            assert!(pair[0].end <= pair[1].start);
            assert!(items[pair[0].end..pair[1].start].iter().all(|item| !matches!(item, VItem::Line { .. })));
        }
    }

    #[test]
    fn no_orphan_even_if_the_page_comes_out_short() {
        // A 9-line paragraph, then a 5-line one, on 10-line pages: filling
        // would put the second paragraph's first line alone at the bottom.
        let mut items = Vec::new();
        paragraph(&mut items, 9);
        let second = items.len();
        paragraph(&mut items, 5);
        assert_eq!(naive_page_starts(&items, 10.0)[1], second + 2, "naive fill leaves an orphan");

        let pages = break_pages(&items, &|_| 10.0, &no_balancing());
        assert_well_formed(&items, &pages, &|_| 10.0);
        assert_eq!(spans(&pages), vec![(0, second), (second, items.len())]);
        assert_eq!(pages[0].content_height, 9.0);
    }

    #[test]
    fn no_widow_the_page_before_gives_up_a_line() {
        // An 11-line paragraph on 10-line pages: filling would leave its last
        // line alone on page 2. Instead two lines go over.
        let mut items = Vec::new();
        paragraph(&mut items, 11);
        paragraph(&mut items, 5);
        let widow_line = 12;
        assert!(matches!(items[widow_line - 1], VItem::Penalty { .. }));
        assert_eq!(naive_page_starts(&items, 10.0)[1], widow_line, "naive fill leaves a widow");

        let pages = break_pages(&items, &|_| 10.0, &no_balancing());
        assert_well_formed(&items, &pages, &|_| 10.0);
        assert_eq!(spans(&pages), vec![(0, 10), (10, items.len())]);
        assert_eq!(line_count(&items, &pages[0]), 9);
    }

    /// Lines of one paragraph with a [`VItem::TurnPenalty`] after each line in `hyphenated` (1-based).
    fn lines_with_turns(count: usize, hyphenated: &[usize]) -> Vec<VItem> {
        let mut items = Vec::new();
        for n in 1..=count {
            items.push(VItem::Line { height: LINE });
            if hyphenated.contains(&n) && n < count {
                items.push(VItem::TurnPenalty { cost: 3_000.0 });
            }
        }
        items
    }

    #[test]
    fn a_page_ends_inside_a_word_on_a_verso_but_not_on_a_recto() {
        // Pages of ten lines; the lines ending in a hyphen are the 10th (a
        // recto's foot: page 0 is a recto) and the 20th (a verso's).
        let items = lines_with_turns(25, &[10, 20]);
        let pages = break_pages(&items, &|_| 10.0, &no_balancing());
        let counts: Vec<usize> = pages.iter().map(|page| line_count(&items, page)).collect();
        assert_eq!(counts[0], 9, "the recto gives up a line rather than turn inside a word: {counts:?}");
        assert_eq!(counts[1], 10, "a verso may end inside a word: {counts:?}");
    }

    #[test]
    fn a_page_that_ends_a_section_may_be_shorter_than_the_page_it_faces() {
        // Page 0 is alone (a recto); pages 1 and 2 face each other. Page 2
        // ends where a heading must open the next page: it is two lines short,
        // and page 1 stays full rather than come out as short (8 and 8).
        let mut items = Vec::new();
        paragraph(&mut items, 10);
        items.push(VItem::ForcedBreak);
        paragraph(&mut items, 10);
        paragraph(&mut items, 8);
        push_heading(&mut items, LINE, &[LINE]);
        paragraph(&mut items, 12);
        let params = PageParams::default();
        let pages = break_pages(&items, &|_| 10.0, &PageParams { spread_mismatch_demerits: 10_000.0, ..params });
        let counts: Vec<usize> = pages.iter().map(|page| line_count(&items, page)).collect();
        assert_eq!(counts[..3], [10, 10, 8], "{counts:?}");
    }

    #[test]
    fn heading_is_never_last_on_a_page() {
        // 8 lines, then space + heading: filling puts the heading on line 10.
        let mut items = Vec::new();
        paragraph(&mut items, 8);
        let space = items.len();
        push_heading(&mut items, LINE, &[LINE]);
        paragraph(&mut items, 6);
        // The space, the mark that a section starts, the heading and its keep, then the text.
        assert_eq!(naive_page_starts(&items, 10.0)[1], space + 4, "naive fill strands the heading");

        let pages = break_pages(&items, &|_| 10.0, &no_balancing());
        assert_well_formed(&items, &pages, &|_| 10.0);
        // The page breaks at the space above the heading, which is discarded.
        assert_eq!(spans(&pages), vec![(0, space), (space + 2, items.len())]);
    }

    #[test]
    fn forced_breaks_start_new_pages_but_never_blank_ones() {
        let mut items = vec![VItem::ForcedBreak, VItem::Space { height: 2.0, stretch: 0.0, shrink: 0.0 }];
        paragraph(&mut items, 3);
        items.push(VItem::ForcedBreak);
        items.push(VItem::ForcedBreak);
        let second = items.len();
        paragraph(&mut items, 3);
        items.push(VItem::ForcedBreak);
        let pages = break_pages(&items, &|_| 10.0, &PageParams::default());
        assert_well_formed(&items, &pages, &|_| 10.0);
        assert_eq!(spans(&pages), vec![(2, 7), (second, second + 5)]);
    }

    /// Chapters of 3, 12 and 5 lines on 10-line pages, each after a recto
    /// break: the second opens on page 2 after a blank verso; the third, after
    /// the second's two pages, opens on page 4 with no blank.
    #[test]
    fn a_recto_break_puts_a_blank_verso_before_a_page_that_would_be_one() {
        for balance_spreads in [false, true] {
            let mut items = Vec::new();
            paragraph(&mut items, 3);
            items.push(VItem::RectoBreak);
            paragraph(&mut items, 12);
            items.push(VItem::RectoBreak);
            paragraph(&mut items, 5);
            let pages = break_pages(&items, &|_| 10.0, &PageParams { balance_spreads, ..PageParams::default() });
            assert_well_formed(&items, &pages, &|_| 10.0);
            let counts: Vec<usize> = pages.iter().map(|page| line_count(&items, page)).collect();
            assert_eq!(counts, [3, 10, 2, 5]);
            let blanks: Vec<bool> = pages.iter().map(|page| page.blank_before).collect();
            assert_eq!(blanks, [false, true, false, false], "balance_spreads: {balance_spreads}");
            // In a flow that begins on a verso, pages 1 and 3 are rectos: no blank.
            let verso_first = PageParams { balance_spreads, first_page_is_recto: false, ..PageParams::default() };
            let pages = break_pages(&items, &|_| 10.0, &verso_first);
            assert_eq!(pages.iter().map(|page| page.blank_before).collect::<Vec<_>>(), [false; 4]);
        }
    }

    /// A flow of chapters opening on rectos, some flexible paragraphs and
    /// headings among them, from `seed`.
    fn chapters_flow(seed: u64) -> (Vec<VItem>, Vec<Flexible>) {
        let mut state = seed;
        let mut next = |below: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % below
        };
        let (mut items, mut flexible) = (Vec::new(), Vec::new());
        for chapter in 0..12 {
            if chapter > 0 {
                items.push(VItem::RectoBreak);
            }
            for block in 0..(3 + next(12)) {
                if block > 0 {
                    items.push(VItem::Space { height: 0.0, stretch: 0.25, shrink: 0.0 });
                    if next(4) == 0 {
                        push_heading(&mut items, 1.5, &[LINE]);
                    }
                }
                let start = items.len();
                paragraph(&mut items, 1 + next(9) as usize);
                if next(3) == 0 {
                    flexible.push(Flexible { start, end: items.len(), line: LINE, longer: Some(1.0 + next(5) as f32), shorter: Some(1.0 + next(5) as f32) });
                }
            }
        }
        (items, flexible)
    }

    #[test]
    fn a_book_broken_between_its_recto_breaks_has_the_pages_of_one_run() {
        for seed in 0..40 {
            let (items, flexible) = chapters_flow(seed);
            for params in [PageParams::default(), no_balancing(), PageParams { first_page_is_recto: false, ..PageParams::default() }] {
                let flow = Flow::new(&items, &flexible, &|_| 10.0, &params).unwrap();
                assert!(flow.cuts().len() >= 10, "seed {seed}: {} cuts of 11 recto breaks", flow.cuts().len());
                let last = flow.breakpoints.len() - 1;
                let whole = flow.run_between(Origin { at: START, page: 0 }, last, None, &[]).unwrap().pages;
                let (stretches, _) = flow.run_in_stretches(&flexible, &[]).unwrap();
                assert_eq!(format!("{stretches:?}"), format!("{whole:?}"), "seed {seed}, {params:?}");
                assert!(whole.iter().any(|page| page.blank_before), "seed {seed}: some chapter opens after a blank verso");
            }
        }
    }

    /// Another flow's stretches are taken where they read the same, moved to
    /// where they stand in this one, and give the pages it breaks alone.
    #[test]
    fn a_flow_takes_the_stretches_another_broke_where_they_read_the_same() {
        let (items, flexible) = chapters_flow(7);
        let (params, room) = (PageParams::default(), |_| 10.0);
        let mut broken = Resumption::default();
        break_pages_resuming(&items, &flexible, &room, &params, None, &[], &mut broken);
        assert!(broken.stretches.len() >= 10);
        // One break more in the first chapter: every later item one further on, at the same heights.
        let mut other = items.clone();
        other.insert(2, VItem::Penalty { cost: 0.0 });
        let moved: Vec<Flexible> = flexible.iter().map(|f| if f.start >= 2 { Flexible { start: f.start + 1, end: f.end + 1, ..*f } } else { *f }).collect();
        let alone = break_pages_resuming(&other, &moved, &room, &params, None, &[], &mut Resumption::default());

        // Marked, the taken stretches' pages show where they went.
        let mut marked = broken.clone();
        marked.stretches.iter_mut().flat_map(|stretch| &mut stretch.pages).for_each(|page| page.content_height = -1.0);
        let with_marked = break_pages_resuming(&other, &moved, &room, &params, None, &[], &mut marked);
        let taken = with_marked.iter().filter(|page| page.content_height == -1.0).count();
        assert!(with_marked[0].content_height != -1.0, "the first chapter, which differs, is broken anew");
        assert!(taken > alone.len() / 2, "{taken} of {} pages taken", alone.len());
        let starts = |pages: &[PageRange]| pages.iter().map(|page| (page.start, page.end, page.alternative)).collect::<Vec<_>>();
        assert_eq!(starts(&with_marked), starts(&alone));

        let mut kept = broken.clone();
        assert_eq!(format!("{:?}", break_pages_resuming(&other, &moved, &room, &params, None, &[], &mut kept)), format!("{alone:?}"));
        // Nothing is taken from a run with other parameters.
        let mut marked = broken.clone();
        marked.stretches.iter_mut().flat_map(|stretch| &mut stretch.pages).for_each(|page| page.content_height = -1.0);
        let verso_first = PageParams { first_page_is_recto: false, ..params };
        assert!(break_pages_resuming(&other, &moved, &room, &verso_first, None, &[], &mut marked).iter().all(|page| page.content_height != -1.0));
    }

    #[test]
    fn a_recto_break_a_page_may_end_just_before_is_no_cut() {
        let mut items = Vec::new();
        paragraph(&mut items, 4);
        items.push(VItem::RectoBreak);
        paragraph(&mut items, 4);
        // A space between the last line and the break: a page may end at either.
        items.push(VItem::Space { height: 1.0, stretch: 0.0, shrink: 0.0 });
        items.push(VItem::RectoBreak);
        paragraph(&mut items, 4);
        let params = PageParams::default();
        let flow = Flow::new(&items, &[], &|_| 10.0, &params).unwrap();
        let rectos: Vec<usize> = (0..flow.breakpoints.len()).filter(|&at| flow.breakpoints[at].recto).collect();
        assert_eq!(flow.cuts(), rectos[..1]);
        // Nor is one when the first page has less room: page numbers count whole, not by parity.
        let flow = Flow::new(&items, &[], &|page| if page == 0 { 6.0 } else { 10.0 }, &params).unwrap();
        assert!(flow.cuts().is_empty());
    }

    #[test]
    fn first_page_with_less_room() {
        let mut items = Vec::new();
        paragraph(&mut items, 12);
        let room = |page: usize| if page == 0 { 5.0 } else { 10.0 };
        let pages = break_pages(&items, &room, &no_balancing());
        assert_well_formed(&items, &pages, &room);
        assert_eq!(pages.iter().map(|page| line_count(&items, page)).collect::<Vec<_>>(), vec![5, 7]);
    }

    #[test]
    fn line_taller_than_the_page_gets_its_own_overfull_page() {
        let items = vec![VItem::Line { height: 1.0 }, VItem::Line { height: 25.0 }, VItem::Line { height: 1.0 }];
        let pages = break_pages(&items, &|_| 10.0, &PageParams::default());
        assert_well_formed(&items, &pages, &|_| 10.0);
        assert_eq!(spans(&pages), vec![(0, 1), (1, 2), (2, 3)]);
        assert_eq!(pages.iter().map(|page| page.overfull).collect::<Vec<_>>(), vec![false, true, false]);

        let alone = [VItem::Line { height: 25.0 }];
        let pages = break_pages(&alone, &|_| 10.0, &PageParams::default());
        assert_eq!(spans(&pages), vec![(0, 1)]);
        assert!(pages[0].overfull);
    }

    #[test]
    fn keep_taller_than_the_page_is_broken_rather_than_overflowing() {
        // 25 lines that must stay together cannot: pages of 10 break the keep.
        let mut items = Vec::new();
        for index in 0..25 {
            if index > 0 {
                items.push(VItem::Penalty { cost: INFINITE_PENALTY });
            }
            items.push(VItem::Line { height: LINE });
        }
        let pages = break_pages(&items, &|_| 10.0, &no_balancing());
        assert_well_formed(&items, &pages, &|_| 10.0);
        assert_eq!(pages.iter().map(|page| line_count(&items, page)).collect::<Vec<_>>(), vec![10, 10, 5]);
        assert!(pages[0].keep_broken && pages[1].keep_broken && !pages[2].keep_broken);
        assert!(pages.iter().all(|page| !page.overfull));
    }

    #[test]
    fn facing_page_is_as_short_as_its_partner() {
        // 20-line pages; page 0 is a recto, pages 1 and 2 form a spread.
        // Page 1 must be one line short (else a widow), so page 2 is too.
        let mut items = Vec::new();
        paragraph(&mut items, 20);
        paragraph(&mut items, 21);
        paragraph(&mut items, 60);
        let counts = |params: &PageParams| {
            let pages = break_pages(&items, &|_| 20.0, params);
            assert_well_formed(&items, &pages, &|_| 20.0);
            pages.iter().map(|page| line_count(&items, page)).collect::<Vec<_>>()
        };
        assert_eq!(counts(&no_balancing())[..3], [20, 19, 20]);
        assert_eq!(counts(&PageParams::default())[..3], [20, 19, 19]);
        // With spreads (0, 1), (2, 3), shortening page 0 to match page 1
        // would widow the first paragraph: the mismatch is accepted, and
        // page 2, which starts a spread, is full.
        let verso_first = PageParams { first_page_is_recto: false, ..PageParams::default() };
        assert_eq!(counts(&verso_first)[..3], [20, 19, 20]);
    }

    /// The paragraphs of `lengths`, each flexible as `flexible` says (its
    /// longer and shorter settings' costs), and the flow's items.
    fn flexible_flow(lengths: &[usize], flexible: &[(Option<f32>, Option<f32>)]) -> (Vec<VItem>, Vec<Flexible>) {
        let mut items = Vec::new();
        let mut spans = Vec::new();
        for (n, &lines) in lengths.iter().enumerate() {
            let start = items.len();
            paragraph(&mut items, lines);
            if let Some(&(longer, shorter)) = flexible.get(n) {
                spans.push(Flexible { start, end: items.len(), line: LINE, longer, shorter });
            }
        }
        (items, spans)
    }

    /// Page depths, counting a paragraph set a line longer or shorter as it is set.
    fn depths(pages: &[PageRange]) -> Vec<f32> {
        pages.iter().map(|page| page.content_height).collect()
    }

    #[test]
    fn a_paragraph_set_a_line_longer_fills_a_page_its_keeps_leave_short() {
        // 10-line pages: 4 + 5 lines, then a 3-line paragraph that cannot be
        // split without a widow or an orphan: page 0 ends at 9 lines.
        let (items, _) = flexible_flow(&[4, 5, 3, 8], &[]);
        let pages = break_pages(&items, &|_| 10.0, &no_balancing());
        assert_eq!(depths(&pages)[0], 9.0);
        // The 5-line paragraph may be set in 6: the page is full, and says which.
        let (items, flexible) = flexible_flow(&[4, 5, 3, 8], &[(None, None), (Some(1.0), None)]);
        let pages = break_pages_flexibly(&items, &flexible, &|_| 10.0, &no_balancing());
        assert_eq!(depths(&pages)[0], 10.0);
        assert_eq!(pages[0].alternative, Some(Alternative { flexible: 1, longer: true }));
        assert_eq!(pages[0].end, flexible[1].end, "the page still ends after the paragraph it changed");
        assert!(pages[1..].iter().all(|page| page.alternative.is_none()));
        // Dearer than the line it fills, it is not taken.
        let (items, flexible) = flexible_flow(&[4, 5, 3, 8], &[(None, None), (Some(1e6), None)]);
        let pages = break_pages_flexibly(&items, &flexible, &|_| 10.0, &no_balancing());
        assert_eq!(depths(&pages)[0], 9.0);
        assert!(pages.iter().all(|page| page.alternative.is_none()));
    }

    #[test]
    fn a_paragraph_set_a_line_shorter_lets_a_page_take_one_more() {
        // 10-line pages: 4 + 4 + 3 lines come to 11; the 3-line paragraph
        // cannot be split, so page 0 holds 8 lines, unless a paragraph it
        // holds whole is set a line shorter: then all 11 lines take 10.
        let (items, _) = flexible_flow(&[4, 4, 3, 9], &[]);
        assert_eq!(depths(&break_pages(&items, &|_| 10.0, &no_balancing()))[0], 8.0);
        let (items, flexible) = flexible_flow(&[4, 4, 3, 9], &[(None, Some(1.0)), (None, None)]);
        let pages = break_pages_flexibly(&items, &flexible, &|_| 10.0, &no_balancing());
        assert_eq!(depths(&pages)[0], 10.0);
        assert_eq!(pages[0].alternative, Some(Alternative { flexible: 0, longer: false }));
        assert_eq!(line_count(&items, &pages[0]), 11, "the page holds the lines as they stand, one of them to be set away");
        // A paragraph the page does not hold whole is never changed.
        let (items, flexible) = flexible_flow(&[4, 4, 3, 9], &[(None, None), (None, None), (None, None), (None, Some(1.0))]);
        let pages = break_pages_flexibly(&items, &flexible, &|_| 10.0, &no_balancing());
        assert_eq!(depths(&pages)[0], 8.0);
    }

    #[test]
    fn a_spread_is_filled_by_a_paragraph_on_each_page() {
        // Page 0 a recto alone; pages 1 and 2 a spread whose text leaves both
        // a line short: each takes a paragraph a line longer, and both are full.
        let lengths = [10, 4, 5, 3, 4, 5, 3, 12];
        let (items, _) = flexible_flow(&lengths, &[]);
        let natural = depths(&break_pages(&items, &|_| 10.0, &PageParams::default()));
        assert_eq!(natural[1..3], [9.0, 9.0]);
        let flexible_ones: Vec<_> = lengths.iter().map(|&n| if n == 5 { (Some(1.0), None) } else { (None, None) }).collect();
        let (items, flexible) = flexible_flow(&lengths, &flexible_ones);
        let pages = break_pages_flexibly(&items, &flexible, &|_| 10.0, &PageParams::default());
        assert_eq!(depths(&pages)[1..3], [10.0, 10.0]);
        assert!(pages[1..3].iter().any(|page| page.alternative.is_some()), "{pages:?}");
    }

    #[test]
    fn a_run_resumed_before_a_change_sets_the_pages_a_whole_run_sets() {
        let lengths = [10, 4, 5, 3, 4, 5, 3, 12, 7, 9, 6, 11];
        let flexible_ones: Vec<_> = lengths.iter().map(|&n| if n == 5 { (Some(1.0), None) } else { (None, Some(2.0)) }).collect();
        let (items, flexible) = flexible_flow(&lengths, &flexible_ones);
        let keep_at = flexible[6].start;
        let mut resumption = Resumption::default();
        let first = break_pages_resuming(&items, &flexible, &|_| 10.0, &PageParams::default(), None, &[keep_at], &mut resumption);
        assert_eq!(first, break_pages_flexibly(&items, &flexible, &|_| 10.0, &PageParams::default()));
        assert_eq!(resumption.saved.len(), 1, "the state before the place asked for is kept");
        // The flow changed from there on: a paragraph a line shorter, a break encouraged.
        let mut changed = items[..keep_at].to_vec();
        changed.push(VItem::Penalty { cost: -3_000.0 });
        paragraph(&mut changed, 6);
        changed.extend_from_slice(&items[flexible[7].start..]);
        let changed_flexible: Vec<Flexible> = flexible.iter().copied().filter(|f| f.end <= keep_at).collect();
        let whole = break_pages_flexibly(&changed, &changed_flexible, &|_| 10.0, &PageParams::default());
        let resumed = break_pages_resuming(&changed, &changed_flexible, &|_| 10.0, &PageParams::default(), Some(keep_at), &[], &mut resumption);
        assert_eq!(resumed, whole);
        assert_ne!(resumed, first, "the change changes the pages");
        // A flow that differs before the place is not resumed: its pages are still its own.
        let mut earlier = changed.clone();
        earlier.insert(3, VItem::Penalty { cost: 0.0 });
        let first = break_pages_resuming(&items, &flexible, &|_| 10.0, &PageParams::default(), None, &[keep_at], &mut resumption);
        assert!(!first.is_empty());
        let shifted: Vec<Flexible> = changed_flexible.iter().map(|f| Flexible { start: f.start + 1, end: f.end + 1, ..*f }).collect();
        let resumed = break_pages_resuming(&earlier, &shifted, &|_| 10.0, &PageParams::default(), Some(keep_at), &[], &mut resumption);
        assert_eq!(resumed, break_pages_flexibly(&earlier, &shifted, &|_| 10.0, &PageParams::default()));
    }

    /// A flow that ends where the kept one runs on (a booklet without the
    /// reader's back matter) resumes at the last kept state it can take up,
    /// passing over one it cannot (in the article's booklet, the one at its
    /// end), and sets the pages it sets alone.
    #[test]
    fn a_flow_the_kept_one_runs_on_past_resumes_at_an_earlier_state() {
        let (mut items, _) = flexible_flow(&[10, 4, 5, 3, 4, 5, 3, 12], &[]);
        let notes = items.len();
        items.push(VItem::ForcedBreak);
        paragraph(&mut items, 9);
        let back_matter = items.len();
        items.push(VItem::ForcedBreak);
        paragraph(&mut items, 6);
        let mut kept = Resumption::default();
        break_pages_resuming(&items, &[], &|_| 10.0, &PageParams::default(), None, &[notes, back_matter], &mut kept);
        assert_eq!(kept.saved.len(), 2);

        let shorter = &items[..back_matter];
        assert_eq!(kept.resume_point(shorter), Some(back_matter), "the whole shorter flow is the kept one's");
        let alone = break_pages_resuming(shorter, &[], &|_| 10.0, &PageParams::default(), None, &[], &mut Resumption::default());
        let mut at_the_end = kept.clone();
        let resumed = break_pages_resuming(shorter, &[], &|_| 10.0, &PageParams::default(), Some(back_matter), &[], &mut at_the_end);
        assert_eq!(at_the_end.resumed_at(), Some(back_matter));
        assert_eq!(resumed, alone);
        // The state at its end made one it cannot take up (another first breakpoint there).
        let last = kept.saved.iter().position(|saved| saved.item == back_matter).unwrap();
        kept.saved[last].breakpoint += 1;
        let resumed = break_pages_resuming(shorter, &[], &|_| 10.0, &PageParams::default(), Some(back_matter), &[], &mut kept);
        assert_eq!(kept.resumed_at(), Some(notes), "resumed at the notes' break");
        assert_eq!(resumed, alone);
    }

    #[test]
    fn shrinkable_space_lets_a_page_take_more() {
        // 6 + 4 lines and a half-line space: 10.5 lines on a 10-line page fit
        // only if the space shrinks; otherwise the second paragraph splits.
        let flow = |shrink: f32| {
            let mut items = Vec::new();
            paragraph(&mut items, 6);
            items.push(VItem::Space { height: 0.5, stretch: 0.0, shrink });
            paragraph(&mut items, 4);
            items.push(VItem::Space { height: 0.5, stretch: 0.0, shrink });
            paragraph(&mut items, 6);
            items
        };
        let items = flow(0.5);
        let pages = break_pages(&items, &|_| 10.0, &no_balancing());
        assert_well_formed(&items, &pages, &|_| 10.0);
        assert_eq!(line_count(&items, &pages[0]), 10);
        assert_eq!(pages[0].content_height, 10.5, "natural height is reported");

        let items = flow(0.0);
        let pages = break_pages(&items, &|_| 10.0, &no_balancing());
        assert_well_formed(&items, &pages, &|_| 10.0);
        assert_eq!(line_count(&items, &pages[0]), 8);
    }

    #[test]
    fn random_flows_never_overflow_and_keep_all_keeps() {
        let mut seed: u32 = 4242;
        let mut next = |modulus: u32| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) % modulus
        };
        for _ in 0..200 {
            let mut items = Vec::new();
            for _ in 0..(1 + next(30)) {
                match next(10) {
                    0 => push_heading(&mut items, 1.5, &vec![1.4; 1 + next(2) as usize]),
                    1 => items.push(VItem::ForcedBreak),
                    2 => items.push(VItem::Space { height: 0.5, stretch: 0.25, shrink: 0.1 }),
                    _ => {
                        let height = [1.0, 1.2, 0.8][next(3) as usize];
                        push_paragraph(&mut items, &vec![height; 1 + next(15) as usize], &Keeps::default());
                    }
                }
            }
            let first_room = 6.0 + next(10) as f32;
            let room = move |page: usize| if page == 0 { first_room } else { 15.5 };
            let params = PageParams { balance_spreads: next(2) == 0, ..PageParams::default() };
            let pages = break_pages(&items, &room, &params);
            assert_well_formed(&items, &pages, &room);
            for page in &pages {
                assert!(!page.overfull && !page.keep_broken, "{page:?} in {items:?}");
                if page == pages.last().expect("non-empty") {
                    break;
                }
                // The break item is never a forbidden penalty, and the page
                // does not end with a heading's no-break.
                if let VItem::Penalty { cost } = items[page.end] {
                    assert!(cost < INFINITE_PENALTY);
                }
                // A heading may only end a page if the flow itself breaks
                // there (the generator can put a forced break after one).
                if items[page.end] != VItem::ForcedBreak {
                    assert!(!matches!(items[page.end - 1], VItem::Penalty { cost } if cost >= INFINITE_PENALTY));
                }
            }
        }
    }

    #[test]
    fn degenerate_input() {
        assert!(break_pages(&[], &|_| 10.0, &PageParams::default()).is_empty());
        let only_space = [VItem::Space { height: 3.0, stretch: 0.0, shrink: 0.0 }, VItem::ForcedBreak];
        assert!(break_pages(&only_space, &|_| 10.0, &PageParams::default()).is_empty());
        let odd = [
            VItem::Line { height: f32::NAN },
            VItem::Penalty { cost: f32::NAN },
            VItem::Line { height: -4.0 },
            VItem::Space { height: f32::INFINITY, stretch: f32::NAN, shrink: -1.0 },
            VItem::Line { height: 3.0 },
        ];
        for room in [0.0, -1.0, f32::NAN, 10.0] {
            let pages = break_pages(&odd, &|_| room, &PageParams::default());
            let placed: usize = pages.iter().map(|page| line_count(&odd, page)).sum();
            assert_eq!(placed, 3, "{pages:?}");
        }
    }

    #[test]
    fn book_length_flow() {
        // 3000 paragraphs, ~27 000 lines, headings every 20 paragraphs.
        let mut items = Vec::new();
        let mut seed: u32 = 7;
        for index in 0..3000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if index % 20 == 0 {
                push_heading(&mut items, 2.0, &[1.5]);
            }
            paragraph(&mut items, 1 + ((seed >> 16) % 17) as usize);
        }
        let pages = break_pages(&items, &|_| 40.0, &PageParams::default());
        assert_well_formed(&items, &pages, &|_| 40.0);
        assert!(pages.iter().all(|page| !page.overfull && !page.keep_broken));
        let full = pages.iter().filter(|page| page.content_height >= 38.0).count();
        assert!(full * 10 >= pages.len() * 9, "most pages are within two lines of full");
    }

    /// Cost of one page sequence straight from the documented rules, or
    /// `None` if a page overflows or is empty.
    fn reference_cost(items: &[VItem], ends: &[usize], room: f64) -> Option<f64> {
        let mut total = 0.0;
        let mut start = 0;
        for (number, &end) in ends.iter().enumerate() {
            while start < end && !matches!(items[start], VItem::Line { .. }) {
                start += 1;
            }
            if start >= end {
                return None;
            }
            let (mut natural, mut stretch, mut shrink) = (0.0f64, 0.0f64, 0.0f64);
            for item in &items[start..end] {
                match *item {
                    VItem::Line { height } => natural += height as f64,
                    VItem::Space { height, stretch: s, shrink: z } => {
                        natural += height as f64;
                        stretch += s as f64;
                        shrink += z as f64;
                    }
                    _ => {}
                }
            }
            if natural - shrink > room + 1e-9 {
                return None;
            }
            if number + 1 < ends.len() {
                let gap = (room - (natural + stretch).min(room)) / room;
                total += 10_000.0 * gap * gap;
                if let VItem::Penalty { cost } = items[end] {
                    total += if cost >= INFINITE_PENALTY { 1e12 } else { cost as f64 };
                }
            }
            start = end;
        }
        Some(total)
    }

    #[test]
    fn matches_exhaustive_search_on_small_flows() {
        let mut seed: u32 = 31337;
        let mut next = |modulus: u32| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) % modulus
        };
        let mut compared = 0;
        for _ in 0..300 {
            let mut items = Vec::new();
            while items.len() < 14 {
                match next(6) {
                    0 => push_heading(&mut items, 0.5, &[1.5]),
                    1 => items.push(VItem::Space { height: 0.5, stretch: 0.5 * next(2) as f32, shrink: 0.25 }),
                    2 => items.push(VItem::Penalty { cost: next(200) as f32 - 50.0 }),
                    _ => {
                        let keeps = Keeps { orphan_cost: 150.0 * next(3) as f32, widow_cost: INFINITE_PENALTY };
                        push_paragraph(&mut items, &vec![1.0; 1 + next(6) as usize], &keeps);
                    }
                }
            }
            let Some(last_line) = items.iter().rposition(|item| matches!(item, VItem::Line { .. })) else { continue };
            let end = last_line + 1;
            let legal: Vec<usize> = (1..end)
                .filter(|&position| match items[position] {
                    VItem::Penalty { .. } => true,
                    VItem::Space { .. } | VItem::Line { .. } | VItem::SectionStart => matches!(items[position - 1], VItem::Line { .. }),
                    VItem::ForcedBreak | VItem::RectoBreak | VItem::BreakRepeating { .. } | VItem::TurnPenalty { .. } => unreachable!("not generated"),
                })
                .collect();
            let room = 4.0 + next(4) as f64;
            let mut best = f64::INFINITY;
            for mask in 0u32..(1 << legal.len()) {
                let mut ends: Vec<usize> =
                    legal.iter().enumerate().filter(|(bit, _)| mask & (1 << bit) != 0).map(|(_, &p)| p).collect();
                ends.push(end);
                if let Some(cost) = reference_cost(&items, &ends, room) {
                    best = best.min(cost);
                }
            }
            if !best.is_finite() {
                continue; // needs an overfull page: covered elsewhere
            }
            compared += 1;
            let pages = break_pages(&items, &|_| room as f32, &no_balancing());
            assert_well_formed(&items, &pages, &|_| room as f32);
            let ends: Vec<usize> = pages.iter().map(|page| page.end).collect();
            let found = reference_cost(&items, &ends, room).expect("feasible");
            assert!((found - best).abs() <= 1e-6 * best.max(1.0), "{found} vs optimum {best}: {items:?} {pages:?}");
        }
        assert!(compared > 200, "only {compared} feasible flows");
    }
}
