//! From a paragraph's inlines to the line breaker's boxes, glue and penalties:
//! words are shaped, hyphenation points become penalties, spaces become glue.
//! Each item keeps its payload (the shaped glyphs) so lines can be set afterwards.

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::resources::fonts::{FaceStyle, FontFamily};
use crate::resources::shaping::{self, Shaper};
use crate::typeset::inline::code::Turnover;
use crate::typeset::inline::hyphenate::Hyphenator;
use crate::layout::{Glyph, Glyphs};
use crate::typeset::inline::linebreak::Item;
use crate::model::Inline;
use crate::resources::style::{CodeStyle, Justification};

/// Where a piece of text leads or is led to, for PDF links.
#[derive(Debug, Clone, PartialEq)]
pub enum Anchor {
    /// Link text: opens this web or mail address (`http`, `https` or `mailto` only).
    Uri(Arc<str>),
    /// A note number in the text: links to the note, is the target of its backlink.
    NoteRef { number: usize, occurrence: usize },
    /// A note's own number in the notes: links back to the (first) reference.
    NoteLabel { number: usize },
    /// After a note cited more than once: links back to one of its references.
    Backlink { number: usize, occurrence: usize },
}

impl Anchor {
    /// Link text is text like any other (broken, hyphenated, in any face);
    /// a note's marks are each one piece.
    pub fn is_uri(&self) -> bool {
        matches!(self, Anchor::Uri(_))
    }
}

/// Whether a link to `url` may be followed from the PDF: web and mail
/// addresses only, never a script (`javascript:`) nor a file on the reader's machine.
pub fn is_followable(url: &str) -> bool {
    let scheme = url.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase());
    matches!(scheme.as_deref(), Some("http" | "https" | "mailto"))
}

/// Glyphs of one face at one size, positioned from the piece's start (points).
/// Words recur, and each line copies its pieces; a piece's glyphs are plain
/// data with one string for all their texts, so a copy is cheap.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub face: FaceStyle,
    pub size: f32,
    /// Given to the glyphs when the piece becomes a [`crate::layout::GlyphRun`].
    pub rise: f32,
    pub glyphs: Glyphs,
    pub width: f32,
    pub anchor: Option<Anchor>,
    /// Horizontal scale of the glyphs (font expansion); 1 for none.
    pub scale: f32,
}

impl Piece {
    /// The piece with its glyphs widened (or narrowed) by `scale`.
    pub fn expanded(&self, scale: f32) -> Piece {
        if scale == 1.0 {
            return self.clone();
        }
        let mut piece = Piece { width: self.width * scale, scale: self.scale * scale, ..self.clone() };
        for g in &mut piece.glyphs {
            g.x *= scale;
        }
        piece
    }
}

#[derive(Debug, Clone, PartialEq)]
///
/// Pieces are shared with the setter's cache: a paragraph repeats its words
/// and its space, and a copy of each occurrence was most of a long
/// paragraph's memory. A line copies the pieces it sets.
pub enum Payload {
    /// A word in one piece, as most words are: no vector to allocate and hold
    /// while the whole book waits to be broken into lines.
    Word(Rc<Piece>),
    /// A word in several pieces: faces change inside it, or it carries a note reference.
    Pieces(Box<[Rc<Piece>]>),
    /// A word space: the space glyph to draw (for copy and paste) and its face.
    Space(Rc<Piece>),
    /// A break inside a word; `Some` holds the hyphen drawn if the line breaks here.
    Break(Option<Rc<Piece>>),
    None,
}

impl Payload {
    /// The pieces of a word; none for anything else.
    pub fn pieces(&self) -> &[Rc<Piece>] {
        match self {
            Payload::Word(piece) => std::slice::from_ref(piece),
            Payload::Pieces(pieces) => pieces,
            Payload::Space(_) | Payload::Break(_) | Payload::None => &[],
        }
    }
}

/// A paragraph ready for the line breaker.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    pub items: Vec<Item>,
    pub payloads: Vec<Payload>,
    /// For code: how a line too long for the measure goes on.
    pub turnover: Option<Turnover>,
}

/// A run of text in one face, or a note reference.
#[derive(Debug, Clone)]
pub(super) struct Span {
    pub text: String,
    pub face: FaceStyle,
    pub anchor: Option<Anchor>,
}

