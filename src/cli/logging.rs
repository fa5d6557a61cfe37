//! tracing-subscriber on stderr: `COVGIT_LOG` filters; `-v` raises covgit's own targets,
//! `-q` silences warnings. Default: warnings and errors.

use tracing_subscriber::EnvFilter;

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
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        )
        .try_init();
}
