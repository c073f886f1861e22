//! The print style: page, type sizes, spacing and justification, read from `styles/*.toml`.
//!
//! A style file states only what differs from the default style
//! (`styles/reader-a5.toml`, built in): it is read over the default, table by table
//! and key by key, and the result must be a whole [`Style`], with no key the
//! structs do not know (a typo is an error, not a silently ignored setting).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::built_in;

const POINTS_PER_MM: f32 = 72.0 / 25.4;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Style {
    pub name: String,
    pub links: LinkStyle,
    pub page: PageStyle,
    pub body: BodyStyle,
    pub heading: HeadingStyle,
    pub title: TitleStyle,
    pub notes: NotesStyle,
    pub code: CodeStyle,
    pub caption: CaptionStyle,
    pub furniture: FurnitureStyle,
    pub justification: Justification,
    pub hyphenation: HyphenationStyle,
    /// Headings inside a section, `##` first, then `###` and so on; a level
    /// past the last table takes the last.
    pub subheadings: Vec<SubheadingStyle>,
    pub table: TableStyle,
    pub lists: ListStyle,
    pub quote: QuoteStyle,
    pub verse: VerseStyle,
    pub rule: RuleStyle,
    /// A book's chapter openings, part pages and section headings.
    pub chapters: ChapterStyle,
    /// A book's pages before its first chapter.
    pub front_matter: FrontMatterStyle,
    /// The pamphlet's covers; a style without this table gets the defaults.
    #[serde(default)]
    pub booklet: BookletStyle,
    /// How a booklet's sheets may be bound; a style without this table gets the defaults.
    #[serde(default)]
    pub imposition: ImpositionStyle,
    /// Pairs of words no line breaks between, by language (its primary
    /// subtag: `en`, `fr`); a language without a table has none.
    #[serde(default)]
    pub ties: BTreeMap<String, Ties>,
}

/// The booklet's binding.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ImpositionStyle {
    /// The most pages one saddle-stitched gathering holds: past it (64 pages,
    /// 16 sheets, for office paper and a long-arm stapler) the sheets no longer
    /// fold flat or take a staple, and the booklet is made only in signatures.
    pub saddle_stitch_max_pages: usize,
    /// The paper's thickness: each sheet folded around others stands out at the
    /// fore-edge by about this much more than the sheet around it.
    pub paper_thickness_mm: f32,
    /// How much further towards the fold each sheet's pages are set than the
    /// sheet around it, so the text keeps its distance from a trimmed fore-edge;
    /// the paper's thickness when not given, 0 for none.
    pub creep_mm: Option<f32>,
}

impl Default for ImpositionStyle {
    fn default() -> Self {
        ImpositionStyle { saddle_stitch_max_pages: 64, paper_thickness_mm: 0.1, creep_mm: None }
    }
}

impl ImpositionStyle {
    /// The shift towards the fold from one sheet to the next one in, in points.
    pub fn creep_per_sheet(&self) -> f32 {
        self.creep_mm.unwrap_or(self.paper_thickness_mm) * POINTS_PER_MM
    }
}

/// The pamphlet edition's own pages: front cover, colophon, back cover.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct BookletStyle {
    pub cover_title_size_pt: f32,
    pub cover_title_leading_pt: f32,
    pub cover_standfirst_size_pt: f32,
    pub cover_standfirst_leading_pt: f32,
    pub cover_author_size_pt: f32,
    /// The publisher's imprint at the head of the front cover.
    pub cover_publisher_size_pt: f32,
    /// The last line of the colophon on the inside front cover; empty for none.
    pub credit: String,
    /// "sheets": the booklet chooses the layout (notes run on, the colophon moved)
    /// and, within `fit_size_pt` and `fit_leading_pt`, the body's size and leading
    /// that fill whole sheets, leaving no blank page; "none": set as the style says.
    pub fit: Fit,
    /// The body's size, least and most, that fitting may choose.
    pub fit_size_pt: [f32; 2],
    /// The body's leading, least and most, that fitting may choose.
    pub fit_leading_pt: [f32; 2],
}

