//! The command line, declared once: `--help`, the shell completions and the man pages
//! are all generated from these definitions, so they cannot disagree.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use quire::{BuildOptions, Edition, PdfStandard};

/// Printed at the end of the top-level `--help` and in the man page.
const EXIT_CODES: &str = "Exit codes:
  0    success (warnings allowed)
  1    the manuscript has errors, an edition could not be written, or a watch could not start
  2    a usage error (an unknown option, a missing argument)
  130  `quire watch` stopped by Ctrl-C (128 + SIGINT, as a shell reports it)";

/// quire turns one Markdown manuscript into an EPUB and typeset PDF editions.
///
/// Run with no arguments to build the bundled manuscript (manuscript/) into dist/.
#[derive(Parser)]
#[command(name = "quire", version, about, long_about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Subcommand)]
pub enum Command {
    /// Build editions of a manuscript.
    #[command(after_help = EXIT_CODES)]
    Build {
        #[command(flatten)]
        build: BuildArgs,
        /// Print how long each stage of the build took (also given by --verbose).
        #[arg(long, help_heading = "Output", display_order = 1000)]
        timings: bool,
    },
    /// Build, then rebuild on every save of the manuscript, its chapters, pictures,
    /// bibliography, book.toml, styles or fonts, until Ctrl-C.
    ///
    /// Watches the manuscript's folder (a book's folder) with its subfolders, the
    /// --resources folder and the --style file. In them, any file of a kind a build reads
    /// counts (.md, .toml, .yaml, .json, .bib, pictures, fonts, anything in fonts/ or
    /// styles/); hidden files, editors' backups and the output folder never do. Each
    /// rebuild prints one line on standard output: the time, what changed, and what was
    /// built or how many errors stopped it (with --quiet, only a rebuild that failed). A
    /// rebuild with errors leaves the editions as they were, and watching goes on. Ctrl-C
    /// ends it, after the build in progress (exit code 130).
    #[command(after_help = EXIT_CODES)]
    Watch {
        #[command(flatten)]
        build: BuildArgs,
    },
    /// Report every problem a build would find, without writing anything
    /// (exit 0 clean or warnings only, 1 errors).
    ///
    /// Runs the checks of `quire build` and typesets the print editions, so the warnings
    /// only typesetting finds (no hyphenation patterns for a language, a word too long for
    /// the measure, a picture with too few pixels, a booklet too long to staple) are given too.
    #[command(after_help = EXIT_CODES)]
    Check {
        #[command(flatten)]
        source: Source,
        #[command(flatten)]
        editions: Editions,
    },
    /// Start a book: a folder with a book.toml, a first chapter and a README on the format.
    New {
        /// The book's folder, made here (it must not exist, or be empty).
        folder: PathBuf,
    },
    /// Print a completion script for SHELL to standard output.
    ///
    /// bash: `quire completions bash > ~/.local/share/bash-completion/completions/quire`;
    /// zsh: `quire completions zsh > ~/.zfunc/_quire` (with ~/.zfunc on $fpath);
    /// fish: `quire completions fish > ~/.config/fish/completions/quire.fish`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page quire(1), or write quire(1) and a page for each command into DIR.
    ///
    /// `quire man | man -l -` reads it; `quire man --out ~/.local/share/man/man1` installs them.
    Man {
        /// Write quire.1, quire-build.1, quire-watch.1, … into this folder.
        #[arg(short, long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// How much is printed, and how.
#[derive(Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Print errors only: no warnings, no summary line.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print each file written and how long each stage of the build took.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Colour the reports: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = Colour::Auto, global = true)]
    pub color: Colour,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Colour {
    Auto,
    Always,
    Never,
}

/// What a build reads and writes: the options `build` and `watch` share.
#[derive(Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub source: Source,
    #[command(flatten)]
    pub out: Out,
    #[command(flatten)]
    pub editions: Editions,
    #[command(flatten)]
    pub booklets: Booklets,
}

impl BuildArgs {
    pub fn options(self) -> BuildOptions {
        build_options(self.source, self.editions, Some(self.out), Some(self.booklets))
    }
}

/// What is read.
#[derive(Args)]
pub struct Source {
    /// The manuscript: a .md file, a folder holding one, or a book's folder
    /// (a book.toml listing the chapters, or its .md files in name order).
    #[arg(default_value = "manuscript")]
    pub manuscript: PathBuf,
    /// Folder with fonts/ and styles/ of your own; each file there overrides the one
    /// beside the manuscript and quire's built-in one.
    #[arg(long, value_name = "DIR")]
    pub resources: Option<PathBuf>,
}

#[derive(Args)]
pub struct Out {
    /// Where the editions are written.
    #[arg(short, long, value_name = "DIR", default_value = "dist")]
    pub out: PathBuf,
}

/// Which editions, and how they are set.
#[derive(Args)]
#[command(next_help_heading = "Editions")]
pub struct Editions {
    /// Only these editions (repeat or separate with commas); all by default.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub format: Vec<Format>,
    /// Print style for the PDF (a .toml file, read over the default style); styles/reader-a5.toml by default.
    /// The booklets use styles/booklet-a5.toml and styles/booklet-half-letter.toml.
    #[arg(long, value_name = "FILE")]
    pub style: Option<PathBuf>,
    /// Booklets: impose in signatures of N sheets (4 if N is not given: 16 pages each),
    /// each folded and stapled or sewn on its own, then stacked; a booklet longer than its
    /// style's `saddle_stitch_max_pages` (64) is written only so.
    /// N is given with `=` (`--signatures=8`), so that `--signatures book/` never takes the book for N.
    #[arg(long, value_name = "N", num_args = 0..=1, require_equals = true, default_missing_value = "4", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub signatures: Option<u16>,
    /// Booklets: exactly N pages (a multiple of 4), the layout and the body's size and
    /// leading fitted to them within the style's bounds; when the text cannot fill N
    /// pages, an error names the counts it can. Without it, a booklet fills the fewest
    /// whole sheets it can with no blank page (the style's `fit = "sheets"`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub pages: Option<u16>,
    /// The reader PDF is tagged PDF/UA-1; `a-2a` or `a-2u` makes it PDF/A-2 (level A or U) as well, for archives.
    #[arg(long, value_enum, value_name = "STANDARD", default_value = "ua-1")]
    pub pdf_standard: Standard,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Standard {
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

/// How the booklets' files are made; they change no check.
#[derive(Args)]
#[command(next_help_heading = "Booklets")]
pub struct Booklets {
    /// Booklets: print a short fold mark at the head and foot of each sheet's fold.
    #[arg(long)]
    pub marks: bool,
    /// Booklets: also write <book>-booklet-<paper>-fronts.pdf and -backs.pdf,
    /// for printers that cannot print double-sided.
    #[arg(long)]
    pub two_pass: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// EPUB 3 for e-readers.
    Epub,
    /// The reader-edition PDF.
    Pdf,
    /// The pamphlet: A5 pages two to an A4 sheet, to print double-sided and fold.
    BookletA4,
    /// The pamphlet: half-letter pages two to a US Letter sheet.
    BookletLetter,
}

/// A check's options: it has no output folder or booklet files.
pub fn check_options(source: Source, editions: Editions) -> BuildOptions {
    build_options(source, editions, None, None)
}

/// The build's options from the command line's parts.
fn build_options(source: Source, editions: Editions, out: Option<Out>, booklets: Option<Booklets>) -> BuildOptions {
    let chosen: Vec<Edition> = editions
        .format
        .iter()
        .map(|f| match f {
            Format::Epub => Edition::Epub,
            Format::Pdf => Edition::Pdf,
            Format::BookletA4 => Edition::BookletA4,
            Format::BookletLetter => Edition::BookletLetter,
        })
        .collect();
    let booklets = booklets.unwrap_or(Booklets { marks: false, two_pass: false });
    BuildOptions {
        manuscript: source.manuscript,
        out_dir: out.map_or_else(|| PathBuf::from("dist"), |o| o.out),
        editions: if chosen.is_empty() { Edition::ALL.to_vec() } else { chosen },
        resources: source.resources,
        style: editions.style,
        marks: booklets.marks,
        two_pass: booklets.two_pass,
        signatures: editions.signatures.map(usize::from),
        pages: editions.pages.map(usize::from),
        pdf_standard: match editions.pdf_standard {
            Standard::Ua1 => PdfStandard::Ua1,
            Standard::A2a => PdfStandard::Ua1A2a,
            Standard::A2u => PdfStandard::Ua1A2u,
        },
    }
}
