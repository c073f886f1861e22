//! The command line itself, through the real binary: each command's `--help` (complete, and
//! what the README documents), the output flags, the exit codes, the completions and the
//! man pages, and `quire check` giving the warnings only a build's typesetting finds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const QUIRE: &str = env!("CARGO_BIN_EXE_quire");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn manuscript(name: &str) -> PathBuf {
    root().join("tests/manuscripts").join(name)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn quire(args: &[&str]) -> Output {
    Command::new(QUIRE).args(args).env_remove("NO_COLOR").output().expect("quire runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The long options a command's `--help` lists, in its order.
fn options_in_help(command: &str) -> Vec<String> {
    let help = text(&quire(&[command, "--help"]).stdout);
    help.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("-").filter(|_| line.len() > 3 && line.as_bytes()[2] == b',').map_or(line, |rest| rest[3..].trim_start());
            let option = line.strip_prefix("--")?;
            Some(format!("--{}", option.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).next().unwrap()))
        })
        .collect()
}

#[test]
fn each_commands_help_lists_exactly_its_options_and_the_readme_documents_them() {
    let expected: &[(&str, &[&str])] = &[
        ("build", &["--resources", "--out", "--help", "--format", "--style", "--signatures", "--pages", "--pdf-standard", "--marks", "--two-pass", "--quiet", "--verbose", "--color", "--timings"]),
        ("watch", &["--resources", "--out", "--help", "--format", "--style", "--signatures", "--pages", "--pdf-standard", "--marks", "--two-pass", "--quiet", "--verbose", "--color"]),
        ("check", &["--resources", "--help", "--format", "--style", "--signatures", "--pages", "--pdf-standard", "--quiet", "--verbose", "--color"]),
        ("new", &["--help", "--quiet", "--verbose", "--color"]),
        ("completions", &["--help", "--quiet", "--verbose", "--color"]),
        ("man", &["--out", "--help", "--quiet", "--verbose", "--color"]),
    ];
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for (command, options) in expected {
        assert_eq!(options_in_help(command), *options, "quire {command} --help");
        assert!(readme.contains(&format!("quire {command}")), "the README shows `quire {command}`");
        for option in *options {
            assert!(readme.contains(&format!("`{option}")) || *option == "--help", "the README documents {option}");
        }
    }
    // Short forms, and every command in the top-level help with the exit codes.
    let help = text(&quire(&["build", "--help"]).stdout);
    for short in ["-o, --out <DIR>", "-q, --quiet", "-v, --verbose", "--color <WHEN>", "[default: dist]", "[possible values: auto, always, never]"] {
        assert!(help.contains(short), "{short} in {help}");
    }
    let top = text(&quire(&["--help"]).stdout);
    for line in ["  build", "  watch", "  check", "  new", "  completions", "  man", "  130  `quire watch` stopped by Ctrl-C"] {
        assert!(top.contains(line), "{line} in {top}");
    }
}

#[test]
fn a_build_closes_with_one_line_and_quiet_and_verbose_change_what_is_printed() {
    let out = temp_dir("summary");
    let out_arg = out.to_str().unwrap();
    let clean = manuscript("clean.md");
    let run = quire(&["build", clean.to_str().unwrap(), "-o", out_arg]);
    assert_eq!(run.status.code(), Some(0));
    let stdout = text(&run.stdout);
    assert!(stdout.starts_with("4 editions of \"A short test\" in "), "{stdout}");
    assert!(stdout.ends_with(&format!(" → {out_arg}/\n")) && stdout.lines().count() == 1, "{stdout}");
    assert!(out.join("clean.epub").is_file() && out.join("clean-booklet-letter.pdf").is_file());
    assert!(run.stderr.is_empty(), "{}", text(&run.stderr));

    let quiet = quire(&["build", clean.to_str().unwrap(), "-q", "-o", out_arg]);
    assert_eq!(quiet.status.code(), Some(0));
    assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty());

    let verbose = quire(&["-v", "build", clean.to_str().unwrap(), "--format", "epub,pdf", "-o", out_arg]);
    let stdout = text(&verbose.stdout);
    assert_eq!(stdout.lines().filter(|l| l.starts_with("wrote ")).count(), 2, "{stdout}");
    assert!(stdout.lines().last().unwrap().starts_with("2 editions of"), "{stdout}");
    let stderr = text(&verbose.stderr);
    assert!(stderr.contains("line breaking") && stderr.contains("EPUB packaging"), "the stages' times: {stderr}");

    // Warnings are printed, and counted in the closing line; --quiet leaves them out.
    let warned = manuscript("stray-emphasis.md");
    let run = quire(&["build", warned.to_str().unwrap(), "-o", out_arg]);
    assert!(text(&run.stderr).contains("warning: `*` opens or closes no emphasis"));
    assert!(text(&run.stdout).trim_end().ends_with(&format!(" → {out_arg}/ (2 warnings)")), "{}", text(&run.stdout));
    let run = quire(&["build", warned.to_str().unwrap(), "--quiet", "-o", out_arg]);
    assert!(run.stderr.is_empty() && run.stdout.is_empty(), "{}", text(&run.stderr));
    assert_eq!(quire(&["build", "-q", "-v"]).status.code(), Some(2), "--quiet and --verbose conflict");
    std::fs::remove_dir_all(&out).unwrap();
}

