//! Repository-relative paths.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not a repository-relative path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{path}' is not a repository-relative path: {why}")]
pub struct InvalidPath {
    pub path: String,
    pub why: &'static str,
}

/// A path relative to the repository root with `/` separators, as it appears in a git tree:
/// not empty, no leading or trailing `/`, no `.`, `..` or empty components, no `\` or NUL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RepoPath(String);

impl RepoPath {
    pub fn new(path: &str) -> Result<Self, InvalidPath> {
        let bad = |why| {
            Err(InvalidPath {
                path: path.to_owned(),
                why,
            })
        };
        if path.is_empty() {
            return bad("it is empty");
        }
        if path.contains('\0') {
            return bad("it contains a NUL byte");
        }
        if path.contains('\\') {
            return bad("it contains a backslash");
        }
        if path.starts_with('/') {
            return bad("it is absolute");
        }
        if path
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
        {
            return bad("it has an empty, '.' or '..' component");
        }
        Ok(Self(path.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RepoPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RepoPath {
    type Error = InvalidPath;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<RepoPath> for String {
    fn from(p: RepoPath) -> Self {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_tree_paths_only() {
        assert!(RepoPath::new("src/a.py").is_ok());
        for bad in ["", "/abs", "a//b", "a/./b", "../x", "a\\b", "a/", "a\0b"] {
            assert!(RepoPath::new(bad).is_err(), "{bad:?} accepted");
        }
    }
}
