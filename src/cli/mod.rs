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
    let mut text = e.render().to_string();
    // The value typed, shown whole on its line: a newline in it reads `\n`, not a new line.
    for (_, value) in e.context() {
        let values = match value {
            clap::error::ContextValue::String(v) => std::slice::from_ref(v),
            clap::error::ContextValue::Strings(v) => v.as_slice(),
            _ => &[],
        };
        for v in values {
            let shown = covgit::render::escape::text(v);
            if shown != v.as_str() {
                // As rendered (escape sequences dropped), and quoted, so that only the value
                // is replaced, never a bare newline of the message.
                let rendered = clap::builder::StyledStr::from(v.clone()).to_string();
                text = text.replace(&format!("'{rendered}'"), &format!("'{shown}'"));
            }
        }
    }
    for l in text.lines() {
        eprintln!("{}", covgit::render::escape::line(l));
    }
}
