//! Tagged PDF (PDF/UA-1, ISO 14289-1): the structure tree, the parent tree
//! that maps content back to its elements, and the XMP metadata that claims
//! conformance, written in the post-pass from the layout's [`Structure`] and
//! the pages' marks.
//!
//! The content streams mark each tagged stretch of a page's items as a
//! marked-content sequence with an MCID, numbered from 0 on each page in the
//! order of the page's marks ([`content_marks`], shared with `content`); an
//! element's children are its content and its child elements in the order
//! they first appear on the pages, which is reading order.

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::serialise::{DictionaryBytes, Written};
use super::structure::text_string;
use super::PdfError;
use crate::layout::{Artifact, Document, DocumentInfo, ElementId, Page, Role, Structure, Tag};

/// Which standards the file claims, besides being tagged (PDF/UA-1 always).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PdfStandard {
    /// PDF/UA-1.
    #[default]
    Ua1,
    /// PDF/UA-1 and PDF/A-2a (archival, tagged: level A).
    Ua1A2a,
    /// PDF/UA-1 and PDF/A-2u (archival, Unicode text).
    Ua1A2u,
}

impl PdfStandard {
    /// The PDF/A conformance level claimed, if any: "A" or "U".
    pub fn pdfa(self) -> Option<&'static str> {
        match self {
            PdfStandard::Ua1 => None,
            PdfStandard::Ua1A2a => Some("A"),
            PdfStandard::Ua1A2u => Some("U"),
        }
    }
}

/// A page's marks that tag items (a mark after the last item tags nothing and
/// opens no sequence).
pub(super) fn content_marks(page: &Page) -> impl Iterator<Item = (usize, Tag)> + '_ {
    page.marks.iter().copied().filter(|(at, _)| *at < page.items.len())
}

/// The operator that opens a marked-content sequence for `tag`; `mcid` is the
/// sequence's number on its page, for an element.
pub(super) fn begin_marked(out: &mut Vec<u8>, tag: Tag, structure: &Structure, mcid: usize) {
    use std::io::Write;
    let _ = match tag {
        Tag::Element(element) => writeln!(out, "/{} <</MCID {mcid}>> BDC", role_name(structure.elements[element].role)),
        Tag::Artifact(Artifact::Header) => writeln!(out, "/Artifact <</Type /Pagination /Subtype /Header>> BDC"),
        Tag::Artifact(Artifact::Footer) => writeln!(out, "/Artifact <</Type /Pagination /Subtype /Footer>> BDC"),
        Tag::Artifact(Artifact::Layout) => writeln!(out, "/Artifact <</Type /Layout>> BDC"),
    };
}

pub(super) fn role_name(role: Role) -> &'static str {
    match role {
        Role::Document => "Document",
        Role::Part => "Part",
        Role::Sect => "Sect",
        Role::Div => "Div",
        Role::H(1) => "H1",
        Role::H(2) => "H2",
        Role::H(3) => "H3",
        Role::H(4) => "H4",
        Role::H(5) => "H5",
        Role::H(_) => "H6",
        Role::P => "P",
        Role::L => "L",
        Role::LI => "LI",
        Role::Lbl => "Lbl",
        Role::LBody => "LBody",
        Role::Table => "Table",
        Role::TR => "TR",
        Role::TH => "TH",
        Role::TD => "TD",
        Role::Figure => "Figure",
        Role::Caption => "Caption",
        Role::Code => "Code",
        Role::BlockQuote => "BlockQuote",
        Role::TOC => "TOC",
        Role::TOCI => "TOCI",
        Role::Note => "Note",
        Role::Reference => "Reference",
        Role::Link => "Link",
    }
}

/// One child of a structure element.
#[derive(Debug, Clone, Copy)]
enum Kid {
    /// Marked content `mcid` on page `page`.
    Content { page: usize, mcid: usize },
    Element(ElementId),
    /// An annotation (a link's), on page `page`.
    Annotation { page: usize, annotation: ObjectId },
}

