//! One build: read the manuscript, run the shared passes, write every edition asked for.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::images::Images;
use crate::model::print_pages::{PrintPage, PrintPages};
use crate::model::Book;
use crate::resources::fonts::FontFamily;
use crate::resources::style::Style;
use crate::resources::kept::{KeepNothing, KeptBytes};
use crate::resources::Resources;
use crate::build::timings::{stage, Timings};
use crate::typeset::flow::pagebreak::Resumption as PageBreaking;
use crate::typeset::inline::hyphenate;
use crate::{check, epub, impose, layout, passes, pdf, typeset};

mod cache;
mod error;
mod fit;
mod memory;
mod new_book;
pub mod output;
pub mod timings;
pub mod watch;

pub use error::BuildError;
pub use new_book::{new_book, NewBookError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edition {
    Epub,
    /// The reader-edition PDF, typeset by quire's own engine.
    Pdf,
    /// The pamphlet, imposed two A5 pages to an A4 sheet for double-sided printing.
    BookletA4,
    /// The pamphlet, half-letter pages two to a US Letter sheet.
    BookletLetter,
}

impl Edition {
    pub const ALL: [Edition; 4] = [Edition::Epub, Edition::Pdf, Edition::BookletA4, Edition::BookletLetter];

    /// The paper of a booklet edition; `None` for the others.
    pub fn paper(self) -> Option<&'static impose::Paper> {
        match self {
            Edition::BookletA4 => Some(&impose::A4),
            Edition::BookletLetter => Some(&impose::LETTER),
            Edition::Epub | Edition::Pdf => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// A manuscript file, or a folder holding exactly one `.md` manuscript.
    pub manuscript: PathBuf,
    pub out_dir: PathBuf,
    pub editions: Vec<Edition>,
    /// A folder whose `fonts/` and `styles/` override, file by file, those beside
    /// the manuscript and the built-in ones (see [`Resources::for_manuscript`]).
    pub resources: Option<PathBuf>,
    /// The print style; `styles/reader-a5.toml` from the resources by default.
    pub style: Option<PathBuf>,
    /// Booklets: draw a fold mark at the head and foot of each sheet's fold.
    pub marks: bool,
    /// Booklets: also write `-fronts.pdf` and `-backs.pdf` for printers without duplex.
    pub two_pass: bool,
    /// Booklets: impose in signatures of this many sheets, each its own gathering; a
    /// booklet past its style's `saddle_stitch_max_pages` is written only so.
    pub signatures: Option<usize>,
    /// Booklets: exactly this many pages, the text fitted to them (`build::fit`);
    /// a count it cannot have is an error naming those it can.
    pub pages: Option<usize>,
    /// The reader PDF is tagged, PDF/UA-1; it may claim PDF/A-2 as well, for archives.
    pub pdf_standard: crate::pdf::PdfStandard,
}

#[derive(Debug)]
pub struct BuildReport {
    /// The files written, in the order of `Edition::ALL`; none for [`check_build`].
    pub written: Vec<PathBuf>,
    /// The editions made (a booklet too long to saddle-stitch is not), in the order of `Edition::ALL`.
    pub editions: Vec<Edition>,
    /// The book's title, for the closing line of a build.
    pub title: String,
    pub warnings: Vec<Diagnostic>,
    /// How long each stage took. Each edition is made on its own thread, so
    /// the stages add up to more than the build's wall time.
    pub timings: Timings,
}

/// What to build: the path itself when it is a file; for a folder, its one `.md`
/// file, or the folder itself when it is a book (a `book.toml`, or several `.md` files).
pub fn manuscript_file(path: &Path) -> Result<PathBuf, BuildError> {
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    if path.join(crate::manuscript::book_plan::BOOK_FILE).is_file() {
        return Ok(path.to_path_buf());
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|source| BuildError::FolderUnreadable { folder: path.to_path_buf(), source })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(BuildError::NoManuscript { folder: path.to_path_buf() }),
        _ => Ok(path.to_path_buf()),
    }
}

/// Where a manuscript's own `fonts/` and `styles/` are looked for: beside the
/// file, or in the book's folder.
pub fn resources_for(path: &Path, chosen: Option<&Path>) -> Resources {
    if path.is_dir() {
        Resources::for_manuscript(&path.join(crate::manuscript::book_plan::BOOK_FILE), chosen)
    } else {
        Resources::for_manuscript(path, chosen)
    }
}

/// Reads a manuscript and runs the passes every edition shares (the checks of
/// `quire check` without the fonts).
pub fn load(path: &Path) -> Result<(Book, Vec<Diagnostic>), Vec<Diagnostic>> {
    let text = crate::manuscript::read_file(path).map_err(|d| vec![d])?;
    let checked = check::check_text(path, &text, None);
    match checked.book {
        Some(book) => Ok((book, checked.diagnostics)),
        None => Err(checked.diagnostics),
    }
}

pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    make(options, Making::Files)
}

