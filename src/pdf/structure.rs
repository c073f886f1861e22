//! The post-pass over printpdf's object graph: what printpdf cannot express
//! (named destinations, links to them, nested bookmarks, `/Lang`, metadata
//! without a clock, exact widths); [`super::serialise`] writes it out.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::fonts::{number, width_array, EmbeddedFont};
use super::serialise::Written;
use super::tagged::{self, PdfStandard};
use super::PdfError;
use crate::layout::{Document, DocumentInfo, LinkTarget, OutlineEntry, Point};

pub(super) fn finish(
    lo: &mut lopdf::Document,
    doc: &Document,
    fonts: &[Option<EmbeddedFont>],
    standard: PdfStandard,
) -> Result<Written, PdfError> {
    // printpdf says 1.3, but `/Lang` and `/DisplayDocTitle` are 1.4 features;
    // 1.7 (ISO 32000-1) is what current readers implement.
    lo.version = "1.7".into();
    let pages: Vec<ObjectId> = lo.get_pages().into_values().collect();
    if pages.len() != doc.pages.len() {
        return Err(internal("the page tree does not match the layout"));
    }

    let mut catalog = Dictionary::new();
    if doc.pages.iter().any(|p| !p.destinations.is_empty()) {
        catalog.set(
            "Names",
            Object::Dictionary(Dictionary::from_iter([(
                "Dests",
                Object::Dictionary(dests(doc, &pages)),
            )])),
        );
    }
    let annotations = add_links(lo, doc, &pages)?;
    let mut written = Written::default();
    if let Some(structure) = &doc.structure {
        let tree = tagged::structure_tree(lo, doc, structure, &pages, &annotations, &mut written)?;
        catalog.set("StructTreeRoot", Object::Reference(tree));
        catalog.set("MarkInfo", Object::Dictionary(Dictionary::from_iter([("Marked", Object::Boolean(true))])));
        catalog.set("Metadata", Object::Reference(tagged::metadata(lo, &doc.info, standard)));
        if standard.pdfa().is_some() {
            catalog.set("OutputIntents", tagged::output_intent(lo));
        }
    }
    if let Some(outlines) = add_outline(lo, &doc.outline) {
        catalog.set("Outlines", Object::Reference(outlines));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    } else {
        catalog.set("PageMode", Object::Name(b"UseNone".to_vec()));
    }
    if !doc.info.language.is_empty() {
        catalog.set("Lang", text_string(&doc.info.language));
    }
    if doc.front_matter_pages > 0 {
        catalog.set("PageLabels", page_labels(doc.front_matter_pages));
    }
    catalog.set(
        "ViewerPreferences",
        Object::Dictionary(Dictionary::from_iter([(
            "DisplayDocTitle",
            Object::Boolean(true),
        )])),
    );

    let root = lo
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| internal("there is no catalog"))?;
    let root_dict = lo
        .get_object_mut(root)
        .and_then(Object::as_dict_mut)
        .map_err(|_| internal("the catalog is not a dictionary"))?;
    for (key, value) in catalog {
        root_dict.set(key, value);
    }

    let info = info_dict(&doc.info)?;
    match lo.trailer.get(b"Info").and_then(Object::as_reference) {
        // Overwriting in place leaves no orphaned object behind.
        Ok(id) => {
            lo.objects.insert(id, Object::Dictionary(info));
        }
        Err(_) => {
            let id = lo.add_object(info);
            lo.trailer.set("Info", Object::Reference(id));
        }
    }

    set_widths(lo, &pages, fonts)?;
    Ok(written)
}

/// The `/Dests` name tree: a single root node holding every name, sorted by
/// bytes as name trees require.
fn dests(doc: &Document, pages: &[ObjectId]) -> Dictionary {
    let mut sorted = BTreeMap::new();
    for (page, ids) in doc.pages.iter().zip(pages) {
        for d in &page.destinations {
            sorted.insert(d.name.as_bytes(), xyz(*ids, page.height, d.at));
        }
    }
    let names = sorted
        .into_iter()
        .flat_map(|(name, dest)| [Object::String(name.to_vec(), StringFormat::Literal), dest]);
    Dictionary::from_iter([("Names", Object::Array(names.collect()))])
}

/// `[page /XYZ left top null]`: null zoom keeps the reader's zoom level.
fn xyz(page: ObjectId, page_height: f32, at: Point) -> Object {
    Object::Array(vec![
        Object::Reference(page),
        Object::Name(b"XYZ".to_vec()),
        number(f64::from(at.x)),
        number(f64::from(page_height) - f64::from(at.y)),
        Object::Null,
    ])
}

/// What following a link does: go to a named place, or open a web or mail address.
fn action(target: &LinkTarget) -> Object {
    match target {
        LinkTarget::Destination(name) => go_to(name),
        LinkTarget::Uri(url) => Object::Dictionary(Dictionary::from_iter([
            ("S", Object::Name(b"URI".to_vec())),
            ("URI", Object::String(uri_ascii(url).into_bytes(), StringFormat::Literal)),
        ])),
    }
}

