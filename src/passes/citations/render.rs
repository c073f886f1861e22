//! What the citation engine writes, as the model's inlines: its italic, bold,
//! raised and lowered text, small capitals and links become the model's own, never
//! markup in a string.

use hayagriva::citationberg::{FontStyle, FontVariant, FontWeight, VerticalAlign};
use hayagriva::{ElemChild, ElemChildren, Formatted, Formatting};

use crate::model::Inline;

/// The inlines of `children`; `item` is called for each cited work the children
/// hold (its index in the citation), to set it with its prefix, suffix and link.
pub fn inlines(children: &ElemChildren, item: &mut dyn FnMut(usize, Vec<Inline>) -> Vec<Inline>) -> Vec<Inline> {
    let mut out = Vec::new();
    for child in &children.0 {
        match child {
            ElemChild::Text(formatted) => out.extend(formatted_text(formatted)),
            ElemChild::Elem(elem) => {
                let inner = inlines(&elem.children, item);
                match elem.meta {
                    Some(hayagriva::ElemMeta::Entry(index)) => out.extend(item(index, inner)),
                    _ => out.extend(inner),
                }
            }
            // Typst's own markup: only a typst document reads it; its text is the text.
            ElemChild::Markup(text) => push_text(&mut out, text),
            ElemChild::Link { text, url } => out.push(Inline::Link { url: url.clone(), content: formatted_text(text) }),
            ElemChild::Transparent { .. } => {}
        }
    }
    let mut out = dedupe_titles(merge_text(out));
    for inline in &mut out {
        if let Inline::Text(t) = inline {
            one_mark(t);
        }
    }
    out
}

/// A title set twice in a row (“in *Digital Typography*, *Digital Typography*”): the
/// engine gives a chapter's book as both its container and its volume title.
fn dedupe_titles(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for inline in inlines {
        if let [.., Inline::Emphasis(before), Inline::Text(between)] = out.as_slice() {
            if between.as_str() == ", " && matches!(&inline, Inline::Emphasis(now) if now == before) {
                out.pop();
                continue;
            }
        }
        out.push(inline);
    }
    merge_text(out)
}

/// The citation without the full stop the style ends it with, for a citation inside
/// a sentence of the writer's.
pub fn without_final_stop(mut inlines: Vec<Inline>) -> Vec<Inline> {
    if let Some(last) = last_text(&mut inlines) {
        if last.ends_with('.') && !last.ends_with("..") {
            last.pop();
        }
    }
    inlines
}

/// `”.` at the end moved to `.”`.
pub fn stop_inside_quotes(mut inlines: Vec<Inline>) -> Vec<Inline> {
    // The stop after the link to the work, the quote at the link's end.
    if let [.., before, Inline::Text(stop)] = inlines.as_mut_slice() {
        if stop == "." {
            if let Some(quoted) = last_text(std::slice::from_mut(before)).filter(|t| t.ends_with('”')) {
                quoted.insert(quoted.len() - '”'.len_utf8(), '.');
                stop.clear();
                inlines.pop();
                return inlines;
            }
        }
    }
    if let Some(last) = last_text(&mut inlines) {
        if let Some(head) = last.strip_suffix("”.") {
            *last = format!("{head}.”");
        }
    }
    inlines
}

/// The last text of `inlines`, inside the last inline if that is emphasis or a link.
fn last_text(inlines: &mut [Inline]) -> Option<&mut String> {
    match inlines.last_mut()? {
        Inline::Text(t) => Some(t),
        Inline::Emphasis(c) | Inline::Strong(c) | Inline::Link { content: c, .. } => last_text(c),
        _ => None,
    }
}

fn formatted_text(formatted: &Formatted) -> Vec<Inline> {
    styled(vec![Inline::Text(formatted.text.clone())], &formatted.formatting)
}

/// A title that ends in a question or exclamation mark takes no stop or comma after it
/// (Chicago 6.131): the engine's “What Is the History of Books?.” is “…Books?”
fn one_mark(text: &mut String) {
    for (twice, once) in [("?.”", "?”"), ("?,”", "?”"), ("!.”", "!”"), ("!,”", "!”")] {
        if text.contains(twice) {
            *text = text.replace(twice, once);
        }
    }
}

/// `content` in the look `formatting` asks for.
fn styled(content: Vec<Inline>, formatting: &Formatting) -> Vec<Inline> {
    let mut content = content;
    if formatting.font_variant == FontVariant::SmallCaps {
        // The model has no small capitals: capitals at the text's size stand in.
        content = content.into_iter().map(|i| if let Inline::Text(t) = i { Inline::Text(t.to_uppercase()) } else { i }).collect();
    }
    if formatting.font_style == FontStyle::Italic {
        content = vec![Inline::Emphasis(content)];
    }
    if formatting.font_weight == FontWeight::Bold {
        content = vec![Inline::Strong(content)];
    }
    match formatting.vertical_align {
        VerticalAlign::Sup => vec![Inline::Superscript(content)],
        VerticalAlign::Sub => vec![Inline::Subscript(content)],
        _ => content,
    }
}

fn push_text(out: &mut Vec<Inline>, text: &str) {
    match out.last_mut() {
        Some(Inline::Text(t)) => t.push_str(text),
        _ => out.push(Inline::Text(text.to_owned())),
    }
}

/// Neighbouring texts joined, and neighbouring emphasis too: the engine writes a title
/// word by word, and a run of one look is one inline in the model.
pub fn merge_text(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for inline in inlines {
        match (out.last_mut(), inline) {
            (Some(Inline::Text(a)), Inline::Text(b)) => a.push_str(&b),
            (Some(Inline::Emphasis(a)), Inline::Emphasis(b)) => {
                a.extend(b);
                *a = merge_text(std::mem::take(a));
            }
            (_, Inline::Text(b)) if b.is_empty() => {}
            (_, other) => out.push(other),
        }
    }
    out
}

/// The first letter capitalised: a note that opens with a citation opens a sentence.
pub fn capitalise(inlines: &mut [Inline]) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => {
                if let Some(first) = t.chars().next() {
                    if first.is_alphabetic() {
                        *t = first.to_uppercase().chain(t[first.len_utf8()..].chars()).collect();
                    }
                    return;
                }
            }
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Link { content: c, .. } | Inline::Language { content: c, .. } => return capitalise(c),
            _ => return,
        }
    }
}
