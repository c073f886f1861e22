//! Raw HTML in a manuscript, folded into the model like the Markdown around it:
//! elements with a Markdown meaning become it (`<em>`, `<a href>`, `<span lang>`, …),
//! `<div markdown="1">` and `<div lang>` are read as Markdown, any other block keeps its
//! text with a warning naming the element, `<script>` and `<style>` are left out with
//! one. Comments vanish: they are notes to the writer.

use pulldown_cmark::Parser;

use super::super::html::{self, Meaning, Token};
use super::{Folder, Frame};
use crate::model::{plain_text, Block, Image, Inline};

impl Folder<'_> {
    /// One line of an HTML block; the block is read whole at its end.
    pub(super) fn html_line(&mut self, line: &str, offset: usize) {
        match self.stack.last_mut() {
            Some(Frame::HtmlBlock { text, .. }) => text.push_str(line),
            _ => self.html_block(line, offset),
        }
    }

    /// An inline tag (or comment) inside Markdown text.
    pub(super) fn inline_html(&mut self, html: &str, offset: usize) {
        let base = self.base_offset(html, offset);
        for (at, token) in html::tokens(html) {
            self.html_token(token, base(at), false);
        }
    }

    /// Offsets into `html` (which the parser found at `offset`) as offsets into the source:
    /// exact when the source holds it as it is, else its start (inside a quote, the
    /// parser's copy lacks the `>` of each line).
    fn base_offset(&self, html: &str, offset: usize) -> impl Fn(usize) -> usize {
        let exact = self.text.get(offset..offset + html.len()) == Some(html);
        move |at| if exact { offset + at } else { offset }
    }

    pub(super) fn html_block(&mut self, html: &str, offset: usize) {
        let tokens = html::tokens(html);
        let shown: Vec<usize> = (0..tokens.len())
            .filter(|&i| match &tokens[i].1 {
                Token::Comment | Token::Declaration(_) => false,
                Token::Text(t) => !t.trim().is_empty(),
                _ => true,
            })
            .collect();
        let base = self.base_offset(html, offset);
        let div = |i: usize| matches!(&tokens[i].1, Token::Start { name, self_closing: false, .. } if name == "div");
        let div_end = |i: usize| matches!(&tokens[i].1, Token::End { name } if name == "div");
        match shown.as_slice() {
            [] => {}
            // A `<div>` alone on its lines: the Markdown after it, to its `</div>`, is read as
            // Markdown (CommonMark ends the HTML block at the blank line), in its language.
            [open] if div(*open) => self.open_div(tokens[*open].1.attribute("lang")),
            [close] if div_end(*close) => self.close_div(),
            // `<div markdown="1">` … `</div>` with no blank line between: its inside is
            // Markdown too, read here.
            [open, .., close] if div(*open) && div_end(*close) && reads_as_markdown(&tokens[*open].1) => {
                let (from, to) = (tokens[*open + 1].0, tokens[*close].0);
                self.open_div(tokens[*open].1.attribute("lang"));
                let inside = &html[from..to];
                let exact = self.text.get(offset + from..offset + to) == Some(inside);
                for (event, range) in Parser::new_ext(inside, super::super::markdown_options()).into_offset_iter() {
                    let at = if exact { offset + from + range.start } else { offset };
                    self.event(event, at);
                }
                self.close_div();
            }
            [first, ..] => {
                let has_text = shown.iter().any(|&i| matches!(&tokens[i].1, Token::Text(_) | Token::Start { .. } if !is_hidden(&tokens[i].1)));
                let element = match &tokens[*first].1 {
                    Token::Start { name, .. } | Token::End { name } => Some(name.clone()),
                    _ => None,
                };
                // `<script>` and `<style>` are named by their own warning; `<pre>` is a code block.
                let said = element.as_deref().is_some_and(|e| matches!(html::meaning(e), Meaning::Hidden | Meaning::Preformatted));
                if has_text && !said {
                    let (message, help) = match &element {
                        Some(e) => (
                            format!("HTML block `<{e}>` is set as its text: its tags and layout are left out"),
                            "write it in Markdown (a paragraph, list, table or quote) to keep its form",
                        ),
                        None => ("HTML text is set as plain text".to_owned(), "write it in Markdown"),
                    };
                    self.warning(base(tokens[*first].0), message, help);
                }
                self.stack.push(Frame::Paragraph(Vec::new()));
                for (at, token) in tokens {
                    self.html_token(token, base(at), true);
                }
                self.close_open_html();
                if matches!(self.stack.last(), Some(Frame::Code { .. })) {
                    self.end_preformatted();
                }
                if let Some(Frame::Paragraph(content)) = self.stack.pop() {
                    self.html_paragraph(content);
                }
            }
        }
    }

    /// One token of raw HTML at source offset `at`; `in_block` inside an HTML block,
    /// where block elements part paragraphs.
    fn html_token(&mut self, token: Token<'_>, at: usize, in_block: bool) {
        match token {
            Token::Comment | Token::Declaration(_) => {}
            Token::Text(text) => match self.stack.last_mut() {
                Some(Frame::HtmlHidden { .. }) => {}
                Some(Frame::Code { text: code, .. }) => code.push_str(&text),
                _ if in_block => self.inline(Inline::Text(html::collapse_whitespace(&text))),
                _ => self.inline(Inline::Text(text)),
            },
            Token::Start { ref name, self_closing, .. } => {
                let meaning = html::meaning(name);
                match meaning {
                    Meaning::LineBreak => self.inline(Inline::LineBreak),
                    Meaning::Image => {
                        let text = |key: &str| token.attribute(key).map(str::to_owned);
                        let title = text("title").filter(|t| !t.trim().is_empty());
                        let image = Image { src: text("src").unwrap_or_default(), alt: text("alt").unwrap_or_default(), title, at: self.pos(at) };
                        self.inline(Inline::Image(image))
                    }
                    Meaning::Nothing => {}
                    Meaning::Hidden => {
                        self.warning(
                            at,
                            format!("`<{name}>` is for a browser, not a reader: it is left out of every edition"),
                            "delete it, or write what it shows as text",
                        );
                        if !self_closing {
                            self.stack.push(Frame::HtmlHidden { element: name.clone() });
                        }
                    }
                    Meaning::Block | Meaning::Rule | Meaning::Preformatted if in_block => {
                        self.html_paragraph_break();
                        match meaning {
                            Meaning::Rule => self.block(Block::Rule),
                            Meaning::Preformatted => self.stack.push(Frame::Code { text: String::new(), language: None }),
                            _ => {}
                        }
                    }
                    // A block element in a line of Markdown: no text of its own to keep.
                    Meaning::Block | Meaning::Rule | Meaning::Preformatted => {}
                    _ if self_closing => {}
                    _ => {
                        if meaning == Meaning::Unshown {
                            self.warning(
                                at,
                                format!("`<{name}>` has no look in the editions: its text is set plain"),
                                "write its text in Markdown (emphasis, bold, code), or leave it plain",
                            );
                        }
                        let Token::Start { name, attributes, .. } = token else { return };
                        self.stack.push(Frame::HtmlInline { element: name, meaning, attributes, content: Vec::new(), at });
                    }
                }
            }
            Token::End { name } => match html::meaning(&name) {
                Meaning::Hidden => {
                    if matches!(self.stack.last(), Some(Frame::HtmlHidden { element }) if *element == name) {
                        self.stack.pop();
                    }
                }
                Meaning::Preformatted if in_block && matches!(self.stack.last(), Some(Frame::Code { .. })) => self.end_preformatted(),
                Meaning::Block | Meaning::Rule | Meaning::Preformatted if in_block => self.html_paragraph_break(),
                _ => self.close_element(&name),
            },
        }
    }

    /// `</name>`: the innermost `<name>` still open in this run of text ends, and any
    /// element opened inside it and left open with it. A stray end tag holds no text.
    fn close_element(&mut self, name: &str) {
        let open = self.stack.iter().rev().take_while(|f| matches!(f, Frame::HtmlInline { .. })).position(|f| matches!(f, Frame::HtmlInline { element, .. } if element == name));
        if let Some(depth) = open {
            for _ in 0..=depth {
                if let Some(frame) = self.stack.pop() {
                    self.close_html_frame(frame);
                }
            }
        }
    }

    /// Every HTML element, bracket and `<div>` left open on top of the stack ends here.
    pub(super) fn close_open_html(&mut self) {
        while matches!(self.stack.last(), Some(Frame::HtmlInline { .. } | Frame::HtmlHidden { .. } | Frame::LanguageBlock { .. } | Frame::Bracket { .. })) {
            if let Some(frame) = self.stack.pop() {
                self.close_html_frame(frame);
            }
        }
    }

    /// An HTML frame taken off the stack, folded into what holds it.
    pub(super) fn close_html_frame(&mut self, frame: Frame) {
        match frame {
            Frame::HtmlInline { meaning, attributes, content, at, .. } => {
                let attribute = |key: &str| attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty());
                let folded = match meaning {
                    Meaning::Emphasis => Inline::Emphasis(content),
                    Meaning::Strong => Inline::Strong(content),
                    Meaning::Superscript => Inline::Superscript(content),
                    Meaning::Subscript => Inline::Subscript(content),
                    Meaning::Strikethrough => Inline::Strikethrough(content),
                    Meaning::Code => Inline::Code(plain_text(&content)),
                    Meaning::Link => match attribute("href") {
                        Some(url) => return self.link(url, content, at),
                        None => return content.into_iter().for_each(|inline| self.inline(inline)),
                    },
                    Meaning::Span => match attribute("lang") {
                        Some(lang) => Inline::Language { lang, content },
                        None => return content.into_iter().for_each(|inline| self.inline(inline)),
                    },
                    _ => return content.into_iter().for_each(|inline| self.inline(inline)),
                };
                self.inline(folded)
            }
            Frame::LanguageBlock { lang, mut blocks, loose } => {
                super::flush_loose(&mut blocks, loose);
                self.block(Block::Language { lang, blocks })
            }
            Frame::Bracket { note, content, .. } => self.unclosed_bracket(note, content),
            _ => {}
        }
    }

    /// A `<div>` (or `:::` fence) opens: in its language, if it gives one.
    pub(super) fn open_div(&mut self, lang: Option<&str>) {
        match lang.map(str::trim).filter(|l| !l.is_empty()) {
            Some(lang) => {
                self.open_divs.push(Some(self.stack.len()));
                self.stack.push(Frame::LanguageBlock { lang: lang.to_owned(), blocks: Vec::new(), loose: Vec::new() });
            }
            None => self.open_divs.push(None),
        }
    }

    /// The innermost open `<div>` closes; a stray `</div>` holds no text.
    pub(super) fn close_div(&mut self) {
        if let Some(Some(depth)) = self.open_divs.pop() {
            if self.stack.len() == depth + 1 && matches!(self.stack.last(), Some(Frame::LanguageBlock { .. })) {
                if let Some(frame) = self.stack.pop() {
                    self.close_html_frame(frame);
                }
            }
        }
    }

    /// A block element's edge inside an HTML block: the text so far is a paragraph.
    fn html_paragraph_break(&mut self) {
        self.close_open_inline_html();
        if let Some(Frame::Paragraph(content)) = self.stack.last_mut() {
            let content = std::mem::take(content);
            self.stack.pop();
            self.html_paragraph(content);
            self.stack.push(Frame::Paragraph(Vec::new()));
        }
    }

    fn close_open_inline_html(&mut self) {
        while matches!(self.stack.last(), Some(Frame::HtmlInline { .. } | Frame::HtmlHidden { .. })) {
            if let Some(frame) = self.stack.pop() {
                self.close_html_frame(frame);
            }
        }
    }

    fn end_preformatted(&mut self) {
        if let Some(Frame::Code { text, language }) = self.stack.pop() {
            let text = text.strip_prefix('\n').unwrap_or(&text).trim_end().to_owned();
            if !text.is_empty() {
                self.block(Block::Code { text, language });
            }
        }
    }

    /// The text of an HTML block's paragraph, its spaces as a browser shows them.
    fn html_paragraph(&mut self, content: Vec<Inline>) {
        let content = trim_lines(content);
        if !content.is_empty() {
            self.paragraph(content);
        }
    }
}

