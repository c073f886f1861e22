use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use quire::build::{self, BuildOptions, Edition};

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
        /// The manuscript: a .md file, or a folder holding one.
        #[arg(default_value = "manuscript")]
        manuscript: PathBuf,
        /// Where the editions are written.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// Build only these editions (repeat or separate with commas); all by default.
        #[arg(long, value_enum, value_delimiter = ',')]
        format: Vec<Format>,
        /// Folder with fonts/ and styles/; quire's own by default.
        #[arg(long)]
        resources: Option<PathBuf>,
        /// Print style for the PDF (a .toml file); styles/reader-a5.toml by default.
        #[arg(long)]
        style: Option<PathBuf>,
        /// Print how long each stage of the build took.
        #[arg(long)]
        timings: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// EPUB 3 for e-readers.
    Epub,
    /// The reader-edition PDF.
    Pdf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Build {
        manuscript: PathBuf::from("manuscript"),
        out: PathBuf::from("dist"),
        format: Vec::new(),
        resources: None,
        style: None,
        timings: false,
    });
    match command {
        Command::Build { manuscript, out, format, resources, style, timings } => {
            let editions = if format.is_empty() {
                Edition::ALL.to_vec()
            } else {
                format.iter().map(|f| match f {
                    Format::Epub => Edition::Epub,
                    Format::Pdf => Edition::Pdf,
                }).collect()
            };
            let options = BuildOptions {
                manuscript,
                out_dir: out,
                editions,
                resources: resources.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
                style,
            };
            match build::build(&options) {
                Ok(report) => {
                    for warning in &report.warnings {
                        eprintln!("{warning}\n");
                    }
                    for file in &report.written {
                        println!("wrote {}", file.display());
                    }
                    if timings {
                        // Editions are built concurrently: stages overlap, so they need not add up.
                        eprint!("{}", report.timings);
                    }
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("{error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