/// Everything [`build`] does except making and writing the files: the manuscript's
/// check, then the print editions typeset, so that every warning and error a build
/// would give is found (`quire check`). Nothing is written.
pub fn check_build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    make(options, Making::WarningsOnly)
}

/// How far a build goes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Making {
    /// Every edition made and written.
    Files,
    /// Only as far as every check has run: the print editions typeset, no file made.
    WarningsOnly,
}

fn make(options: &BuildOptions, making: Making) -> Result<BuildReport, BuildError> {
    let mut timings = Timings::new();
    let path = manuscript_file(&options.manuscript)?;
    // The same checks as `quire check`: a manuscript with errors is never built.
    let resources = resources_for(&path, options.resources.as_deref());
    memory::suit_pages_to(&path);
    let checked = timings.time(stage::CHECK, || check::check(&path, &resources));
    let (Some(book), Some(family)) = (checked.book, checked.fonts) else {
        return Err(BuildError::Manuscript(checked.diagnostics));
    };
    let mut warnings = checked.diagnostics;
    let reported = checked.unsupported_characters;
    // A book's editions are named after its folder, a manuscript's after its file.
    let named = if path.is_dir() { path.canonicalize().unwrap_or_else(|_| path.clone()) } else { path.clone() };
    let stem = named.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "book".into());

    // Every edition is made in memory first; files are written only when all succeeded.
    // Each edition is made on its own thread with its own timings and warnings, and
    // the results are taken in the order of `Edition::ALL`, so the output and the
    // warnings do not depend on which thread finishes first.
    let jobs: Vec<Edition> = Edition::ALL.into_iter().filter(|e| options.editions.contains(e)).collect();
    let images = checked.images;
    let print_pages = std::sync::OnceLock::new();
    let reader_page_breaking = std::sync::OnceLock::new();
    let reader_body = std::sync::OnceLock::new();
    let job = Job {
        book: &book,
        images: &images,
        family: &family,
        resources: &resources,
        options,
        path: &path,
        stem: &stem,
        reported: &reported,
        print_pages: &print_pages,
        reader_page_breaking: &reader_page_breaking,
        reader_body: &reader_body,
        a4_too: jobs.contains(&Edition::BookletA4),
        pdf_too: jobs.contains(&Edition::Pdf),
        making,
    };
    // Each edition's files are staged beside their places on its worker, as soon as it is made.
    let results = run_editions(&jobs, |edition| job.make(edition).map(Made::stage));
    let mut outputs: Vec<output::Flushing> = Vec::new();
    let mut editions = Vec::new();
    for (made, edition) in results.into_iter().zip(jobs) {
        let made = made?;
        if made.made {
            editions.push(edition);
        }
        timings.merge(made.timings);
        for warning in made.warnings {
            if !warnings.iter().any(|w| w.message == warning.message) {
                warnings.push(warning);
            }
        }
        outputs.extend(made.staged);
    }

    // Every edition is made and staged: only now are they put in place.
    let mut written = Vec::new();
    timings.time(stage::OUTPUT, || {
        // All on the disk first: a build whose last file cannot be written replaces none.
        let staged = outputs.into_iter().map(|flushing| {
            let file = flushing.path().to_path_buf();
            flushing.wait().map_err(|source| BuildError::Write { path: file, source })
        });
        for staged in staged.collect::<Result<Vec<_>, _>>()? {
            let file = staged.path().to_path_buf();
            staged.put_in_place().map_err(|source| BuildError::Write { path: file.clone(), source })?;
            written.push(file);
        }
        Ok::<(), BuildError>(())
    })?;
    Ok(BuildReport { written, editions, title: book.metadata.title.clone(), warnings, timings })
}