/// 0 for success (warnings allowed), 1 for errors, 2 for a usage error: for build and check.
#[test]
fn exit_codes_are_0_1_and_2() {
    let out = temp_dir("exit");
    let out_arg = out.to_str().unwrap();
    let (clean, warned, broken) = (manuscript("clean.md"), manuscript("stray-emphasis.md"), manuscript("undefined-note.md"));
    for command in ["build", "check"] {
        let with = |file: &Path| {
            let mut args = vec![command, file.to_str().unwrap()];
            if command == "build" {
                args.extend(["-o", out_arg]);
            }
            quire(&args).status.code()
        };
        assert_eq!(with(&clean), Some(0), "{command}");
        assert_eq!(with(&warned), Some(0), "{command}: warnings are not errors");
        assert_eq!(with(&broken), Some(1), "{command}");
        assert_eq!(with(&manuscript("no-such-file.md")), Some(1), "{command}");
        assert_eq!(quire(&[command, "--no-such-option"]).status.code(), Some(2), "{command}");
        assert_eq!(quire(&[command, "--color", "sometimes"]).status.code(), Some(2), "{command}");
    }
    assert_eq!(quire(&["no-such-command"]).status.code(), Some(2));
    assert_eq!(quire(&["completions", "tcsh"]).status.code(), Some(2));
    std::fs::remove_dir_all(&out).unwrap();
}

/// `--color always` colours even a pipe and wins over NO_COLOR; `never` wins over a terminal
/// (which the check catalogue's test gives quire through `script`).
#[test]
fn color_always_and_never_override_the_default() {
    let broken = manuscript("undefined-note.md");
    let run = |color: &str, no_color: bool| {
        let mut command = Command::new(QUIRE);
        command.args(["check", broken.to_str().unwrap(), "--color", color]).env_remove("NO_COLOR");
        if no_color {
            command.env("NO_COLOR", "1");
        }
        text(&command.output().unwrap().stderr)
    };
    assert!(run("always", true).contains("\x1b[1;31merror\x1b[0m"));
    assert!(!run("auto", false).contains('\x1b'), "a pipe is not coloured");
    assert!(!run("never", false).contains('\x1b'));
    // clap's usage errors follow it too.
    let usage = Command::new(QUIRE).args(["--color=always", "build", "--no-such-option"]).output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
    assert!(text(&usage.stderr).contains("\x1b["), "{:?}", text(&usage.stderr));
    let usage = Command::new(QUIRE).args(["build", "--no-such-option", "--color", "never"]).output().unwrap();
    assert!(!text(&usage.stderr).contains('\x1b'), "{:?}", text(&usage.stderr));
    let Ok(_) = Command::new("script").arg("--version").output() else {
        panic!("`script` (util-linux) is needed to give quire a terminal");
    };
    let command = format!("{QUIRE} check {} --color never", broken.display());
    let on_terminal = Command::new("script").args(["-qec", &command, "/dev/null"]).env_remove("NO_COLOR").output().unwrap();
    let shown = text(&on_terminal.stdout);
    assert!(shown.contains("error: note reference") && !shown.contains("\x1b[1;31m"), "{shown:?}");
}

#[test]
fn completions_and_man_pages_are_made_from_the_same_definitions() {
    let bash = quire(&["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0));
    let script = text(&bash.stdout);
    for word in ["_quire()", "watch", "completions", "--signatures", "--color", "booklet-letter"] {
        assert!(script.contains(word), "{word} in the bash completions");
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let run = quire(&["completions", shell]);
        assert!(run.status.success() && text(&run.stdout).contains("watch"), "{shell}");
    }

    let page = text(&quire(&["man"]).stdout);
    for part in [".TH quire 1", "quire\\-watch(1)", "quire\\-completions(1)", "130  `quire watch` stopped by Ctrl\\-C"] {
        assert!(page.contains(part), "{part} in {page}");
    }
    let folder = temp_dir("man");
    let run = quire(&["man", "--out", folder.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    for name in ["quire.1", "quire-build.1", "quire-watch.1", "quire-check.1", "quire-new.1", "quire-completions.1", "quire-man.1"] {
        assert!(folder.join(name).is_file(), "{name} is written");
    }
    let watch = std::fs::read_to_string(folder.join("quire-watch.1")).unwrap();
    assert!(watch.contains("\\-\\-out") && watch.contains("Ctrl\\-C"), "{watch}");
    std::fs::remove_dir_all(&folder).unwrap();
}

/// `quire check` finds what a build's typesetting finds: no hyphenation patterns for the
/// language, which only `quire build` said before; and `--style` is read as a build reads it.
#[test]
fn check_gives_every_warning_build_gives() {
    let dir = temp_dir("check-parity");
    let file = dir.join("swahili.md");
    std::fs::write(&file, "+++\ntitle = \"Habari\"\nauthor = \"A. Writer\"\nlanguage = \"sw\"\n+++\n\nHabari ya asubuhi.\n").unwrap();
    let check = quire(&["check", file.to_str().unwrap()]);
    let build = quire(&["build", file.to_str().unwrap(), "-o", dir.join("out").to_str().unwrap()]);
    let (checked, built) = (text(&check.stderr), text(&build.stderr));
    let hyphenation = "warning: no hyphenation patterns for `sw`; the PDF is set without hyphenation";
    assert!(checked.contains(hyphenation), "{checked}");
    assert!(built.contains(hyphenation), "{built}");
    assert!(checked.ends_with("swahili.md: 0 errors, 1 warning\n"), "{checked}");
    assert_eq!(check.status.code(), Some(0));
    assert!(!dir.join("swahili.pdf").exists() && std::fs::read_dir(&dir).unwrap().count() == 2, "check writes nothing");

    let style = dir.join("broken.toml");
    std::fs::write(&style, "[page\n").unwrap();
    let check = quire(&["check", file.to_str().unwrap(), "--style", style.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(1), "a style that cannot be read fails the check as it fails the build");
    assert!(text(&check.stderr).starts_with("error: "), "{}", text(&check.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}