/// Writes the structure tree of `doc` and returns the catalogue's `/StructTreeRoot`;
/// its elements are `written` as bytes.
/// `annotations` are each page's link annotations, in the order of its links.
pub(super) fn structure_tree(
    lo: &mut lopdf::Document,
    doc: &Document,
    structure: &Structure,
    pages: &[ObjectId],
    annotations: &[Vec<ObjectId>],
    written: &mut Written,
) -> Result<ObjectId, PdfError> {
    let count = structure.elements.len();
    let mut kids: Vec<Vec<Kid>> = vec![Vec::new(); count];
    let mut attached = vec![false; count];
    // Attaches `element` (and its ancestors) to the tree, after its parent's children so far.
    fn attach(element: ElementId, structure: &Structure, attached: &mut [bool], kids: &mut [Vec<Kid>]) {
        let mut element = element;
        while !attached[element] {
            attached[element] = true;
            let Some(parent) = structure.elements[element].parent else { break };
            kids[parent].push(Kid::Element(element));
            element = parent;
        }
    }
    let bad = |what: &str| PdfError::new(format!("The PDF could not be tagged because {what}; this is a bug in the typesetter."));
    if count == 0 || structure.elements[0].parent.is_some() {
        return Err(bad("the structure has no document element"));
    }
    if structure.elements.iter().skip(1).any(|e| e.parent.is_none_or(|p| p >= count)) {
        return Err(bad("an element has no parent in the structure"));
    }
    attached[0] = true;
    // Each page's parent-tree entry: the element of each MCID, in order.
    let mut page_entries: Vec<Vec<ElementId>> = Vec::with_capacity(doc.pages.len());
    // The parent tree's entries for annotations, numbered after the pages'.
    let mut annotation_entries: Vec<(ObjectId, ElementId)> = Vec::new();
    for (p, page) in doc.pages.iter().enumerate() {
        let mut entries = Vec::new();
        for (_, tag) in content_marks(page) {
            if let Tag::Element(element) = tag {
                if element >= count {
                    return Err(bad("content is tagged with an element the structure does not have"));
                }
                attach(element, structure, &mut attached, &mut kids);
                kids[element].push(Kid::Content { page: p, mcid: entries.len() });
                entries.push(element);
            }
        }
        for (link, &annotation) in page.links.iter().zip(annotations.get(p).map_or(&[][..], Vec::as_slice)) {
            if let Some(element) = link.element.filter(|&e| e < count) {
                attach(element, structure, &mut attached, &mut kids);
                kids[element].push(Kid::Annotation { page: p, annotation });
                annotation_entries.push((annotation, element));
            }
        }
        page_entries.push(entries);
    }
    // Cells without text are cells all the same: a row keeps its columns.
    for (element, e) in structure.elements.iter().enumerate() {
        if matches!(e.role, Role::TH | Role::TD) && !attached[element] && e.parent.is_some_and(|p| attached[p]) {
            attach(element, structure, &mut attached, &mut kids);
        }
    }

    let root = lo.new_object_id();
    let ids: Vec<Option<ObjectId>> = attached.iter().map(|&a| a.then(|| lo.new_object_id())).collect();
    let mut named: Vec<(String, ObjectId)> = Vec::new();
    for (element, e) in structure.elements.iter().enumerate() {
        let Some(id) = ids[element] else { continue };
        let mut dict = DictionaryBytes::new();
        dict.name(b"Type", b"StructElem");
        dict.name(b"S", role_name(e.role).as_bytes());
        dict.reference(b"P", e.parent.and_then(|p| ids[p]).unwrap_or(root));
        // The page of the element's first content: its other content there needs no `/Pg`.
        let home = kids[element].iter().find_map(|kid| match kid {
            Kid::Content { page, .. } | Kid::Annotation { page, .. } => Some(*page),
            Kid::Element(_) => None,
        });
        if let Some(home) = home {
            dict.reference(b"Pg", pages[home]);
        }
        let k: Vec<Object> = kids[element]
            .iter()
            .filter_map(|kid| match *kid {
                Kid::Content { page, mcid } if Some(page) == home => Some(Object::Integer(mcid as i64)),
                Kid::Content { page, mcid } => Some(Object::Dictionary(Dictionary::from_iter([
                    ("Type", Object::Name(b"MCR".to_vec())),
                    ("Pg", Object::Reference(pages[page])),
                    ("MCID", Object::Integer(mcid as i64)),
                ]))),
                Kid::Element(child) => ids[child].map(Object::Reference),
                Kid::Annotation { page, annotation } => Some(Object::Dictionary(Dictionary::from_iter([
                    ("Type", Object::Name(b"OBJR".to_vec())),
                    ("Pg", Object::Reference(pages[page])),
                    ("Obj", Object::Reference(annotation)),
                ]))),
            })
            .collect();
        match k.len() {
            0 => {}
            1 => dict.entry(b"K", &k[0]),
            _ => dict.entry(b"K", &Object::Array(k)),
        }
        if let Some(alt) = &e.alt {
            dict.entry(b"Alt", &text_string(alt));
        }
        if let Some(lang) = &e.lang {
            dict.entry(b"Lang", &text_string(lang));
        }
        if let Some(name) = &e.id {
            dict.entry(b"ID", &Object::String(name.as_bytes().to_vec(), StringFormat::Literal));
            named.push((name.clone(), id));
        }
        if e.role == Role::TH {
            dict.entry(b"A", &Object::Dictionary(Dictionary::from_iter([("O", Object::Name(b"Table".to_vec())), ("Scope", Object::Name(b"Column".to_vec()))])));
        }
        written.insert(lo, id, dict.finish());
    }

    let first_annotation_key = page_entries.len();
    for (k, &(annotation, _)) in annotation_entries.iter().enumerate() {
        if let Ok(dict) = lo.get_object_mut(annotation).and_then(Object::as_dict_mut) {
            dict.set("StructParent", Object::Integer((first_annotation_key + k) as i64));
        }
    }
    for (p, &page) in pages.iter().enumerate() {
        let dict = lo.get_object_mut(page).and_then(Object::as_dict_mut).map_err(|_| bad("a page is not a dictionary"))?;
        dict.set("StructParents", Object::Integer(p as i64));
        dict.set("Tabs", Object::Name(b"S".to_vec()));
    }
    // Each page's elements by MCID, then each annotation's element.
    let page_nums = page_entries.iter().enumerate().flat_map(|(p, entries)| {
        let refs = entries.iter().filter_map(|&e| ids[e]).map(Object::Reference).collect();
        [Object::Integer(p as i64), Object::Array(refs)]
    });
    let annotation_nums = annotation_entries.iter().enumerate().flat_map(|(k, &(_, element))| [Object::Integer((first_annotation_key + k) as i64), ids[element].map_or(Object::Null, Object::Reference)]);
    let mut parent_tree = DictionaryBytes::new();
    parent_tree.array(b"Nums", page_nums.chain(annotation_nums));
    let parent_tree_id = lo.new_object_id();
    written.insert(lo, parent_tree_id, parent_tree.finish());
    let mut tree = Dictionary::from_iter([
        ("Type", Object::Name(b"StructTreeRoot".to_vec())),
        ("K", Object::Reference(ids[0].expect("the document's element is attached"))),
        ("ParentTree", Object::Reference(parent_tree_id)),
        ("ParentTreeNextKey", Object::Integer((first_annotation_key + annotation_entries.len()) as i64)),
    ]);
    if !named.is_empty() {
        named.sort();
        let names = named.into_iter().flat_map(|(name, id)| [Object::String(name.into_bytes(), StringFormat::Literal), Object::Reference(id)]);
        tree.set("IDTree", Object::Dictionary(Dictionary::from_iter([("Names", Object::Array(names.collect()))])));
    }
    lo.objects.insert(root, Object::Dictionary(tree));
    Ok(root)
}

