//! The typography pass every edition shares: straight quotes and `--`/`---`/`...`
//! become the right characters, and no-break spaces go where a line must not break.

use super::quotes::{self, Quotes};
use crate::model::{Book, Inline};

const NO_BREAK_SPACE: char = '\u{a0}';
/// French sets it inside guillemets and before `; : ! ?`: a third of a space, never broken.
const NARROW_NO_BREAK_SPACE: char = '\u{202f}';

/// Abbreviations that must stay on the line of the number after them ("vol. 24").
const BEFORE_NUMBER: &[&str] = &["vol.", "Vol.", "no.", "No.", "p.", "pp.", "ch.", "fig.", "Fig."];

/// Quotes follow the language of the text they are in: the front matter's
/// `quotes` (a language tag) or else its `language` for the book, and each
/// block or span in another language its own.
pub fn apply(mut book: Book) -> Book {
    let smart = book.metadata.wants_smart_punctuation();
    let tag = book.metadata.quotes.clone().unwrap_or_else(|| book.metadata.language.clone());
    let marks = quotes::for_language(&tag);
    for field in book.metadata.printed_texts_mut() {
        *field = set_text(field, smart, marks);
    }
    // The marks of the language last met, so the table is read once a language, not once a paragraph.
    let mut last: Option<(String, Quotes)> = None;
    book.for_each_inlines_in_language_mut(&tag, &mut |inlines, lang| {
        let marks = match &last {
            _ if lang == tag => marks,
            Some((known, quotes)) if known == lang => *quotes,
            _ => {
                let quotes = quotes::known(lang).unwrap_or(marks);
                last = Some((lang.to_owned(), quotes));
                quotes
            }
        };
        smarten(inlines, smart, marks)
    });
    book
}

fn set_text(text: &str, smart: bool, marks: Quotes) -> String {
    let mut inlines = vec![Inline::Text(text.to_owned())];
    smarten(&mut inlines, smart, marks);
    match inlines.pop() {
        Some(Inline::Text(t)) => t,
        _ => text.to_owned(),
    }
}

/// What the walk over a run of inlines carries from one text to the next.
#[derive(Debug, Clone, Copy, Default)]
struct Quoting {
    /// The last character, so a quote right after `*emphasis*` still knows what precedes it.
    previous: Option<char>,
    /// Whether a double or a single quotation is open: a straight quote after
    /// a space then closes it, and a `'` after a letter is an apostrophe
    /// unless it closes a single quotation.
    double_open: bool,
    single_open: bool,
}

/// With `smart` off, quotes and dashes stay as typed; no-break spaces still go in.
fn smarten(inlines: &mut [Inline], smart: bool, marks: Quotes) {
    smarten_run(inlines, &mut Quoting::default(), smart, marks);
}

fn smarten_run(inlines: &mut [Inline], quoting: &mut Quoting, smart: bool, marks: Quotes) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => *t = if smart { no_break_spaces(&punctuate(t, quoting, marks)) } else { no_break_spaces(t) },
            // A span in another language quotes in its own marks; a quotation
            // it opens is its own.
            Inline::Language { lang, content } => {
                let mut inside = Quoting { previous: quoting.previous, ..Quoting::default() };
                smarten_run(content, &mut inside, smart, quotes::known(lang).unwrap_or(marks));
                quoting.previous = inside.previous;
            }
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Strikethrough(c) | Inline::Superscript(c) | Inline::Subscript(c) | Inline::Link { content: c, .. } => {
                smarten_run(c, quoting, smart, marks)
            }
            Inline::Code(t) | Inline::Math { tex: t, .. } => quoting.previous = t.chars().last(),
            Inline::LineBreak => quoting.previous = Some('\n'),
            Inline::NoteRef(_) | Inline::Citation(_) => quoting.previous = Some('0'),
            Inline::Image(_) => {}
        }
    }
}

fn opens(previous: Option<char>, marks: Quotes) -> bool {
    match previous {
        None => true,
        Some(c) => c.is_whitespace() || "([{—–-/".contains(c) || c == marks.outer.0 || c == marks.inner.0,
    }
}

/// Whether what follows a quotation mark lets it close one: the text's end, a space or punctuation.
fn ends_here(next: Option<char>) -> bool {
    next.is_none_or(|n| n.is_whitespace() || (n.is_ascii_punctuation() && !"\"'".contains(n)))
}

