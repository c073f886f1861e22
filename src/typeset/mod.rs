//! The typesetter: the document model in, pages of positioned glyphs out.
//!
//! [`typeset`] is the recipe. Each step runs over the whole book before the
//! next begins (preparing and breaking lines go a galley of blocks at a time,
//! to bound memory), and is timed as a whole:
//!
//! 1. configure: one text setter, which owns the faces, the shaping plans and
//!    the shaped words, and the line breaker's parameters;
//! 2. collect (`flow::collect`): what the book asks to be set, from the model;
//! 3. prepare (`inline::prepare`): each paragraph shaped and hyphenated into
//!    boxes, glue and penalties;
//! 4. break lines (`flow::stack`, with `inline::line` and `inline::linebreak`):
//!    each paragraph set, its lines stacked into one vertical flow with its keeps;
//! 5. break pages (`flow::pagebreak`);
//! 6. finalize (`flow::pages`, `flow::furniture`): lines placed on their
//!    pages, running heads and folios, links, bookmarks.
//!
//! Steps 1 to 4 make a [`Stack`], 5 and 6 its pages: a booklet's fitting
//! tries layouts of one type on one stack. The pamphlet (`flow::covers`) is
//! the same recipe between covers.

pub mod flow;
pub mod inline;
pub(crate) mod shared_body;
#[cfg(test)]
mod break_measures;

pub(crate) use flow::covers::{stack_pamphlet, PamphletStack};
pub use inline::prepare::MissingGlyph;

use crate::build::timings::{stage, Timings};
use crate::layout;
use crate::images::Images;
use crate::model::Book;
use crate::resources::fonts::FontFamily;
use crate::resources::style::Style;
use flow::furniture::Furniture;
use flow::{collect, pages, Flow};
use inline::hyphenate::Hyphenator;
use inline::line;
use inline::prepare::{InlineCode, TextSetter};
pub(crate) use shared_body::{Sharing, StackedBody};

/// How many blocks (paragraphs, headings, spaces) are prepared before their
/// lines are broken: enough that the steps stay apart, few enough that a
/// book's prepared text is never all held at once.
const GALLEY: usize = 32;

pub struct Typeset {
    pub document: layout::Document,
    pub missing_glyphs: Vec<MissingGlyph>,
    /// Words too wide for their measure, cut at it, in order.
    pub cut_words: Vec<Box<str>>,
    /// Languages of blocks and spans set without hyphenation, as there are no patterns for them.
    pub unhyphenated_languages: Vec<String>,
    /// Figures set smaller than the measure because their pictures have too few
    /// pixels for it at 150 ppi: where each stands, and its `src`.
    pub small_pictures: Vec<(crate::model::SourcePos, String)>,
    /// Figures without alt text, which the tagged PDF marks as decoration: where each stands, and its `src`.
    pub pictures_without_alt: Vec<(crate::model::SourcePos, String)>,
    /// What could not be set as the style asks (a table too wide for the page).
    pub warnings: Vec<String>,
    /// What the page breaker kept of its run, for another edition's to resume ([`Stack::resume_page_breaking`]).
    pub page_breaking: flow::pagebreak::Resumption,
}

/// Typesets the book as the reader edition's pages, dated `date`, sharing its
/// stacked body as `sharing` says, adding the time of each step to `timings`.
/// A book of chapters begins with its front matter, set once the body's pages are known.
#[allow(clippy::too_many_arguments)]
pub fn typeset(book: &Book, images: &Images, style: &Style, fonts: &FontFamily, hyphenator: Option<&Hyphenator>, date: Option<chrono::NaiveDate>, sharing: Sharing, timings: &mut Timings) -> Typeset {
    let mut set = stack(book, images, style, fonts, hyphenator, sharing, timings).pages(book, style, fonts, hyphenator, date, 0, timings);
    if book.has_chapters() {
        timings.time(stage::PAGE_BREAKING, || flow::front_matter::prepend(book, style, fonts, hyphenator, &mut set));
    }
    set
}

