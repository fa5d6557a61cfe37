//! The `covgit` binary: parse arguments, set up logging, run, map the result to an exit status.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
