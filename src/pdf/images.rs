//! Pictures as XObjects, each embedded once and named `/Im0`, `/Im1`, … in every
//! page's resources; a page's content places one with `q w 0 0 h x y cm /ImN Do Q`.
//!
//! - JPEG: the file itself, `DCTDecode`: no quality lost, no time spent.
//! - PNG: the decoded pixels deflated (`FlateDecode`), with the opacity, if any,
//!   as a grey soft mask (`/SMask`).
//! - SVG: vector, through svg2pdf: it writes the usvg tree as a form XObject
//!   (with its own matrix mapping the picture to the unit square, as an image is)
//!   in pdf-writer's objects, which are read back with lopdf, renumbered past the
//!   document's own and copied in.

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::PdfError;
use crate::resources::kept::KeptBytes;
use crate::images::{Content, Picture, Raster};

/// The resource name of picture `index`.
pub(super) fn name(index: usize) -> String {
    format!("Im{index}")
}

/// Embeds `pictures` and names them in every page's resources.
pub(super) fn embed(lo: &mut lopdf::Document, pictures: &[std::sync::Arc<Picture>], store: &dyn KeptBytes) -> Result<(), PdfError> {
    if pictures.is_empty() {
        return Ok(());
    }
    let mut names = Dictionary::new();
    for (index, picture) in pictures.iter().enumerate() {
        let id = match &picture.content {
            Content::Jpeg { components, inverted_cmyk } => {
                let mut dict = image_dict(picture.width, picture.height, colour_space(*components));
                dict.set("Filter", "DCTDecode");
                if *inverted_cmyk {
                    dict.set("Decode", Object::Array([1, 0, 1, 0, 1, 0, 1, 0].into_iter().map(Object::Integer).collect()));
                }
                lo.add_object(stream(dict, picture.file.clone()))
            }
            Content::Raster(raster) => raster_image(lo, picture, raster, store),
            Content::Svg(tree) => svg_form(lo, tree).map_err(|why| PdfError::new(format!("The SVG picture `{}` could not be written: {why}.", picture.src)))?,
        };
        names.set(name(index), Object::Reference(id));
    }
    let pages: Vec<ObjectId> = lo.get_pages().into_values().collect();
    let mut shared = std::collections::BTreeSet::new();
    for page in pages {
        let resources = lo.get_dictionary(page).ok().and_then(|d| d.get(b"Resources").ok().cloned());
        match resources {
            Some(Object::Reference(id)) => {
                if shared.insert(id) {
                    if let Ok(dict) = lo.get_dictionary_mut(id) {
                        dict.set("XObject", Object::Dictionary(names.clone()));
                    }
                }
            }
            Some(Object::Dictionary(mut dict)) => {
                dict.set("XObject", Object::Dictionary(names.clone()));
                if let Ok(page) = lo.get_dictionary_mut(page) {
                    page.set("Resources", Object::Dictionary(dict));
                }
            }
            _ => {
                let mut dict = Dictionary::new();
                dict.set("XObject", Object::Dictionary(names.clone()));
                if let Ok(page) = lo.get_dictionary_mut(page) {
                    page.set("Resources", Object::Dictionary(dict));
                }
            }
        }
    }
    Ok(())
}

fn colour_space(components: u8) -> &'static str {
    match components {
        1 => "DeviceGray",
        4 => "DeviceCMYK",
        _ => "DeviceRGB",
    }
}

fn image_dict(width: u32, height: u32, colour_space: &str) -> Dictionary {
    let mut dict = Dictionary::new();
    dict.set("Type", "XObject");
    dict.set("Subtype", "Image");
    dict.set("Width", i64::from(width));
    dict.set("Height", i64::from(height));
    dict.set("ColorSpace", colour_space);
    dict.set("BitsPerComponent", 8);
    dict
}

/// A stream whose filter is set already: the writer's compression pass leaves it.
fn stream(dict: Dictionary, bytes: Vec<u8>) -> Stream {
    let mut stream = Stream::new(dict, bytes);
    stream.allows_compression = false;
    stream
}

fn deflated(dict: &mut Dictionary, bytes: Vec<u8>, store: &dyn KeptBytes) -> Stream {
    let (bytes, is_deflated) = super::compress_kept(bytes, store);
    if is_deflated {
        dict.set("Filter", "FlateDecode");
    }
    stream(dict.clone(), bytes)
}