/// The book stacked: collected, prepared and its lines broken into one
/// vertical flow, with what its pages are made with. The pages a stack makes
/// depend on the style only through its page breaking and make-up (where the
/// text begins, its margins and folios), so one stack serves every layout of
/// the same type: a booklet's fitting tries several (`build::fit`).
#[derive(Clone)]
pub(crate) struct Stack {
    flow: Flow,
    /// Where a forced break opens the notes on a page of their own; see [`Stack::run_notes_on`].
    notes_opening: Option<collect::NotesOpening>,
    missing_glyphs: Vec<MissingGlyph>,
    cut_words: Vec<Box<str>>,
    unhyphenated_languages: Vec<String>,
    small_pictures: Vec<(crate::model::SourcePos, String)>,
    pictures_without_alt: Vec<(crate::model::SourcePos, String)>,
    /// Another edition's page breaking, to resume where this stack's flow is the same.
    page_breaking: Option<std::sync::Arc<flow::pagebreak::Resumption>>,
}

/// The text setter the style asks for, for the book's text and its furniture.
fn text_setter<'a>(book: &Book, style: &'a Style, fonts: &'a FontFamily, hyphenator: Option<&'a Hyphenator>) -> TextSetter<'a> {
    let mut setter = TextSetter::new(fonts, hyphenator, &style.justification);
    setter.inline_code = InlineCode::of(&style.code);
    setter.note_marks = style.notes.marks.clone();
    setter.hyphenation_minima = (style.hyphenation.left_min, style.hyphenation.right_min);
    setter.capitalised_hyphen_penalty = style.hyphenation.capitalised_hyphen_penalty();
    setter.ties = Some(&style.ties);
    setter.language = std::rc::Rc::from(book.metadata.language.as_str());
    setter
}

/// Collects, prepares and breaks the lines of the book as `style` sets it,
/// adding the time of each step to `timings`, sharing its body as `sharing` says.
pub(crate) fn stack(book: &Book, images: &Images, style: &Style, fonts: &FontFamily, hyphenator: Option<&Hyphenator>, sharing: Sharing, timings: &mut Timings) -> Stack {
    // Configure.
    let mut setter = text_setter(book, style, fonts, hyphenator);
    let params = line::params(&style.justification);
    // Collect, from the book as the style prints its links.
    let book = &*flow::links::for_print(book, style.links);
    let collected = timings.time(stage::TEXT, || collect::collect(book, style, images));
    // Another edition's body is taken up only where this one would set the very same lines.
    let (taken_up, mut keep) = match sharing {
        Sharing::TakeUp { body, style: their_style, book: their_book } if shared_body::sets_text_alike(style, their_style) => timings.time(stage::TEXT, || {
            let their_book = &*flow::links::for_print(their_book, their_style.links);
            let theirs = collect::collect(their_book, their_style, images);
            (body.is_set_as(&collected, &theirs).then_some(body), None)
        }),
        Sharing::Keep(keep) => (None, Some(keep)),
        _ => (None, None),
    };
    let small_pictures = collected.small_pictures;
    let pictures_without_alt = collected.pictures_without_alt;
    // Pictures set inline join the figures' in the document's list.
    setter.pictures = inline::picture::PictureList { images: Some(images), placed: collected.pictures };
    let mut flow = Flow { outline: collected.outline, sections: collected.sections, run_keys: collected.run_keys, tagging: collected.tagging, vary: flow::stack::Vary::of(style), ..Flow::default() };
    let blocks_taken_up = taken_up.as_ref().map_or(0, |body| body.blocks());
    let mut unhyphenated_languages = taken_up.map(|body| body.take_up(&mut flow, &mut setter)).unwrap_or_default();
    // Prepare (looking up hyphenation points is part of it), then break lines,
    // a galley at a time: a prepared paragraph takes more room than its set
    // lines, and preparing a long book whole before breaking any of it held
    // both (22 MB more at the peak). Each galley goes through both steps whole.
    // The material before the notes' opening is stacked apart from the rest, so
    // that the opening's place in the flow, and the body before it, are known.
    let mut notes_opening = collected.notes_opening;
    let mut material = collected.material;
    let first = blocks_taken_up.min(material.len());
    let notes_open_at = notes_opening.as_ref().map_or(material.len(), |opening| opening.at.clamp(first, material.len()));
    let notes = material.split_off(notes_open_at);
    material.drain(..first);
    stack_galleys(&mut flow, &mut setter, material, &params, timings);
    if let Some(opening) = notes_opening.as_mut().filter(|_| !notes.is_empty()) {
        if let Some(keep) = keep.take() {
            keep(Some(StackedBody::of(&flow, notes_open_at, &setter)));
        }
        // From a place in the material to its place in the flow: a forced break is one item.
        opening.at = flow.items.len();
    }
    stack_galleys(&mut flow, &mut setter, notes, &params, timings);
    if let Some(keep) = keep {
        keep(None);
    }
    // Taken before the furniture is set: running heads repeat the book's own words.
    let missing_glyphs = setter.take_missing();
    flow.pictures = std::mem::take(&mut setter.pictures.placed);
    let cut_words = flow.lines.iter().flatten().filter_map(|line| line.line.cut_word.clone()).collect();
    unhyphenated_languages.extend(setter.unhyphenated_languages());
    unhyphenated_languages.sort();
    unhyphenated_languages.dedup();
    Stack { flow, notes_opening, missing_glyphs, cut_words, unhyphenated_languages, small_pictures, pictures_without_alt, page_breaking: None }
}

