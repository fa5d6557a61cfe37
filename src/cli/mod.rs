//! The command line: a thin shell over `covgit::app`. Declared only from `main.rs`, so clap
//! never reaches the library.

mod args;
mod commands;
mod error;
mod exit;
mod logging;
mod output;

use std::process::ExitCode;

use clap::Parser;

pub fn main() -> ExitCode {
    let args = match args::Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr.
            let code = if e.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    logging::init(args.global.verbose, args.global.quiet);
    match commands::enter(&args.global).and_then(|()| commands::run(&args)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            error::report(&e);
            ExitCode::from(exit::ERROR)
        }
    }
}
