//! Tree-to-tree diffs with git's default rename detection, and the line hunks of each
//! changed file.
//!
//! Only changed entries are visited (gix compares tree ids before descending), and only the
//! blobs of changed files are read and line-matched, so the work grows with the change, not
//! with the repository. Binary blobs (a NUL byte in the first 8000 bytes, git's own test) are
//! not line-matched: every old line is treated as replaced by every new line, so nothing is
//! carried over a change git could not show as text.
//!
//! [`Repo::diff_with_moves`] also hands the changed lines of each batch to `moves.rs`
//! (stripped text only; the blobs are dropped with the batch) and adds the moved blocks and
//! reformatted runs found among them, across all files; binary files take no part.

use gix::ObjectId;
use gix::diff::tree_with_rewrites::Change;

use super::lines::{count_lines, line_hunks};
use super::moves::{Changes, find_relocations};
use super::{GitError, Repo};
use crate::model::{ChangeKind, CommitId, Diff, FileChange, Hunk};

impl Repo {
    /// Every file that differs between the trees of `old` and `new`, renames followed (50%
    /// similarity, exact renames first, no copies), with line hunks.
    pub fn diff(&self, old: &CommitId, new: &CommitId) -> Result<Vec<FileChange>, GitError> {
        self.diff_files(old, new, None)
    }

    /// [`Repo::diff`] plus the moved blocks and reformatted runs among the lines its hunks
    /// remove and add, in every file at once (SPEC "Moved and reformatted code"). Only the
    /// changed lines' stripped text is kept past each batch of blobs; binary files take no
    /// part.
    pub fn diff_with_moves(&self, old: &CommitId, new: &CommitId) -> Result<Diff, GitError> {
        let mut changes = Changes::default();
        let files = self.diff_files(old, new, Some(&mut changes))?;
        let relocations = find_relocations(&changes);
        tracing::debug!(
            files = files.len(),
            relocations = relocations.len(),
            "moved blocks and reformatted runs found"
        );
        Ok(Diff { files, relocations })
    }

    /// The file changes of [`Repo::diff`], each also pushed into `moves` when given.
    fn diff_files(
        &self,
        old: &CommitId,
        new: &CommitId,
        mut moves: Option<&mut Changes>,
    ) -> Result<Vec<FileChange>, GitError> {
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
        // Blobs are read here, on the calling thread: its handle is the one that sees objects
        // held in memory (a working-tree snapshot's), and gix maps each loose object, which
        // costs every other running thread a TLB flush. Line matching, pure work on bytes,
        // is spread over the cores, a batch at a time so memory stays bounded.
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .min(4);
        let mut out = Vec::with_capacity(changes.len());
        let mut rest = changes.into_iter().peekable();
        while rest.peek().is_some() {
            let mut batch = Vec::with_capacity(BATCH);
            for change in rest.by_ref().take(BATCH) {
                if let Some(read) = self.read_change(change)? {
                    batch.push(read);
                }
            }
            match_lines(&mut batch, threads);
            if let Some(moves) = moves.as_deref_mut() {
                for (change, blobs) in &batch {
                    blobs.push_lines(change, moves);
                }
            }
            out.extend(batch.into_iter().map(|(change, _)| change));
        }
        Ok(out)
    }

    /// The change without its hunks, and the blobs they come from; `None` for what has no
    /// lines (trees, submodules, mode-only changes, copies).
    fn read_change(&self, change: Change) -> Result<Option<(FileChange, Blobs)>, GitError> {
        let path = |p: &gix::bstr::BString| String::from_utf8_lossy(p).into_owned();
        let file = |old_path: Option<String>, new_path: Option<String>, kind| FileChange {
            old_path,
            new_path,
            kind,
            hunks: Vec::new(),
        };
        let added = |p: String, id| -> Result<_, GitError> {
            Ok((
                file(None, Some(p), ChangeKind::Added),
                Blobs::New(self.blob(id)?),
            ))
        };
        let deleted = |p: String, id| -> Result<_, GitError> {
            Ok((
                file(Some(p), None, ChangeKind::Deleted),
                Blobs::Old(self.blob(id)?),
            ))
        };
        Ok(Some(match change {
            Change::Addition {
                location,
                entry_mode,
                id,
                ..
            } if entry_mode.is_blob_or_symlink() => added(path(&location), id)?,
            Change::Deletion {
                location,
                entry_mode,
                id,
                ..
            } if entry_mode.is_blob_or_symlink() => deleted(path(&location), id)?,
            Change::Addition { .. } | Change::Deletion { .. } => return Ok(None),
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
                (true, true) => (
                    file(
                        Some(path(&location)),
                        Some(path(&location)),
                        ChangeKind::Modified,
                    ),
                    Blobs::Both(self.blob(previous_id)?, self.blob(id)?),
                ),
                (true, false) => deleted(path(&location), previous_id)?,
                (false, true) => added(path(&location), id)?,
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
                let blobs = if source_id == id {
                    Blobs::Same
                } else {
                    Blobs::Both(self.blob(source_id)?, self.blob(id)?)
                };
                (
                    file(
                        Some(path(&source_location)),
                        Some(path(&location)),
                        ChangeKind::Renamed,
                    ),
                    blobs,
                )
            }
        }))
    }

    fn blob(&self, id: ObjectId) -> Result<Vec<u8>, GitError> {
        let mut blob = self.inner.find_blob(id).map_err(|source| GitError::Read {
            what: format!("blob {id}"),
            source,
        })?;
        Ok(blob.take_data())
    }
}

