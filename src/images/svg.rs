//! SVG: parsed by usvg into a tree of paths, with every reference the file makes
//! refused. usvg never touches the network; what it would read from disk, the
//! `<image href>` / `xlink:href` of an `<image>`, goes through our resolver, which
//! reads nothing and names each reference in a warning (see [`restricted_options`]).
//! `<use>` reaches only the file's own elements. CSS comes only from the file's
//! own `<style>`: usvg fetches no stylesheet and no `@font-face` source. Text is
//! set in the book's own faces, the only fonts in the font database (no system
//! font is loaded).
//!
//! The EPUB carries the SVG as usvg writes the tree back (see [`write`]): what
//! print shows, with no script, no external reference and text as outlines.

use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::resources::fonts::FontFamily;

/// Whether `bytes` start as an SVG document (after a byte-order mark, an XML
/// declaration, comments, a doctype): an `<svg` element within the first 4 KB.
pub(super) fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let Ok(text) = std::str::from_utf8(head).or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()])) else { return false };
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<') && text.contains("<svg")
}

/// The book's faces, for an SVG's text.
pub(super) fn font_database(fonts: Option<&FontFamily>) -> Arc<usvg::fontdb::Database> {
    let mut db = usvg::fontdb::Database::new();
    if let Some(fonts) = fonts {
        for face in &fonts.faces {
            db.load_font_data(face.data.to_vec());
        }
    }
    // Every generic family (serif, sans-serif, monospace…) is the book face.
    let family = db.faces().next().and_then(|face| face.families.first()).map(|(name, _)| name.clone());
    if let Some(family) = family {
        db.set_serif_family(family.clone());
        db.set_sans_serif_family(family.clone());
        db.set_monospace_family(family.clone());
        db.set_cursive_family(family.clone());
        db.set_fantasy_family(family);
    }
    Arc::new(db)
}

/// Elements nested deeper than this are refused before usvg sees them: usvg,
/// svg2pdf and usvg's writer each walk the tree recursively, and a file of a
/// hundred thousand nested groups would overflow the stack (an abort, not an
/// error). Drawings nest a few dozen deep at most.
const MAX_DEPTH: usize = 256;

/// PDF readers keep at most 28 graphics states saved at once, and svg2pdf refuses
/// an SVG that needs more; it saves one for the picture, one for each group and
/// one more for each clip path or mask on it, and one or two for each path or
/// text. A picture past this is refused here, where the error has a place.
const MAX_DRAWING_DEPTH: usize = 25;

/// The most graphics states drawing `group` keeps saved at once, as svg2pdf draws it
/// (see [`MAX_DRAWING_DEPTH`]). Recursive, but [`MAX_DEPTH`] bounds the tree.
fn drawing_depth(group: &usvg::Group) -> usize {
    let own = 1 + usize::from(group.clip_path().is_some()) + usize::from(group.mask().is_some()) + usize::from(!group.filters().is_empty());
    let inner = group
        .children()
        .iter()
        .map(|node| match node {
            usvg::Node::Group(inner) => drawing_depth(inner),
            usvg::Node::Text(_) => 2,
            usvg::Node::Path(_) | usvg::Node::Image(_) => 1,
        })
        .max()
        .unwrap_or(0);
    own + inner
}

/// How deep the elements of `bytes` nest, read as a stream (no recursion), or
/// why it is not well-formed XML.
fn depth(bytes: &[u8]) -> Result<usize, String> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(quick_xml::events::Event::Start(_)) => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > MAX_DEPTH {
                    return Ok(deepest);
                }
            }
            Ok(quick_xml::events::Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(quick_xml::events::Event::Eof) => return Ok(deepest),
            Ok(_) => {}
            Err(e) => return Err(format!("the SVG is malformed ({e})")),
        }
        buffer.clear();
    }
}

/// The tree of the SVG `bytes`, and a sentence for each reference refused.
pub(super) fn parse(bytes: &[u8], base: &Path, fontdb: &Arc<usvg::fontdb::Database>) -> Result<(usvg::Tree, Vec<String>), String> {
    if depth(bytes)? > MAX_DEPTH {
        return Err(format!("its elements nest more than {MAX_DEPTH} deep, more than quire reads"));
    }
    let refused = Arc::new(Mutex::new(Vec::new()));
    let options = restricted_options(base, fontdb, &refused);
    let tree = usvg::Tree::from_data(bytes, &options).map_err(|e| format!("the SVG is malformed ({e})"))?;
    if drawing_depth(tree.root()) > MAX_DRAWING_DEPTH {
        return Err(format!("its groups nest too deep for a PDF to draw (more than {MAX_DRAWING_DEPTH} levels of graphics state)"));
    }
    let size = tree.size();
    if !(size.width().is_finite() && size.height().is_finite() && size.width() > 0.0 && size.height() > 0.0) {
        return Err("the SVG has no size".into());
    }
    let refused = refused.lock().map(|r| r.clone()).unwrap_or_default();
    Ok((tree, refused))
}

/// usvg's options with our resolver, which refuses every picture an SVG refers to
/// and says why: one on the web or elsewhere on the machine must never be read,
/// and one beside it could not be shown (svg2pdf is built without pictures inside
/// SVGs: that needs the `image` crate, a second set of decoders to keep safe).
fn restricted_options<'a>(base: &Path, fontdb: &Arc<usvg::fontdb::Database>, refused: &Arc<Mutex<Vec<String>>>) -> usvg::Options<'a> {
    let mut options = usvg::Options { resources_dir: Some(base.to_path_buf()), fontdb: Arc::clone(fontdb), ..usvg::Options::default() };
    if let Some(family) = fontdb.faces().next().and_then(|face| face.families.first()) {
        options.font_family = family.0.clone();
    }
    let refuse = {
        let refused = Arc::clone(refused);
        move |what: String| {
            if let Ok(mut list) = refused.lock() {
                if !list.contains(&what) {
                    list.push(what);
                }
            }
        }
    };
    let refuse_data = refuse.clone();
    options.image_href_resolver.resolve_data = Box::new(move |mime: &str, _: Arc<Vec<u8>>, _: &usvg::Options| {
        refuse_data(format!("its embedded `{mime}` picture is left out: quire places no picture inside an SVG"));
        None
    });
    options.image_href_resolver.resolve_string = Box::new(move |href: &str, _: &usvg::Options| {
        let shown: String = href.chars().take(80).collect();
        let why = if href.contains("://") || href.starts_with("//") {
            "an SVG's references are never fetched from the web"
        } else if Path::new(href).is_absolute() || href.split(['/', '\\']).any(|part| part == "..") {
            "an SVG may never refer to a file outside the manuscript's folder"
        } else {
            "quire places no picture inside an SVG; draw it into the SVG or place it as a figure of its own"
        };
        refuse(format!("its reference `{shown}` is left out: {why}"));
        None
    });
    options
}

/// The SVG as usvg writes its tree: the file the EPUB carries.
pub(super) fn write(tree: &usvg::Tree) -> Vec<u8> {
    tree.to_string(&usvg::WriteOptions::default()).into_bytes()
}
