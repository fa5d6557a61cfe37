//! Where output goes and whether it is colored: decided once, here; and `note!`, the one
//! way a command writes a line on stderr.

use std::io::{IsTerminal, Write};

use covgit::render::Palette;

/// The palette for a format written on stdout: colored only for a `styled` format (text),
/// on a terminal, and when `NO_COLOR` is unset. The one place that chooses color.
pub fn palette(styled: bool) -> Palette {
    if styled
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    {
        Palette::colorized()
    } else {
        Palette::default()
    }
}

/// Runs `f` against a buffered stdout; a closed pipe (`covgit log | head`) ends quietly.
pub fn with_stdout(f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match f(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Writes one line on stderr, escaped as `render::escape::line` does: what commands say on
/// stderr quotes paths, flags, refs and remotes, which must never end the line early or
/// start one a CI runner would obey. Takes `format!` arguments.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::cli::output::note_line(&format!($($arg)*))
    };
}
pub(crate) use note;

/// The body of [`note!`].
pub fn note_line(line: &str) {
    eprintln!("{}", covgit::render::escape::line(line));
}
