//! Reading one file of a commit's tree (e.g. a `go.mod` for path resolution).

use super::{GitError, Repo};
use crate::model::CommitId;

impl Repo {
    /// The content of `path` in `commit`'s tree; `None` when there is no such file.
    pub fn read_file(&self, commit: &CommitId, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        let tree = self.tree(commit)?;
        let read = |source| GitError::Read {
            what: format!("'{path}' in commit {commit}"),
            source,
        };
        let Some(entry) = tree.lookup_entry_by_path(path).map_err(read)? else {
            return Ok(None);
        };
        if !entry.mode().is_blob() {
            return Ok(None);
        }
        let object = entry.object().map_err(read)?;
        Ok(Some(object.detach().data))
    }
}
