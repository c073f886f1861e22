//! The typography pass every edition shares: straight quotes and `--`/`---`/`...`
//! become the right characters, and no-break spaces go where a line must not break.

use crate::model::walk::{leaves_mut, LeafMut};
use crate::model::{Book, Inline};

const NO_BREAK_SPACE: char = '\u{a0}';

/// Abbreviations that must stay on the line of the number after them ("vol. 24").
const BEFORE_NUMBER: &[&str] = &["vol.", "Vol.", "no.", "No.", "p.", "pp.", "ch.", "fig.", "Fig."];

pub fn apply(mut book: Book) -> Book {
    let smart = book.metadata.wants_smart_punctuation();
    for field in book.metadata.printed_texts_mut() {
        *field = set_text(field, smart);
    }
    book.for_each_inlines_mut(&mut |inlines| smarten(inlines, smart));
    book
}

fn set_text(text: &str, smart: bool) -> String {
    let mut inlines = vec![Inline::Text(text.to_owned())];
    smarten(&mut inlines, smart);
    match inlines.pop() {
        Some(Inline::Text(t)) => t,
        _ => text.to_owned(),
    }
}

/// With `smart` off, quotes and dashes stay as typed; no-break spaces still go in.
fn smarten(inlines: &mut [Inline], smart: bool) {
    let mut previous = None;
    smarten_run(inlines, &mut previous, smart);
}

/// `previous` carries the last character across inline boundaries, so a quote
/// right after `*emphasis*` still knows what precedes it.
fn smarten_run(inlines: &mut [Inline], previous: &mut Option<char>, smart: bool) {
    leaves_mut(inlines, &mut |leaf| match leaf {
        LeafMut::Text(t) => {
            *t = if smart { no_break_spaces(&punctuate(t, previous)) } else { no_break_spaces(t) };
        }
        LeafMut::Code(t) | LeafMut::Math(t) => *previous = t.chars().last(),
        LeafMut::LineBreak => *previous = Some('\n'),
        LeafMut::NoteRef(_) => *previous = Some('0'),
        LeafMut::Image => {}
    });
}

fn opens(previous: Option<char>) -> bool {
    match previous {
        None => true,
        Some(c) => c.is_whitespace() || "([{‘“—–-/".contains(c),
    }
}

fn punctuate(text: &str, previous: &mut Option<char>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let replacement = match c {
            '"' => if opens(*previous) { '“' } else { '”' },
            '\'' => if opens(*previous) { '‘' } else { '’' },
            '-' if chars.peek() == Some(&'-') => {
                chars.next();
                if chars.peek() == Some(&'-') {
                    chars.next();
                    '—'
                } else {
                    '–'
                }
            }
            '.' if text_continues_with(&chars, "..") => {
                chars.next();
                chars.next();
                '…'
            }
            other => other,
        };
        out.push(replacement);
        *previous = Some(replacement);
    }
    out
}

fn text_continues_with(chars: &std::iter::Peekable<std::str::Chars<'_>>, expected: &str) -> bool {
    chars.clone().take(expected.chars().count()).eq(expected.chars())
}

/// "V. I. Lenin" keeps its initials with the name; "vol. 24" keeps its number.
fn no_break_spaces(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = String::with_capacity(text.len());
    for (i, word) in words.iter().enumerate() {
        out.push_str(word);
        let Some(next) = words.get(i + 1) else { break };
        let initial = is_initial(word) && next.chars().next().is_some_and(char::is_uppercase);
        let numbered = BEFORE_NUMBER.contains(word) && next.chars().next().is_some_and(|c| c.is_ascii_digit());
        out.push(if initial || numbered { NO_BREAK_SPACE } else { ' ' });
    }
    out
}

/// A single capital and a full stop, possibly after an opening bracket or quote.
fn is_initial(word: &str) -> bool {
    let word = word.trim_start_matches(['(', '“', '‘', '[']);
    let mut chars = word.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(c), Some('.'), None) if c.is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typeset_text(text: &str) -> String {
        set_text(text, true)
    }

    #[test]
    fn quotes_dashes_and_ellipses() {
        assert_eq!(typeset_text("\"It's here\" -- 'she said'... 1917---1918"), "“It’s here” – ‘she said’… 1917—1918");
    }

    #[test]
    fn curly_input_is_left_alone() {
        let text = "“The story … 1917 is” — ‘Hooray’.";
        assert_eq!(typeset_text(text), text);
    }

    #[test]
    fn quote_after_emphasis_closes() {
        let mut inlines = vec![Inline::Text("\"".into()), Inline::Emphasis(vec![Inline::Text("Pravda".into())]), Inline::Text("\" said".into())];
        smarten(&mut inlines, true);
        assert_eq!(inlines[0], Inline::Text("“".into()));
        assert_eq!(inlines[2], Inline::Text("” said".into()));
    }

    #[test]
    fn smart_punctuation_off_keeps_what_was_typed() {
        let typed = "\"It's\" -- so... V. I. Lenin";
        let mut inlines = vec![Inline::Text(typed.into())];
        smarten(&mut inlines, false);
        assert_eq!(inlines[0], Inline::Text("\"It's\" -- so... V.\u{a0}I.\u{a0}Lenin".into()));
        let mut book = crate::model::Book { metadata: Default::default(), sections: Vec::new(), notes: Vec::new() };
        book.metadata.title = typed.into();
        book.metadata.smart_punctuation = Some(false);
        assert_eq!(apply(book.clone()).metadata.title, "\"It's\" -- so... V.\u{a0}I.\u{a0}Lenin");
        book.metadata.smart_punctuation = None;
        assert_eq!(apply(book).metadata.title, "“It’s” – so… V.\u{a0}I.\u{a0}Lenin");
    }

    #[test]
    fn initials_and_numbers_do_not_break() {
        assert_eq!(typeset_text("V. I. Lenin, vol. 24, P. B. Axelrod"), "V.\u{a0}I.\u{a0}Lenin, vol.\u{a0}24, P.\u{a0}B.\u{a0}Axelrod");
        // A sentence that ends in a capital is not an initial unless a capital follows.
        assert_eq!(typeset_text("Order No.1 and plan B. then"), "Order No.1 and plan B. then");
    }
}