/// The order editions are started in: the reader PDF first, as the EPUB waits
/// for its pages and the A4 booklet for its body and its page breaking, which
/// it takes up and resumes (see [`Job::reader_body`], [`Job::reader_page_breaking`]); the Letter booklet, which waits for
/// nothing, beside it; and the EPUB last, so that by the time a worker takes it
/// those pages are made or in the making.
const START_ORDER: [Edition; 4] = [Edition::Pdf, Edition::BookletLetter, Edition::BookletA4, Edition::Epub];

/// `make` of each of `jobs`, the results in `jobs`' order. The editions are made
/// by as many workers as there are cores (the calling thread one of them), each taking the next edition in
/// [`START_ORDER`] when it is done: a thread per edition made them all at once on
/// two cores, no sooner, and held every edition's typesetting in memory together.
/// An edition that panics is a [`BuildError::Panicked`], as its thread's was.
fn run_editions(jobs: &[Edition], make: impl Fn(Edition) -> Result<Made, BuildError> + Sync) -> Vec<Result<Made, BuildError>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let order: Vec<usize> = START_ORDER.iter().filter_map(|e| jobs.iter().position(|j| j == e)).collect();
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<Made, BuildError>>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, jobs.len().max(1));
    let work = || {
        while let Some(&at) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let edition = jobs[at];
            // While it works, the stages it shares out (`parallel::map`) leave its core be.
            let _working = crate::parallel::Working::start();
            let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| make(edition))).unwrap_or(Err(BuildError::Panicked(edition)));
            if let Ok(mut slot) = results[at].lock() {
                *slot = Some(made);
            }
        }
    };
    // The calling thread is a worker too: it is on a core already, where a
    // thread it started after another waited up to 3 ms for one (the article's
    // editions take 17 ms).
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(work);
        }
        work();
    });
    results.into_iter().zip(jobs).map(|(slot, &edition)| slot.into_inner().ok().flatten().unwrap_or(Err(BuildError::Panicked(edition)))).collect()
}

/// Why a booklet past its style's limit was not written, and how to ask for it.
fn too_long_to_saddle_stitch(manuscript: &Path, file: &str, paper: &impose::Paper, pages: usize, most: usize) -> Diagnostic {
    let sheets = pages.div_ceil(4);
    Diagnostic::warning(
        manuscript,
        None,
        format!(
            "{file} was not written: the booklet's {pages} pages would be {sheets} sheets folded as one, and saddle stitching holds at most {most} pages ({} sheets; styles/{}, `saddle_stitch_max_pages`)",
            most / 4,
            paper.style_file
        ),
    )
    .with_help(format!(
        "ask for it in signatures, gatherings to fold and staple or sew one by one and stack: `--signatures` (4 sheets, 16 pages, each: {} signatures) or `--signatures N` for N sheets each",
        pages.div_ceil(16)
    ))
}

/// What every edition's thread reads: the checked book and the build's settings.
#[derive(Clone, Copy)]
struct Job<'a> {
    book: &'a Book,
    /// The pictures, read once for every edition.
    images: &'a Images,
    family: &'a FontFamily,
    resources: &'a Resources,
    options: &'a BuildOptions,
    path: &'a Path,
    stem: &'a str,
    /// Characters the manuscript check already warned about.
    reported: &'a [char],
    making: Making,
    /// The reader PDF's pages, for the EPUB's page numbers: set by the PDF's
    /// thread once its pages are made (`None` if it fails first).
    print_pages: &'a std::sync::OnceLock<Option<PrintPages>>,
    /// What the reader PDF's page breaking kept, set by its thread once its
    /// pages are broken (`None` if it fails first): a booklet with the reader's
    /// page (the A4 one, A5 pages with the same text block) sets the same text
    /// on the same pages up to its notes, and resumes it from there.
    reader_page_breaking: &'a std::sync::OnceLock<Option<Arc<PageBreaking>>>,
    /// The reader PDF's body as stacked up to its notes, set by its thread once
    /// stacked (`None` if its notes do not open on a page of their own, or it
    /// fails first), for the A4 booklet to take up ([`typeset::StackedBody`]).
    reader_body: &'a std::sync::OnceLock<std::sync::Mutex<Option<typeset::StackedBody>>>,
    /// Whether the A4 booklet is made in this build, which takes up the reader's body.
    a4_too: bool,
    /// Whether the reader PDF is made in this build, or the EPUB must paginate for itself.
    pdf_too: bool,
}

