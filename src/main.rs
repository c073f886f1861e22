//! The `quire` binary: the command line is in `cli/`, the work in the library.

mod cli;

/// See Cargo.toml: glibc's malloc and free were a third of a long book's build.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
