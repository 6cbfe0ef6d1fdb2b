//! The `redflags` command.

// Polars allocates many small buffers from many threads; mimalloc is much faster at that than
// the system allocator and returns memory more readily.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    redflags::memory::small_pages_only();
    redflags::memory::purge_as_size_fits();
    redflags::memory::watch_resident();
    redflags::cli::main()
}
