//! Where a build's time goes, stage by stage, for `quire build --timings`.
//!
//! A stage is just a name: code that wants to be measured calls [`Timings::time`]
//! or [`Timings::add`] with a new name, and the report lists it in the order it
//! was first seen. Work done on another thread is timed into that thread's own
//! `Timings` and merged after the join, so no locking is needed.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
pub struct Timings {
    stages: Vec<(&'static str, Duration)>,
}

impl Timings {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `elapsed` to `stage`; a stage timed several times is summed.
    pub fn add(&mut self, stage: &'static str, elapsed: Duration) {
        match self.stages.iter_mut().find(|(name, _)| *name == stage) {
            Some((_, total)) => *total += elapsed,
            None => self.stages.push((stage, elapsed)),
        }
    }

    pub fn time<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = work();
        self.add(stage, start.elapsed());
        result
    }

    /// Takes in the stages timed on another thread.
    pub fn merge(&mut self, other: Timings) {
        for (stage, elapsed) in other.stages {
            self.add(stage, elapsed);
        }
    }

    pub fn get(&self, stage: &str) -> Option<Duration> {
        self.stages.iter().find(|(name, _)| *name == stage).map(|(_, d)| *d)
    }

    pub fn stages(&self) -> &[(&'static str, Duration)] {
        &self.stages
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let width = self.stages.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
        for (name, elapsed) in &self.stages {
            writeln!(f, "{name:<width$}  {:>9.2} ms", elapsed.as_secs_f64() * 1000.0)?;
        }
        Ok(())
    }
}

/// The stages `build` reports, in pipeline order. A new edition or pass adds its own name here.
pub mod stage {
    /// Reading the manuscript and fonts and every check of `quire check`
    /// (parsing, notes, typography, glyph coverage): one pass, as a build must refuse bad input.
    pub const CHECK: &str = "read + check (parse, notes, typography, fonts)";
    pub const EPUB_COVER: &str = "EPUB cover";
    pub const EPUB_DOCUMENTS: &str = "EPUB documents";
    pub const EPUB_FONTS: &str = "EPUB font subsetting";
    pub const EPUB_PACKAGE: &str = "EPUB packaging (zip)";
    /// Loading the hyphenation patterns for the manuscript's language.
    pub const HYPHENATION: &str = "hyphenation patterns";
    /// Collecting the paragraphs from the model, shaping them and finding
    /// their hyphenation points.
    pub const TEXT: &str = "shaping + text preparation";
    pub const LINE_BREAKING: &str = "line breaking";
    pub const PAGE_BREAKING: &str = "page breaking + makeup";
    pub const PDF: &str = "PDF writing";
    pub const IMPOSITION: &str = "booklet imposition";
    pub const OUTPUT: &str = "writing files";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_sum_and_keep_the_order_first_seen() {
        let mut main = Timings::new();
        main.add("parse", Duration::from_millis(2));
        main.add("pdf", Duration::from_millis(5));
        main.add("parse", Duration::from_millis(1));
        let mut other = Timings::new();
        other.add("epub", Duration::from_millis(7));
        other.add("pdf", Duration::from_millis(1));
        main.merge(other);
        let names: Vec<&str> = main.stages().iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["parse", "pdf", "epub"]);
        assert_eq!(main.get("parse"), Some(Duration::from_millis(3)));
        assert_eq!(main.get("pdf"), Some(Duration::from_millis(6)));
        assert_eq!(main.time("epub", || 42), 42);
        // `time` keeps the stage's total (this fails if it replaced it)…
        let before = main.get("epub").unwrap();
        assert!(before >= Duration::from_millis(7), "{before:?}");
        // …and adds what its closure took (this fails if it added nothing).
        main.time("epub", || std::thread::sleep(Duration::from_millis(2)));
        let after = main.get("epub").unwrap();
        assert!(after.checked_sub(before).is_some_and(|grown| grown >= Duration::from_millis(2)), "2 ms of sleep took the total from {before:?} to {after:?}");
        assert!(main.to_string().lines().next().unwrap().starts_with("parse "));
    }
}
