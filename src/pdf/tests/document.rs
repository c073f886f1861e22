//! Navigation, metadata, reproducibility and error handling.

use std::collections::BTreeMap;
use std::sync::Arc;

use lopdf::Object;

use super::*;
use crate::layout::*;
use crate::pdf::structure::pdf_date;
use crate::pdf::{write_pdf_kept, PdfStandard};
use crate::resources::kept::Remembered;

#[test]
fn links_go_to_named_destinations_on_the_right_page() {
    let doc = sample();
    let lo = load(&write(&doc));
    let pages = page_ids(&lo);
    let names = dict(&lo, dict(&lo, catalog(&lo), "Names"), "Dests")
        .get(b"Names")
        .unwrap()
        .as_array()
        .unwrap();
    let dests: BTreeMap<String, &Vec<Object>> = names
        .chunks(2)
        .map(|p| (string(&p[0]), resolve(&lo, &p[1]).as_array().unwrap()))
        .collect();
    assert_eq!(
        dests.keys().collect::<Vec<_>>(),
        ["ch1", "note-1", "noteref-1", "sec1-1"]
    );

    let page1 = lo.get_dictionary(pages[0]).unwrap();
    let annots = page1.get(b"Annots").unwrap().as_array().unwrap();
    assert_eq!(annots.len(), 1);
    let link = resolve(&lo, &annots[0]).as_dict().unwrap();
    assert_eq!(link.get(b"Subtype").unwrap().as_name().unwrap(), b"Link");
    let border: Vec<i64> = link
        .get(b"Border")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_i64().unwrap())
        .collect();
    assert_eq!(border, [0, 0, 0]);
    let rect: Vec<f32> = link
        .get(b"Rect")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_float().unwrap())
        .collect();
    assert_eq!(rect, [74.0, PAGE_H - 133.0, 80.0, PAGE_H - 124.0]);
    let action = dict(&lo, link, "A");
    assert_eq!(action.get(b"S").unwrap().as_name().unwrap(), b"GoTo");
    let target = string(action.get(b"D").unwrap());
    assert_eq!(target, "note-1");

    let dest = dests[&target];
    assert_eq!(
        dest[0].as_reference().unwrap(),
        pages[1],
        "note-1 is on page 2"
    );
    assert_eq!(dest[1].as_name().unwrap(), b"XYZ");
    assert_eq!(dest[2].as_float().unwrap(), 50.0);
    assert_eq!(dest[3].as_float().unwrap(), PAGE_H - 501.0);
    assert_eq!(dests["ch1"][0].as_reference().unwrap(), pages[0]);
}

#[test]
fn outline_nests_by_level() {
    let lo = load(&write(&sample()));
    let cat = catalog(&lo);
    assert_eq!(
        cat.get(b"PageMode").unwrap().as_name().unwrap(),
        b"UseOutlines"
    );
    let root = dict(&lo, cat, "Outlines");
    assert_eq!(root.get(b"Count").unwrap().as_i64().unwrap(), 3);
    let chapter = dict(&lo, root, "First");
    assert_eq!(string(chapter.get(b"Title").unwrap()), "Chapter One");
    assert_eq!(string(dict(&lo, chapter, "A").get(b"D").unwrap()), "ch1");
    let section = dict(&lo, chapter, "First");
    assert_eq!(string(section.get(b"Title").unwrap()), "Section 1.1");
    assert!(section.get(b"Next").is_err());
    let notes = dict(&lo, chapter, "Next");
    assert_eq!(string(notes.get(b"Title").unwrap()), "Notes");
    assert_eq!(dict(&lo, root, "Last"), notes);
    assert!(notes.get(b"First").is_err());
}

#[test]
fn metadata_comes_from_the_document_not_the_clock() {
    let lo = load(&write(&sample()));
    let cat = catalog(&lo);
    assert_eq!(string(cat.get(b"Lang").unwrap()), "en-GB");
    let prefs = dict(&lo, cat, "ViewerPreferences");
    assert!(prefs.get(b"DisplayDocTitle").unwrap().as_bool().unwrap());
    let info = resolve(&lo, lo.trailer.get(b"Info").unwrap())
        .as_dict()
        .unwrap();
    let field = |k: &str| string(info.get(k.as_bytes()).unwrap());
    assert_eq!(field("Title"), "The Sample Book");
    assert_eq!(field("Author"), "Anne Author");
    assert_eq!(field("Subject"), "Testing");
    assert_eq!(field("Keywords"), "pdf, test");
    assert_eq!(field("Creator"), "quire 0.1.0");
    assert_eq!(field("Producer"), "quire");
    assert_eq!(field("CreationDate"), "D:20171025000000Z");
    assert_eq!(field("ModDate"), "D:20171025000000Z");
    assert!(
        cat.get(b"Metadata").is_err(),
        "no XMP packet, so nothing can disagree with Info"
    );
}