/// How a booklet is fitted to its sheets.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Fit {
    /// Fill whole sheets: no blank page, the fewest sheets.
    Sheets,
    /// Set as the style says; blank pages pad the last sheet.
    None,
}

impl Default for BookletStyle {
    fn default() -> Self {
        BookletStyle {
            cover_title_size_pt: 24.0,
            cover_title_leading_pt: 28.0,
            cover_standfirst_size_pt: 13.0,
            cover_standfirst_leading_pt: 17.0,
            cover_author_size_pt: 14.0,
            cover_publisher_size_pt: 10.0,
            credit: "Typeset with quire".into(),
            fit: Fit::Sheets,
            fit_size_pt: [10.5, 11.5],
            fit_leading_pt: [13.5, 14.5],
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PageStyle {
    pub width_mm: f32,
    pub height_mm: f32,
    pub top_mm: f32,
    pub bottom_mm: f32,
    pub inner_mm: f32,
    pub outer_mm: f32,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BodyStyle {
    pub size_pt: f32,
    pub leading_pt: f32,
    pub indent_em: f32,
    pub paragraph_space_lines: f32,
    /// OpenType features to switch on, e.g. `["onum"]` for old-style figures
    /// or `["smcp"]` for small capitals; the font must have them.
    #[serde(default)]
    pub features: Vec<String>,
    /// The running text's lines "justified" or "ragged" (right).
    #[serde(default = "justified")]
    pub spacing: String,
}

fn justified() -> String {
    "justified".to_owned()
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HeadingStyle {
    pub size_pt: f32,
    pub space_above_lines: f32,
    pub space_below_lines: f32,
    /// OpenType features to switch on, e.g. `["onum"]` for old-style figures
    /// or `["smcp"]` for small capitals; the font must have them.
    #[serde(default)]
    pub features: Vec<String>,
}

/// One level of headings inside a section (`##` to `######`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SubheadingStyle {
    pub size_pt: f32,
    /// Of the heading's own lines.
    pub leading_pt: f32,
    /// "bold", "italic", "bold-italic" or "regular".
    pub face: String,
    /// In body lines.
    pub space_above_lines: f32,
    pub space_below_lines: f32,
}

/// Tables: cells broken ragged right in columns as wide as their content asks,
/// rules in the booktabs manner (above, under the head, below).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TableStyle {
    /// Of the cells, a little smaller than the body, as tables usually are.
    pub size_pt: f32,
    pub leading_pt: f32,
    /// A table whose natural width exceeds the measure is set at this size.
    pub small_size_pt: f32,
    pub small_leading_pt: f32,
    /// White between two columns, in ems of the cells' size.
    pub column_gap_em: f32,
    /// The rules above and below the table.
    pub outer_rule_pt: f32,
    /// The rule under the head row.
    pub head_rule_pt: f32,
    /// White between a rule and the text next to it, in lines of the cells' leading.
    pub rule_space_lines: f32,
    /// Extra white between two rows, in lines of the cells' leading.
    pub row_space_lines: f32,
    /// Space above and below a table, in body lines.
    pub space_around_lines: f32,
}

/// Lists: labels hung in the indent, each level further in.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ListStyle {
    /// How far each level's text stands in from the level's left edge, in body ems.
    pub indent_em: f32,
    /// The deepest lists still leave at least this fraction of the measure:
    /// past it, deeper levels stand no further in.
    pub min_measure_fraction: f32,
    /// Bullets of unordered lists by level; deeper levels repeat the last ones in turn.
    pub bullets: Vec<String>,
    pub task_done: String,
    pub task_open: String,
    /// Space between the items of a loose list, and around a list, in body lines.
    pub loose_space_lines: f32,
    pub space_around_lines: f32,
}

/// Block quotes: each level indented on both sides, in their own size.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuoteStyle {
    /// Indent on each side per level of quoting, in body ems.
    pub indent_em: f32,
    pub size_pt: f32,
    pub leading_pt: f32,
    /// Space above and below a quote, in body lines.
    pub space_around_lines: f32,
}

/// Verse: each line a line; a line too long for the measure turns over.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VerseStyle {
    /// In body ems from the text's left edge.
    pub indent_em: f32,
    /// How much further in the turned-over part of a long line goes, in body ems.
    pub turnover_em: f32,
    pub space_around_lines: f32,
}