/// The XMP metadata stream: what the Info dictionary says, the language, and
/// the conformance claims (PDF/UA-1; PDF/A-2 with its extension schema for
/// the PDF/UA identification, which PDF/A does not know).
pub(super) fn metadata(lo: &mut lopdf::Document, info: &DocumentInfo, standard: PdfStandard) -> ObjectId {
    let mut xmp = String::from("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    xmp.push_str(concat!(
        "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"",
        " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\""
    ));
    if standard.pdfa().is_some() {
        xmp.push_str(" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\"");
    }
    xmp.push_str(">\n");
    let alt = |text: &str| format!("<rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt>", escape(text));
    xmp.push_str(&format!("<dc:title>{}</dc:title>\n", alt(&info.title)));
    if !info.author.is_empty() {
        xmp.push_str(&format!("<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n", escape(&info.author)));
    }
    if !info.subject.is_empty() {
        xmp.push_str(&format!("<dc:description>{}</dc:description>\n", alt(&info.subject)));
    }
    if !info.language.is_empty() {
        xmp.push_str(&format!("<dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>\n", escape(&info.language)));
    }
    if !info.keywords.is_empty() {
        xmp.push_str(&format!("<pdf:Keywords>{}</pdf:Keywords>\n", escape(&info.keywords.join(", "))));
    }
    if !info.creator.is_empty() {
        xmp.push_str(&format!("<xmp:CreatorTool>{}</xmp:CreatorTool>\n", escape(&info.creator)));
    }
    if let Some(date) = info.date {
        let date = date.format("%Y-%m-%dT00:00:00Z");
        xmp.push_str(&format!("<xmp:CreateDate>{date}</xmp:CreateDate>\n<xmp:ModifyDate>{date}</xmp:ModifyDate>\n<xmp:MetadataDate>{date}</xmp:MetadataDate>\n"));
    }
    xmp.push_str("<pdf:Producer>quire</pdf:Producer>\n<pdfuaid:part>1</pdfuaid:part>\n");
    if let Some(level) = standard.pdfa() {
        xmp.push_str(&format!("<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>{level}</pdfaid:conformance>\n"));
        xmp.push_str(concat!(
            "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n",
            "<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n",
            "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n",
            "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n",
            "<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n",
            "<pdfaProperty:name>part</pdfaProperty:name>\n",
            "<pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n",
            "<pdfaProperty:category>internal</pdfaProperty:category>\n",
            "<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>\n",
            "</rdf:li></rdf:Seq></pdfaSchema:property>\n",
            "</rdf:li></rdf:Bag></pdfaExtension:schemas>\n",
        ));
    }
    xmp.push_str("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
    let dict = Dictionary::from_iter([("Type", Object::Name(b"Metadata".to_vec())), ("Subtype", Object::Name(b"XML".to_vec()))]);
    let mut stream = lopdf::Stream::new(dict, xmp.into_bytes());
    // Left as plain text, which every PDF/A part allows and XMP readers scan for.
    stream.allows_compression = false;
    lo.add_object(Object::Stream(stream))
}

/// The output intent PDF/A asks for: the pages' gray and colour are sRGB.
pub(super) fn output_intent(lo: &mut lopdf::Document) -> Object {
    let profile = include_bytes!("../../data/icc/sRGB.icc");
    let mut stream = lopdf::Stream::new(Dictionary::from_iter([("N", Object::Integer(3))]), profile.to_vec());
    stream.allows_compression = true;
    let profile = lo.add_object(Object::Stream(stream));
    Object::Array(vec![Object::Dictionary(Dictionary::from_iter([
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        ("OutputConditionIdentifier", Object::String(b"sRGB IEC61966-2.1".to_vec(), StringFormat::Literal)),
        ("Info", Object::String(b"sRGB IEC61966-2.1".to_vec(), StringFormat::Literal)),
        ("DestOutputProfile", Object::Reference(profile)),
    ]))])
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
