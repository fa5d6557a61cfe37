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
            if e.use_stderr() {
                usage_error(&e);
            } else {
                let _ = e.print();
            }
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

/// clap's usage error, which quotes the value typed (a flag or format name, possibly from a
/// CI variable): printed plain (clap's rendering drops escape sequences), every line
/// escaped, so no value can start a CI workflow command or reach the terminal raw.
fn usage_error(e: &clap::Error) {
    for l in e.render().to_string().lines() {
        eprintln!("{}", covgit::render::escape::line(l));
    }
}
