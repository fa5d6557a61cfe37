//! tracing-subscriber on stderr: `COVGIT_LOG` filters; `-v` raises covgit's own targets,
//! `-q` silences warnings. Default: warnings and errors.
//!
//! Every field of every event (the message included) is written escaped, as
//! `render::escape::text` does: warnings quote paths, flags and what the remote sent, and a
//! newline or ESC in one must neither start a line a CI runner obeys nor reach the terminal.
//! The escaping happens per field, before the level's own color codes are added.

use std::fmt;

use tracing::field::{Field, Visit};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::FormatFields;
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
        .fmt_fields(EscapedFields)
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

/// Fields as the default formatter writes them (the message bare, then `name=value`
/// separated by spaces), every value escaped.
struct EscapedFields;

impl<'w> FormatFields<'w> for EscapedFields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'w>, fields: R) -> fmt::Result {
        let mut v = Visitor {
            writer,
            first: true,
            result: Ok(()),
        };
        fields.record(&mut v);
        v.result
    }
}

struct Visitor<'w> {
    writer: Writer<'w>,
    first: bool,
    result: fmt::Result,
}

impl Visitor<'_> {
    fn write(&mut self, f: &Field, value: &str) {
        if self.result.is_err() {
            return;
        }
        let value = covgit::render::escape::text(value);
        let sep = if self.first { "" } else { " " };
        self.first = false;
        self.result = if f.name() == "message" {
            write!(self.writer, "{sep}{value}")
        } else {
            write!(self.writer, "{sep}{}={value}", f.name())
        };
    }
}

impl Visit for Visitor<'_> {
    fn record_str(&mut self, f: &Field, value: &str) {
        if f.name() == "message" {
            self.write(f, value);
        } else {
            self.write(f, &format!("{value:?}"));
        }
    }

    fn record_debug(&mut self, f: &Field, value: &dyn fmt::Debug) {
        self.write(f, &format!("{value:?}"));
    }
}
