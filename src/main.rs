use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use quire::{BuildError, BuildOptions, Edition, PdfStandard};
use quire::diagnostics::{self, Diagnostic};

/// See Cargo.toml: glibc's malloc and free were a third of a long book's build.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// quire turns one Markdown manuscript into an EPUB and typeset PDF editions.
///
/// Run with no arguments to build the bundled manuscript (manuscript/) into dist/.
#[derive(Parser)]
#[command(version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Build editions of a manuscript.
    Build {
        /// The manuscript: a .md file, a folder holding one, or a book's folder
        /// (a book.toml listing the chapters, or its .md files in name order).
        #[arg(default_value = "manuscript")]
        manuscript: PathBuf,
        /// Where the editions are written.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// Build only these editions (repeat or separate with commas); all by default.
        #[arg(long, value_enum, value_delimiter = ',')]
        format: Vec<Format>,
        /// Folder with fonts/ and styles/ of your own; each file there overrides the one
        /// beside the manuscript and quire's built-in one.
        #[arg(long)]
        resources: Option<PathBuf>,
        /// Print style for the PDF (a .toml file, read over the default style); styles/reader-a5.toml by default.
        /// The booklets use styles/booklet-a5.toml and styles/booklet-half-letter.toml.
        #[arg(long)]
        style: Option<PathBuf>,
        /// Booklets: print a short fold mark at the head and foot of each sheet's fold.
        #[arg(long)]
        marks: bool,
        /// Booklets: also write <book>-booklet-<paper>-fronts.pdf and -backs.pdf,
        /// for printers that cannot print double-sided.
        #[arg(long)]
        two_pass: bool,
        /// Booklets: impose in signatures of N sheets (4 if N is not given: 16 pages each),
        /// each folded and stapled or sewn on its own, then stacked; a booklet longer than its
        /// style's `saddle_stitch_max_pages` (64) is written only so.
        /// N is given with `=` (`--signatures=8`), so that `--signatures book/` never takes the book for N.
        #[arg(long, value_name = "N", num_args = 0..=1, require_equals = true, default_missing_value = "4", value_parser = clap::value_parser!(u16).range(1..=64))]
        signatures: Option<u16>,
        /// The reader PDF is tagged PDF/UA-1; `a-2a` or `a-2u` makes it PDF/A-2 (level A or U) as well, for archives.
        #[arg(long, value_enum, default_value = "ua-1")]
        pdf_standard: Standard,
        /// Print how long each stage of the build took.
        #[arg(long)]
        timings: bool,
    },
    /// Start a book: a folder with a book.toml, a first chapter and a README on the format.
    New {
        /// The book's folder, made here (it must not exist, or be empty).
        folder: PathBuf,
    },
    /// Report a manuscript's problems without building (exit 0 clean or warnings only, 1 errors).
    Check {
        /// The manuscript: a .md file, a folder holding one, or a book's folder.
        #[arg(default_value = "manuscript")]
        manuscript: PathBuf,
        /// Folder with fonts/ and styles/ of your own; each file there overrides the one
        /// beside the manuscript and quire's built-in one.
        #[arg(long)]
        resources: Option<PathBuf>,
    },
}

fn report(diagnostics: &[Diagnostic]) {
    let colour = diagnostics::colour_on_stderr();
    for d in diagnostics {
        eprintln!("{}\n", d.render(colour));
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// EPUB 3 for e-readers.
    Epub,
    /// The reader-edition PDF.
    Pdf,
    /// The pamphlet: A5 pages two to an A4 sheet, to print double-sided and fold.
    BookletA4,
    /// The pamphlet: half-letter pages two to a US Letter sheet.
    BookletLetter,
}

#[derive(Clone, Copy, ValueEnum)]
enum Standard {
    /// PDF/UA-1 (tagged, accessible).
    #[value(name = "ua-1")]
    Ua1,
    /// PDF/UA-1 and PDF/A-2a.
    #[value(name = "a-2a")]
    A2a,
    /// PDF/UA-1 and PDF/A-2u.
    #[value(name = "a-2u")]
    A2u,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Build {
        manuscript: PathBuf::from("manuscript"),
        out: PathBuf::from("dist"),
        format: Vec::new(),
        resources: None,
        style: None,
        marks: false,
        two_pass: false,
        signatures: None,
        pdf_standard: Standard::Ua1,
        timings: false,
    });
    match command {
        Command::Build { manuscript, out, format, resources, style, marks, two_pass, signatures, pdf_standard, timings } => {
            let editions = if format.is_empty() {
                Edition::ALL.to_vec()
            } else {
                format.iter().map(|f| match f {
                    Format::Epub => Edition::Epub,
                    Format::Pdf => Edition::Pdf,
                    Format::BookletA4 => Edition::BookletA4,
                    Format::BookletLetter => Edition::BookletLetter,
                }).collect()
            };
            let options = BuildOptions {
                manuscript,
                out_dir: out,
                editions,
                resources,
                style,
                marks,
                two_pass,
                signatures: signatures.map(usize::from),
                pdf_standard: match pdf_standard {
                    Standard::Ua1 => PdfStandard::Ua1,
                    Standard::A2a => PdfStandard::Ua1A2a,
                    Standard::A2u => PdfStandard::Ua1A2u,
                },
            };
            match quire::build(&options) {
                Ok(built) => {
                    report(&built.warnings);
                    for file in &built.written {
                        println!("wrote {}", file.display());
                    }
                    if timings {
                        // Editions are built concurrently: stages overlap, so they need not add up.
                        eprint!("{}", built.timings);
                    }
                    ExitCode::SUCCESS
                }
                Err(BuildError::Manuscript(found)) => {
                    report(&found);
                    eprintln!("{}; nothing was written", diagnostics::summary(&found));
                    ExitCode::FAILURE
                }
                Err(error) => {
                    eprintln!("{error}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::New { folder } => match quire::new_book(&folder) {
            Ok(written) => {
                for file in &written {
                    println!("wrote {}", file.display());
                }
                println!("build it with `quire build {}`", folder.display());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
        Command::Check { manuscript, resources } => {
            let path = match quire::manuscript_file(&manuscript) {
                Ok(path) => path,
                Err(error) => {
                    eprintln!("error: {error}");
                    return ExitCode::FAILURE;
                }
            };
            let checked = quire::check(&path, &quire::resources_for(&path, resources.as_deref()));
            report(&checked.diagnostics);
            eprintln!("{}: {}", path.display(), diagnostics::summary(&checked.diagnostics));
            if checked.has_errors() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
