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

/// Creates `dir` if missing (with a `.gitignore` of `*` in it) and runs `f` with a writer of
/// files into it: each page's folders are made as needed, an existing file of the same name is replaced, and nothing else in
/// `dir` is touched. The folder may hold what others left (a CI cache, an unpacked artifact),
/// so nothing is written through a symbolic link: a page is written to a temporary file
/// beside it and renamed over its name, which replaces a link there instead of following it,
/// and a link where a folder of the site goes is refused, naming it.
pub fn write_site<T>(
    dir: &std::path::Path,
    f: impl FnOnce(&mut dyn covgit::render::html::SiteWriter) -> std::io::Result<T>,
) -> Result<T, super::error::Error> {
    let failed = |source| super::error::Error::Site {
        dir: dir.to_owned(),
        source,
    };
    let fresh =
        std::fs::symlink_metadata(dir).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    std::fs::create_dir_all(dir).map_err(failed)?;
    if fresh {
        // A site is not part of the repository: a folder covgit makes ignores itself, so
        // `git status` and the next `compare --worktree` never take its pages for changes.
        replace(dir, ".gitignore", IGNORE_ALL.as_bytes()).map_err(failed)?;
    }
    let mut made = std::collections::HashSet::new();
    let mut write = |rel: &str, bytes: &[u8]| -> std::io::Result<()> {
        let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let parent = folders(dir, folder, &mut made)?;
        replace(&parent, name, bytes)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{rel}: {e}")))
    };
    f(&mut write).map_err(failed)
}

/// The `.gitignore` of a site folder covgit creates (delete it to commit the site).
const IGNORE_ALL: &str =
    "# Written by covgit: this folder is a generated site. Delete this file to commit it.\n*\n";

/// Makes the folders of `folder` (`/`-separated, relative to `dir`) one by one, refusing any
/// that is a symbolic link; `made` remembers those already checked.
fn folders(
    dir: &std::path::Path,
    folder: &str,
    made: &mut std::collections::HashSet<String>,
) -> std::io::Result<std::path::PathBuf> {
    let mut path = dir.to_owned();
    let mut at = String::new();
    for part in folder.split('/').filter(|p| !p.is_empty()) {
        path.push(part);
        if !at.is_empty() {
            at.push('/');
        }
        at.push_str(part);
        if made.contains(&at) {
            continue;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&path).unwrap_or_default();
                return Err(std::io::Error::other(format!(
                    "{} is a symbolic link (to '{}'): covgit writes only inside the folder, remove the link",
                    covgit::render::escape::text(&at),
                    covgit::render::escape::text(&target.to_string_lossy()),
                )));
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    format!(
                        "{} is a file where the site needs a folder",
                        covgit::render::escape::text(&at)
                    ),
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir(&path)?,
            Err(e) => return Err(e),
        }
        made.insert(at.clone());
    }
    Ok(path)
}

/// Writes `bytes` as `parent/name` by a new temporary file in `parent` renamed over `name`:
/// a link at `name` is replaced, never followed, and a reader never sees half a page.
fn replace(parent: &std::path::Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    // A new file (`create_new`): a link planted at a temporary name, in a folder others can
    // write to, is never followed; the next free name is taken instead.
    let mut tries = 0;
    let (tmp, file) = loop {
        let tmp = parent.join(format!(
            ".covgit-{}-{}.tmp",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 1000 => tries += 1,
            Err(e) => return Err(e),
        }
    };
    let written = { file }
        .write_all(bytes)
        .and_then(|()| std::fs::rename(&tmp, parent.join(name)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
