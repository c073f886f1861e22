//! A raster cover made from the metadata: what Kindle and Kobo show in the library.

use tiny_skia::{FillRule, Mask, PathBuilder, Rect, Transform};

use crate::resources::fonts::{FaceStyle, FontFamily};
use crate::model::metadata::Metadata;
use crate::resources::shaping::Shaper;

/// 1600 × 2400 px: the 2:3 shape and the size e-reader stores ask for.
const WIDTH: u32 = 1600;
const HEIGHT: u32 = 2400;
const MARGIN: f32 = 150.0;
const BACKGROUND: (u8, u8, u8) = (0x8c, 0x1c, 0x13);
const INK: (u8, u8, u8) = (0xfb, 0xf5, 0xe9);

/// The cover is two colours and the shades of their anti-aliased edges, so it is
/// drawn as a one-byte coverage mask (ink over background) and written as a
/// palette PNG whose entries are those shades: the same picture as a full RGBA
/// drawing, in a quarter of the memory and a fraction of the file size and time.
pub fn render_cover(metadata: &Metadata, fonts: &FontFamily) -> Result<Vec<u8>, String> {
    // Every input read here is one of `cover_inputs`: a new one goes there too.
    let mask = Mask::new(WIDTH, HEIGHT).ok_or("cannot allocate the cover image")?;
    let mut ink = Ink { mask, shaper: Shaper::new(fonts) };
    let measure = WIDTH as f32 - 2.0 * MARGIN;

    let (main, sub) = match metadata.title_parts() {
        (main, Some(sub)) => (format!("{main}:"), Some(sub)),
        (title, None) => (title.to_owned(), None),
    };
    let mut y = 420.0;
    y = ink.draw_paragraph(FaceStyle::Bold, &main, 150.0, 1.12, y, measure);
    if let Some(sub) = sub {
        y = ink.draw_paragraph(FaceStyle::Italic, sub, 120.0, 1.15, y + 30.0, measure);
    }
    // A short rule between the title and the byline.
    if let Some(rule) = Rect::from_xywh(MARGIN, y + 70.0, 260.0, 8.0) {
        ink.mask.fill_path(&PathBuilder::from_rect(rule), FillRule::Winding, true, Transform::identity());
    }
    if let Some(subtitle) = &metadata.subtitle {
        ink.draw_paragraph(FaceStyle::Regular, subtitle, 62.0, 1.35, y + 200.0, measure);
    }
    if let Some(author) = &metadata.author {
        ink.draw_paragraph(FaceStyle::Regular, author, 92.0, 1.2, HEIGHT as f32 - 420.0, measure);
    }
    if let Some(publisher) = &metadata.publisher {
        ink.draw_paragraph(FaceStyle::Bold, publisher, 64.0, 1.2, HEIGHT as f32 - 230.0, measure);
    }
    encode(&ink.mask).map_err(|e| format!("cannot encode the cover image: {e}"))
}

/// Everything [`render_cover`] draws from, for a cache to name the picture by:
/// the metadata it sets, the faces it sets them in, and the code that draws
/// (this file and the shaper, whole, so that any change to either is a new picture).
pub fn cover_inputs(metadata: &Metadata, fonts: &FontFamily, mut input: impl FnMut(&[u8])) {
    input(include_str!("cover.rs").as_bytes());
    input(include_str!("../resources/shaping.rs").as_bytes());
    // The crates that draw, encode and shape, at their versions.
    input(include_str!("../../Cargo.lock").as_bytes());
    let (main, sub) = metadata.title_parts();
    for text in [Some(main), sub, metadata.subtitle.as_deref(), metadata.author.as_deref(), metadata.publisher.as_deref()] {
        input(text.unwrap_or("\u{0}").as_bytes());
    }
    for face in [FaceStyle::Regular, FaceStyle::Italic, FaceStyle::Bold] {
        let font = fonts.get(face);
        input(font.digest());
        input(&font.face_index.to_le_bytes());
    }
}

/// Palette entry `i` is the background with ink of coverage `i`/255 over it.
fn encode(ink: &Mask) -> Result<Vec<u8>, png::EncodingError> {
    let mix = |background: u8, ink: u8, coverage: u32| ((background as u32 * (255 - coverage) + ink as u32 * coverage + 127) / 255) as u8;
    let palette: Vec<u8> = (0..=255u32)
        .flat_map(|c| [mix(BACKGROUND.0, INK.0, c), mix(BACKGROUND.1, INK.1, c), mix(BACKGROUND.2, INK.2, c)])
        .collect();
    let mut data = Vec::new();
    let mut encoder = png::Encoder::new(&mut data, ink.width(), ink.height());
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette);
    // Palette indices are not intensities, so prediction filters only add noise;
    // unfiltered rows of a flat background deflate best.
    encoder.set_filter(png::FilterType::NoFilter);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
    // Fast (fdeflate) halves the cover's time for 137 KB instead of 57 KB; the
    // cover is on the article's critical path, and either size is small for a book.
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(ink.data())?;
    writer.finish()?;
    Ok(data)
}

/// The cover's coverage mask and the shaper that sets its text.
struct Ink<'f> {
    mask: Mask,
    shaper: Shaper<'f>,
}

impl Ink<'_> {
    /// Sets `text` ragged right from `top`, wrapping at spaces; returns the y below its last line.
    fn draw_paragraph(&mut self, face: FaceStyle, text: &str, size: f32, leading: f32, top: f32, measure: f32) -> f32 {
        let scale = size / self.shaper.face(face).units_per_em() as f32;
        let space = self.shaper.width(face, " ") as f32 * scale;
        let mut lines: Vec<Vec<&str>> = vec![Vec::new()];
        let mut line_width = 0.0;
        for word in text.split_whitespace() {
            let w = self.shaper.width(face, word) as f32 * scale;
            let current = lines.last_mut().expect("there is always a line");
            if !current.is_empty() && line_width + space + w > measure {
                lines.push(vec![word]);
                line_width = w;
            } else {
                line_width += if current.is_empty() { w } else { space + w };
                current.push(word);
            }
        }
        let mut baseline = top + size;
        for line in &lines {
            self.draw_line(face, &line.join(" "), scale, MARGIN, baseline);
            baseline += size * leading;
        }
        baseline - size * leading
    }

    fn draw_line(&mut self, face: FaceStyle, text: &str, scale: f32, x: f32, baseline: f32) {
        let mut pen = x;
        for glyph in self.shaper.shape(face, text, &[]) {
            let mut outline = Outline { path: PathBuilder::new(), scale, x: pen + glyph.x_offset as f32 * scale, y: baseline - glyph.y_offset as f32 * scale };
            if self.shaper.face(face).outline_glyph(ttf_parser::GlyphId(glyph.id), &mut outline).is_some() {
                if let Some(path) = outline.path.finish() {
                    self.mask.fill_path(&path, FillRule::Winding, true, Transform::identity());
                }
            }
            pen += glyph.x_advance as f32 * scale;
        }
    }
}

/// Glyph outlines (font units, y up) into a path in pixels (y down).
struct Outline {
    path: PathBuilder,
    scale: f32,
    x: f32,
    y: f32,
}

impl Outline {
    fn at(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.scale, self.y - y * self.scale)
    }
}

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.path.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.path.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x, y) = self.at(x, y);
        self.path.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x2, y2) = self.at(x2, y2);
        let (x, y) = self.at(x, y);
        self.path.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.path.close();
    }
}