/// Makes sure a thread waiting for what the reader PDF's thread promised (the
/// EPUB for its pages, a booklet for its page breaking) is not kept waiting
/// when that thread ends without them (an error, a panic).
struct Promised<'a, T: Default>(&'a std::sync::OnceLock<T>);

impl<T: Default> Drop for Promised<'_, T> {
    fn drop(&mut self) {
        let _ = self.0.set(T::default());
    }
}

/// One edition's files, in memory and then staged, with the time of its stages and its warnings.
struct Made {
    /// False for a booklet too long to saddle-stitch, which is not written.
    made: bool,
    files: Vec<(PathBuf, Vec<u8>)>,
    /// `files` being written beside their places, to be put there once every edition is made.
    staged: Vec<output::Flushing>,
    timings: Timings,
    warnings: Vec<Diagnostic>,
}

impl Made {
    fn new() -> Made {
        Made { made: true, files: Vec::new(), staged: Vec::new(), timings: Timings::new(), warnings: Vec::new() }
    }

    /// Starts writing the files beside their places (they leave memory once written).
    fn stage(mut self) -> Made {
        let files = std::mem::take(&mut self.files);
        self.staged = self.timings.time(stage::OUTPUT, || files.into_iter().map(|(path, bytes)| output::Flushing::start(path, bytes)).collect());
        self
    }
}