#[test]
fn non_ascii_metadata_is_utf16() {
    let mut doc = sample();
    doc.info.title = "Ærø (draft) \\ – ünïcode".into();
    let lo = load(&write_pdf(&doc).unwrap());
    let info = resolve(&lo, lo.trailer.get(b"Info").unwrap())
        .as_dict()
        .unwrap();
    assert_eq!(string(info.get(b"Title").unwrap()), "Ærø (draft) \\ – ünïcode");
}

#[test]
fn identical_documents_give_identical_bytes() {
    let doc = sample();
    let a = write_pdf(&doc).unwrap();
    let b = write_pdf(&doc.clone()).unwrap();
    assert!(a == b, "two writes differ");
    let id = file_id(&a);
    assert_eq!(id.len(), 2);
    let mut other = doc.clone();
    other.info.title.push('!');
    let other_id = file_id(&write_pdf(&other).unwrap());
    assert_ne!(id, other_id, "the /ID follows the content");
}

#[test]
fn kept_subsets_give_the_same_file_and_another_glyph_set_its_own_subset() {
    let doc = sample();
    let store = Remembered::default();
    let fresh = write_pdf(&doc).unwrap();
    assert!(write_pdf_kept(&doc, PdfStandard::default(), &store).unwrap() == fresh);
    let made = store.made.load(std::sync::atomic::Ordering::Relaxed);
    assert!(made > 0, "the sample embeds fonts");
    assert!(write_pdf_kept(&doc, PdfStandard::default(), &store).unwrap() == fresh, "a kept subset changes the file");
    assert_eq!(store.made.load(std::sync::atomic::Ordering::Relaxed), made, "the second write made a subset again");
    // One glyph fewer in a font is another subset, never the kept one.
    let mut fewer = doc.clone();
    let (font, gone, kept) = fewer
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .find_map(|item| match item {
            Item::Glyphs(run) => run.glyphs.iter().find(|g| g.id != run.glyphs[0].id).map(|g| (run.font, g.id, run.glyphs[0].id)),
            _ => None,
        })
        .expect("a run of two different glyphs");
    for item in fewer.pages.iter_mut().flat_map(|p| &mut p.items) {
        if let Item::Glyphs(run) = item {
            if run.font == font {
                run.glyphs.iter_mut().filter(|g| g.id == gone).for_each(|g| g.id = kept);
            }
        }
    }
    assert!(write_pdf_kept(&fewer, PdfStandard::default(), &store).unwrap() == write_pdf(&fewer).unwrap());
    assert!(store.made.load(std::sync::atomic::Ordering::Relaxed) > made, "a changed glyph set took a kept subset");
}