/// A thematic break (`***`): an ornament centred on the measure.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleStyle {
    pub ornament: String,
    /// Space above and below the ornament, in body lines.
    pub space_lines: f32,
}

/// What print makes of a link's web address, which paper cannot follow.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LinkStyle {
    /// The address joins the notes, numbered with them.
    Endnote,
    /// The address follows the link text, in smaller type.
    Inline,
    /// Nothing printed: the link is only clickable (a PDF read on screen).
    None,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TitleStyle {
    /// A title "Main: subtitle" breaks after the colon, in the title block and on the cover.
    pub break_after_colon: bool,
    pub size_pt: f32,
    pub leading_pt: f32,
    pub standfirst_size_pt: f32,
    pub space_after_lines: f32,
    /// OpenType features to switch on, e.g. `["onum"]` for old-style figures
    /// or `["smcp"]` for small capitals; the font must have them.
    #[serde(default)]
    pub features: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NotesStyle {
    pub size_pt: f32,
    pub leading_pt: f32,
    /// The notes' heading, where the style names them itself; otherwise the
    /// book's language names them (`styles/labels.toml`: "Notes", "Anmerkungen").
    #[serde(default)]
    pub heading: Option<String>,
    /// OpenType features to switch on, e.g. `["onum"]` for old-style figures
    /// or `["smcp"]` for small capitals; the font must have them.
    #[serde(default)]
    pub features: Vec<String>,
    /// An article's notes run on after its text, under their heading, instead of
    /// opening a page: a booklet short of room sets them so (see `booklet.fit`).
    #[serde(default)]
    pub run_on: bool,
    /// Each note's number right-aligned in a box this wide (in ems of the
    /// notes' size, widened for a longer number), hung before the note's text.
    pub number_width_em: f32,
    /// Where the box is: "margin" (left of the text, which keeps the whole
    /// measure) or "indent" (the note's lines stand in by the box and the space).
    pub numbers: String,
    /// The white between the number and the text: fixed, never stretched.
    pub number_space_em: f32,
    /// "ragged" (right) or "justified".
    pub spacing: String,
    /// The note reference marks in the text.
    pub marks: NoteMarkStyle,
}

/// Note reference marks: the face's own superior figures where it has them
/// (shaped with `features`), otherwise figures shaped with `fallback_features`
/// (lining figures: old-style ones hang below each other), `size` times the
/// text's size, raised by `rise` times it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NoteMarkStyle {
    pub features: Vec<String>,
    pub fallback_features: Vec<String>,
    pub size: f32,
    pub rise: f32,
}

impl Default for NoteMarkStyle {
    /// What a setter uses before a style configures it (the default style's values).
    fn default() -> Self {
        NoteMarkStyle { features: vec!["sups".into()], fallback_features: vec!["lnum".into()], size: 0.68, rise: 0.36 }
    }
}

/// Figures: the space around them and their captions' type.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CaptionStyle {
    pub size_pt: f32,
    pub leading_pt: f32,
    /// Captions in the italic face (otherwise the regular one).
    pub italic: bool,
    /// Space between the picture and its caption.
    pub gap_pt: f32,
    /// Space above and below a figure, in body lines.
    pub space_around_lines: f32,
}