impl Span {
    /// A part of this span's text, in its face. Not `..self.clone()`, which
    /// would copy the whole text for each part: a paragraph's words are parts
    /// of one span, and a long paragraph's copies grew with its square.
    fn part(&self, text: &str) -> Span {
        Span { text: text.to_owned(), face: self.face, anchor: self.anchor.clone() }
    }
}

/// A character the font cannot draw, reported to the user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MissingGlyph {
    pub character: char,
    pub face: FaceStyle,
    /// Set in the fallback face instead; otherwise it prints as a blank box.
    pub substituted: bool,
}

pub struct TextSetter<'a> {
    pub fonts: &'a FontFamily,
    pub hyphenator: Option<&'a Hyphenator>,
    pub justification: &'a Justification,
    shaper: Shaper<'a>,
    /// Shaping is the costly step; most words recur, so set each (face,
    /// feature set, size, word) once. Keyed by word inside, so a word is
    /// looked up without making a string of it.
    cache: HashMap<(FaceStyle, usize, u32), HashMap<String, Rc<Piece>>>,
    /// The OpenType feature sets the style asks for, by their tags; text is
    /// shaped with `feature_sets[current_features]`.
    feature_sets: Vec<(Vec<String>, Vec<rustybuzz::Feature>)>,
    current_features: usize,
    missing: Vec<MissingGlyph>,
    /// How inline code is set in the text around it.
    pub inline_code: InlineCode,
}

/// Inline code's size as a fraction of the text around it (the monospaced
/// face's wide letters look larger than the book face's), and the OpenType
/// features it is shaped with, the code's own, not the text's.
#[derive(Debug, Clone, Default)]
pub struct InlineCode {
    pub scale: f32,
    pub features: Vec<String>,
}

impl InlineCode {
    pub fn of(style: &CodeStyle) -> InlineCode {
        InlineCode { scale: style.inline_scale, features: style.features.clone() }
    }
}

/// What each paragraph asks of the setter.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle {
    pub size: f32,
    pub face: FaceStyle,
    pub indent: f32,
    pub hyphenate: bool,
}

/// A paragraph's text as the model gives it, and what its setting asks of
/// the setter: what [`TextSetter::prepare_text`] makes a [`Prepared`] of.
#[derive(Debug, Clone)]
pub struct ParagraphText<'a> {
    /// Borrowed from the book, except where the typesetter adds to it (a list's label).
    pub inlines: Cow<'a, [Inline]>,
    pub style: TextStyle,
    /// A linked label before the text (a note's number).
    pub prefix: Option<(String, Anchor)>,
    /// Linked marks after the text (a note's backlinks).
    pub suffix: Vec<(String, Anchor)>,
    /// The OpenType features to shape it with, by their tags in the style.
    pub features: &'a [String],
    /// Set as a code block, line by line as typed (its inlines are its text).
    pub code: Option<&'a CodeStyle>,
}

impl<'a> TextSetter<'a> {
    pub fn new(fonts: &'a FontFamily, hyphenator: Option<&'a Hyphenator>, justification: &'a Justification) -> Self {
        TextSetter {
            fonts,
            hyphenator,
            justification,
            shaper: Shaper::new(fonts),
            cache: HashMap::new(),
            feature_sets: vec![(Vec::new(), Vec::new())],
            current_features: 0,
            missing: Vec::new(),
            inline_code: InlineCode { scale: 1.0, features: Vec::new() },
        }
    }

    /// Shapes what follows with these OpenType features (tags from the style).
    pub fn use_features(&mut self, tags: &[String]) {
        self.current_features = match self.feature_sets.iter().position(|(known, _)| known == tags) {
            Some(index) => index,
            None => {
                self.feature_sets.push((tags.to_vec(), shaping::features(tags)));
                self.feature_sets.len() - 1
            }
        };
    }

    /// Shapes `text` in `face` at `size` into a piece whose glyphs carry their source text.
    pub fn piece(&mut self, text: &str, face: FaceStyle, size: f32, anchor: Option<Anchor>) -> Piece {
        Piece { anchor, ..(*self.shared_piece(text, face, size)).clone() }
    }