/// Prepares `material` and breaks its lines into `flow`, a galley at a time.
/// With a core idle the two steps overlap (`parallel::pipeline`): the next
/// galley is prepared while the lines of the last are broken; the flow is the same.
fn stack_galleys(flow: &mut Flow, setter: &mut TextSetter, material: Vec<collect::Material<inline::prepare::ParagraphText>>, params: &inline::linebreak::Params, timings: &mut Timings) {
    let mut line_breaking = Timings::new();
    let galleys = material.len().div_ceil(GALLEY);
    let mut material = material.into_iter().peekable();
    crate::parallel::pipeline(
        galleys,
        |hand_over| {
            while material.peek().is_some() {
                let prepared = timings.time(stage::TEXT, || material.by_ref().take(GALLEY).map(|m| m.map_text(|text| setter.prepare_text(text))).collect());
                hand_over(prepared);
            }
        },
        |prepared| line_breaking.time(stage::LINE_BREAKING, || flow.stack(prepared, params)),
    );
    timings.merge(line_breaking);
}

impl Stack {
    /// The stack as it would be with the notes run on after the text
    /// (`notes.run_on`), which is where they open, nothing else: the forced
    /// break before them becomes the space a section's heading has above it,
    /// and their heading is under the running head of the text before it.
    /// False, the stack unchanged, when it cannot be made so (no notes, or
    /// they run on already): it is stacked again with the notes run on.
    pub(crate) fn run_notes_on(&mut self) -> bool {
        let Some(opening) = self.notes_opening.take() else { return false };
        let flow = &mut self.flow;
        debug_assert!(matches!(flow.items[opening.at], flow::pagebreak::VItem::ForcedBreak));
        flow.items[opening.at] = flow::pagebreak::VItem::Space { height: opening.space_above, stretch: 0.0, shrink: 0.0 };
        // The heading's lines, the first after the break, are the opening section's only ones.
        for line in flow.lines[opening.at..].iter_mut().flatten().take_while(|line| line.section == opening.section) {
            line.section = opening.section_before;
        }
        true
    }

    /// Its pages are broken resuming `other`, another edition's page breaking
    /// (`Typeset::page_breaking`), where its flow is the same as that one's
    /// (the same text on the same page): the pages are the same, sooner.
    pub(crate) fn resume_page_breaking(&mut self, other: std::sync::Arc<flow::pagebreak::Resumption>) {
        self.page_breaking = Some(other);
    }

    /// At least how many pages the stack's text takes, `style`'s text block
    /// holding as many lines as it has room for: its lines' height over a page's.
    pub(crate) fn pages_at_least(&self, style: &Style) -> usize {
        let lines: f32 = self.flow.items.iter().map(|item| if let flow::pagebreak::VItem::Line { height } = item { *height } else { 0.0 }).sum();
        (lines / style.text_height().max(1.0)).floor() as usize
    }

    /// The stack's pages, following `first_page` other pages (a pamphlet's
    /// covers), which its folios and margins count, dated `date`: page breaking and make-up.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn pages(self, book: &Book, style: &Style, fonts: &FontFamily, hyphenator: Option<&Hyphenator>, date: Option<chrono::NaiveDate>, first_page: usize, timings: &mut Timings) -> Typeset {
        let Stack { mut flow, missing_glyphs, cut_words, unhyphenated_languages, small_pictures, pictures_without_alt, page_breaking, .. } = self;
        // Break pages.
        let mut page_breaking = page_breaking.map(|other| (*other).clone()).unwrap_or_default();
        let ranges = timings.time(stage::PAGE_BREAKING, || pages::break_pages(&mut flow, style, first_page, &mut page_breaking));
        let warnings = std::mem::take(&mut flow.warnings);
        // Finalize, the furniture with a setter of its own: what the text's left is in the stack.
        let mut setter = text_setter(book, style, fonts, hyphenator);
        let document = timings.time(stage::PAGE_BREAKING, || {
            let pages = pages::make_up(&mut flow, &ranges, style, first_page, &mut Furniture::new(book, style, &mut setter));
            let mut document = pages::document(book, fonts, date, pages, flow.outline, flow.pictures, flow.tagging.structure);
            pages::drop_links_to_nowhere(&mut document);
            document
        });
        Typeset { document, missing_glyphs, cut_words, unhyphenated_languages, small_pictures, pictures_without_alt, warnings, page_breaking }
    }
}

