//! The `quire` binary: the command line is in `cli/`, the work in the library.

mod cli;

/// See Cargo.toml: glibc's malloc and free were a third of a long book's build.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    small_pages_only();
    cli::run()
}

/// mimalloc asks Linux for transparent huge pages where it may: a long book's
/// build then faulted in 2 MB pages, each zeroed whole however little of it was
/// used (140 of them, 280 MB zeroed), which was most of its system time and
/// raised its peak memory by a tenth; on a busy machine the kernel's search for
/// free huge pages could take longer than the build itself. mimalloc's own
/// switch for this (`MIMALLOC_ALLOW_THP=0`) is only read from the environment.
fn small_pages_only() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes no pointers; it only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