/// `url` in the 7-bit ASCII a PDF's URI must be: other bytes percent-encoded.
fn uri_ascii(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        if byte.is_ascii_graphic() {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn go_to(name: &str) -> Object {
    Object::Dictionary(Dictionary::from_iter([
        ("S", Object::Name(b"GoTo".to_vec())),
        (
            "D",
            Object::String(name.as_bytes().to_vec(), StringFormat::Literal),
        ),
    ]))
}

/// Each page's link annotations, which are returned by page, in the order of its links.
fn add_links(lo: &mut lopdf::Document, doc: &Document, pages: &[ObjectId]) -> Result<Vec<Vec<ObjectId>>, PdfError> {
    let mut all = Vec::with_capacity(pages.len());
    for (page, &page_id) in doc.pages.iter().zip(pages) {
        let annots = page
            .links
            .iter()
            .map(|link| {
                let a = link.area;
                let (x0, x1) = (a.x.min(a.x + a.width), a.x.max(a.x + a.width));
                let (y0, y1) = (a.y.min(a.y + a.height), a.y.max(a.y + a.height));
                let rect =
                    [x0, page.height - y1, x1, page.height - y0].map(|v| number(f64::from(v)));
                let mut annotation = Dictionary::from_iter([
                    ("Type", Object::Name(b"Annot".to_vec())),
                    ("Subtype", Object::Name(b"Link".to_vec())),
                    ("Rect", Object::Array(rect.to_vec())),
                    ("Border", Object::Array(vec![Object::Integer(0); 3])),
                    // Printed (PDF/A asks every annotation to say so); a link prints as nothing.
                    ("F", Object::Integer(4)),
                    ("P", Object::Reference(page_id)),
                    ("A", action(&link.target)),
                ]);
                if !link.description.is_empty() {
                    annotation.set("Contents", text_string(&link.description));
                }
                // Indirect, so that the structure tree can name it.
                lo.add_object(annotation)
            })
            .collect::<Vec<_>>();
        let page_dict = lo
            .get_object_mut(page_id)
            .and_then(Object::as_dict_mut)
            .map_err(|_| internal("a page is not a dictionary"))?;
        if annots.is_empty() {
            page_dict.remove(b"Annots");
        } else {
            page_dict.set("Annots", Object::Array(annots.iter().copied().map(Object::Reference).collect()));
        }
        all.push(annots);
    }
    Ok(all)
}

/// Page labels as the book's folios: the front matter i, ii, …, then 1, 2, …
/// from the body's first page, so a viewer's "go to page 5" finds folio 5.
fn page_labels(front_matter_pages: usize) -> Object {
    let style = |name: &[u8]| Object::Dictionary(Dictionary::from_iter([("S", Object::Name(name.to_vec()))]));
    let nums = vec![Object::Integer(0), style(b"r"), Object::Integer(front_matter_pages as i64), style(b"D")];
    Object::Dictionary(Dictionary::from_iter([("Nums", Object::Array(nums))]))
}

struct OutlineNode<'a> {
    entry: &'a OutlineEntry,
    children: Vec<usize>,
}

/// Builds the bookmark tree from reading order and levels. A level that
/// skips (1 then 3) nests under the nearest shallower entry, so no input can
/// produce a broken tree. Every node is open.
fn add_outline(lo: &mut lopdf::Document, entries: &[OutlineEntry]) -> Option<ObjectId> {
    if entries.is_empty() {
        return None;
    }
    let mut nodes: Vec<OutlineNode> = Vec::with_capacity(entries.len());
    let mut top = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for entry in entries {
        while stack
            .last()
            .is_some_and(|&open| nodes[open].entry.level.max(1) >= entry.level.max(1))
        {
            stack.pop();
        }
        let index = nodes.len();
        match stack.last() {
            Some(&parent) => nodes[parent].children.push(index),
            None => top.push(index),
        }
        nodes.push(OutlineNode {
            entry,
            children: Vec::new(),
        });
        stack.push(index);
    }

    let root = lo.new_object_id();
    let ids: Vec<ObjectId> = nodes.iter().map(|_| lo.new_object_id()).collect();
    let mut count = vec![0i64; nodes.len()];
    // Children always come after their parent, so a reverse sweep sums
    // descendants before their ancestors need them.
    for i in (0..nodes.len()).rev() {
        count[i] = nodes[i].children.iter().map(|&c| 1 + count[c]).sum();
    }
    let link_siblings = |lo: &mut lopdf::Document, siblings: &[usize], parent: ObjectId| {
        for (k, &i) in siblings.iter().enumerate() {
            let node = &nodes[i];
            let mut dict = Dictionary::from_iter([
                ("Title", text_string(&node.entry.title)),
                ("Parent", Object::Reference(parent)),
                ("A", go_to(&node.entry.destination)),
            ]);
            if k > 0 {
                dict.set("Prev", Object::Reference(ids[siblings[k - 1]]));
            }
            if let Some(&next) = siblings.get(k + 1) {
                dict.set("Next", Object::Reference(ids[next]));
            }
            if let (Some(&first), Some(&last)) = (node.children.first(), node.children.last()) {
                dict.set("First", Object::Reference(ids[first]));
                dict.set("Last", Object::Reference(ids[last]));
                dict.set("Count", Object::Integer(count[i]));
            }
            lo.objects.insert(ids[i], Object::Dictionary(dict));
        }
    };
    link_siblings(lo, &top, root);
    for (i, node) in nodes.iter().enumerate() {
        link_siblings(lo, &node.children, ids[i]);
    }
    let total: i64 = top.iter().map(|&t| 1 + count[t]).sum();
    lo.objects.insert(
        root,
        Object::Dictionary(Dictionary::from_iter([
            ("Type", Object::Name(b"Outlines".to_vec())),
            ("First", Object::Reference(ids[top[0]])),
            ("Last", Object::Reference(ids[top[top.len() - 1]])),
            ("Count", Object::Integer(total)),
        ])),
    );
    Some(root)
}

/// Replaces printpdf's Info dictionary, which carries placeholder 1970 dates
/// and PDF/X keys (`GTS_PDFXVersion`, `Trapped`) this document makes no claim to.
fn info_dict(info: &DocumentInfo) -> Result<Dictionary, PdfError> {
    let mut dict = Dictionary::new();
    let fields = [
        ("Title", info.title.clone()),
        ("Author", info.author.clone()),
        ("Subject", info.subject.clone()),
        ("Keywords", info.keywords.join(", ")),
        ("Creator", info.creator.clone()),
        ("Producer", "quire".to_owned()),
    ];
    for (key, value) in fields {
        if !value.is_empty() {
            dict.set(key, text_string(&value));
        }
    }
    if let Some(date) = info.date.map(pdf_date) {
        dict.set(
            "CreationDate",
            Object::String(date.clone().into_bytes(), StringFormat::Literal),
        );
        dict.set(
            "ModDate",
            Object::String(date.into_bytes(), StringFormat::Literal),
        );
    }
    Ok(dict)
}

/// The PDF date of a day: `D:20171025000000Z`.
pub(super) fn pdf_date(day: chrono::NaiveDate) -> String {
    day.format("D:%Y%m%d000000Z").to_string()
}

/// Puts the writer's own widths into `/W`: the TJ adjustments were computed
/// from them, and printpdf's rounded widths would shift glyphs in fonts whose
/// em is not 1000 units.
fn set_widths(
    lo: &mut lopdf::Document,
    pages: &[ObjectId],
    fonts: &[Option<EmbeddedFont>],
) -> Result<(), PdfError> {
    // printpdf shares one font resource dictionary between all pages.
    let missing = || internal("an embedded font is missing from the page resources");
    let font_refs: Vec<(ObjectId, &EmbeddedFont)> = {
        let page = lo.get_dictionary(pages[0]).map_err(|_| missing())?;
        let resources = lo
            .dereference(page.get(b"Resources").map_err(|_| missing())?)
            .map_err(|_| missing())?
            .1;
        let font_dict = lo
            .dereference(
                resources
                    .as_dict()
                    .and_then(|r| r.get(b"Font"))
                    .map_err(|_| missing())?,
            )
            .map_err(|_| missing())?
            .1;
        let font_dict = font_dict.as_dict().map_err(|_| missing())?;
        fonts
            .iter()
            .flatten()
            .map(|f| {
                font_dict
                    .get(f.id.0.as_bytes())
                    .and_then(Object::as_reference)
                    .map(|r| (r, f))
                    .map_err(|_| missing())
            })
            .collect::<Result<_, _>>()?
    };
    for (id, font) in font_refs {
        let dict = lo.get_dictionary_mut(id).map_err(|_| missing())?;
        match dict.get_mut(b"DescendantFonts") {
            Ok(Object::Array(descendants)) => match descendants.first_mut() {
                Some(Object::Dictionary(cid_font)) => {
                    cid_font.set("W", Object::Array(width_array(&font.widths)))
                }
                _ => return Err(missing()),
            },
            _ => return Err(missing()),
        }
    }
    Ok(())
}

/// A PDF text string: literal when plain ASCII, UTF-16BE otherwise.
pub(super) fn text_string(text: &str) -> Object {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        Object::String(utf16_text(text), StringFormat::Hexadecimal)
    }
}

/// UTF-16BE with byte-order mark, the Unicode form of a PDF text string.
pub(super) fn utf16_text(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xfe, 0xff];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    bytes
}

pub(super) fn internal(what: &str) -> PdfError {
    PdfError::new(format!(
        "The PDF could not be finished because {what}; this is a bug in the PDF writer."
    ))
}
