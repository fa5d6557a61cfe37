//! tracing-subscriber on stderr: `COVGIT_LOG` filters; `-v` raises covgit's own targets,
//! `-q` silences warnings. Default: warnings and errors.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

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
