//! The raw HTML a manuscript holds, cut into tags and text, and what each element
//! means to the editions.
//!
//! Our own small tokenizer rather than an HTML parser crate: pulldown-cmark has already
//! cut the HTML into blocks and single inline tags, so all that is needed is tags with
//! their attributes, text and comments, each with its byte offset for the diagnostics,
//! tolerant of whatever a writer types (unclosed quotes, a lone `<`, tags never closed).
//! An HTML5 tokenizer (html5gum) builds a tree-building state machine and owns its
//! strings for no gain here; quick-xml refuses HTML that is not XML. Character
//! references are decoded with html-escape's full HTML5 table (already in the build).

/// One piece of raw HTML.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token<'a> {
    /// Text between tags, its character references (`&amp;`) decoded.
    Text(String),
    /// `<name attr="value">`; the name lower-cased, `self_closing` for `<name/>`.
    Start { name: String, attributes: Vec<(String, String)>, self_closing: bool },
    End { name: String },
    /// `<!-- … -->`: notes to the writer, never shown.
    Comment,
    /// `<!DOCTYPE …>`, `<?xml …?>`, `<![CDATA[…]]>`: nothing a reader sees.
    Declaration(&'a str),
}

impl Token<'_> {
    pub(super) fn attribute(&self, wanted: &str) -> Option<&str> {
        match self {
            Token::Start { attributes, .. } => attributes.iter().find(|(name, _)| name == wanted).map(|(_, value)| value.as_str()),
            _ => None,
        }
    }
}

/// The tokens of `html`, each with the byte offset where it starts.
pub(super) fn tokens(html: &str) -> Vec<(usize, Token<'_>)> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut text_from = 0;
    // Inside <script> or <style> the text runs to the element's end tag, whatever it holds.
    let mut raw_until: Option<String> = None;
    while at < html.len() {
        let rest = &html[at..];
        if let Some(name) = &raw_until {
            let end = find_ignoring_case(rest, &format!("</{name}")).unwrap_or(rest.len());
            push_text(&mut out, html, at, at + end);
            at += end;
            text_from = at;
            raw_until = None;
            continue;
        }
        let Some(lt) = rest.find('<') else { break };
        let start = at + lt;
        match tag(&html[start..]) {
            Some((token, length)) => {
                push_text(&mut out, html, text_from, start);
                if let Token::Start { name, self_closing: false, .. } = &token {
                    if name == "script" || name == "style" {
                        raw_until = Some(name.clone());
                    }
                }
                out.push((start, token));
                at = start + length;
                text_from = at;
            }
            // A `<` that opens no tag is text (`a < b`).
            None => at = start + 1,
        }
    }
    push_text(&mut out, html, text_from, html.len());
    out
}

fn push_text<'a>(out: &mut Vec<(usize, Token<'a>)>, html: &'a str, from: usize, to: usize) {
    if from < to {
        out.push((from, Token::Text(html_escape::decode_html_entities(&html[from..to]).into_owned())));
    }
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

/// The tag opening `text` (which starts with `<`) and its length in bytes, if it is one.
fn tag(text: &str) -> Option<(Token<'_>, usize)> {
    if let Some(body) = text.strip_prefix("<!--") {
        let length = body.find("-->").map_or(text.len(), |end| 4 + end + 3);
        return Some((Token::Comment, length));
    }
    if text.starts_with("<!") || text.starts_with("<?") {
        let length = text.find('>').map_or(text.len(), |end| end + 1);
        return Some((Token::Declaration(&text[..length]), length));
    }
    let (closing, after) = match text.strip_prefix("</") {
        Some(rest) => (true, rest),
        None => (false, &text[1..]),
    };
    let name_length = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':')).unwrap_or(after.len());
    if name_length == 0 || !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name = after[..name_length].to_ascii_lowercase();
    let mut rest = &after[name_length..];
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            let length = text.len() - after.len();
            let token = if closing { Token::End { name } } else { Token::Start { name, attributes, self_closing: true } };
            return Some((token, length));
        }
        if let Some(after) = rest.strip_prefix('>') {
            let length = text.len() - after.len();
            let token = if closing { Token::End { name } } else { Token::Start { name, attributes, self_closing: false } };
            return Some((token, length));
        }
        if rest.is_empty() || rest.starts_with('<') {
            return None;
        }
        let key_length = rest.find(|c: char| c.is_whitespace() || "=>/".contains(c)).unwrap_or(rest.len()).max(1);
        let key = rest[..key_length].to_ascii_lowercase();
        rest = rest[key_length..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (raw, remaining) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(quote)?;
                    (&body[..end], &body[end + 1..])
                }
                _ => {
                    let end = after.find(|c: char| c.is_whitespace() || c == '>').unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = html_escape::decode_html_entities(raw).into_owned();
            rest = remaining;
        }
        attributes.push((key, value));
    }
}