/// Code blocks and inline code, set in the monospaced face.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CodeStyle {
    /// Of code blocks; inline code takes the size of the text around it.
    pub size_pt: f32,
    pub leading_pt: f32,
    /// Inline code's size as a fraction of the text around it.
    pub inline_scale: f32,
    /// Space above and below a code block, in body lines.
    pub space_around_lines: f32,
    /// Columns between tab stops: a tab becomes the spaces to the next one.
    pub tab_columns: usize,
    /// How much further in than the line's own indentation a line too long
    /// for the measure goes on, in columns; the continuation mark stands there.
    pub turnover_columns: usize,
    /// Put at the start of each continuation of a line too long for the measure.
    pub continuation_mark: String,
    /// OpenType features of code blocks and inline code, e.g. `["-liga", "-calt"]`
    /// so that `fi` or `->` stay the characters typed.
    #[serde(default)]
    pub features: Vec<String>,
}

/// How a book's chapters open and its parts stand: display type a sink down
/// a page of its own; and its sections' headings, above the sub-sections'.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChapterStyle {
    /// Chapters (and the notes) open on a recto, after a blank verso when needed.
    pub on_recto: bool,
    /// White above a chapter's number, as a fraction of the text block's height.
    pub sink_fraction: f32,
    /// "left" or "centre": how the number and title stand on the measure.
    pub align: String,
    pub number_size_pt: f32,
    pub number_leading_pt: f32,
    /// "bold", "italic", "bold-italic" or "regular".
    pub number_face: String,
    pub title_size_pt: f32,
    pub title_leading_pt: f32,
    pub title_face: String,
    /// In body lines.
    pub number_space_below_lines: f32,
    pub title_space_below_lines: f32,
    pub part_sink_fraction: f32,
    pub part_number_size_pt: f32,
    pub part_title_size_pt: f32,
    pub part_title_leading_pt: f32,
    pub section_size_pt: f32,
    pub section_leading_pt: f32,
    pub section_face: String,
    pub notes_heading_size_pt: f32,
    pub notes_heading_face: String,
}

/// A book's front matter: half-title, title page, copyright page, dedication,
/// epigraph and contents.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatterStyle {
    /// The titles (and a dedication, an epigraph) this fraction of the text block down.
    pub sink_fraction: f32,
    pub half_title_size_pt: f32,
    pub title_size_pt: f32,
    pub title_leading_pt: f32,
    pub subtitle_size_pt: f32,
    pub author_size_pt: f32,
    /// The copyright page's type.
    pub small_size_pt: f32,
    pub small_leading_pt: f32,
    pub inscription_size_pt: f32,
    pub contents_size_pt: f32,
    pub contents_leading_pt: f32,
    /// How much further in each level of the contents stands, in ems of its size.
    pub contents_indent_em: f32,
    /// The leaders' mark, and the white between two, in ems.
    pub leader: String,
    pub leader_space_em: f32,
}