    /// [`TextSetter::piece`] without an anchor, shared with every other use of
    /// the same word in the same face, features and size.
    pub(super) fn shared_piece(&mut self, text: &str, face: FaceStyle, size: f32) -> Rc<Piece> {
        let words = self.cache.entry((face, self.current_features, size.to_bits())).or_default();
        if let Some(piece) = words.get(text) {
            return Rc::clone(piece);
        }
        let shaped = self.shaper.shape(face, text, &self.feature_sets[self.current_features].1);
        let scale = size / self.fonts.get(face).units_per_em as f32;
        let mut glyphs = Glyphs::with_capacity(shaped.len(), text.len());
        let mut x = 0.0;
        for (i, g) in shaped.iter().enumerate() {
            let first_of_cluster = i == 0 || shaped[i - 1].cluster != g.cluster;
            let source = if first_of_cluster {
                let end = shaped[i + 1..].iter().map(|n| n.cluster).find(|&c| c != g.cluster).unwrap_or(text.len());
                text.get(g.cluster..end).unwrap_or("")
            } else {
                ""
            };
            if g.id == 0 {
                // Reported when the word is first set; the report is per character anyway.
                self.missing.extend(source.chars().map(|character| MissingGlyph { character, face, substituted: false }));
            }
            glyphs.push(Glyph::new(g.id, x + g.x_offset as f32 * scale, 0.0), source);
            x += g.x_advance as f32 * scale;
        }
        let piece = Rc::new(Piece { face, size, rise: 0.0, glyphs, width: x, anchor: None, scale: 1.0 });
        words.insert(text.to_owned(), Rc::clone(&piece));
        piece
    }

    /// Moves the characters a span's face cannot draw, and the fallback face
    /// can, into spans of their own in the fallback face.
    pub(super) fn with_fallback(&mut self, spans: Vec<Span>) -> Vec<Span> {
        if self.fonts.fallback.is_none() {
            return spans;
        }
        let mut out = Vec::with_capacity(spans.len());
        for span in spans {
            let drawable = |face: FaceStyle, c: char| c.is_whitespace() || c.is_control() || self.fonts.get(face).has_glyph(c);
            if span.anchor.as_ref().is_some_and(|a| !a.is_uri()) || span.text.chars().all(|c| drawable(span.face, c)) {
                out.push(span);
                continue;
            }
            let mut run = String::new();
            let mut run_face = span.face;
            for c in span.text.chars() {
                let substitute = !drawable(span.face, c) && drawable(FaceStyle::Fallback, c);
                if substitute {
                    self.missing.push(MissingGlyph { character: c, face: span.face, substituted: true });
                }
                let face = if substitute { FaceStyle::Fallback } else { span.face };
                if face != run_face && !run.is_empty() {
                    out.push(Span { text: std::mem::take(&mut run), face: run_face, anchor: span.anchor.clone() });
                }
                run_face = face;
                run.push(c);
            }
            out.push(Span { text: run, face: run_face, anchor: span.anchor });
        }
        out
    }

    /// `text` in `face` in a paragraph set at `size`: inline code (in the
    /// monospaced face) at its own size and with its own features.
    fn shared_piece_in(&mut self, text: &str, face: FaceStyle, size: f32) -> Rc<Piece> {
        if face != FaceStyle::Mono {
            return self.shared_piece(text, face, size);
        }
        let around = self.current_features;
        let tags = std::mem::take(&mut self.inline_code.features);
        self.use_features(&tags);
        self.inline_code.features = tags;
        let piece = self.shared_piece(text, face, size * self.inline_code.scale);
        self.current_features = around;
        piece
    }

    /// How far the piece's last glyph may hang into the right margin.
    fn hang(&self, piece: &Piece) -> f32 {
        let Some(last) = piece.glyphs.last() else { return 0.0 };
        let Some(character) = piece.glyphs.text().chars().last() else { return 0.0 };
        if piece.anchor.as_ref().is_some_and(|a| !a.is_uri()) {
            return 0.0;
        }
        self.justification.protrusion_of(character, piece.width - last.x)
    }

    /// [`TextSetter::prepare`] for a paragraph that says which features it is shaped with.
    pub fn prepare_text(&mut self, text: ParagraphText<'_>) -> Prepared {
        if let Some(code) = text.code {
            return self.prepare_code(&crate::model::plain_text(&text.inlines), text.style.size, code);
        }
        self.use_features(text.features);
        self.prepare(&text.inlines, text.style, text.prefix, &text.suffix)
    }

    /// The characters the faces could not draw in the text set so far, each
    /// reported once, in order; the setter starts a new list.
    pub fn take_missing(&mut self) -> Vec<MissingGlyph> {
        let mut missing = std::mem::take(&mut self.missing);
        missing.sort();
        missing.dedup();
        missing
    }

