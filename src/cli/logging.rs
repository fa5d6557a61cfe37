//! tracing-subscriber on stderr: `COVGIT_LOG` filters; `-v` raises covgit's own targets,
//! `-q` silences warnings. Default: warnings and errors.
//!
//! Every field of every event (the message included) is written escaped, as
//! `render::escape::text` does: warnings quote paths, flags and what the remote sent, and a
//! newline or ESC in one must neither start a line a CI runner obeys nor reach the terminal.
//! The escaping happens per field, before the level's own color codes are added.

use std::fmt;

use tracing::field::Field;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::field::MakeExt;
use tracing_subscriber::fmt::format::{FmtSpan, Writer};

pub fn init(verbose: u8, quiet: bool) {
    let level = if quiet {
        "error"
    } else {
        match verbose {
            0 => "warn",
            1 => "covgit=info,warn",
            2 => "covgit=debug,warn",
            _ => "covgit=trace,debug",
        }
    };
    let filter = std::env::var("COVGIT_LOG")
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(level));
    // From -vv on, each stage's span reports its time when it closes.
    let spans = if verbose >= 2 {
        FmtSpan::CLOSE
    } else {
        FmtSpan::NONE
    };
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .fmt_fields(tracing_subscriber::fmt::format::debug_fn(field).delimited(" "))
        .with_span_events(spans)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(ansi);
    // Timestamps only where timings are asked for: plain warnings read better without them.
    let _ = if verbose >= 2 {
        builder.try_init()
    } else {
        builder.without_time().try_init()
    };
}

/// One field as `name=value` (the message bare), its value escaped.
fn field(w: &mut Writer<'_>, f: &Field, value: &dyn fmt::Debug) -> fmt::Result {
    let value = format!("{value:?}");
    let value = covgit::render::escape::text(&value);
    if f.name() == "message" {
        write!(w, "{value}")
    } else {
        write!(w, "{}={value}", f.name())
    }
}