fn is_hidden(token: &Token<'_>) -> bool {
    matches!(token, Token::Start { name, .. } if matches!(html::meaning(name), Meaning::Hidden | Meaning::Nothing))
}

/// `<div markdown="1">` (or `markdown="block"`, pandoc's and PHP Markdown Extra's ways)
/// or `<div lang="…">`: its inside is Markdown.
fn reads_as_markdown(open: &Token<'_>) -> bool {
    open.attribute("markdown").is_some_and(|m| matches!(m, "1" | "block" | "span" | "true")) || open.attribute("lang").is_some()
}

/// Spaces at the start and end of a paragraph and around its line breaks, as HTML
/// drops them; text left empty goes.
fn trim_lines(content: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(content.len());
    for inline in content {
        match inline {
            Inline::Text(t) => {
                let after_break = out.last().is_none_or(|last| matches!(last, Inline::LineBreak));
                let t = if after_break { t.trim_start().to_owned() } else { t };
                if !t.is_empty() {
                    out.push(Inline::Text(t));
                }
            }
            Inline::LineBreak => {
                trim_end(&mut out);
                out.push(Inline::LineBreak);
            }
            other => out.push(other),
        }
    }
    trim_end(&mut out);
    while matches!(out.last(), Some(Inline::LineBreak)) {
        out.pop();
    }
    out
}

fn trim_end(out: &mut Vec<Inline>) {
    if let Some(Inline::Text(t)) = out.last_mut() {
        let kept = t.trim_end().len();
        t.truncate(kept);
        if t.is_empty() {
            out.pop();
        }
    }
}