/// What an HTML element means to the editions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Meaning {
    Emphasis,
    Strong,
    Superscript,
    Subscript,
    Strikethrough,
    Code,
    Link,
    /// `<span>`: its text, in its `lang` if it has one.
    Span,
    /// `<small>` and the like: its text, and nothing lost with the element.
    Plain,
    LineBreak,
    Image,
    /// An inline element whose look no edition gives (`<u>`, `<mark>`, `<abbr>`): its
    /// text stays, with a warning naming it.
    Unshown,
    /// `<script>`, `<style>`: code for a browser, not text for a reader.
    Hidden,
    /// `<p>`, `<div>`, `<li>`, `<td>`…: its text is a paragraph of its own.
    Block,
    /// `<pre>`: its text as a code block.
    Preformatted,
    Rule,
    /// `<wbr>` and other elements that hold no text and mean nothing on paper.
    Nothing,
}

pub(super) fn meaning(element: &str) -> Meaning {
    match element {
        "em" | "i" | "cite" | "dfn" | "var" => Meaning::Emphasis,
        "strong" | "b" => Meaning::Strong,
        "sup" => Meaning::Superscript,
        "sub" => Meaning::Subscript,
        "del" | "s" | "strike" => Meaning::Strikethrough,
        "code" | "kbd" | "samp" | "tt" => Meaning::Code,
        "a" => Meaning::Link,
        "span" => Meaning::Span,
        "small" | "bdi" | "bdo" | "time" | "data" | "nobr" => Meaning::Plain,
        "br" => Meaning::LineBreak,
        "img" => Meaning::Image,
        "script" | "style" | "template" | "noscript" | "head" | "title" | "iframe" | "object" | "video" | "audio" | "svg" | "math" | "canvas" => {
            Meaning::Hidden
        }
        "pre" => Meaning::Preformatted,
        "hr" => Meaning::Rule,
        "wbr" | "source" | "track" | "param" | "col" | "colgroup" | "meta" | "link" | "base" | "input" => Meaning::Nothing,
        "address" | "article" | "aside" | "blockquote" | "body" | "center" | "details" | "dialog" | "dd" | "div" | "dl" | "dt" | "fieldset"
        | "figcaption" | "figure" | "footer" | "form" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "header" | "hgroup" | "html" | "li" | "main"
        | "nav" | "ol" | "p" | "section" | "summary" | "table" | "tbody" | "td" | "tfoot" | "th" | "thead" | "tr" | "ul" | "caption" | "legend"
        | "option" | "picture" | "menu" => Meaning::Block,
        _ => Meaning::Unshown,
    }
}

/// HTML's whitespace, collapsed: any run of spaces, tabs and line ends is one space.
pub(super) fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_ascii_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(name: &str, attributes: &[(&str, &str)]) -> Token<'static> {
        let attributes = attributes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Token::Start { name: name.into(), attributes, self_closing: false }
    }

    #[test]
    fn tags_attributes_text_and_comments() {
        let found: Vec<Token> = tokens("<SPAN lang=\"fr\" class='a b' hidden>l&apos;été</span><!-- x --><br/>a < b").into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            found,
            [
                start("span", &[("lang", "fr"), ("class", "a b"), ("hidden", "")]),
                Token::Text("l'été".into()),
                Token::End { name: "span".into() },
                Token::Comment,
                Token::Start { name: "br".into(), attributes: vec![], self_closing: true },
                Token::Text("a < b".into()),
            ]
        );
    }

    #[test]
    fn script_text_runs_to_its_end_tag() {
        let found: Vec<(usize, Token)> = tokens("<script>if (a<b) x()</script>after");
        assert_eq!(found[1], (8, Token::Text("if (a<b) x()".into())));
        assert_eq!(found[2].1, Token::End { name: "script".into() });
        assert_eq!(found[3], (29, Token::Text("after".into())));
    }

    #[test]
    fn broken_html_is_text_not_a_panic() {
        for broken in ["<", "<a href=\"x", "<!--", "</", "<a b='", "<é>", "<1>", "a<<b>>c", "<a =>x"] {
            let _ = tokens(broken);
        }
        assert_eq!(tokens("<a href=\"x")[0].1, Token::Text("<a href=\"x".into()));
    }
}
