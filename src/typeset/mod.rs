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
//! The pamphlet (`flow::covers`) is the same recipe between covers.

pub mod flow;
pub mod inline;
#[cfg(test)]
mod break_measures;

pub use flow::covers::{typeset_pamphlet, Colophon};
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
}

/// Typesets the book as the reader edition's pages, dated `date`,
/// adding the time of each step to `timings`.
/// A book of chapters begins with its front matter, set once the body's pages are known.
pub fn typeset(book: &Book, images: &Images, style: &Style, fonts: &FontFamily, hyphenator: Option<&Hyphenator>, date: Option<chrono::NaiveDate>, timings: &mut Timings) -> Typeset {
    let mut set = typeset_from(book, images, style, fonts, hyphenator, date, 0, timings);
    if book.has_chapters() {
        timings.time(stage::PAGE_BREAKING, || flow::front_matter::prepend(book, style, fonts, hyphenator, &mut set));
    }
    set
}

/// Typesets the book as pages that follow `first_page` other pages (a
/// pamphlet's covers), which its folios and margins count.
#[allow(clippy::too_many_arguments)]
pub(crate) fn typeset_from(
    book: &Book,
    images: &Images,
    style: &Style,
    fonts: &FontFamily,
    hyphenator: Option<&Hyphenator>,
    date: Option<chrono::NaiveDate>,
    first_page: usize,
    timings: &mut Timings,
) -> Typeset {
    // Configure.
    let mut setter = TextSetter::new(fonts, hyphenator, &style.justification);
    setter.inline_code = InlineCode::of(&style.code);
    setter.note_marks = style.notes.marks.clone();
    setter.hyphenation_minima = (style.hyphenation.left_min, style.hyphenation.right_min);
    setter.hyphenate_capitalised = style.hyphenation.capitalised;
    setter.ties = Some(&style.ties);
    setter.language = std::rc::Rc::from(book.metadata.language.as_str());
    let params = line::params(&style.justification);
    // Collect, from the book as the style prints its links.
    let book = &*flow::links::for_print(book, style.links);
    let collected = timings.time(stage::TEXT, || collect::collect(book, style, images));
    let small_pictures = collected.small_pictures;
    let pictures_without_alt = collected.pictures_without_alt;
    // Pictures set inline join the figures' in the document's list.
    setter.pictures = inline::picture::PictureList { images: Some(images), placed: collected.pictures };
    let mut flow = Flow { outline: collected.outline, sections: collected.sections, run_keys: collected.run_keys, tagging: collected.tagging, vary: flow::stack::Vary::of(style), ..Flow::default() };
    // Prepare (looking up hyphenation points is part of it), then break lines,
    // a galley at a time: a prepared paragraph takes more room than its set
    // lines, and preparing a long book whole before breaking any of it held
    // both (22 MB more at the peak). Each galley goes through both steps whole.
    let mut material = collected.material.into_iter().peekable();
    while material.peek().is_some() {
        let galley: Vec<_> = material.by_ref().take(GALLEY).collect();
        let prepared = timings.time(stage::TEXT, || galley.into_iter().map(|m| m.map_text(|text| setter.prepare_text(text))).collect());
        timings.time(stage::LINE_BREAKING, || flow.stack(prepared, &params));
    }
    // Taken before the furniture is set: running heads repeat the book's own words.
    let missing_glyphs = setter.take_missing();
    flow.pictures = std::mem::take(&mut setter.pictures.placed);
    let cut_words = flow.lines.iter().flatten().filter_map(|line| line.line.cut_word.clone()).collect();
    // Break pages.
    let ranges = timings.time(stage::PAGE_BREAKING, || pages::break_pages(&mut flow, style, first_page));
    let warnings = std::mem::take(&mut flow.warnings);
    // Finalize.
    let document = timings.time(stage::PAGE_BREAKING, || {
        let pages = pages::make_up(&mut flow, &ranges, style, first_page, &mut Furniture::new(book, style, &mut setter));
        let mut document = pages::document(book, fonts, date, pages, flow.outline, flow.pictures, flow.tagging.structure);
        pages::drop_links_to_nowhere(&mut document);
        document
    });
    let unhyphenated_languages = setter.unhyphenated_languages();
    Typeset { document, missing_glyphs, cut_words, unhyphenated_languages, small_pictures, pictures_without_alt, warnings }
}

#[cfg(test)]
mod tests {
    use super::flow::pagebreak;
    use super::inline::linebreak;

    /// The breakers each define their penalties, so that neither depends on
    /// the other; the typesetter speaks to both in one vocabulary.
    #[test]
    fn the_line_and_page_breakers_agree_on_penalties() {
        assert_eq!(linebreak::INFINITE_PENALTY, pagebreak::INFINITE_PENALTY);
        assert_eq!(linebreak::FORCED_PENALTY, pagebreak::FORCED_PENALTY);
    }
}
