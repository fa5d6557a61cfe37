//! Links from a `path:line` of the Markdown comment to the forge that hosts the repository
//! (SPEC "Reports for people"): derived from the remote's URL, pinned to the head commit, or
//! given as `--link-template`.

/// How a `path` and line range become a URL; none by default (plain text).
#[derive(Debug, Clone, Default)]
pub struct Links {
    _private: (),
}

impl Links {
    /// No links: every `path:line` stays plain text.
    pub fn none() -> Self {
        Self::default()
    }

    /// The URL of lines `start..=end` of `path` at the pinned commit, `None` without a forge.
    pub fn url(&self, _path: &str, _start: u32, _end: u32) -> Option<String> {
        None
    }
}