impl Job<'_> {
    fn make(self, edition: Edition) -> Result<Made, BuildError> {
        let mut made = Made::new();
        let only_checking = self.making == Making::WarningsOnly;
        let out = |suffix: &str| self.options.out_dir.join(format!("{}{suffix}", self.stem));
        match edition {
            Edition::Epub if only_checking => {
                // The EPUB gives no warning of its own; its stylesheet can still be wrong.
                self.resources.epub_stylesheet().map_err(BuildError::Stylesheet)?;
            }
            Edition::Epub => {
                let bytes = self.epub(&mut made.timings)?;
                made.files.push((out(".epub"), bytes));
            }
            Edition::Pdf => {
                let _promised = (Promised(self.print_pages), Promised(self.reader_page_breaking), Promised(self.reader_body));
                let style = self.reader_style()?;
                let mut keep_body = |body: Option<typeset::StackedBody>| {
                    let _ = self.reader_body.set(std::sync::Mutex::new(body));
                };
                let sharing = if self.a4_takes_up_body_of(&style) { typeset::Sharing::Keep(&mut keep_body) } else { typeset::Sharing::Alone };
                let (document, page_breaking) = self.typeset(&style, sharing, &mut made);
                let _ = self.reader_page_breaking.set(Some(Arc::new(page_breaking)));
                if only_checking {
                    return Ok(made);
                }
                let _ = self.print_pages.set(Some(self.pages_of(&document)));
                let pack = cache::Pack::open(&out(".pdf"));
                let bytes = made.timings.time(stage::PDF, || pdf::write_pdf_kept(&document, self.options.pdf_standard, &pack)).map_err(|source| BuildError::Pdf { what: "PDF".into(), source })?;
                pack.keep();
                made.files.push((out(".pdf"), bytes));
            }
            Edition::BookletA4 | Edition::BookletLetter => {
                let paper = edition.paper().expect("a booklet edition has a paper");
                let style = self.resources.style(paper.style_file).map_err(BuildError::Style)?;
                // Each candidate typesetting makes its own warnings; only the kept one's are given.
                let timings = &mut made.timings;
                // An article's notes may run on after its text; a book's close each chapter or the book.
                let notes_may_run_on = !self.book.has_chapters() && !self.book.notes.is_empty();
                // The candidates share the hyphenation patterns, and those of one type their stack.
                let hyphenator = self.hyphenator(&style, &mut made.warnings, timings);
                let (book, images, family, date) = (self.book, self.images, self.family, print_date(self.book));
                // Waited for only when the reader's pages are this booklet's, once its own text is stacked.
                let reader_style = self.reader_style().ok().filter(|reader| self.pdf_too && same_text_block(reader, &style));
                let mut reader_page_breaking = reader_style.is_some().then_some(None);
                // Waited for only when the reader keeps it (`a4_takes_up_body_of`), before its own text is stacked.
                let mut reader_body = (edition == Edition::BookletA4 && reader_style.as_ref().is_some_and(|reader| self.a4_takes_up_body_of(reader))).then_some(());
                let mut kept = None;
                let fitted = fit::fit(&style, self.options.pages, notes_may_run_on, |set, colophon| {
                    let mut candidate = Made::new();
                    let mut stack = fit::reuse(&kept, set).unwrap_or_else(|| {
                        // Taken out, so that its lines are freed with the last edition's flow that holds them.
                        let body = reader_body.take().and_then(|()| crate::parallel::idle_while(|| self.reader_body.wait().lock().ok()?.take()));
                        let sharing = match (body, &reader_style) {
                            (Some(body), Some(reader_style)) => typeset::Sharing::TakeUp { body: Box::new(body), style: reader_style, book },
                            _ => typeset::Sharing::Alone,
                        };
                        let stack = typeset::stack_pamphlet(book, images, set, family, hyphenator.as_ref(), sharing, &mut candidate.timings);
                        // Kept for the candidates of the same type, unless none will be tried (a book's booklet, held twice).
                        kept = (!fit::tries_only_natural(set, self.options.pages, stack.pages_at_least(set))).then(|| (set.clone(), stack.clone()));
                        stack
                    });
                    if let Some(reader) = reader_page_breaking.as_mut() {
                        if let Some(page_breaking) = reader.get_or_insert_with(|| crate::parallel::idle_while(|| self.reader_page_breaking.wait().clone())) {
                            stack.resume_page_breaking(Arc::clone(page_breaking));
                        }
                    }
                    let typeset = stack.pages(book, images, set, family, hyphenator.as_ref(), date, colophon, &mut candidate.timings);
                    let document = self.report(typeset, &mut candidate.warnings);
                    timings.merge(candidate.timings);
                    (document, candidate.warnings)
                });
                drop(kept);
                let (pamphlet, warnings) = fitted.map_err(|not_met| BuildError::Manuscript(vec![not_met.diagnostic(self.path, &style, paper.style_file)]))?;
                made.warnings.extend(warnings);
                let name = format!("-booklet-{}", paper.name);
                let binding = match self.options.signatures {
                    Some(sheets) => impose::Binding::Signatures(sheets),
                    None if pamphlet.pages.len() > style.imposition.saddle_stitch_max_pages => {
                        let file = format!("{}{name}.pdf", self.stem);
                        made.warnings.push(too_long_to_saddle_stitch(self.path, &file, paper, pamphlet.pages.len(), style.imposition.saddle_stitch_max_pages));
                        made.made = false;
                        return Ok(made);
                    }
                    None => impose::Binding::SaddleStitch,
                };
                let sheets = made
                    .timings
                    .time(stage::IMPOSITION, || impose::impose_document(pamphlet, paper, self.options.marks, binding, style.imposition.creep_per_sheet()))
                    .map_err(|source| BuildError::Imposition { style_file: paper.style_file, source })?;
                if only_checking {
                    return Ok(made);
                }
                let pack = cache::Pack::open(&out(&format!("{name}.pdf")));
                let mut write = |document: &layout::Document| {
                    made.timings.time(stage::PDF, || pdf::write_pdf_kept(document, pdf::PdfStandard::default(), &pack)).map_err(|source| BuildError::Pdf { what: format!("{} booklet", paper.name), source })
                };
                let mut files = vec![(out(&format!("{name}.pdf")), write(&sheets)?)];
                if self.options.two_pass {
                    let (fronts, backs) = impose::split_sides(&sheets);
                    drop(sheets);
                    files.push((out(&format!("{name}-fronts.pdf")), write(&fronts)?));
                    files.push((out(&format!("{name}-backs.pdf")), write(&backs)?));
                }
                pack.keep();
                made.files.append(&mut files);
            }
        }
        Ok(made)
    }

    fn epub(&self, timings: &mut Timings) -> Result<Vec<u8>, BuildError> {
        let stylesheet = self.resources.epub_stylesheet().map_err(BuildError::Stylesheet)?;
        let licence = self.resources.font_licence();
        // The EPUB carries the reader PDF's page numbers: the PDF's own pages
        // when this build makes it, or else pages set for the EPUB alone.
        let pages = move |timings: &mut Timings| match self.pdf_too {
            true => crate::parallel::idle_while(|| self.print_pages.wait().clone()),
            false => {
                let style = self.reader_style().ok()?;
                let mut made = Made::new();
                let (document, _) = self.typeset(&style, typeset::Sharing::Alone, &mut made);
                timings.merge(made.timings);
                Some(self.pages_of(&document))
            }
        };
        let pack = cache::Pack::open(&self.options.out_dir.join(format!("{}.epub", self.stem)));
        let bytes = epub_bytes_timed(self.book, self.images, self.family, stylesheet, licence, pages, &pack, timings).map_err(BuildError::Epub)?;
        pack.keep();
        Ok(bytes)
    }

    /// Whether the A4 booklet is made in this build and may take up the body
    /// of a reader edition set with `reader`: its page holds the same text
    /// block, set alike (it finds whether the text is the same).
    fn a4_takes_up_body_of(&self, reader: &Style) -> bool {
        let a4 = Edition::BookletA4.paper().and_then(|paper| self.resources.style(paper.style_file).ok());
        self.a4_too && a4.is_some_and(|a4| same_text_block(reader, &a4) && typeset::shared_body::sets_text_alike(reader, &a4))
    }

    /// The reader PDF's style: the one asked for, or the resources' `reader-a5.toml`.
    fn reader_style(&self) -> Result<Style, BuildError> {
        match &self.options.style {
            Some(path) => Style::read(path),
            None => self.resources.style("reader-a5.toml"),
        }
        .map_err(BuildError::Style)
    }

    /// The reader PDF's pages as places in the text, named as the PDF is.
    fn pages_of(&self, document: &layout::Document) -> PrintPages {
        let source = format!("{}, reader edition in print ({}.pdf)", self.book.metadata.title, self.stem);
        let pages = document.pages.iter().enumerate().map(|(i, page)| PrintPage { label: document.page_label(i), starts_at: page.begins_at.clone() }).collect();
        PrintPages { source, pages }
    }

    /// Typesets the book as the reader edition with `style`, adding the time
    /// of its stages and its warnings to `made`; with what its page breaking kept.
    fn typeset(&self, style: &Style, sharing: typeset::Sharing, made: &mut Made) -> (layout::Document, PageBreaking) {
        let hyphenator = self.hyphenator(style, &mut made.warnings, &mut made.timings);
        let mut typeset = print_typeset(self.book, self.images, style, self.family, hyphenator.as_ref(), sharing, &mut made.timings);
        let page_breaking = std::mem::take(&mut typeset.page_breaking);
        (self.report(typeset, &mut made.warnings), page_breaking)
    }

    /// The hyphenation patterns `style` asks for in the book's language,
    /// timed; the warning that there are none, in `warnings`.
    fn hyphenator(&self, style: &Style, warnings: &mut Vec<Diagnostic>, timings: &mut Timings) -> Option<hyphenate::Hyphenator> {
        let m = &self.book.metadata;
        let hyphenator = timings.time(stage::HYPHENATION, || {
            hyphenate::Hyphenator::new(&m.language, style.hyphenation.left_min, style.hyphenation.right_min, &m.hyphenation_exceptions)
        });
        if hyphenator.is_none() {
            warn_once(warnings, Diagnostic::warning(self.path, None, format!("no hyphenation patterns for `{}`; the PDF is set without hyphenation", m.language)));
        }
        hyphenator
    }

    /// The typeset document, with what the typesetter could not do added to
    /// `warnings`. Characters the manuscript check already named are not named again.
    fn report(&self, typeset: typeset::Typeset, warnings: &mut Vec<Diagnostic>) -> layout::Document {
        let Job { path, family, reported, .. } = *self;
        let mut warn = |diagnostic: Diagnostic| warn_once(warnings, diagnostic);
        for (at, src) in &typeset.small_pictures {
            warn(Diagnostic::warning(path, Some(*at), format!("image `{src}` has too few pixels to fill the measure at 150 ppi; it is printed smaller, at its pixels' size at 150 ppi"))
                .with_help("use a picture with more pixels if it should be printed larger"));
        }
        for (at, src) in &typeset.pictures_without_alt {
            warn(Diagnostic::warning(path, Some(*at), format!("image `{src}` has no alt text; the tagged PDF marks it as decoration, which screen readers skip"))
                .with_help("say what the picture shows in its alt text: ![what it shows](file)"));
        }
        // The check named every character of the manuscript the faces lack; what the
        // typesetter finds beyond those is in the editions' own words, from the style.
        let mut reported: std::collections::BTreeSet<char> = reported.iter().copied().collect();
        for missing in &typeset.missing_glyphs {
            if reported.insert(missing.character) {
                warn(passes::coverage::missing_glyph(path, None, missing.character, missing.face, family));
            }
        }
        // Read again only when there is a word to place in it.
        let source = (!typeset.cut_words.is_empty()).then(|| std::fs::read_to_string(path).ok()).flatten();
        for tag in &typeset.unhyphenated_languages {
            warn(Diagnostic::warning(path, None, format!("no hyphenation patterns for `{tag}`; its text is set without hyphenation")));
        }
        for word in &typeset.cut_words {
            warn(passes::coverage::cut_word(path, source.as_deref(), word));
        }
        for warning in &typeset.warnings {
            warn(Diagnostic::warning(path, None, warning.clone()));
        }
        typeset.document
    }
}