#[test]
fn streams_are_compressed_and_the_file_is_small() {
    let bytes = write(&sample());
    let lo = load(&bytes);
    // The objects that are not streams are in object streams, which lopdf
    // decompresses as it loads them: their dictionaries in the file say Flate.
    let text = String::from_utf8_lossy(&bytes);
    let object_streams: Vec<&str> = text.split(" obj").filter(|o| o.contains("/Type/ObjStm")).collect();
    assert!(!object_streams.is_empty());
    for dict in object_streams {
        assert!(dict.split(">>stream").next().unwrap().contains("/Filter/FlateDecode"), "{dict:.200}");
    }
    for (id, obj) in &lo.objects {
        if let Ok(stream) = obj.as_stream() {
            if stream.dict.get(b"Type").and_then(Object::as_name).ok() == Some(&b"ObjStm"[..]) {
                continue;
            }
            assert_eq!(
                stream.dict.get(b"Filter").and_then(Object::as_name).ok(),
                Some(&b"FlateDecode"[..]),
                "{id:?}"
            );
        }
    }
    assert!(bytes.len() < 20_000, "{} bytes", bytes.len());

    // One page, one font, a few lines: a few kilobytes, nearly all of it the
    // ~25-glyph font subset (Libertine outlines do not compress much).
    let mut small = sample();
    small.pages.truncate(1);
    small.pages[0]
        .items
        .retain(|i| matches!(i, Item::Glyphs(r) if r.font == REGULAR));
    small.pages[0].links.clear();
    small.outline.clear();
    let bytes = write_pdf(&small).unwrap();
    keep("small", &bytes);
    assert!(bytes.len() < 8_000, "{} bytes", bytes.len());
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let empty = Document {
        info: DocumentInfo::default(),
        fonts: vec![],
        pages: vec![],
        outline: vec![],
        images: vec![],
        front_matter_pages: 0,
        structure: None,
    };
    assert!(write_pdf(&empty)
        .unwrap_err()
        .to_string()
        .contains("no pages"));

    let mut doc = sample();
    if let Item::Glyphs(run) = &mut doc.pages[0].items[0] {
        run.glyphs[0].id = 60000;
    }
    let message = write_pdf(&doc).unwrap_err().to_string();
    assert!(
        message.contains("60000") && message.contains("LinLibertineOB"),
        "{message}"
    );

    let mut doc = sample();
    doc.pages[0].links[0].target = LinkTarget::Destination("nowhere".into());
    assert!(write_pdf(&doc).unwrap_err().to_string().contains("nowhere"));

    let mut doc = sample();
    doc.pages[1].destinations.push(Destination {
        name: "ch1".into(),
        at: pt(0.0, 0.0),
    });
    assert!(write_pdf(&doc)
        .unwrap_err()
        .to_string()
        .contains("more than once"));

    let mut doc = sample();
    doc.pages[0].items.push(Item::Rule {
        from: pt(f32::NAN, 0.0),
        to: pt(1.0, 1.0),
        thickness: 1.0,
    });
    assert!(write_pdf(&doc).is_err());

    let mut doc = sample();
    doc.pages[0].items.push(Item::Glyphs(GlyphRun {
        font: 9,
        size: 10.0,
        origin: pt(0.0, 0.0),
        glyphs: Glyphs::default(),
        rise: 0.0,
        horizontal_scale: 1.0,
    }));
    assert!(write_pdf(&doc).is_err());

    let mut doc = sample();
    doc.fonts[0].data = Arc::new(b"not a font".to_vec().into());
    assert!(write_pdf(&doc)
        .unwrap_err()
        .to_string()
        .contains("LinLibertineO"));
}

#[test]
fn odd_but_valid_input_still_writes() {
    let mut doc = sample();
    // Levels that skip or start at 0, a run without glyphs, a hairline rule,
    // a page with nothing on it and no bookmarks at all.
    doc.outline = vec![
        OutlineEntry {
            title: "Zero".into(),
            level: 0,
            destination: "ch1".into(),
        },
        OutlineEntry {
            title: "Deep".into(),
            level: 4,
            destination: "sec1-1".into(),
        },
        OutlineEntry {
            title: "Two".into(),
            level: 2,
            destination: "note-1".into(),
        },
    ];
    doc.pages[0].items.push(Item::Glyphs(GlyphRun {
        font: 0,
        size: 10.0,
        origin: pt(0.0, 0.0),
        glyphs: Glyphs::default(),
        rise: 0.0,
        horizontal_scale: 1.0,
    }));
    doc.pages[0].items.push(Item::Rule {
        from: pt(0.0, 0.0),
        to: pt(1.0, 1.0),
        thickness: 0.0,
    });
    doc.pages.push(Page {
        width: 100.0,
        height: 100.0,
        items: vec![],
        links: vec![],
        destinations: vec![],
        marks: vec![],
        begins_at: None,
    });
    let lo = load(&write_pdf(&doc).unwrap());
    let root = dict(&lo, catalog(&lo), "Outlines");
    assert_eq!(root.get(b"Count").unwrap().as_i64().unwrap(), 3);
    let zero = dict(&lo, root, "First");
    assert_eq!(
        string(dict(&lo, zero, "First").get(b"Title").unwrap()),
        "Deep"
    );
    assert_eq!(
        string(dict(&lo, zero, "Last").get(b"Title").unwrap()),
        "Two"
    );

    doc.outline.clear();
    let lo = load(&write_pdf(&doc).unwrap());
    assert!(catalog(&lo).get(b"Outlines").is_err());
    assert_eq!(lo.get_pages().len(), 3);
}

#[test]
fn dates_become_pdf_dates() {
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(pdf_date(day(2017, 1, 1)), "D:20170101000000Z");
    assert_eq!(pdf_date(day(2017, 10, 25)), "D:20171025000000Z");
    assert_eq!(pdf_date(day(1066, 2, 28)), "D:10660228000000Z");
}

fn file_id(pdf: &[u8]) -> Vec<lopdf::Object> {
    load(pdf).trailer.get(b"ID").unwrap().as_array().unwrap().clone()
}