fn punctuate(text: &str, quoting: &mut Quoting, marks: Quotes) -> String {
    let mut out = String::with_capacity(text.len());
    // An address keeps its `:` and `?` as they are.
    let spaced = marks.spaced && !text.contains("://") && !text.contains("www.");
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let replacement = match c {
            '"' => {
                let open = opens(quoting.previous, marks) && !(quoting.double_open && ends_here(next));
                quoting.double_open = open;
                if open {
                    if spaced && marks.outer.0 == '«' {
                        out.push(marks.outer.0);
                        if next == Some(' ') {
                            chars.next();
                        }
                        NARROW_NO_BREAK_SPACE
                    } else {
                        marks.outer.0
                    }
                } else {
                    if spaced && marks.outer.1 == '»' {
                        if out.ends_with(' ') {
                            out.pop();
                        }
                        if !out.ends_with([NO_BREAK_SPACE, NARROW_NO_BREAK_SPACE]) {
                            out.push(NARROW_NO_BREAK_SPACE);
                        }
                    }
                    marks.outer.1
                }
            }
            '\'' if opens(quoting.previous, marks) => {
                quoting.single_open = true;
                marks.inner.0
            }
            '\'' if quoting.single_open && !next.is_some_and(char::is_alphanumeric) => {
                quoting.single_open = false;
                marks.inner.1
            }
            '\'' => '’',
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
            // French spacing: a space the writer typed becomes one that never breaks, and
            // where none was typed a narrow one goes in.
            ';' | ':' | '!' | '?' if spaced && (next.is_none_or(char::is_whitespace) || c != ':') && quoting.previous.is_some_and(|p| !";:!?".contains(p)) => {
                match quoting.previous {
                    Some(' ') => {
                        out.pop();
                        out.push(NO_BREAK_SPACE);
                    }
                    Some(p) if !p.is_whitespace() => out.push(NARROW_NO_BREAK_SPACE),
                    _ => {}
                }
                c
            }
            ' ' if spaced && (quoting.previous == Some('«') || next == Some('»')) => NO_BREAK_SPACE,
            other => other,
        };
        out.push(replacement);
        quoting.previous = Some(replacement);
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
        set_text(text, true, quotes::for_language("en"))
    }

    fn in_language(tag: &str, text: &str) -> String {
        set_text(text, true, quotes::for_language(tag))
    }

    #[test]
    fn each_language_its_own_quotation_marks() {
        let typed = "\"She said 'yes' and didn't,\" he wrote.";
        assert_eq!(in_language("en", typed), "“She said ‘yes’ and didn’t,” he wrote.");
        assert_eq!(in_language("de", typed), "„She said ‚yes‘ and didn’t,“ he wrote.");
        assert_eq!(in_language("de-CH", typed), "«She said ‹yes› and didn’t,» he wrote.");
        assert_eq!(in_language("ru", typed), "«She said „yes“ and didn’t,» he wrote.");
        assert_eq!(in_language("pl", typed), "„She said «yes» and didn’t,” he wrote.");
        assert_eq!(in_language("sv", typed), "”She said ’yes’ and didn’t,” he wrote.");
        assert_eq!(in_language("da", typed), "»She said ›yes‹ and didn’t,« he wrote.");
    }

    #[test]
    fn french_guillemets_and_spacing_with_narrow_no_break_spaces() {
        let n = NARROW_NO_BREAK_SPACE;
        assert_eq!(in_language("fr", "\"Bonjour\", dit-il; vraiment? Oui!"), format!("«{n}Bonjour{n}», dit-il{n}; vraiment{n}? Oui{n}!"));
        // Spaces the writer typed stay, and no longer break.
        assert_eq!(in_language("fr", "\" Bonjour \" : oui ?"), format!("«{n}Bonjour{n}»\u{a0}: oui\u{a0}?"));
        // Typed guillemets and their spacing are left as they are; an address keeps its colon.
        let typed = format!("«{n}Déjà{n}» et « là » : voir");
        assert_eq!(in_language("fr", &typed), format!("«{n}Déjà{n}» et «\u{a0}là\u{a0}»\u{a0}: voir"));
        assert_eq!(in_language("fr", "voir https://example.org/?q=1"), "voir https://example.org/?q=1");
        assert_eq!(in_language("fr", "à 10:30, l’heure"), "à 10:30, l’heure");
    }

    #[test]
    fn a_span_in_another_language_quotes_in_its_own_marks() {
        let mut inlines = vec![
            Inline::Text("\"Yes,\" and ".into()),
            Inline::Language { lang: "de".into(), content: vec![Inline::Text("\"Ja\"".into())] },
            Inline::Text(" and \"oui\".".into()),
        ];
        smarten(&mut inlines, true, quotes::for_language("en"));
        assert_eq!(inlines[0], Inline::Text("“Yes,” and ".into()));
        assert_eq!(inlines[1], Inline::Language { lang: "de".into(), content: vec![Inline::Text("„Ja“".into())] });
        assert_eq!(inlines[2], Inline::Text(" and “oui”.".into()));
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
        smarten(&mut inlines, true, quotes::for_language("en"));
        assert_eq!(inlines[0], Inline::Text("“".into()));
        assert_eq!(inlines[2], Inline::Text("” said".into()));
    }

    #[test]
    fn smart_punctuation_off_keeps_what_was_typed() {
        let typed = "\"It's\" -- so... V. I. Lenin";
        let mut inlines = vec![Inline::Text(typed.into())];
        smarten(&mut inlines, false, quotes::for_language("en"));
        assert_eq!(inlines[0], Inline::Text("\"It's\" -- so... V.\u{a0}I.\u{a0}Lenin".into()));
        let mut book = crate::model::Book::of_sections(Default::default(), Vec::new(), Vec::new());
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
