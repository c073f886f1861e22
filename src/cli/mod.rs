//! The `quire` command: the binary's own modules, not part of the library. `args` declares
//! the command line, `report` prints, `watch` is the rebuild loop; the work is the library's.

mod args;
mod report;
mod watch;

use std::process::ExitCode;
use std::time::Instant;

use clap::{ColorChoice, CommandFactory, FromArgMatches, Parser};
use quire::{diagnostics, BuildError};

use args::{check_options, Cli, Command};
use report::Printer;

/// The exit codes, as `quire --help` and the README give them. A usage error exits 2:
/// clap's own code, which it prints the usage with.
pub mod exit {
    pub const FAILURE: u8 = 1;
    /// `quire watch` after Ctrl-C: 128 + SIGINT, what a shell reports for a command it interrupted.
    pub const INTERRUPTED: u8 = 130;
}

pub fn run() -> ExitCode {
    // clap's own help and usage errors follow --color too, so it is known before parsing.
    let matches = Cli::command().color(clap_colour(std::env::args_os().skip(1))).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    let printer = Printer::new(&cli.output);
    // No command is `quire build` with its defaults.
    let command = cli.command.unwrap_or_else(|| Cli::parse_from(["quire", "build"]).command.expect("`build` is a command"));
    match command {
        Command::Build { build, timings } => {
            let options = build.options();
            let start = Instant::now();
            match quire::build(&options) {
                Ok(built) => {
                    printer.diagnostics(&built.warnings);
                    if timings && !printer.verbose {
                        printer.timings(&built);
                    }
                    printer.built(&built, &options.out_dir, start.elapsed(), "");
                    ExitCode::SUCCESS
                }
                Err(error) => failed(&printer, error, "; nothing was written"),
            }
        }
        Command::Watch { build } => watch::watch(&build.options(), &printer),
        Command::Check { source, editions } => {
            let options = check_options(source, editions);
            // The closing line names the file checked (a folder's one manuscript) or the book's folder.
            let checked_file = quire::manuscript_file(&options.manuscript).unwrap_or_else(|_| options.manuscript.clone());
            match quire::check_build(&options) {
                Ok(checked) => {
                    printer.diagnostics(&checked.warnings);
                    if !printer.quiet {
                        eprintln!("{}: {}", checked_file.display(), diagnostics::summary(&checked.warnings));
                    }
                    ExitCode::SUCCESS
                }
                Err(BuildError::Manuscript(found)) => {
                    printer.diagnostics(&found);
                    eprintln!("{}: {}", checked_file.display(), diagnostics::summary(&found));
                    ExitCode::from(exit::FAILURE)
                }
                Err(error) => failed(&printer, error, ""),
            }
        }
        Command::New { folder } => match quire::new_book(&folder) {
            Ok(written) => {
                if !printer.quiet {
                    for file in &written {
                        println!("wrote {}", file.display());
                    }
                    println!("build it with `quire build {}`", folder.display());
                }
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::from(exit::FAILURE)
            }
        },
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "quire", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man { out } => {
            let written = match &out {
                Some(folder) => std::fs::create_dir_all(folder).and_then(|()| clap_mangen::generate_to(Cli::command(), folder)),
                None => clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()),
            };
            match written {
                // `quire man | head` closes the pipe early: nothing went wrong.
                Ok(()) => ExitCode::SUCCESS,
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: cannot write the man page: {error}");
                    ExitCode::from(exit::FAILURE)
                }
            }
        }
    }
}

/// The `--color` the arguments ask for (`--color WHEN` or `--color=WHEN`), as clap takes it.
fn clap_colour(args: impl Iterator<Item = std::ffi::OsString>) -> ColorChoice {
    let args: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
    let asked = args.iter().enumerate().rev().find_map(|(i, arg)| match arg.strip_prefix("--color") {
        Some("") => args.get(i + 1).cloned(),
        Some(value) => value.strip_prefix('=').map(str::to_owned),
        None => None,
    });
    match asked.as_deref() {
        Some("always") => ColorChoice::Always,
        Some("never") => ColorChoice::Never,
        _ => ColorChoice::Auto,
    }
}

/// A build or check that found errors: each reported, then what it comes to.
fn failed(printer: &Printer, error: BuildError, consequence: &str) -> ExitCode {
    match error {
        BuildError::Manuscript(found) => {
            printer.diagnostics(&found);
            eprintln!("{}{consequence}", diagnostics::summary(&found));
        }
        error => eprintln!("error: {error}"),
    }
    ExitCode::from(exit::FAILURE)
}