    /// Boxes, glue and penalties for one paragraph, ending with the standard
    /// finishing glue and forced break (ragged last line). `prefix` is a linked
    /// label before the text (a note's number), `suffix` linked marks after
    /// it, each a word of its own (a note's backlinks).
    pub fn prepare(&mut self, inlines: &[Inline], style: TextStyle, prefix: Option<(String, Anchor)>, suffix: &[(String, Anchor)]) -> Prepared {
        let mut spans = Vec::new();
        if let Some((label, anchor)) = prefix {
            spans.push(Span { text: label, face: style.face, anchor: Some(anchor) });
            spans.push(Span { text: " ".into(), face: style.face, anchor: None });
        }
        flatten(inlines, style.face, None, &mut spans);
        for (mark, anchor) in suffix {
            spans.push(Span { text: " ".into(), face: style.face, anchor: None });
            spans.push(Span { text: mark.clone(), face: style.face, anchor: Some(anchor.clone()) });
        }
        let spans = self.with_fallback(spans);
        let mut prepared = Prepared::default();
        if style.indent > 0.0 {
            prepared.items.push(Item::Box { width: style.indent });
            prepared.payloads.push(Payload::None);
        }
        let space = self.shared_piece(" ", style.face, style.size);
        let glue = |space_width: f32, j: &Justification| Item::Glue { width: space_width, stretch: space_width * j.stretch, shrink: space_width * j.shrink };

        let words = split_words(&spans);
        for (w, word) in words.iter().enumerate() {
            if w > 0 {
                // A space takes the face of the word it precedes (an italic space
                // before an italic word), but not the monospaced face's, which is
                // as wide as a letter.
                let mut space = match word.first().map(|s| s.face) {
                    Some(face) if face != style.face && face != FaceStyle::Mono => self.shared_piece(" ", face, style.size),
                    _ => Rc::clone(&space),
                };
                // A space inside a link's text is part of the link, so that the
                // link is one clickable area on each line, not one for each word.
                let before = words[w - 1].last().and_then(|s| s.anchor.as_ref());
                if let Some(uri) = before.filter(|a| a.is_uri() && word.first().and_then(|s| s.anchor.as_ref()) == Some(*a)) {
                    space = Rc::new(Piece { anchor: Some(uri.clone()), ..Piece::clone(&space) });
                }
                prepared.items.push(glue(space.width, self.justification));
                prepared.payloads.push(Payload::Space(space));
            }
            self.push_word(word, style, &mut prepared);
        }
        // The last line is ragged: nothing to hang into the margin there.
        if let (Some(Item::Penalty { flagged: false, .. }), Some(Payload::None)) = (prepared.items.last(), prepared.payloads.last()) {
            prepared.items.pop();
            prepared.payloads.pop();
        }
        for item in Item::paragraph_end() {
            prepared.items.push(item);
            prepared.payloads.push(Payload::None);
        }
        prepared
    }