impl ChapterStyle {
    /// Whether openings are centred on the measure.
    pub fn centred(&self) -> bool {
        self.align == "centre"
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FurnitureStyle {
    pub size_pt: f32,
    pub verso: String,
    pub recto: String,
    /// The running heads of a book of chapters: "title", "author", "chapter" or "section".
    pub book_verso: String,
    pub book_recto: String,
    /// Over a book's notes: "notes" (the label) or "pages" (the pages their references are on).
    pub notes_head: String,
    /// OpenType features to switch on, e.g. `["onum"]` for old-style figures
    /// or `["smcp"]` for small capitals; the font must have them.
    #[serde(default)]
    pub features: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Justification {
    pub stretch: f32,
    pub shrink: f32,
    pub pretolerance: f32,
    pub tolerance: f32,
    pub hyphen_penalty: f32,
    pub double_hyphen_demerits: f32,
    /// A hyphen on a paragraph's second-last line, which leaves a fragment
    /// of a word alone on the short last line.
    pub final_hyphen_demerits: f32,
    /// Look first for a setting with no hyphen on a paragraph's second-last
    /// line at all (a little looser than the tolerance if need be), and weigh
    /// one by `final_hyphen_demerits` only where there is none.
    #[serde(default = "avoid_final_hyphen")]
    pub avoid_final_hyphen: bool,
    /// Two adjacent lines more than one fitness class apart (a tight line
    /// under a loose one), as TeX's `\adjdemerits`.
    pub fitness_demerits: f32,
    /// Font expansion: how much letters may widen or narrow to even out word
    /// spaces, as a fraction (0.02 = 2 %); 0 turns it off.
    #[serde(default)]
    pub expansion: f32,
    /// Margin kerning: how far a character that ends a line may hang into the
    /// right margin, as a fraction of its width. Small marks (full stops,
    /// commas, hyphens) leave a visible dent in a justified edge otherwise.
    #[serde(default)]
    pub protrusion: BTreeMap<char, f32>,
    /// The page breaker may set a paragraph a line longer or shorter where
    /// the text's own breaks would leave a page or a spread short (TeX's
    /// `\looseness`, chosen page by page), with its lines' ratios within
    /// this share of `tolerance`; 0 never does.
    #[serde(default)]
    pub paragraph_alternatives: f32,
}

fn avoid_final_hyphen() -> bool {
    true
}

impl Justification {
    /// How far `character` hangs into the right margin at `width` points wide.
    pub fn protrusion_of(&self, character: char, width: f32) -> f32 {
        self.protrusion.get(&character).map_or(0.0, |fraction| fraction.clamp(0.0, 1.0) * width)
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HyphenationStyle {
    pub left_min: usize,
    pub right_min: usize,
    /// Whether words that begin with a capital (names, mostly: "Mo-scow",
    /// "Ker-ensky's") may be hyphenated. Patterns are made for common words
    /// and often cut a name at the wrong place; a name cut in two is also
    /// harder to read. Off unless the style says so.
    #[serde(default)]
    pub capitalised: bool,
    /// What a hyphen in a capitalised word costs where `capitalised` allows
    /// one, as `justification.hyphen_penalty` prices any other: high, and a
    /// name is cut only where every setting without the cut has a line looser
    /// than the tolerance (style manuals such as Chicago's would leave a
    /// personal name whole wherever they can).
    #[serde(default = "capitalised_penalty")]
    pub capitalised_penalty: f32,
}

fn capitalised_penalty() -> f32 {
    1000.0
}

impl HyphenationStyle {
    /// The line breaker's price of a capitalised word's hyphen, `None` if there may be none.
    pub fn capitalised_hyphen_penalty(&self) -> Option<f32> {
        self.capitalised.then_some(self.capitalised_penalty)
    }
}

/// The ties of `language` (a BCP 47 tag, looked up by its primary subtag) in `ties`.
pub fn ties_in<'a>(ties: &'a BTreeMap<String, Ties>, language: &str) -> Option<&'a Ties> {
    let primary = language.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    ties.get(&primary)
}

/// Where a line must not break between two words in one language: pairs
/// that read as one ("St Petersburg", "25 October", "p. 12").
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Ties {
    /// Abbreviations kept with the capitalised word after them ("St", "Dr.").
    pub before_names: Vec<String>,
    /// Words kept with the number after them ("p.", "No.").
    pub before_numbers: Vec<String>,
    /// Words kept with the number before them: months, units ("October", "km").
    pub after_numbers: Vec<String>,
    /// Endings that leave a number a number ("25th"; German's "25.").
    pub ordinal_suffixes: Vec<String>,
}

impl Style {
    /// The ties of `language` (a BCP 47 tag, looked up by its primary subtag).
    pub fn ties_for(&self, language: &str) -> Option<&Ties> {
        ties_in(&self.ties, language)
    }

    /// Reads the style file at `path` over the default style.
    pub fn read(path: &Path) -> Result<Style, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read the style: {e}", path.display()))?;
        Style::over_default(path, &text)
    }

    /// The style in `text` over the default style; `path` names it in messages.
    /// Read once per process: every edition reads its own style and the reader's
    /// (the booklets, to see whether they share its page), and reading one was a
    /// thirtieth of the article's build.
    pub fn over_default(path: &Path, text: &str) -> Result<Style, String> {
        type Read = Vec<(std::path::PathBuf, String, Style)>;
        static READ: std::sync::Mutex<Read> = std::sync::Mutex::new(Vec::new());
        let found = |read: &Read| read.iter().find(|(p, t, _)| p == path && t == text).map(|(_, _, style)| style.clone());
        if let Some(style) = READ.lock().ok().and_then(|read| found(&read)) {
            return Ok(style);
        }
        let style = Style::parse_over_default(path, text)?;
        if let Ok(mut read) = READ.lock() {
            if found(&read).is_none() {
                read.push((path.to_owned(), text.to_owned(), style.clone()));
            }
        }
        Ok(style)
    }

    fn parse_over_default(path: &Path, text: &str) -> Result<Style, String> {
        // Parsed once per process: every edition reads its style over it.
        static DEFAULT: std::sync::OnceLock<toml::Table> = std::sync::OnceLock::new();
        let mut merged = DEFAULT.get_or_init(|| toml::from_str(built_in::DEFAULT_STYLE).expect("the default style is valid TOML")).clone();
        let own: toml::Table = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|span| crate::diagnostics::LineIndex::new(text, 1).position(span.start));
            let place = at.map(|at| format!(":{}:{}", at.line, at.column)).unwrap_or_default();
            format!("{}{place}: invalid style: {}", path.display(), e.message())
        })?;
        merge_over(&mut merged, own);
        let style: Style = toml::Value::Table(merged).try_into().map_err(|e: toml::de::Error| {
            // Read from a merged table, the error has no place in the file, but it
            // names the key (`in `page.width_mm``) on a line of its own.
            let key = e.to_string().lines().find_map(|line| line.strip_prefix("in ").map(str::to_owned));
            let key = key.map(|key| format!(" in {key}")).unwrap_or_default();
            format!("{}: invalid style: {}{key}", path.display(), e.message())
        })?;
        let m = &style.notes.marks;
        let lists = [&style.body.features, &style.heading.features, &style.title.features, &style.notes.features, &m.features, &m.fallback_features, &style.furniture.features, &style.code.features];
        if let Some(bad) = lists.iter().flat_map(|l| l.iter()).find(|tag| tag.parse::<rustybuzz::Feature>().is_err()) {
            return Err(format!("{}: invalid style: `{bad}` is not an OpenType feature setting (write a tag such as \"onum\" or \"smcp\")", path.display()));
        }
        let faces = ["regular", "italic", "bold", "bold-italic"];
        if let Some(bad) = style.subheadings.iter().find(|h| !faces.contains(&h.face.as_str())) {
            return Err(format!("{}: invalid style: subheading face `{}` is not one of \"regular\", \"italic\", \"bold\" or \"bold-italic\"", path.display(), bad.face));
        }
        let c = &style.chapters;
        if let Some(bad) = [&c.number_face, &c.title_face, &c.section_face, &c.notes_heading_face].into_iter().find(|face| !faces.contains(&face.as_str())) {
            return Err(format!("{}: invalid style: chapters face `{bad}` is not one of \"regular\", \"italic\", \"bold\" or \"bold-italic\"", path.display()));
        }
        if !["left", "centre"].contains(&c.align.as_str()) {
            return Err(format!("{}: invalid style: chapters.align `{}` is not \"left\" or \"centre\"", path.display(), c.align));
        }
        let heads = ["title", "author", "chapter", "section", "none"];
        if let Some(bad) = [&style.furniture.book_verso, &style.furniture.book_recto].into_iter().find(|h| !heads.contains(&h.as_str())) {
            return Err(format!("{}: invalid style: furniture running head `{bad}` is not one of \"title\", \"author\", \"chapter\", \"section\" or \"none\"", path.display()));
        }
        if !["notes", "pages"].contains(&style.furniture.notes_head.as_str()) {
            return Err(format!("{}: invalid style: furniture.notes_head `{}` is not \"notes\" or \"pages\"", path.display(), style.furniture.notes_head));
        }
        if !["margin", "indent"].contains(&style.notes.numbers.as_str()) {
            return Err(format!("{}: invalid style: notes.numbers `{}` is not \"margin\" or \"indent\"", path.display(), style.notes.numbers));
        }
        for (key, value) in [("notes.spacing", &style.notes.spacing), ("body.spacing", &style.body.spacing)] {
            if !["ragged", "justified"].contains(&value.as_str()) {
                return Err(format!("{}: invalid style: {key} `{value}` is not \"ragged\" or \"justified\"", path.display()));
            }
        }
        if style.subheadings.is_empty() || style.lists.bullets.is_empty() {
            return Err(format!("{}: invalid style: `subheadings` and `lists.bullets` need at least one entry", path.display()));
        }
        Ok(style)
    }

    pub fn page_width(&self) -> f32 {
        self.page.width_mm * POINTS_PER_MM
    }
    pub fn page_height(&self) -> f32 {
        self.page.height_mm * POINTS_PER_MM
    }
    pub fn top(&self) -> f32 {
        self.page.top_mm * POINTS_PER_MM
    }
    pub fn bottom(&self) -> f32 {
        self.page.bottom_mm * POINTS_PER_MM
    }
    /// Left margin of page `index` (0-based, page 1 is a recto): inner on rectos, outer on versos.
    pub fn left_margin(&self, index: usize) -> f32 {
        (if index.is_multiple_of(2) { self.page.inner_mm } else { self.page.outer_mm }) * POINTS_PER_MM
    }
    pub fn measure(&self) -> f32 {
        (self.page.width_mm - self.page.inner_mm - self.page.outer_mm) * POINTS_PER_MM
    }
    pub fn text_height(&self) -> f32 {
        self.page_height() - self.top() - self.bottom()
    }
}

