//! pandoc's Markdown that pulldown-cmark hands over as plain text, folded into the
//! model: inline notes `^[…]`, bracketed spans `[texte]{lang=fr}`, citations
//! `[@key]` and `@key` (read in `citations.rs`), bare e-mail addresses (made `mailto:`
//! links), line blocks (`| ` lines), and fenced divs (`::: {lang=fr}` … `:::`), which
//! are found in the text before it is parsed.
//!
//! Brackets are read from the source, not from the parser's text: only a `[` that is
//! in the file as typed (not `\[`, not `&#91;`) opens anything.

use super::{citations, Folder, Frame};
use crate::model::{plain_text, Block, Citation, CiteItem, Inline, Note, NoteRef};

impl Folder<'_> {
    /// Text of the prose (not code, not alt text), as the parser found it at `offset`.
    pub(super) fn prose(&mut self, text: &str, offset: usize) {
        let exact = self.text.get(offset..offset + text.len()) == Some(text);
        if !exact {
            return self.plain(text, None);
        }
        let (mut rest, mut at) = (text, offset);
        // The attributes of a span just closed, already read.
        if at < self.skip_to {
            let n = (self.skip_to - at).min(rest.len());
            if !rest.is_char_boundary(n) {
                return self.plain(text, None);
            }
            (rest, at) = (&rest[n..], at + n);
        }
        while !rest.is_empty() {
            let in_bracket = matches!(self.stack.last(), Some(Frame::Bracket { .. }));
            let source_after = |i: usize| self.text.get(at + i + 1..).unwrap_or("");
            let special = rest.char_indices().find(|&(i, c)| c == '[' || (c == ']' && in_bracket) || (c == '^' && source_after(i).starts_with('[')));
            let Some((i, c)) = special else { break };
            self.plain(&rest[..i], Some(at));
            let resume = match c {
                '[' => {
                    self.stack.push(Frame::Bracket { note: false, content: Vec::new(), at: at + i });
                    at + i + 1
                }
                '^' => {
                    self.stack.push(Frame::Bracket { note: true, content: Vec::new(), at: at + i });
                    at + i + 2
                }
                _ => self.close_bracket(at + i),
            };
            let advance = resume - at;
            if advance > rest.len() || !rest.is_char_boundary(advance) {
                self.skip_to = resume;
                return;
            }
            (rest, at) = (&rest[advance..], resume);
        }
        self.plain(rest, Some(at));
    }

    /// Text with nothing of pandoc's in it but, perhaps, e-mail addresses and citations
    /// in the running text (`@key`, when the text is the source's from `offset`).
    fn plain(&mut self, text: &str, offset: Option<usize>) {
        if text.is_empty() {
            return;
        }
        let in_link = self.stack.iter().any(|f| matches!(f, Frame::Link { .. } | Frame::HtmlInline { meaning: super::html::Meaning::Link, .. }));
        let in_bracket = self.stack.iter().any(|f| matches!(f, Frame::Bracket { .. }));
        if let (Some(offset), false, false) = (offset, in_link, in_bracket) {
            if let Some((start, end)) = citations::in_text(text) {
                self.plain(&text[..start], None);
                let item = CiteItem { key: text[start + 1..end].to_owned(), prefix: String::new(), locator: None, suffix: String::new(), suppress_author: false, at: self.pos(offset + start) };
                self.inline(Inline::Citation(Citation { items: vec![item], in_text: true, source: text[start..end].to_owned(), at: self.pos(offset + start) }));
                return self.plain(&text[end..], Some(offset + end));
            }
        }
        let mut rest = text;
        // Within a link an address is the link's text, not a link of its own.
        while let Some((start, end)) = email_address(rest).filter(|_| !in_link) {
            if start > 0 {
                self.inline(Inline::Text(rest[..start].to_owned()));
            }
            let address = &rest[start..end];
            self.inline(Inline::Link { url: format!("mailto:{address}"), content: vec![Inline::Text(address.to_owned())] });
            rest = &rest[end..];
        }
        if !rest.is_empty() {
            self.inline(Inline::Text(rest.to_owned()));
        }
    }

    /// The `]` at source offset `at` closes the innermost bracket: an inline note, a span
    /// (when `{attributes}` follow), or brackets kept as typed. Returns the offset after
    /// what it read.
    fn close_bracket(&mut self, at: usize) -> usize {
        let Some(Frame::Bracket { note, content, at: opened }) = self.stack.pop() else { return at + 1 };
        if note {
            self.inline_note(content, opened);
            return at + 1;
        }
        let after = &self.text[at + 1..];
        let line = &after[..after.find('\n').unwrap_or(after.len())];
        if let Some(attributes) = line.strip_prefix('{').and_then(|l| l.split_once('}')).map(|(a, _)| a) {
            match attribute(attributes, "lang") {
                Some(lang) => self.inline(Inline::Language { lang, content }),
                // `{.smallcaps}`, `{#id}`: pandoc's look or anchor, which no edition shows; the text stays.
                None => content.into_iter().for_each(|inline| self.inline(inline)),
            }
            return at + 1 + attributes.len() + 2;
        }
        let written = &self.text[opened + 1..at];
        if let Some(items) = citations::bracketed(written).filter(|_| is_citation(&plain_text(&content))) {
            let items = items
                .into_iter()
                .map(|i| CiteItem { key: i.key, prefix: i.prefix, locator: i.locator, suffix: i.suffix, suppress_author: i.suppress_author, at: self.pos(opened + 1 + i.at) })
                .collect();
            let source = self.text[opened..=at].to_owned();
            self.inline(Inline::Citation(Citation { items, in_text: false, source, at: self.pos(opened) }));
            return at + 1;
        }
        self.inline(Inline::Text("[".into()));
        content.into_iter().for_each(|inline| self.inline(inline));
        self.inline(Inline::Text("]".into()));
        at + 1
    }

    /// `^[…]`: a note written where it is cited, numbered with the others by the notes pass.
    fn inline_note(&mut self, content: Vec<Inline>, opened: usize) {
        self.inline_notes += 1;
        // Brackets cannot stand in a written label, so no written note has this one.
        let label = format!("^[{}]", self.inline_notes);
        let at = self.pos(opened);
        let blocks = if content.is_empty() { Vec::new() } else { vec![Block::Paragraph(content)] };
        if blocks.is_empty() {
            self.error(opened, "the inline note `^[]` is empty".into(), "write the note's text between the brackets, or delete them");
        }
        self.notes.push(Note { label: label.clone(), number: 0, mark: 0, chapter: 0, blocks, references: 0, at });
        self.inline(Inline::NoteRef(NoteRef { label, number: 0, mark: 0, occurrence: 0, at }));
    }

    /// A bracket left open when its paragraph (or emphasis) ends was text.
    pub(super) fn unclosed_bracket(&mut self, note: bool, content: Vec<Inline>) {
        self.inline(Inline::Text(if note { "^[" } else { "[" }.into()));
        content.into_iter().for_each(|inline| self.inline(inline));
    }

    /// A paragraph that opens with `| ` is a line block: its soft breaks are kept as
    /// line breaks until it ends.
    pub(super) fn reads_by_line(&self, offset: usize) -> bool {
        let start = &self.text[offset..];
        start.starts_with("| ") || start.starts_with("|\n") || start.starts_with("|\r")
    }

    /// The end of a line block: verse, a line for each `| ` line.
    pub(super) fn lined_paragraph(&mut self, content: Vec<Inline>) {
        self.block(Block::Verse(line_block(split_lines(content))))
    }

    /// The fences before `offset` open or close their divs, in order.
    pub(super) fn fences_before(&mut self, offset: usize) {
        while let Some(&(at, _)) = self.fences.last() {
            if at > offset {
                break;
            }
            if let Some((_, fence)) = self.fences.pop() {
                match fence {
                    Fence::Open(lang) => self.open_div(lang.as_deref()),
                    Fence::Close => self.close_div(),
                }
            }
        }
    }
}

