//! The `authrs` binary; everything lives in the library, see [`authrs_server::cli`].
#![forbid(unsafe_code)]

use clap::Parser;

/// jemalloc, with its background thread, returns freed memory to the OS once it has been
/// unused for a few seconds, whichever thread freed it. With glibc's allocator each argon2
/// verification (19 MiB) stayed resident after a sign-in, so an idle server sat at 40+ MiB.
/// It is also faster on the many small allocations of a request.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    authrs_server::cli::run(authrs_server::cli::Cli::parse())
}
