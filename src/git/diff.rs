//! Tree-to-tree diffs with git's default rename detection, and the line hunks of each
//! changed file.
//!
//! Only changed entries are visited (gix compares tree ids before descending), and only the
//! blobs of changed files are read and line-matched, so the work grows with the change, not
//! with the repository. Binary blobs (a NUL byte in the first 8000 bytes, git's own test) are
//! not line-matched: every old line is treated as replaced by every new line, so nothing is
//! carried over a change git could not show as text.

use gix::ObjectId;
use gix::diff::tree_with_rewrites::Change;

use super::lines::{count_lines, line_hunks};
use super::{GitError, Repo};
use crate::model::{ChangeKind, CommitId, FileChange, Hunk};

impl Repo {
    /// Every file that differs between the trees of `old` and `new`, renames followed (50%
    /// similarity, exact renames first, no copies), with line hunks.
    pub fn diff(&self, old: &CommitId, new: &CommitId) -> Result<Vec<FileChange>, GitError> {
        let old_tree = self.tree(old)?;
        let new_tree = self.tree(new)?;
        let mut options = gix::diff::Options::default();
        options.track_rewrites(Some(gix::diff::Rewrites::default()));
        let changes = self
            .inner
            .diff_tree_to_tree(&old_tree, &new_tree, options)
            .map_err(|source| GitError::Read {
                what: format!("the diff of {old} and {new}"),
                source,
            })?;
        // Reading and line-matching the changed blobs is the work; spread it over the cores.
        // Each thread gets its own handle on the repository (gix handles are not Sync).
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .min(4);
        if threads < 2 || changes.len() < 32 {
            return self.file_changes(changes);
        }
        let shared = self.inner.clone().into_sync();
        let chunk = changes.len().div_ceil(threads);
        let mut parts: Vec<Vec<Change>> = Vec::with_capacity(threads);
        let mut rest = changes.into_iter();
        loop {
            let part: Vec<Change> = rest.by_ref().take(chunk).collect();
            if part.is_empty() {
                break;
            }
            parts.push(part);
        }
        let results: Vec<Result<Vec<FileChange>, GitError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = parts
                .into_iter()
                .map(|part| {
                    let shared = &shared;
                    scope.spawn(move || {
                        let repo = Repo {
                            inner: shared.to_thread_local(),
                        };
                        repo.file_changes(part)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        let mut out = Vec::new();
        for r in results {
            out.extend(r?);
        }
        Ok(out)
    }

    fn file_changes(&self, changes: Vec<Change>) -> Result<Vec<FileChange>, GitError> {
        let mut out = Vec::with_capacity(changes.len());
        for change in changes {
            if let Some(fc) = self.file_change(change)? {
                out.push(fc);
            }
        }
        Ok(out)
    }

    fn file_change(&self, change: Change) -> Result<Option<FileChange>, GitError> {
        let path = |p: &gix::bstr::BString| String::from_utf8_lossy(p).into_owned();
        Ok(Some(match change {
            Change::Addition {
                location,
                entry_mode,
                id,
                ..
            } => {
                if !entry_mode.is_blob_or_symlink() {
                    return Ok(None);
                }
                self.added(path(&location), id)?
            }
            Change::Deletion {
                location,
                entry_mode,
                id,
                ..
            } => {
                if !entry_mode.is_blob_or_symlink() {
                    return Ok(None);
                }
                self.deleted(path(&location), id)?
            }
            Change::Modification {
                location,
                previous_entry_mode,
                previous_id,
                entry_mode,
                id,
            } => match (
                previous_entry_mode.is_blob_or_symlink(),
                entry_mode.is_blob_or_symlink(),
            ) {
                // A mode-only change leaves every line where it was.
                (true, true) if previous_id == id => return Ok(None),
                (true, true) => FileChange {
                    old_path: Some(path(&location)),
                    new_path: Some(path(&location)),
                    kind: ChangeKind::Modified,
                    hunks: self.blob_hunks(previous_id, id)?,
                },
                (true, false) => self.deleted(path(&location), previous_id)?,
                (false, true) => self.added(path(&location), id)?,
                (false, false) => return Ok(None),
            },
            Change::Rewrite {
                source_location,
                source_entry_mode,
                source_id,
                entry_mode,
                id,
                location,
                copy,
                ..
            } => {
                if copy
                    || !source_entry_mode.is_blob_or_symlink()
                    || !entry_mode.is_blob_or_symlink()
                {
                    return Ok(None);
                }
                let hunks = if source_id == id {
                    Vec::new()
                } else {
                    self.blob_hunks(source_id, id)?
                };
                FileChange {
                    old_path: Some(path(&source_location)),
                    new_path: Some(path(&location)),
                    kind: ChangeKind::Renamed,
                    hunks,
                }
            }
        }))
    }

    fn added(&self, path: String, id: ObjectId) -> Result<FileChange, GitError> {
        let n = count_lines(&self.blob(id)?);
        Ok(FileChange {
            old_path: None,
            new_path: Some(path),
            kind: ChangeKind::Added,
            hunks: whole(0, n),
        })
    }

    fn deleted(&self, path: String, id: ObjectId) -> Result<FileChange, GitError> {
        let n = count_lines(&self.blob(id)?);
        Ok(FileChange {
            old_path: Some(path),
            new_path: None,
            kind: ChangeKind::Deleted,
            hunks: whole(n, 0),
        })
    }

    fn blob_hunks(&self, old: ObjectId, new: ObjectId) -> Result<Vec<Hunk>, GitError> {
        let (a, b) = (self.blob(old)?, self.blob(new)?);
        if is_binary(&a) || is_binary(&b) {
            return Ok(whole(count_lines(&a), count_lines(&b)));
        }
        Ok(line_hunks(&a, &b))
    }

    fn blob(&self, id: ObjectId) -> Result<Vec<u8>, GitError> {
        let mut blob = self.inner.find_blob(id).map_err(|source| GitError::Read {
            what: format!("blob {id}"),
            source,
        })?;
        Ok(blob.take_data())
    }
}

/// One hunk replacing all `old_len` lines by all `new_len` lines; none when both are empty.
fn whole(old_len: u32, new_len: u32) -> Vec<Hunk> {
    if old_len == 0 && new_len == 0 {
        return Vec::new();
    }
    vec![Hunk {
        old_start: 1,
        old_len,
        new_start: 1,
        new_len,
    }]
}

/// git's test for binary content: a NUL byte in the first 8000 bytes.
fn is_binary(data: &[u8]) -> bool {
    data[..data.len().min(8000)].contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::fixture::{DIFF, build};
    use ChangeKind::{Added, Deleted, Modified, Renamed};

    fn hunk(old_start: u32, old_len: u32, new_start: u32, new_len: u32) -> Hunk {
        Hunk {
            old_start,
            old_len,
            new_start,
            new_len,
        }
    }

    fn change(
        old: Option<&str>,
        new: Option<&str>,
        kind: ChangeKind,
        hunks: Vec<Hunk>,
    ) -> FileChange {
        FileChange {
            old_path: old.map(str::to_owned),
            new_path: new.map(str::to_owned),
            kind,
            hunks,
        }
    }

    #[test]
    fn diff_reports_every_kind_of_change_with_exact_hunks() {
        let dir = build(DIFF, &[]);
        let repo = Repo::discover(dir.path()).unwrap();
        let (old, new) = (repo.resolve("old").unwrap(), repo.resolve("new").unwrap());
        let mut got = repo.diff(&old, &new).unwrap();
        got.sort_by(|a, b| {
            let key = |c: &FileChange| c.new_path.clone().or(c.old_path.clone());
            key(a).cmp(&key(b))
        });
        let want = vec![
            change(None, Some("add.txt"), Added, vec![hunk(1, 0, 1, 4)]),
            // Binary: every old line is replaced by every new line.
            change(
                Some("bin.dat"),
                Some("bin.dat"),
                Modified,
                vec![hunk(1, 2, 1, 3)],
            ),
            // "y\r\n" -> "Y\r\n" and "z\r\n" -> "z\n": line endings count.
            change(
                Some("crlf.txt"),
                Some("crlf.txt"),
                Modified,
                vec![hunk(2, 2, 2, 2)],
            ),
            change(Some("del.txt"), None, Deleted, vec![hunk(1, 3, 1, 0)]),
            // line 3 replaced; a line inserted after line 7 starts at old line 8.
            change(
                Some("mod.txt"),
                Some("mod.txt"),
                Modified,
                vec![hunk(3, 1, 3, 1), hunk(8, 0, 8, 1)],
            ),
            // The last line lost its newline, so it changed.
            change(
                Some("nonl.txt"),
                Some("nonl.txt"),
                Modified,
                vec![hunk(3, 1, 3, 1)],
            ),
            change(Some("ren.txt"), Some("ren2.txt"), Renamed, vec![]),
            change(
                Some("renedit.txt"),
                Some("renedit2.txt"),
                Renamed,
                vec![hunk(5, 1, 5, 1)],
            ),
        ];
        // mode.sh only became executable: same blob, not listed.
        assert_eq!(got, want);
    }

    #[test]
    fn many_changed_files_are_diffed_in_parallel_with_the_same_answer() {
        // Enough files to take the threaded path; each gains a line at the top, and a few are
        // renamed, added and deleted.
        let script = r#"
            git init -q -b main . && mkdir src
            for i in $(seq 1 60); do printf 'f%s\nbody\nend\n' "$i" > src/f$i.txt; done
            git add -A && git commit -qm old && git tag old
            for i in $(seq 1 50); do printf 'new\nf%s\nbody\nend\n' "$i" > src/f$i.txt; done
            git mv src/f51.txt src/moved.txt && rm src/f52.txt && printf 'x\n' > src/added.txt
            git add -A && git commit -qm new && git tag new
        "#;
        let dir = build(script, &[]);
        let repo = Repo::discover(dir.path()).unwrap();
        let (old, new) = (repo.resolve("old").unwrap(), repo.resolve("new").unwrap());
        let got = repo.diff(&old, &new).unwrap();
        assert_eq!(got.len(), 53);
        let modified: Vec<&FileChange> = got.iter().filter(|c| c.kind == Modified).collect();
        assert_eq!(modified.len(), 50);
        assert!(
            modified.iter().all(|c| c.hunks == [hunk(1, 0, 1, 1)]),
            "{modified:?}"
        );
        assert!(got.contains(&change(
            Some("src/f51.txt"),
            Some("src/moved.txt"),
            Renamed,
            vec![]
        )));
        assert!(got.contains(&change(
            Some("src/f52.txt"),
            None,
            Deleted,
            vec![hunk(1, 3, 1, 0)]
        )));
        assert!(got.contains(&change(
            None,
            Some("src/added.txt"),
            Added,
            vec![hunk(1, 0, 1, 1)]
        )));
    }

    #[test]
    fn diff_of_a_commit_with_itself_is_empty() {
        let dir = build(DIFF, &[]);
        let repo = Repo::discover(dir.path()).unwrap();
        let new = repo.resolve("new").unwrap();
        assert_eq!(repo.diff(&new, &new).unwrap(), vec![]);
    }

    #[test]
    fn binary_is_git_s_nul_test() {
        assert!(is_binary(b"a\0b"));
        assert!(!is_binary(b"plain\ntext\n"));
        let mut late = vec![b'a'; 8000];
        late.push(0);
        assert!(!is_binary(&late));
    }
}
