//! The compared files' text for the outputs that show code ([`crate::render::Source`]):
//! the base side from the commit the comparison diffs from (the requested base, onto which a
//! pseudo-base's coverage is remapped; in the commit view, the ancestor used), the head side from the head commit or, for a working-tree head, from disk.
//! Bounded: a file over [`MAX_SHOWN_BYTES`] is not shown, nor a binary one, nor a path that
//! is not a regular file of the work tree (a symlink is never followed).

use std::io::Read;
use std::path::Path;

use tracing::debug;

use crate::compare::Sides;
use crate::git::Repo;
use crate::model::CommitId;
use crate::render::{Side, Source, split_lines};

use super::Workspace;

/// The largest file whose lines are shown; a larger one shows none.
pub const MAX_SHOWN_BYTES: u64 = 8 << 20;

/// The lines of the compared files as [`Sides`] names them.
pub struct FileSource<'a> {
    repo: &'a Repo,
    base: CommitId,
    /// `None`: the head is the working tree.
    head: Option<CommitId>,
    root: Option<std::path::PathBuf>,
}

/// The source of the files `sides` compares, read from `ws`'s repository on demand.
pub fn sources<'a>(ws: &'a Workspace, sides: &Sides) -> FileSource<'a> {
    FileSource {
        repo: &ws.repo,
        base: sides.base.diffed().clone(),
        head: sides.head.clone(),
        root: ws.root(),
    }
}

impl FileSource<'_> {
    fn read_commit(&self, commit: &CommitId, path: &str) -> Option<Vec<String>> {
        // A larger blob is not even loaded: its size comes from the object's header.
        match self.repo.read_file_within(commit, path, MAX_SHOWN_BYTES) {
            Ok(Some(data)) => split_lines(&data),
            Ok(None) => None,
            Err(e) => {
                debug!("cannot read '{path}' of {commit}: {e}");
                None
            }
        }
    }

    fn read_disk(&self, path: &str) -> Option<Vec<String>> {
        let root = self.root.as_ref()?;
        let rel = Path::new(path);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return None;
        }
        // No component may be a link: what is shown is the work tree's own file.
        let mut at = root.clone();
        for part in rel.components() {
            at.push(part);
            let meta = std::fs::symlink_metadata(&at).ok()?;
            if meta.file_type().is_symlink() {
                return None;
            }
        }
        let meta = std::fs::symlink_metadata(&at).ok()?;
        if !meta.is_file() || meta.len() > MAX_SHOWN_BYTES {
            return None;
        }
        let mut data = Vec::new();
        std::fs::File::open(&at)
            .ok()?
            .take(MAX_SHOWN_BYTES)
            .read_to_end(&mut data)
            .ok()?;
        split_lines(&data)
    }
}

impl Source for FileSource<'_> {
    fn lines(&self, side: Side, path: &str) -> Option<Vec<String>> {
        match (side, &self.head) {
            (Side::Base, _) => self.read_commit(&self.base, path),
            (Side::Head, Some(head)) => self.read_commit(head, path),
            (Side::Head, None) => self.read_disk(path),
        }
    }
}
