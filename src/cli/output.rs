//! Where output goes and whether it is colored: decided once, here. What is written is
//! `covgit::render`'s: stdout for results, stderr for what a command says it did.

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

/// Runs `f` against stderr, where commands say what they did (`covgit::render`'s note
/// functions). A note that cannot be written (stderr closed) is dropped: the work is done.
pub fn with_stderr(f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let _ = f(&mut std::io::stderr().lock());
}

/// Creates `dir` if missing and runs `f` with a writer of files into it: each page's folders
/// are made as needed, an existing file of the same name is overwritten, and nothing else in
/// `dir` is touched.
pub fn write_site<T>(
    dir: &std::path::Path,
    f: impl FnOnce(&mut dyn covgit::render::html::SiteWriter) -> std::io::Result<T>,
) -> Result<T, super::error::Error> {
    let failed = |source| super::error::Error::Site {
        dir: dir.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let mut made = std::collections::HashSet::new();
    let mut write = |rel: &str, bytes: &[u8]| -> std::io::Result<()> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent()
            && !made.contains(parent)
        {
            std::fs::create_dir_all(parent)?;
            made.insert(parent.to_owned());
        }
        std::fs::write(&path, bytes)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{rel}: {e}")))
    };
    f(&mut write).map_err(failed)
}