#[cfg(test)]
mod tests {
    use super::flow::pagebreak;
    use super::inline::linebreak;

    /// The bundled article, with what typesetting it takes.
    struct Article {
        book: super::Book,
        fonts: super::FontFamily,
        images: super::Images,
        hyphenator: Option<super::Hyphenator>,
    }

    impl Article {
        fn load() -> Article {
            let (book, _) = crate::build::load(&root().join("manuscript/russia-1917.md")).unwrap();
            let fonts = crate::resources::Resources::built_in().fonts().unwrap();
            let style = style("reader-a5.toml");
            let m = &book.metadata;
            let hyphenator = super::Hyphenator::new(&m.language, style.hyphenation.left_min, style.hyphenation.right_min, &m.hyphenation_exceptions);
            Article { book, fonts, images: super::Images::default(), hyphenator }
        }

        fn stacked(&self, style: &super::Style) -> super::Stack {
            super::stack(&self.book, &self.images, style, &self.fonts, self.hyphenator.as_ref(), super::Sharing::Alone, &mut super::Timings::new())
        }

        fn pages(&self, stack: super::Stack, style: &super::Style, first_page: usize) -> super::Typeset {
            stack.pages(&self.book, style, &self.fonts, self.hyphenator.as_ref(), None, first_page, &mut super::Timings::new())
        }
    }