fn raster_image(lo: &mut lopdf::Document, picture: &Picture, raster: &Raster, store: &dyn KeptBytes) -> ObjectId {
    let mut dict = image_dict(picture.width, picture.height, colour_space(raster.channels));
    if let Some(alpha) = &raster.alpha {
        let mut mask = image_dict(picture.width, picture.height, "DeviceGray");
        let mask = deflated(&mut mask, alpha.clone(), store);
        let mask = lo.add_object(mask);
        dict.set("SMask", Object::Reference(mask));
    }
    let image = deflated(&mut dict, raster.pixels.clone(), store);
    lo.add_object(image)
}

/// The SVG as a form XObject in `lo`, through svg2pdf.
fn svg_form(lo: &mut lopdf::Document, tree: &usvg::Tree) -> Result<ObjectId, String> {
    let (chunk, form) = svg2pdf::to_chunk(tree, svg2pdf::ConversionOptions::default()).map_err(|e| e.to_string())?;
    // A file lopdf can read: the chunk's objects behind a catalog and an empty page tree.
    let last = chunk.refs().map(|r| r.get()).max().unwrap_or(0);
    let (catalog, page_tree) = (pdf_writer::Ref::new(last + 1), pdf_writer::Ref::new(last + 2));
    let mut pdf = pdf_writer::Pdf::new();
    pdf.catalog(catalog).pages(page_tree);
    pdf.pages(page_tree).count(0);
    pdf.extend(&chunk);
    let read = lopdf::Document::load_mem(&pdf.finish()).map_err(|e| e.to_string())?;
    let mut objects: std::collections::BTreeMap<ObjectId, Object> = read.objects.into_iter().filter(|(id, _)| id.0 <= last as u32).collect();
    objects.values_mut().for_each(sort_keys);
    // svg2pdf numbers some objects (a text's fonts) in a hash map's order, which
    // differs from run to run: numbered again in the order they are reached from
    // the form, the same SVG makes the same bytes.
    let form = (form.get() as u32, 0);
    let order = reading_order(form, &objects);
    let base = lo.max_id;
    let numbers: std::collections::HashMap<ObjectId, ObjectId> = order.iter().enumerate().map(|(n, id)| (*id, (base + 1 + n as u32, 0))).collect();
    let renumber = |id: ObjectId| numbers.get(&id).copied().unwrap_or(id);
    for id in &order {
        if let Some(mut object) = objects.remove(id) {
            renumber_references(&mut object, &renumber);
            lo.objects.insert(renumber(*id), object);
        }
    }
    lo.max_id = base + order.len() as u32;
    Ok(renumber(form))
}

/// The objects reached from `start`, each once, in the order a walk of their
/// references meets them (keys sorted), then any not reached, by number.
fn reading_order(start: ObjectId, objects: &std::collections::BTreeMap<ObjectId, Object>) -> Vec<ObjectId> {
    fn references(object: &Object, out: &mut Vec<ObjectId>) {
        match object {
            Object::Reference(id) => out.push(*id),
            Object::Array(items) => items.iter().for_each(|item| references(item, out)),
            Object::Dictionary(dict) => dict.iter().for_each(|(_, value)| references(value, out)),
            Object::Stream(stream) => stream.dict.iter().for_each(|(_, value)| references(value, out)),
            _ => {}
        }
    }
    let mut order = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(id) = queue.pop_front() {
        let Some(object) = objects.get(&id) else { continue };
        if !seen.insert(id) {
            continue;
        }
        order.push(id);
        let mut found = Vec::new();
        references(object, &mut found);
        queue.extend(found);
    }
    order.extend(objects.keys().filter(|id| !seen.contains(*id)));
    order
}

/// svg2pdf writes a resource dictionary's names (`/fo0`, `/fo1`) in the order of a
/// hash map, which differs from run to run; sorted, the same SVG makes the same bytes.
fn sort_keys(object: &mut Object) {
    let sorted = |dict: &mut Dictionary| {
        let mut entries: Vec<(Vec<u8>, Object)> = std::mem::take(dict).into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, mut value) in entries {
            sort_keys(&mut value);
            dict.set(key, value);
        }
    };
    match object {
        Object::Array(items) => items.iter_mut().for_each(sort_keys),
        Object::Dictionary(dict) => sorted(dict),
        Object::Stream(stream) => sorted(&mut stream.dict),
        _ => {}
    }
}

fn renumber_references(object: &mut Object, renumber: &dyn Fn(ObjectId) -> ObjectId) {
    match object {
        Object::Reference(id) => *id = renumber(*id),
        Object::Array(items) => items.iter_mut().for_each(|item| renumber_references(item, renumber)),
        Object::Dictionary(dict) => dict.iter_mut().for_each(|(_, value)| renumber_references(value, renumber)),
        Object::Stream(stream) => stream.dict.iter_mut().for_each(|(_, value)| renumber_references(value, renumber)),
        _ => {}
    }
}