    fn push_word(&mut self, word: &[Span], style: TextStyle, prepared: &mut Prepared) {
        // Cut the word into fragments at hyphenation points and after explicit dashes.
        let mut fragments: Vec<(Vec<Span>, Option<bool>)> = vec![(Vec::new(), None)];
        for span in word {
            if span.anchor.as_ref().is_some_and(|a| !a.is_uri()) {
                fragments.last_mut().expect("one fragment at least").0.push(span.clone());
                continue;
            }
            let mut start = 0;
            // Inline code is never hyphenated: a hyphen would read as part of it.
            let hyphenator = if style.hyphenate && span.face != FaceStyle::Mono { self.hyphenator } else { None };
            for (at, soft) in break_points(&span.text, hyphenator) {
                let piece = span.part(&span.text[start..at]);
                let current = fragments.last_mut().expect("one fragment at least");
                current.0.push(piece);
                current.1 = Some(soft);
                fragments.push((Vec::new(), None));
                start = at;
            }
            fragments.last_mut().expect("one fragment at least").0.push(span.part(&span.text[start..]));
        }
        for (spans, break_after) in fragments {
            let pieces: Vec<Rc<Piece>> = spans
                .iter()
                .filter(|s| !s.text.is_empty())
                .map(|s| match &s.anchor {
                    Some(Anchor::NoteRef { .. }) => {
                        let mut p = self.piece(&s.text, FaceStyle::Regular, style.size * 0.68, s.anchor.clone());
                        p.rise = style.size * 0.36;
                        Rc::new(p)
                    }
                    Some(anchor) => Rc::new(Piece { anchor: Some(anchor.clone()), ..Piece::clone(&self.shared_piece_in(&s.text, s.face, style.size)) }),
                    None => self.shared_piece_in(&s.text, s.face, style.size),
                })
                .collect();
            let width = pieces.iter().map(|p| p.width).sum();
            let hang = pieces.last().map_or(0.0, |p| self.hang(p));
            prepared.items.push(Item::Box { width });
            prepared.payloads.push(match <[_; 1]>::try_from(pieces) {
                Ok([piece]) => Payload::Word(piece),
                Err(pieces) => Payload::Pieces(pieces.into_boxed_slice()),
            });
            match break_after {
                Some(true) => {
                    let face = spans.last().map_or(style.face, |s| s.face);
                    let mut hyphen = self.piece("-", face, style.size, None);
                    // A soft hyphen copies out as nothing, so the word pastes whole.
                    if !hyphen.glyphs.is_empty() {
                        hyphen.glyphs.set_text(0, "\u{ad}");
                    }
                    let width = hyphen.width - self.justification.protrusion_of('-', hyphen.width);
                    prepared.items.push(Item::Penalty { width, cost: self.justification.hyphen_penalty, flagged: true });
                    prepared.payloads.push(Payload::Break(Some(Rc::new(hyphen))));
                }
                Some(false) => {
                    prepared.items.push(Item::Penalty { width: -hang, cost: self.justification.hyphen_penalty, flagged: true });
                    prepared.payloads.push(Payload::Break(None));
                }
                // The word's end: if its last mark may hang into the margin, a
                // break here is a penalty whose (negative) width is that margin
                // kern. It sits before the space, so the space is no longer a
                // breakpoint of its own and the line breaker sees one break.
                None if hang > 0.0 => {
                    prepared.items.push(Item::Penalty { width: -hang, cost: 0.0, flagged: false });
                    prepared.payloads.push(Payload::None);
                }
                None => {}
            }
        }
    }
}

/// The spans of `inlines` in `face` (or the faces their emphasis and code
/// ask for); a followable link's text carries its address in `link`.
fn flatten(inlines: &[Inline], face: FaceStyle, link: Option<&Anchor>, out: &mut Vec<Span>) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push(Span { text: t.clone(), face, anchor: link.cloned() }),
            Inline::Code(t) => out.push(Span { text: t.clone(), face: FaceStyle::Mono, anchor: link.cloned() }),
            Inline::Emphasis(c) => flatten(c, face.with_italic(), link, out),
            // Set as their text until the setter draws rules and raised type.
            Inline::Strikethrough(c) | Inline::Superscript(c) | Inline::Subscript(c) | Inline::Language { content: c, .. } => flatten(c, face, link, out),
            Inline::Math { tex, .. } => out.push(Span { text: tex.clone(), face: FaceStyle::Mono, anchor: link.cloned() }),
            Inline::Strong(c) => flatten(c, face.with_bold(), link, out),
            Inline::Link { url, content } if link.is_none() && is_followable(url) => flatten(content, face, Some(&Anchor::Uri(Arc::from(url.as_str()))), out),
            Inline::Link { content, .. } => flatten(content, face, link, out),
            Inline::Image(image) => out.push(Span { text: image.alt.clone(), face, anchor: link.cloned() }),
            Inline::LineBreak => out.push(Span { text: " ".into(), face, anchor: None }),
            Inline::NoteRef(r) => out.push(Span {
                text: r.number.to_string(),
                face,
                anchor: Some(Anchor::NoteRef { number: r.number, occurrence: r.occurrence }),
            }),
        }
    }
}