/// Changes read at a time: their blobs are in memory together.
const BATCH: usize = 256;

/// What a change's hunks come from.
enum Blobs {
    /// A pure rename: no hunks.
    Same,
    /// An added file's content: one hunk of all of it.
    New(Vec<u8>),
    /// A deleted file's content: one hunk of all of it.
    Old(Vec<u8>),
    /// Old and new content, line-matched.
    Both(Vec<u8>, Vec<u8>),
}

impl Blobs {
    fn hunks(&self) -> Vec<Hunk> {
        match self {
            Blobs::Same => Vec::new(),
            Blobs::New(new) => whole(0, count_lines(new)),
            Blobs::Old(old) => whole(count_lines(old), 0),
            Blobs::Both(a, b) if is_binary(a) || is_binary(b) => {
                whole(count_lines(a), count_lines(b))
            }
            Blobs::Both(a, b) => line_hunks(a, b),
        }
    }
}

impl Blobs {
    /// Hands the changed lines to move detection; binary content takes no part.
    fn push_lines(&self, change: &FileChange, moves: &mut Changes) {
        match self {
            Blobs::New(new) if !is_binary(new) => moves.push(change, None, Some(new)),
            Blobs::Old(old) if !is_binary(old) => moves.push(change, Some(old), None),
            Blobs::Both(a, b) if !is_binary(a) && !is_binary(b) => {
                moves.push(change, Some(a), Some(b));
            }
            Blobs::Same | Blobs::New(_) | Blobs::Old(_) | Blobs::Both(..) => {}
        }
    }
}

