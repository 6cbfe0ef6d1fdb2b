//! The `redflags` command.

fn main() -> std::process::ExitCode {
    redflags::cli::main()
}