/// Splits spans into words at ordinary spaces (no-break spaces stay inside words).
fn split_words(spans: &[Span]) -> Vec<Vec<Span>> {
    let mut words: Vec<Vec<Span>> = vec![Vec::new()];
    for span in spans {
        if span.anchor.as_ref().is_some_and(|a| !a.is_uri()) {
            words.last_mut().expect("one word at least").push(span.clone());
            continue;
        }
        for (i, part) in span.text.split([' ', '\n', '\t']).enumerate() {
            if i > 0 && !words.last().expect("one word at least").is_empty() {
                words.push(Vec::new());
            }
            if !part.is_empty() {
                words.last_mut().expect("one word at least").push(span.part(part));
            }
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

/// Places inside `text` where a line may break: `(byte offset, true)` for a
/// hyphenation point (a hyphen is added), `(offset, false)` after an explicit
/// hyphen or dash (nothing is added).
fn break_points(text: &str, hyphenator: Option<&Hyphenator>) -> Vec<(usize, bool)> {
    let mut points = Vec::new();
    let mut letters_start: Option<usize> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if c.is_alphabetic() {
            letters_start.get_or_insert(at);
        } else {
            if let (Some(start), Some(h)) = (letters_start.take(), hyphenator) {
                points.extend(h.breaks(&text[start..at]).into_iter().map(|b| (start + b, true)));
            }
            let next_is_letter = chars.get(i + 1).is_some_and(|(_, n)| n.is_alphabetic());
            let before_is_letter = i > 0 && chars[i - 1].1.is_alphanumeric();
            if matches!(c, '-' | '—' | '–' | '/') && next_is_letter && before_is_letter {
                points.push((at + c.len_utf8(), false));
            }
        }
    }
    if let (Some(start), Some(h)) = (letters_start, hyphenator) {
        points.extend(h.breaks(&text[start..]).into_iter().map(|b| (start + b, true)));
    }
    points.sort();
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_hyphens_and_dashes_break_without_adding_a_hyphen() {
        assert_eq!(break_points("rank-and-file", None), vec![(5, false), (9, false)]);
        assert_eq!(break_points("order—from", None), vec![(8, false)]);
        assert!(break_points("1917—", None).is_empty());
    }

    #[test]
    fn hyphenation_points_inside_letters_only() {
        let h = Hyphenator::new("en-AU", 2, 3, &[]).unwrap();
        let points = break_points("“revolutionary”", Some(&h));
        assert!(!points.is_empty());
        assert!(points.iter().all(|&(at, soft)| soft && at > 3 && at < "“revolutionary".len()));
    }

    #[test]
    fn the_style_s_features_change_the_glyphs_and_keep_the_text() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let family = crate::resources::Resources::built_in().fonts().unwrap();
        let style = crate::resources::style::Style::read(&root.join("styles/reader-a5.toml")).unwrap();
        assert_eq!(style.body.features, vec!["onum".to_string()]);
        let mut setter = TextSetter::new(&family, None, &style.justification);
        let lining = setter.piece("1917", FaceStyle::Regular, 11.0, None);
        setter.use_features(&style.body.features);
        let old_style = setter.piece("1917", FaceStyle::Regular, 11.0, None);
        let ids = |p: &Piece| p.glyphs.iter().map(|g| g.id).collect::<Vec<_>>();
        assert_ne!(ids(&lining), ids(&old_style), "onum must select other glyphs");
        let text = |p: &Piece| p.glyphs.with_texts().map(|(_, text)| text).collect::<String>();
        assert_eq!(text(&old_style), "1917");
        // Switching back gives the lining figures again, not a cached old-style word.
        setter.use_features(&[]);
        assert_eq!(ids(&setter.piece("1917", FaceStyle::Regular, 11.0, None)), ids(&lining));
    }

    #[test]
    fn inline_code_is_in_the_monospaced_face_at_its_own_size_and_never_hyphenated() {
        let family = crate::resources::Resources::built_in().fonts().unwrap();
        let style = crate::resources::style::Style::over_default(std::path::Path::new("default"), "").unwrap();
        let h = Hyphenator::new("en-AU", 2, 3, &[]).unwrap();
        let mut setter = TextSetter::new(&family, Some(&h), &style.justification);
        setter.inline_code = InlineCode::of(&style.code);
        let body = TextStyle { size: 11.0, face: FaceStyle::Regular, indent: 0.0, hyphenate: true };
        let hyphens = |prepared: &Prepared| prepared.payloads.iter().filter(|p| matches!(p, Payload::Break(Some(_)))).count();
        let prose = setter.prepare(&[Inline::Text("revolutionary configuration".into())], body, None, &[]);
        assert!(hyphens(&prose) > 0, "the same words as prose are hyphenated");
        let code = setter.prepare(&[Inline::Code("revolutionary configuration".into())], body, None, &[]);
        assert_eq!(hyphens(&code), 0);
        let pieces: Vec<&Piece> = code.payloads.iter().flat_map(|p| p.pieces()).map(|p| &**p).collect();
        assert!(pieces.iter().all(|p| p.face == FaceStyle::Mono && p.size == 11.0 * style.code.inline_scale), "{pieces:?}");
    }
}