    fn root() -> &'static std::path::Path {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    fn style(file: &str) -> super::Style {
        super::Style::read(&root().join("styles").join(file)).unwrap()
    }

    /// The notes run on in a stack collected with them on a page of their own
    /// (a booklet's fitting tries both on one stack) set the very pages a stack
    /// collected with them run on sets.
    #[test]
    fn notes_run_on_in_a_stack_set_the_pages_of_notes_collected_run_on() {
        let article = Article::load();
        let style = style("booklet-a5.toml");
        let mut run_on = style.clone();
        run_on.notes.run_on = true;
        let pages = |stack, style| format!("{:?}", article.pages(stack, style, 2).document.pages);
        let mut apart = article.stacked(&style);
        let apart_pages = pages(apart.clone(), &style);
        assert!(apart.run_notes_on(), "the article's notes open on a page of their own");
        let collected_run_on = article.stacked(&run_on);
        assert!(!collected_run_on.clone().run_notes_on(), "notes that run on already have no opening to change");
        let expected = pages(collected_run_on, &run_on);
        assert_ne!(apart_pages, expected, "running the notes on changes the pages");
        assert!(pages(apart, &run_on) == expected, "the notes run on in the stack set other pages than the notes collected run on");
    }

    /// The A4 booklet's page is the reader's A5 with other margins: its flow is
    /// the reader's up to the notes (whose numbers it hangs otherwise), and its
    /// page breaking resumes the reader's there, to the pages it sets alone.
    #[test]
    fn a_booklet_resumes_the_reader_page_breaking_and_sets_the_pages_it_sets_alone() {
        let article = Article::load();
        let (reader, booklet) = (style("reader-a5.toml"), style("booklet-a5.toml"));
        let reader_breaking = std::sync::Arc::new(article.pages(article.stacked(&reader), &reader, 0).page_breaking);

        let alone = article.stacked(&booklet);
        let mut on_the_grid = alone.flow.clone();
        super::flow::grid::align(&mut on_the_grid, booklet.body.leading_pt);
        let resumes_at = reader_breaking.resume_point(&on_the_grid.items).expect("the booklet resumes the reader's page breaking");
        assert!(matches!(on_the_grid.items[resumes_at], pagebreak::VItem::ForcedBreak), "it resumes at the notes' opening");
        assert!(resumes_at > on_the_grid.items.len() * 3 / 4, "it resumes at {resumes_at} of {} items", on_the_grid.items.len());
        let mut resuming = alone.clone();
        resuming.resume_page_breaking(reader_breaking);
        let expected = article.pages(alone, &booklet, 2);
        assert_eq!(expected.page_breaking.resumed_at(), None);
        let resumed = article.pages(resuming, &booklet, 2);
        assert_eq!(resumed.page_breaking.resumed_at(), Some(resumes_at), "the booklet's page breaking ran whole");
        assert!(format!("{:?}", resumed.document.pages) == format!("{:?}", expected.document.pages), "resumed, the booklet's pages differ from its own");
    }

    /// The reader's stack, keeping its body, and the body it kept.
    fn reader_keeping_body(article: &Article, reader: &super::Style) -> (super::Stack, super::StackedBody) {
        let mut kept = None;
        let mut keep = |body| kept = body;
        let stack = super::stack(&article.book, &article.images, reader, &article.fonts, article.hyphenator.as_ref(), super::Sharing::Keep(&mut keep), &mut super::Timings::new());
        (stack, kept.expect("the article's notes open on a page of their own, where the body is kept"))
    }

    /// How many of `stack`'s lines are `reader`'s own, shared rather than set again.
    fn lines_shared(stack: &super::Stack, reader: &super::Stack) -> usize {
        let pairs = stack.flow.lines.iter().zip(&reader.flow.lines);
        pairs.filter(|(a, b)| matches!((a, b), (Some(a), Some(b)) if std::sync::Arc::ptr_eq(&a.line, &b.line))).count()
    }

    /// The A4 booklet takes up the reader's body as stacked, its lines shared,
    /// and sets the very pages it sets alone: the lines up to the notes are
    /// the reader's, the notes its own.
    #[test]
    fn a_booklet_takes_up_the_reader_body_and_sets_the_pages_it_sets_alone() {
        let article = Article::load();
        let (reader, booklet) = (style("reader-a5.toml"), style("booklet-a5.toml"));
        let (reader_stack, body) = reader_keeping_body(&article, &reader);
        let blocks = body.blocks();
        let sharing = super::Sharing::TakeUp { body: Box::new(body), style: &reader, book: &article.book };
        let taking_up = super::stack(&article.book, &article.images, &booklet, &article.fonts, article.hyphenator.as_ref(), sharing, &mut super::Timings::new());
        let alone = article.stacked(&booklet);
        let shared = lines_shared(&taking_up, &reader_stack);
        let opening = taking_up.notes_opening.expect("the booklet's notes open on a page of their own").at;
        let before_notes = reader_stack.flow.lines[..opening].iter().flatten().count();
        assert!(blocks > 0 && shared == before_notes, "{shared} lines shared of the {before_notes} before the notes");
        assert_eq!(lines_shared(&alone, &reader_stack), 0, "a stack set alone shares nothing");
        let pages = |stack, style| format!("{:?}", article.pages(stack, style, 2).document.pages);
        assert!(pages(taking_up, &booklet) == pages(alone, &booklet), "taking up the reader's body, the booklet's pages differ from its own");
    }

    /// A style that sets text otherwise (another tolerance, here) takes up
    /// nothing of the reader's body, nor does a book whose text differs.
    #[test]
    fn a_body_set_otherwise_is_not_taken_up() {
        let article = Article::load();
        let (reader, booklet) = (style("reader-a5.toml"), style("booklet-a5.toml"));
        let mut looser = booklet.clone();
        looser.justification.tolerance *= 2.0;
        let mut other_book = article.book.clone();
        other_book.chapters[0].sections[0].blocks.remove(0);
        for (style, book) in [(&looser, &article.book), (&booklet, &other_book)] {
            let (reader_stack, body) = reader_keeping_body(&article, &reader);
            let sharing = super::Sharing::TakeUp { body: Box::new(body), style: &reader, book: &article.book };
            let stack = super::stack(book, &article.images, style, &article.fonts, article.hyphenator.as_ref(), sharing, &mut super::Timings::new());
            assert_eq!(lines_shared(&stack, &reader_stack), 0);
        }
    }

    /// The breakers each define their penalties, so that neither depends on
    /// the other; the typesetter speaks to both in one vocabulary.
    #[test]
    fn the_line_and_page_breakers_agree_on_penalties() {
        assert_eq!(linebreak::INFINITE_PENALTY, pagebreak::INFINITE_PENALTY);
        assert_eq!(linebreak::FORCED_PENALTY, pagebreak::FORCED_PENALTY);
    }
}
