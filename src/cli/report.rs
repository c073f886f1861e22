//! What the commands print. Reports (errors, warnings, timings) go to standard error;
//! results (the closing line of a build, the files written) to standard output, one
//! line each, so that a script can read them.

use std::path::Path;
use std::time::Duration;

use quire::diagnostics::{self, ColourChoice, Diagnostic};
use quire::BuildReport;

use super::args::{Colour, OutputArgs};

/// How much to print (`-q`, `-v`) and whether reports are coloured (`--color`).
pub struct Printer {
    pub quiet: bool,
    pub verbose: bool,
    colour: bool,
}

impl Printer {
    pub fn new(args: &OutputArgs) -> Printer {
        let choice = match args.color {
            Colour::Auto => ColourChoice::Auto,
            Colour::Always => ColourChoice::Always,
            Colour::Never => ColourChoice::Never,
        };
        Printer { quiet: args.quiet, verbose: args.verbose, colour: diagnostics::colour_on_stderr(choice) }
    }

    /// Each problem as rustc reports one; warnings are left out with `--quiet`.
    pub fn diagnostics(&self, found: &[Diagnostic]) {
        for d in found.iter().filter(|d| d.is_error() || !self.quiet) {
            eprintln!("{}\n", d.render(self.colour));
        }
    }

    /// A finished build: with `--verbose` each file written and the stages' times, then
    /// (unless `--quiet`) the closing line, after `prefix`.
    pub fn built(&self, report: &BuildReport, out_dir: &Path, elapsed: Duration, prefix: &str) {
        if self.verbose {
            for file in &report.written {
                println!("wrote {}", file.display());
            }
            self.timings(report);
        }
        if !self.quiet {
            println!("{prefix}{}", summary(report, out_dir, elapsed));
        }
    }

    /// How long each stage took; the editions are made at once, so they need not add up.
    pub fn timings(&self, report: &BuildReport) {
        eprint!("{}", report.timings);
    }
}

/// `4 editions of "Title" in 38 ms → dist/`: the closing line of a build.
pub fn summary(report: &BuildReport, out_dir: &Path, elapsed: Duration) -> String {
    let n = report.editions.len();
    let warnings = report.warnings.len();
    let mut line = format!("{n} edition{} of \"{}\" in {} → {}", plural(n), report.title, duration(elapsed), folder(out_dir));
    if warnings > 0 {
        line.push_str(&format!(" ({warnings} warning{})", plural(warnings)));
    }
    line
}

/// `dist/`: a folder as the closing lines name it.
pub fn folder(path: &Path) -> String {
    let shown = path.display().to_string();
    if shown.ends_with('/') { shown } else { format!("{shown}/") }
}

/// `38 ms` below a second, `1.4 s` from one.
pub fn duration(elapsed: Duration) -> String {
    let ms = elapsed.as_secs_f64() * 1000.0;
    if ms < 1000.0 { format!("{ms:.0} ms") } else { format!("{:.1} s", ms / 1000.0) }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_folders_read_as_people_write_them() {
        assert_eq!(duration(Duration::from_micros(37_600)), "38 ms");
        assert_eq!(duration(Duration::from_millis(1_420)), "1.4 s");
        assert_eq!(folder(Path::new("dist")), "dist/");
        assert_eq!(folder(Path::new("out/")), "out/");
    }
}
