//! Which word of its paragraph each set line begins with, so that the pages
//! can say where in the text they begin (`model::print_pages`).
//!
//! Words are counted as the model's text has them: what lies between word
//! spaces and line breaks. A line that begins inside a word (after a hyphen)
//! begins with that word.

use super::linebreak::{Item, FORCED_PENALTY};
use super::prepare::{Payload, Prepared};

/// For each line starting at item `starts[n]` (in order), the index, counted
/// from 0, of the word its first word box belongs to.
pub(crate) fn first_words(prepared: &Prepared, starts: impl IntoIterator<Item = usize>) -> Vec<u32> {
    let mut starts = starts.into_iter().peekable();
    let mut firsts = Vec::new();
    // Words begun so far, and whether a separator came after the last word.
    let mut words: u32 = 0;
    let mut separated = false;
    let mut seen_word = false;
    for (i, (item, payload)) in prepared.items.iter().zip(&prepared.payloads).enumerate() {
        if separates(item, payload) {
            separated |= seen_word;
            continue;
        }
        if !is_word(item, payload) {
            continue;
        }
        if separated {
            words += 1;
            separated = false;
        }
        seen_word = true;
        // Every line that starts at or before this word box begins with it.
        while starts.next_if(|&start| start <= i).is_some() {
            firsts.push(words);
        }
    }
    // Lines with no word of their own begin where the text ends.
    firsts.extend(starts.map(|_| words));
    firsts
}

/// A word space, a line break the text asks for, or a code line's end.
fn separates(item: &Item, payload: &Payload) -> bool {
    match (item, payload) {
        (Item::Glue { .. }, Payload::Space(_)) => true,
        // A forced line break is a paragraph end's glue and penalty.
        (Item::Glue { stretch, .. }, Payload::None) => stretch.is_infinite(),
        (Item::Penalty { cost, .. }, _) => *cost <= FORCED_PENALTY,
        _ => false,
    }
}

fn is_word(item: &Item, payload: &Payload) -> bool {
    matches!((item, payload), (Item::Box { .. }, Payload::Word(_) | Payload::Pieces(_)))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::model::Inline;
    use crate::resources::fonts::FaceStyle;
    use crate::resources::style::Style;
    use crate::typeset::inline::hyphenate::Hyphenator;
    use crate::typeset::inline::line::{params, set_paragraph};
    use crate::typeset::inline::prepare::{TextSetter, TextStyle};

    #[test]
    fn each_line_knows_the_word_it_begins_with_even_inside_a_hyphenated_word() {
        let family = crate::resources::Resources::built_in().fonts().unwrap();
        let style = Style::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("styles/reader-a5.toml")).unwrap();
        let hyphenator = Hyphenator::new("en", 2, 3, &[]);
        let j = &style.justification;
        let mut setter = TextSetter::new(&family, hyphenator.as_ref(), j);
        let text = "Typesetting paragraphs: unquestionably representative words, \
                    incomprehensibilities notwithstanding, demonstrate hyphenation";
        let inlines = [Inline::Text(text.into()), Inline::LineBreak, Inline::Text("after  the break".into())];
        let prepared = setter.prepare(&inlines, TextStyle { size: 10.0, face: FaceStyle::Regular, indent: 0.0, hyphenate: true }, None, &[]);
        let lines = set_paragraph(&prepared, &|_| 90.0, &params(j), true);
        assert!(lines.len() > 4, "{} lines", lines.len());
        let words: Vec<&str> = text.split_whitespace().chain(["after", "the", "break"]).collect();
        let mut hyphenated = 0;
        for line in &lines {
            let set: String = line.pieces.iter().map(|(_, p)| p.glyphs.text()).collect();
            let first = set.split(' ').find(|w| !w.is_empty()).unwrap();
            let word = words[line.first_word as usize];
            assert!(word.contains(first.trim_end_matches('\u{ad}')), "line {set:?} begins inside word {} ({word:?})", line.first_word);
            hyphenated += usize::from(!word.starts_with(first.trim_end_matches('\u{ad}')));
        }
        assert!(hyphenated > 0, "no line began inside a word: the test shows nothing");
        assert_eq!(lines.last().unwrap().first_word as usize, words.len() - 3);
    }
}
