//! `quire watch`: build, then rebuild on every change, one line each, until Ctrl-C.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use quire::watch::{Watch, Wake};
use quire::{diagnostics, BuildError, BuildOptions};

use super::report::{self, Printer};
use super::exit;

pub fn watch(options: &BuildOptions, printer: &Printer) -> ExitCode {
    // The watch starts before the first build, so that a save during it is seen.
    let mut watch = match Watch::new(options) {
        Ok(watch) => watch,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(exit::FAILURE);
        }
    };
    // A Ctrl-C during a build ends the watch once that build has written its files.
    let stop = watch.stopper();
    if let Err(error) = ctrlc::set_handler(stop) {
        eprintln!("error: cannot take Ctrl-C: {error}");
        return ExitCode::from(exit::FAILURE);
    }
    let folders: Vec<String> = watch.inputs().folders.iter().map(|f| report::folder(f)).collect();
    if !printer.quiet {
        eprintln!("watching {} for changes; Ctrl-C to stop", folders.join(" and "));
    }
    rebuild(options, printer, &[]);
    loop {
        match watch.next() {
            Wake::Changed(paths) => rebuild(options, printer, &paths),
            Wake::Stopped => {
                if !printer.quiet {
                    eprintln!("stopped watching");
                }
                return ExitCode::from(exit::INTERRUPTED);
            }
            Wake::Failed(message) => eprintln!("warning: watching: {message}"),
        }
    }
}

/// One build, closed by one line on standard output: the time of day, what changed, and
/// what was built or what stopped it. The diagnostics come before it, on standard error.
fn rebuild(options: &BuildOptions, printer: &Printer, changed: &[PathBuf]) {
    let start = Instant::now();
    let result = quire::build(options);
    let elapsed = start.elapsed();
    let clock = chrono::Local::now().format("%H:%M:%S");
    let cause = match changed {
        [] => String::new(),
        [one] => format!("{} changed: ", shown(one)),
        [first, rest @ ..] => format!("{} and {} more changed: ", shown(first), rest.len()),
    };
    match result {
        Ok(built) => {
            printer.diagnostics(&built.warnings);
            printer.built(&built, &options.out_dir, elapsed, &format!("[{clock}] {cause}"));
        }
        Err(BuildError::Manuscript(found)) => {
            printer.diagnostics(&found);
            println!("[{clock}] {cause}{}; the editions in {} are kept as they were", diagnostics::summary(&found), report::folder(&options.out_dir));
        }
        // The error's own words may take several lines: they go with the other reports.
        Err(error) => {
            eprintln!("error: {error}\n");
            println!("[{clock}] {cause}1 error; the editions in {} are kept as they were", report::folder(&options.out_dir));
        }
    }
}

/// A changed file as the line names it: from the current folder when it is inside it.
fn shown(path: &Path) -> String {
    let here = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    match here.as_deref().and_then(|here| path.strip_prefix(here).ok()) {
        Some(inside) => inside.display().to_string(),
        None => path.display().to_string(),
    }
}