/// Whether two styles' pages hold the same text block: the same measure, the
/// same room and the same body leading (their margins may differ).
fn same_text_block(one: &Style, other: &Style) -> bool {
    one.measure() == other.measure() && one.text_height() == other.text_height() && one.body.leading_pt == other.body.leading_pt
}

/// Adds `diagnostic` to `warnings` unless one there says the same.
fn warn_once(warnings: &mut Vec<Diagnostic>, diagnostic: Diagnostic) {
    if !warnings.iter().any(|w| w.message == diagnostic.message) {
        warnings.push(diagnostic);
    }
}

/// The EPUB of a checked book, made in memory.
pub fn epub_bytes(book: &Book, images: &Images, family: &FontFamily, stylesheet: String) -> Result<Vec<u8>, epub::EpubError> {
    epub_bytes_timed(book, images, family, stylesheet, None, |_| None, &KeepNothing, &mut Timings::new())
}

/// [`epub_bytes`] with the fonts' licence file to ship beside them and the
/// print edition's pages (asked for once the cover is drawn, as they may be
/// in the making on another thread), its font subsets from `store`, timing its stages.
fn epub_bytes_timed(
    book: &Book,
    images: &Images,
    family: &FontFamily,
    stylesheet: String,
    font_licence: Option<(String, Vec<u8>)>,
    print_pages: impl FnOnce(&mut Timings) -> Option<PrintPages>,
    store: &dyn KeptBytes,
    timings: &mut Timings,
) -> Result<Vec<u8>, epub::EpubError> {
    // The front matter's picture, or a cover drawn from the title.
    let (cover_image, cover_format) = match images.cover() {
        Some(picture) => (picture.file.clone(), (picture.extension(), picture.media_type())),
        None => {
            let cover = || {
                let mut key = cache::Key::new("cover");
                epub::cover_inputs(&book.metadata, family, |input| {
                    key.add(input);
                });
                cache::cached("cover", &key, || epub::render_cover(&book.metadata, family))
            };
            (timings.time(stage::EPUB_COVER, cover).map_err(epub::EpubError::Cover)?, ("png", "image/png"))
        }
    };
    let assets = epub::EpubAssets {
        stylesheet,
        fonts: family.faces.clone(),
        font_licence,
        cover_image,
        cover_format,
        modified: build_time(book),
        images: images.clone(),
        print_pages: print_pages(timings),
    };
    epub::write_epub(book, &assets, store, timings)
}