/// The text with each fenced div's `:::` line (at the start of a line, outside code)
/// blanked, so that the parser sees blank lines (pulldown-cmark would read a `:` line as
/// a definition), and the fences found, last first. Blanking keeps every offset.
pub(in crate::manuscript) fn blank_fences(text: &str) -> (String, Vec<(usize, Fence)>) {
    let mut masked = String::with_capacity(text.len());
    let mut fences = Vec::new();
    let mut code_fence: Option<&str> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let marker = ["```", "~~~"].into_iter().find(|m| indent < 4 && trimmed.starts_with(m));
        match (code_fence, marker) {
            (None, Some(m)) => code_fence = Some(m),
            (Some(open), Some(m)) if open == m && trimmed.trim_end().trim_start_matches(m.chars().next().unwrap_or('`')).is_empty() => code_fence = None,
            _ => {}
        }
        let found = if code_fence.is_none() && line.starts_with(":::") { fence(line) } else { None };
        match found {
            Some(fence) => {
                fences.push((at, fence));
                let body = line.trim_end_matches(['\n', '\r']);
                masked.extend(std::iter::repeat_n(' ', body.len()));
                masked.push_str(&line[body.len()..]);
            }
            None => masked.push_str(line),
        }
        at += line.len();
    }
    fences.reverse();
    (masked, fences)
}