/// Puts `over` on top of `base`: a table in both is merged key by key, anything
/// else in `over` (a value, an array) replaces what `base` has.
fn merge_over(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(below)), toml::Value::Table(above)) => merge_over(below, above),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Style, String> {
        Style::over_default(Path::new("mine.toml"), text)
    }

    #[test]
    fn a_style_states_only_what_differs_from_the_default() {
        let default = read("").unwrap();
        let narrow = read("[page]\nwidth_mm = 120\n[justification.protrusion]\n\".\" = 0.7\n").unwrap();
        assert_eq!(narrow.page.width_mm, 120.0);
        assert_eq!(narrow.page.height_mm, default.page.height_mm, "the rest of the table is the default's");
        assert_eq!(narrow.body, default.body);
        assert_eq!(narrow.justification.protrusion[&'.'], 0.7);
        assert_eq!(narrow.justification.protrusion[&','], default.justification.protrusion[&','], "tables merge key by key");
    }

    #[test]
    fn a_subheading_face_must_be_one_of_the_family() {
        let error = read("[[subheadings]]\nsize_pt = 10\nleading_pt = 12\nface = \"heavy\"\nspace_above_lines = 1\nspace_below_lines = 0\n").unwrap_err();
        assert!(error.contains("subheading face `heavy`"), "{error}");
    }

    #[test]
    fn a_misspelt_key_is_still_an_error() {
        let error = read("[page]\nwidht_mm = 120\n").unwrap_err();
        assert!(error.starts_with("mine.toml: invalid style: unknown field `widht_mm`"), "{error}");
        assert!(error.ends_with("in `page`"), "{error}");
    }

    #[test]
    fn a_wrong_type_names_the_key_and_bad_toml_its_place() {
        let error = read("[page]\nwidth_mm = \"wide\"\n").unwrap_err();
        assert_eq!(error, "mine.toml: invalid style: invalid type: string \"wide\", expected f32 in `page.width_mm`");
        let error = read("[page]\nwidth_mm = = 3\n").unwrap_err();
        assert!(error.starts_with("mine.toml:2:12: invalid style: "), "{error}");
    }
}