/// The reader PDF of a checked book, made in memory, and what the typesetter could not do.
pub struct PdfEdition {
    pub bytes: Vec<u8>,
    pub missing_glyphs: Vec<typeset::MissingGlyph>,
    /// False when there are no hyphenation patterns for the book's language.
    pub hyphenated: bool,
}

pub fn pdf_edition(book: &Book, images: &Images, style: &Style, family: &FontFamily) -> Result<PdfEdition, BuildError> {
    let m = &book.metadata;
    let hyphenator = hyphenate::Hyphenator::new(&m.language, style.hyphenation.left_min, style.hyphenation.right_min, &m.hyphenation_exceptions);
    let typeset = print_typeset(book, images, style, family, hyphenator.as_ref(), typeset::Sharing::Alone, &mut Timings::new());
    let bytes = pdf::write_pdf(&typeset.document).map_err(|source| BuildError::Pdf { what: "PDF".into(), source })?;
    Ok(PdfEdition { bytes, missing_glyphs: typeset.missing_glyphs, hyphenated: hyphenator.is_some() })
}

/// The reader edition's pages, dated as the build is.
fn print_typeset(book: &Book, images: &Images, style: &Style, family: &FontFamily, hyphenator: Option<&hyphenate::Hyphenator>, sharing: typeset::Sharing, timings: &mut Timings) -> typeset::Typeset {
    typeset::typeset(book, images, style, family, hyphenator, print_date(book), sharing, timings)
}