/// Fills in each change's hunks, on up to `threads` threads when the batch is worth it.
fn match_lines(batch: &mut [(FileChange, Blobs)], threads: usize) {
    if threads < 2 || batch.len() < 32 {
        for (change, blobs) in batch.iter_mut() {
            change.hunks = blobs.hunks();
        }
        return;
    }
    std::thread::scope(|scope| {
        for part in batch.chunks_mut(batch.len().div_ceil(threads)) {
            scope.spawn(move || {
                for (change, blobs) in part {
                    change.hunks = blobs.hunks();
                }
            });
        }
    });
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
    use crate::testkit::{change, hunk};
    use ChangeKind::{Added, Deleted, Modified, Renamed};

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
            change(None, Some("add.txt"), Added, &[(1, 0, 1, 4)]),
            // Binary: every old line is replaced by every new line.
            change(Some("bin.dat"), Some("bin.dat"), Modified, &[(1, 2, 1, 3)]),
            // "y\r\n" -> "Y\r\n" and "z\r\n" -> "z\n": line endings count.
            change(
                Some("crlf.txt"),
                Some("crlf.txt"),
                Modified,
                &[(2, 2, 2, 2)],
            ),
            change(Some("del.txt"), None, Deleted, &[(1, 3, 1, 0)]),
            // line 3 replaced; a line inserted after line 7 starts at old line 8.
            change(
                Some("mod.txt"),
                Some("mod.txt"),
                Modified,
                &[(3, 1, 3, 1), (8, 0, 8, 1)],
            ),
            // The last line lost its newline, so it changed.
            change(
                Some("nonl.txt"),
                Some("nonl.txt"),
                Modified,
                &[(3, 1, 3, 1)],
            ),
            change(Some("ren.txt"), Some("ren2.txt"), Renamed, &[]),
            change(
                Some("renedit.txt"),
                Some("renedit2.txt"),
                Renamed,
                &[(5, 1, 5, 1)],
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
            &[]
        )));
        assert!(got.contains(&change(Some("src/f52.txt"), None, Deleted, &[(1, 3, 1, 0)])));
        assert!(got.contains(&change(None, Some("src/added.txt"), Added, &[(1, 0, 1, 1)])));
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

    /// The relocations of `old..new` in a repository built by `script`, one string each:
    /// `moved a.py:3-5 > b.py:1-3` (reformatted runs add their origins, `-` for none).
    fn relocations(script: &str) -> Vec<String> {
        let dir = build(script, &[]);
        let repo = Repo::discover(dir.path()).unwrap();
        let (old, new) = (repo.resolve("old").unwrap(), repo.resolve("new").unwrap());
        let diff = repo.diff_with_moves(&old, &new).unwrap();
        assert_eq!(
            diff.files,
            repo.diff(&old, &new).unwrap(),
            "same file changes"
        );
        crate::testkit::relocations(&diff.relocations)
    }

    /// Three functions of a module, to move around.
    const FUNCTIONS: &str = r"
        f() { printf 'def load_config(path):\n    with open(path) as handle:\n        return parse_config(handle.read())\n'; }
        g() { printf 'def save_report(report, path):\n    data = encode_report(report)\n    write_atomically(path, data)\n'; }
        h() { printf 'class Registry:\n    def __init__(self):\n        self.entries = {}\n'; }
        git init -q -b main .
    ";

    #[test]
    fn a_function_moved_to_another_file_keeps_its_lines() {
        let script = FUNCTIONS.to_owned()
            + r"
            { printf 'import os\n\n'; f; printf '\n'; g; } > app.py
            git add -A && git commit -qm old && git tag old
            { printf 'import os\n\n\n'; g; } > app.py
            { printf 'import os\n\n'; f; } > config.py
            git add -A && git commit -qm new && git tag new
        ";
        assert_eq!(relocations(&script), ["moved app.py:3-5 > config.py:3-5"]);
    }

    #[test]
    fn a_function_moved_up_within_its_file_is_a_move_in_the_same_file() {
        let script = FUNCTIONS.to_owned()
            + r"
            { f; printf '\n'; g; printf '\n'; h; } > app.py
            git add -A && git commit -qm old && git tag old
            { h; printf '\n'; f; printf '\n'; g; } > app.py
            git add -A && git commit -qm new && git tag new
        ";
        assert_eq!(relocations(&script), ["moved app.py:9-11 > app.py:1-3"]);
    }

    #[test]
    fn a_file_split_into_three_is_found_piece_by_piece() {
        // No part keeps half of big.py, so git sees a deletion and three additions.
        let script = FUNCTIONS.to_owned()
            + r"
            { f; printf '\n'; g; printf '\n'; h; } > big.py
            git add -A && git commit -qm old && git tag old
            git rm -q big.py && h > p1.py && g > p2.py && f > p3.py
            git add -A && git commit -qm new && git tag new
        ";
        assert_eq!(
            relocations(&script),
            [
                "moved big.py:9-11 > p1.py:1-3",
                "moved big.py:5-7 > p2.py:1-3",
                "moved big.py:1-3 > p3.py:1-3",
            ]
        );
    }

    #[test]
    fn a_split_where_git_sees_a_rename_still_finds_the_other_parts() {
        // core.py keeps most of big.py, so git calls it a rename; the parts that left it are
        // lines its hunks remove, found again in the new files.
        let script = FUNCTIONS.to_owned()
            + r"
            { f; g; h; seq 1 40 | sed 's/^/KEEP_/'; } > big.py
            git add -A && git commit -qm old && git tag old
            git mv big.py core.py
            { h; seq 1 40 | sed 's/^/KEEP_/'; } > core.py
            f > load.py && g > save.py
            git add -A && git commit -qm new && git tag new
        ";
        let dir = build(&script, &[]);
        let repo = Repo::discover(dir.path()).unwrap();
        let (old, new) = (repo.resolve("old").unwrap(), repo.resolve("new").unwrap());
        let diff = repo.diff_with_moves(&old, &new).unwrap();
        assert!(
            diff.files.iter().any(|c| c.kind == Renamed
                && c.old_path.as_deref() == Some("big.py")
                && c.new_path.as_deref() == Some("core.py")),
            "{:?}",
            diff.files
        );
        assert_eq!(
            relocations(&script),
            [
                "moved big.py:1-3 > load.py:1-3",
                "moved big.py:4-6 > save.py:1-3",
            ]
        );
    }

    #[test]
    fn a_block_reindented_under_a_new_if_is_moved_and_the_if_is_not() {
        let script = r"
            git init -q -b main .
            printf 'def run(x):\n    total = compute_total(x)\n    return render_total(total)\n' > run.py
            git add -A && git commit -qm old && git tag old
            printf 'def run(x):\n    if x:\n        total = compute_total(x)\n        return render_total(total)\n' > run.py
            git add -A && git commit -qm new && git tag new
        ";
        assert_eq!(relocations(script), ["moved run.py:2-3 > run.py:3-4"]);
    }

    #[test]
    fn a_rewrapped_call_is_reformatted_and_binary_files_take_no_part() {
        let script = r"
            git init -q -b main .
            printf 'start()\nresult = compute(alpha, beta, gamma)\nend()\n' > call.py
            printf 'bin\000ary\ndef load_config(path): return parse_config(path)\n' > blob.dat
            git add -A && git commit -qm old && git tag old
            printf 'start()\nresult = compute(\n    alpha, beta,\n    gamma)\nend()\n' > call.py
            git rm -q blob.dat
            printf 'def load_config(path): return parse_config(path)\n' > text.py
            git add -A && git commit -qm new && git tag new
        ";
        assert_eq!(
            relocations(script),
            ["reformatted call.py:2-2 > call.py:2-4 [2 - -]"]
        );
    }
}
