//! Makes a long manuscript for benchmarks: the article's body repeated as chapters.
//!
//! ```sh
//! longbook [MANUSCRIPT] [CHAPTERS] [OUT]     # defaults: manuscript/russia-1917.md 50 stdout
//! longbook MANUSCRIPT CHAPTERS FOLDER/       # a book folder: book.toml and a file per chapter
//! ```
//!
//! The front matter and the back matter are kept once. Each chapter opens with a
//! `# Chapter N` heading; the article's own headings become its subheadings.
//! Every note label gets the chapter's number, so each chapter cites and defines
//! notes of its own (50 chapters of an 11-note article: 550 notes).
//!
//! An OUT ending in `/` is a book folder instead, as a book is written: the front
//! matter in `book.toml`, each chapter a file of its own (`01.md`, …) with its
//! notes, each opening on a recto. A book folder has no back matter, so the
//! article's is left out.

use std::process::ExitCode;
use std::path::Path;

/// The files the front matter names beside the manuscript (`bibliography`, a `csl` file)
/// copied beside the long book, whose paths start from its own folder.
fn copy_cited_files(book: &str, from: &Path, to: &Path) -> std::io::Result<()> {
    let front_matter = book.split("\n+++\n").next().unwrap_or("");
    for line in front_matter.lines() {
        let Some((key, value)) = line.split_once('=') else { continue };
        if !["bibliography", "csl"].contains(&key.trim()) {
            continue;
        }
        let file = value.trim().trim_matches('"');
        let source = from.parent().unwrap_or(Path::new("")).join(file);
        if source.is_file() {
            std::fs::copy(&source, to.parent().unwrap_or(Path::new("")).join(file))?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().map_or("manuscript/russia-1917.md", String::as_str);
    let chapters: usize = match args.get(1).map(|n| n.parse()) {
        None => 50,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("CHAPTERS must be a whole number above 0");
            return ExitCode::FAILURE;
        }
    };
    let source = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let book = match long_book(&source, chapters) {
        Ok(book) => book,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match args.get(2) {
        Some(folder) if folder.ends_with('/') => {
            if let Err(e) = write_book_folder(&source, chapters, Path::new(path), Path::new(folder)) {
                eprintln!("{folder}: {e}");
                return ExitCode::FAILURE;
            }
        }
        Some(out) => {
            if let Err(e) = std::fs::write(out, &book) {
                eprintln!("{out}: {e}");
                return ExitCode::FAILURE;
            }
            if let Err(e) = copy_cited_files(&book, Path::new(path), Path::new(out)) {
                eprintln!("{out}: {e}");
                return ExitCode::FAILURE;
            }
        }
        None => print!("{book}"),
    }
    ExitCode::SUCCESS
}

/// The manuscript's parts, each a run of whole lines.
struct Parts<'a> {
    front_matter: &'a str,
    body: Vec<&'a str>,
    back_matter: Vec<&'a str>,
    notes: Vec<&'a str>,
}

fn split(source: &str) -> Result<Parts<'_>, String> {
    let rest = source.strip_prefix("+++\n").ok_or("no front matter (`+++` on the first line)")?;
    let end = rest.find("\n+++\n").ok_or("the front matter is not closed with `+++`")?;
    let front_matter = &source[..4 + end + 5];
    let mut parts = Parts { front_matter, body: Vec::new(), back_matter: Vec::new(), notes: Vec::new() };
    let back_titles = back_matter_titles(front_matter);
    let mut in_back = false;
    let mut in_note = false;
    for line in source[front_matter.len()..].lines() {
        if let Some(title) = line.strip_prefix("# ") {
            in_back = back_titles.iter().any(|t| t == title.trim());
        }
        // A note definition runs on over its indented continuation lines.
        if line.starts_with("[^") && line.contains("]:") {
            in_note = true;
        } else if !(line.starts_with("    ") || line.starts_with('\t') || line.is_empty()) {
            in_note = false;
        }
        if in_note {
            parts.notes.push(line);
        } else if in_back {
            parts.back_matter.push(line);
        } else {
            parts.body.push(line);
        }
    }
    Ok(parts)
}

/// The `back_matter = [...]` titles, read plainly: the generator needs no TOML parser.
fn back_matter_titles(front_matter: &str) -> Vec<String> {
    let Some(line) = front_matter.lines().find(|l| l.trim_start().starts_with("back_matter")) else { return Vec::new() };
    line.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

/// `[^label]` → `[^label-cN]`, in references and definitions alike.
fn relabel(line: &str, chapter: usize) -> String {
    let mut out = String::with_capacity(line.len() + 16);
    let mut rest = line;
    while let Some(start) = rest.find("[^") {
        let Some(len) = rest[start..].find(']') else { break };
        out.push_str(&rest[..start + len]);
        out.push_str(&format!("-c{chapter}]"));
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The long book as a folder: `book.toml` (the front matter less its back
/// matter, which a folder does not have) and a file per chapter.
fn write_book_folder(source: &str, chapters: usize, from: &Path, folder: &Path) -> Result<(), String> {
    let parts = split(source)?;
    std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
    let width = chapters.to_string().len();
    let mut keys: String = parts.front_matter.lines().filter(|l| *l != "+++" && !l.trim_start().starts_with("back_matter")).map(|l| format!("{l}\n")).collect();
    let files: Vec<String> = (1..=chapters).map(|chapter| format!("\"{chapter:0width$}.md\"")).collect();
    keys.push_str(&format!("chapters = [{}]\n", files.join(", ")));
    std::fs::write(folder.join("book.toml"), keys).map_err(|e| e.to_string())?;
    for chapter in 1..=chapters {
        let mut out = format!("# Chapter {chapter}\n\n");
        for line in parts.body.iter().chain(std::iter::once(&"")).chain(&parts.notes) {
            let line = relabel(line, chapter);
            match line.strip_prefix("# ") {
                Some(heading) => out.push_str(&format!("## {heading}")),
                None => out.push_str(&line),
            }
            out.push('\n');
        }
        std::fs::write(folder.join(format!("{chapter:0width$}.md")), out).map_err(|e| e.to_string())?;
    }
    copy_cited_files(source, from, &folder.join("book.toml")).map_err(|e| e.to_string())
}

fn long_book(source: &str, chapters: usize) -> Result<String, String> {
    let parts = split(source)?;
    let mut out = String::from(parts.front_matter);
    for chapter in 1..=chapters {
        out.push_str(&format!("\n# Chapter {chapter}\n\n"));
        for line in &parts.body {
            let line = relabel(line, chapter);
            match line.strip_prefix("# ") {
                Some(heading) => out.push_str(&format!("## {heading}")),
                None => out.push_str(&line),
            }
            out.push('\n');
        }
    }
    out.push('\n');
    for line in &parts.back_matter {
        out.push_str(line);
        out.push('\n');
    }
    for chapter in 1..=chapters {
        out.push('\n');
        for line in &parts.notes {
            out.push_str(&relabel(line, chapter));
            out.push('\n');
        }
    }
    Ok(out)
}