/// The date of the print editions: with SOURCE_DATE_EPOCH, the EPUB's; without, the manuscript's alone.
fn print_date(book: &Book) -> Option<chrono::NaiveDate> {
    if std::env::var_os("SOURCE_DATE_EPOCH").is_some() {
        Some(build_time(book).date_naive())
    } else {
        book.metadata.date.map(|d| d.first_day())
    }
}

/// The time stamped into editions: `SOURCE_DATE_EPOCH` if set (reproducible-builds.org),
/// otherwise the manuscript's publication date. Never the clock.
pub fn build_time(book: &Book) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()) {
        if let Some(t) = chrono::Utc.timestamp_opt(epoch, 0).single() {
            return t;
        }
    }
    let day = book.metadata.date.map(|d| d.first_day()).unwrap_or_default();
    let day = day.max(chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap_or_default());
    chrono::Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_reports_every_stage_of_both_editions() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let out = std::env::temp_dir().join(format!("quire-test-timings-{}", std::process::id()));
        let options = BuildOptions { manuscript: root.join("manuscript"), out_dir: out.clone(), editions: Edition::ALL.to_vec(), resources: None, style: None, marks: false, two_pass: false, signatures: None, pages: None, pdf_standard: Default::default() };
        let report = build(&options).unwrap();
        for name in [
            stage::CHECK,
            stage::EPUB_COVER,
            stage::EPUB_DOCUMENTS,
            stage::EPUB_FONTS,
            stage::EPUB_PACKAGE,
            stage::TEXT,
            stage::HYPHENATION,
            stage::LINE_BREAKING,
            stage::PAGE_BREAKING,
            stage::PDF,
            stage::IMPOSITION,
            stage::OUTPUT,
        ] {
            assert!(report.timings.get(name).is_some(), "no time for {name}: {}", report.timings);
        }
        std::fs::remove_dir_all(out).unwrap();
    }
}