/// A fenced div's line: `::: {lang=fr}`, `::: note` or `:::` alone.
#[derive(Debug, PartialEq)]
pub(in crate::manuscript) enum Fence {
    /// Opens, in a language if `lang=` is among its attributes.
    Open(Option<String>),
    Close,
}

fn fence(line: &str) -> Option<Fence> {
    let line = line.trim();
    let colons = line.len() - line.trim_start_matches(':').len();
    if colons < 3 {
        return None;
    }
    let rest = line[colons..].trim().trim_end_matches(':').trim();
    if rest.is_empty() {
        return Some(Fence::Close);
    }
    let lang = rest.strip_prefix('{').and_then(|r| r.strip_suffix('}')).and_then(|attributes| attribute(attributes, "lang"));
    let word = !rest.contains(char::is_whitespace) || rest.starts_with('{');
    word.then_some(Fence::Open(lang))
}

/// The value of `key=value` (or `key="value"`) among pandoc's `{…}` attributes.
fn attribute(attributes: &str, key: &str) -> Option<String> {
    let mut rest = attributes;
    while let Some(found) = rest.find(key) {
        let before_ok = found == 0 || rest[..found].ends_with(char::is_whitespace);
        let after = &rest[found + key.len()..];
        if let (true, Some(value)) = (before_ok, after.strip_prefix('=')) {
            let value = match value.strip_prefix('"') {
                Some(quoted) => quoted.split('"').next().unwrap_or(""),
                None => value.split(char::is_whitespace).next().unwrap_or(""),
            };
            return Some(value.to_owned()).filter(|v| !v.is_empty());
        }
        rest = after;
    }
    None
}

/// pandoc's citation inside brackets: `@key` after the start, a space or a `;`, with a
/// letter, digit or `_` after the `@` (`[@doe99]`, `[see @doe99, p. 3; @roe]`).
fn is_citation(text: &str) -> bool {
    text.match_indices('@').any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + 1..].chars().next();
        before.is_none_or(|c| c.is_whitespace() || c == ';' || c == '-') && after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The first bare e-mail address in `text`, as byte offsets: `name@host.tld`.
