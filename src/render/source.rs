//! The text of the compared files, for the outputs that show code (the problem lines of
//! text and Markdown, the HTML pages). Renderers ask for it through [`Source`]; the caller
//! reads it (from git for a commit, from disk for the working tree: `app::sources`), so
//! nothing here touches git.

/// Which side of a comparison a file or line is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The base commit the comparison diffs from: the requested base (a pseudo-base's
    /// coverage is remapped onto it), or in the commit view the ancestor used.
    Base,
    /// The head commit, or the working tree.
    Head,
}

/// The lines of a compared file, read on demand. An implementation bounds what it reads:
/// a file too large to show, binary, absent, or reached through a link out of the
/// repository is `None`.
pub trait Source {
    /// The lines of `path` on `side`, without their line endings, decoded lossily as UTF-8.
    /// Not escaped: the renderer escapes for its format.
    fn lines(&self, side: Side, path: &str) -> Option<Vec<String>>;
}

/// A source that has no file: outputs show no code.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSource;

impl Source for NoSource {
    fn lines(&self, _side: Side, _path: &str) -> Option<Vec<String>> {
        None
    }
}

/// Splits a file's bytes into lines as git counts them (a last line without a newline
/// counts; a trailing newline does not start one), dropping `\r` before `\n`. `None` for
/// binary content (a NUL in the first 8,000 bytes, as git decides).
pub fn split(data: &[u8]) -> Option<Vec<String>> {
    if data[..data.len().min(8000)].contains(&0) {
        return None;
    }
    let mut lines: Vec<String> = data
        .split(|&b| b == b'\n')
        .map(|l| String::from_utf8_lossy(l.strip_suffix(b"\r").unwrap_or(l)).into_owned())
        .collect();
    if data.ends_with(b"\n") || data.is_empty() {
        lines.pop();
    }
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_as_git_counts_them() {
        assert_eq!(split(b"a\nb\n").unwrap(), ["a", "b"]);
        assert_eq!(split(b"a\r\nb").unwrap(), ["a", "b"]);
        assert_eq!(split(b"").unwrap(), Vec::<String>::new());
        assert_eq!(split(b"\n").unwrap(), [""]);
        assert!(split(b"a\0b").is_none());
        assert_eq!(split(b"caf\xe9\n").unwrap(), ["caf\u{fffd}"]);
    }
}