fn email_address(text: &str) -> Option<(usize, usize)> {
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let host = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
    for (at, _) in text.match_indices('@') {
        let start = text[..at].char_indices().rev().find(|&(_, c)| !local(c)).map_or(0, |(i, c)| i + c.len_utf8());
        let end = at + 1 + text[at + 1..].find(|c: char| !host(c)).unwrap_or(text.len() - at - 1);
        // A full stop ending the sentence is not the host's.
        let end = start.max(at + 1 + text[at + 1..end].trim_end_matches(['.', '-']).len());
        let (name, domain) = (&text[start..at], &text[at + 1..end]);
        let tld = domain.rsplit('.').next().unwrap_or("");
        let domain_ok = domain.contains('.') && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()) && !domain.starts_with(['.', '-']);
        if !name.is_empty() && !name.starts_with('.') && domain_ok {
            return Some((start, end));
        }
    }
    None
}

/// A paragraph's inlines cut at its line breaks.
fn split_lines(content: Vec<Inline>) -> Vec<Vec<Inline>> {
    let mut lines = vec![Vec::new()];
    for inline in content {
        match inline {
            Inline::LineBreak => lines.push(Vec::new()),
            Inline::Text(t) => match lines.last_mut().and_then(|l| l.last_mut()) {
                Some(Inline::Text(before)) => before.push_str(&t),
                _ => lines.last_mut().into_iter().for_each(|l| l.push(Inline::Text(t.clone()))),
            },
            other => lines.last_mut().into_iter().for_each(|l| l.push(other.clone())),
        }
    }
    lines
}

/// pandoc's line block: each `| ` line is a line, its leading spaces kept (as no-break
/// spaces, which no edition collapses); a line not opening with `|` continues the one before.
fn line_block(lines: Vec<Vec<Inline>>) -> Vec<Vec<Inline>> {
    let mut verse: Vec<Vec<Inline>> = Vec::new();
    for mut line in lines {
        let opens = matches!(line.first(), Some(Inline::Text(t)) if t.starts_with('|'));
        if opens {
            if let Some(Inline::Text(t)) = line.first_mut() {
                let rest = t[1..].strip_prefix(' ').unwrap_or(&t[1..]);
                let indent = rest.len() - rest.trim_start_matches(' ').len();
                *t = format!("{}{}", "\u{a0}".repeat(indent), &rest[indent..]);
                if t.is_empty() {
                    line.remove(0);
                }
            }
            verse.push(line);
        } else if let Some(last) = verse.last_mut() {
            last.push(Inline::Text(" ".into()));
            last.extend(line);
        } else {
            verse.push(line);
        }
    }
    verse
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences() {
        assert_eq!(fence("::: {lang=fr}"), Some(Fence::Open(Some("fr".into()))));
        assert_eq!(fence("::::: {.note lang=\"de-AT\"} :::"), Some(Fence::Open(Some("de-AT".into()))));
        assert_eq!(fence("::: warning"), Some(Fence::Open(None)));
        assert_eq!(fence(":::"), Some(Fence::Close));
        assert_eq!(fence(":: x"), None);
        assert_eq!(fence("::: two words"), None);
    }

    #[test]
    fn fence_lines_are_blanked_outside_code() {
        let text = "::: {lang=fr}\nTexte.\n:::\n```\n:::\n```\n";
        let (masked, fences) = blank_fences(text);
        assert_eq!(masked, "             \nTexte.\n   \n```\n:::\n```\n");
        assert_eq!(fences, [(21, Fence::Close), (0, Fence::Open(Some("fr".into())))]);
    }

    #[test]
    fn citations_and_addresses() {
        assert!(is_citation("@doe99") && is_citation("see @doe99, p. 3; @roe") && is_citation("-@doe"));
        assert!(!is_citation("mail me at a@b.org") && !is_citation("@ home"));
        fn found(t: &str) -> Option<&str> {
            email_address(t).map(|(s, e)| &t[s..e])
        }
        assert_eq!(found("write to ann.lee@example.org."), Some("ann.lee@example.org"));
        assert_eq!(found("a@b, @home, x@y.z1"), None);
        assert_eq!(found("é@x.org or bob+tag@mail.example.co.uk"), Some("bob+tag@mail.example.co.uk"));
    }
}
