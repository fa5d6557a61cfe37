//! The working tree as a commit: its tracked files (staged and unstaged edits) plus the
//! untracked files git does not ignore, written as blobs, trees and one commit object whose
//! parent is HEAD, so the whole comparison engine can treat "what is on disk now" like any
//! other commit.
//!
//! Invariants: the index, HEAD, every ref and the working tree are left exactly as they
//! were (the status run's refreshed stat data is never written back); no ref is created
//! here (a baseline's ref is [`Repo::set_baseline`](super::Repo::set_baseline)'s job). On a
//! handle from [`Repo::in_memory`](super::Repo::in_memory) nothing reaches the object
//! database either.

use std::collections::BTreeSet;
use std::time::SystemTime;

use gix::bstr::{BStr, BString, ByteSlice};
use gix::status::index_worktree::Item as WorktreeItem;
use gix::status::plumbing::index_as_worktree::{Change, EntryStatus};

use super::repo::{commit_id, object_id};
use super::{GitError, Repo};
use crate::model::CommitId;

/// How a path of the snapshot differs from HEAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeSource {
    /// The index differs from HEAD (`git diff --cached`).
    Staged,
    /// The file on disk differs from the index, or is gone (`git diff`).
    Unstaged,
    /// Not in the index and not ignored (`git status` "untracked").
    Untracked,
}

/// One changed path of the working tree. A path both staged and edited again appears twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorktreeChange {
    /// Repository-relative, `/`-separated.
    pub path: String,
    pub source: ChangeSource,
    /// The file's modification time on disk; `None` when it is gone.
    pub modified: Option<SystemTime>,
}

/// A snapshot commit of the working tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorktreeSnapshot {
    /// The commit object holding the working tree's files.
    pub commit: CommitId,
    /// HEAD when the snapshot was taken; `None` on an unborn branch.
    pub parent: Option<CommitId>,
    /// What differs from HEAD, sorted by path then source.
    pub changes: Vec<WorktreeChange>,
}

impl WorktreeSnapshot {
    /// How many distinct paths have changes of `source`.
    pub fn count(&self, source: ChangeSource) -> usize {
        self.changes.iter().filter(|c| c.source == source).count()
    }
}

/// Who the snapshot commits are by: covgit, not the user (whose identity may not even be
/// configured).
const SIGNATURE_NAME: &str = "covgit";
const SIGNATURE_EMAIL: &str = "covgit@localhost";

impl Repo {
    /// Whether `commit` is one of covgit's working-tree snapshots (a baseline's), known by
    /// its author. Such commits exist in this clone alone.
    pub fn is_snapshot(&self, commit: &CommitId) -> bool {
        self.inner
            .find_commit(object_id(commit))
            .ok()
            .and_then(|c| {
                let author = c.author().ok()?;
                Some(author.name == SIGNATURE_NAME && author.email == SIGNATURE_EMAIL)
            })
            .unwrap_or(false)
    }

    /// A handle on the same repository whose object writes stay in memory: a snapshot taken
    /// through it is readable (trees, blobs, diffs) through it alone and leaves no object
    /// behind.
    #[must_use]
    pub fn in_memory(&self) -> Repo {
        Repo {
            inner: self.inner.clone().with_object_memory(),
        }
    }

    /// Writes the working tree as a commit whose parent is HEAD: tracked files as they are
    /// on disk (so staged and unstaged edits both count, deleted files are left out), plus
    /// untracked files that `.gitignore` and friends do not exclude. Content goes through
    /// git's clean filters (`core.autocrlf`, `text`/`eol` attributes) as `git add` would.
    /// `message` and `time` (seconds since the epoch) go into the commit object.
    pub fn snapshot_worktree(
        &self,
        message: &str,
        time: i64,
    ) -> Result<WorktreeSnapshot, GitError> {
        let repo = &self.inner;
        let workdir = repo.workdir().ok_or(GitError::NoWorktree)?.to_owned();
        let read = |what: &str| {
            let what = what.to_owned();
            move |source| GitError::Read { what, source }
        };
        let parent = repo
            .head()
            .map_err(read("HEAD"))?
            .id()
            .map(|id| commit_id(id.detach()));
        let head_tree = match &parent {
            Some(p) => self.tree(p)?.id,
            None => gix::ObjectId::empty_tree(repo.object_hash()),
        };
        let index = repo.index_or_empty().map_err(read("the index"))?;

        let Scan {
            changed,
            from_disk,
            gone,
        } = self.scan(head_tree, &index)?;

        let mut editor = repo.empty_tree().edit().map_err(read("an empty tree"))?;
        for entry in index.entries() {
            let path = entry.path(&index);
            let unmerged = entry.stage_raw() != 0;
            let intent_to_add = entry
                .flags
                .contains(gix::index::entry::Flags::INTENT_TO_ADD);
            if unmerged || intent_to_add || gone.contains(path) || from_disk.contains(path) {
                continue;
            }
            let Some(mode) = entry.mode.to_tree_entry_mode() else {
                continue;
            };
            editor
                .upsert(path.to_owned(), mode.kind(), entry.id)
                .map_err(write(path))?;
        }
        let (mut pipeline, _) = repo
            .filter_pipeline(None)
            .map_err(read("the attributes and filters"))?;
        for path in &from_disk {
            // `None`: vanished since the status run, or a socket/fifo git cannot store.
            if let Some((id, kind, _)) = pipeline
                .worktree_file_to_object(path.as_bstr(), &index)
                .map_err(|source| GitError::Write {
                    what: format!("the working tree file '{path}'"),
                    source,
                })?
            {
                editor
                    .upsert(path.clone(), kind, id)
                    .map_err(write(path.as_bstr()))?;
            }
        }
        let tree = editor.write().map_err(|source| GitError::Write {
            what: "the working tree's tree objects".to_owned(),
            source,
        })?;

        let signature = gix::actor::Signature {
            name: SIGNATURE_NAME.into(),
            email: SIGNATURE_EMAIL.into(),
            time: gix::date::Time::new(time, 0),
        };
        let commit = gix::objs::Commit {
            tree: tree.detach(),
            parents: parent.iter().map(object_id).collect(),
            author: signature.clone(),
            committer: signature,
            encoding: None,
            message: message.into(),
            extra_headers: Vec::new(),
        };
        let id = repo
            .write_object(&commit)
            .map_err(|source| GitError::Write {
                what: "the snapshot commit".to_owned(),
                source,
            })?;

        let worktree_changes = changed
            .into_iter()
            .map(|(path, source)| {
                let path = String::from_utf8_lossy(&path).into_owned();
                let modified = std::fs::symlink_metadata(workdir.join(&path))
                    .and_then(|m| m.modified())
                    .ok();
                WorktreeChange {
                    path,
                    source,
                    modified,
                }
            })
            .collect();
        Ok(WorktreeSnapshot {
            commit: commit_id(id.detach()),
            parent,
            changes: worktree_changes,
        })
    }
}

/// What differs between HEAD, the index and the disk.
struct Scan {
    changed: BTreeSet<(BString, ChangeSource)>,
    /// Paths whose content comes from disk rather than from the index.
    from_disk: BTreeSet<BString>,
    gone: BTreeSet<BString>,
}

impl Repo {
    /// Runs `git status` (untracked files listed one by one, ignored ones left out, no
    /// rename pairing) and sorts what it finds. Nothing is written back to the index.
    fn scan(
        &self,
        head_tree: gix::ObjectId,
        index: &gix::worktree::Index,
    ) -> Result<Scan, GitError> {
        let read = |source| GitError::Read {
            what: "the working tree status".to_owned(),
            source,
        };
        let status = self
            .inner
            .status(gix::progress::Discard)
            .map_err(read)?
            .index(gix::worktree::IndexPersistedOrInMemory::Persisted(
                index.clone(),
            ))
            .head_tree(head_tree)
            .untracked_files(gix::status::UntrackedFiles::Files)
            // Deleted + untracked, not renames: the snapshot wants each path's content.
            .index_worktree_rewrites(None)
            .tree_index_track_renames(gix::status::tree_index::TrackRenames::Disabled)
            // A submodule stays at the commit the index records.
            .index_worktree_submodules(gix::status::Submodule::Given {
                ignore: gix::submodule::config::Ignore::All,
                check_dirty: false,
            })
            .dirwalk_options(|o| o.empty_patterns_match_prefix(false).emit_ignored(None))
            .into_iter(Vec::<BString>::new())
            .map_err(read)?;

        let mut changed: BTreeSet<(BString, ChangeSource)> = BTreeSet::new();
        // Paths whose content comes from disk rather than from the index.
        let mut from_disk: BTreeSet<BString> = BTreeSet::new();
        let mut gone: BTreeSet<BString> = BTreeSet::new();
        for item in status {
            match item.map_err(read)? {
                gix::status::Item::TreeIndex(change) => {
                    changed.insert((change.location().to_owned(), ChangeSource::Staged));
                }
                gix::status::Item::IndexWorktree(item) => {
                    classify(item, &mut changed, &mut from_disk, &mut gone);
                }
            }
        }

        Ok(Scan {
            changed,
            from_disk,
            gone,
        })
    }
}

fn write(path: &BStr) -> impl FnOnce(gix::Error) -> GitError {
    let what = format!("the tree entry '{path}'");
    move |source| GitError::Write { what, source }
}

/// Sorts one index-versus-disk finding into the changed, from-disk and gone sets.
fn classify(
    item: WorktreeItem,
    changed: &mut BTreeSet<(BString, ChangeSource)>,
    from_disk: &mut BTreeSet<BString>,
    gone: &mut BTreeSet<BString>,
) {
    match item {
        WorktreeItem::Modification {
            rela_path, status, ..
        } => match status {
            EntryStatus::Change(Change::Removed) => {
                changed.insert((rela_path.clone(), ChangeSource::Unstaged));
                gone.insert(rela_path);
            }
            EntryStatus::Change(Change::Modification { .. } | Change::Type { .. })
            | EntryStatus::Conflict { .. } => {
                changed.insert((rela_path.clone(), ChangeSource::Unstaged));
                from_disk.insert(rela_path);
            }
            // `git add -N`: the index promises the file without holding its content.
            EntryStatus::IntentToAdd => {
                changed.insert((rela_path.clone(), ChangeSource::Untracked));
                from_disk.insert(rela_path);
            }
            EntryStatus::Change(Change::SubmoduleModification(_)) | EntryStatus::NeedsUpdate(_) => {
            }
        },
        WorktreeItem::DirectoryContents { entry, .. } => untracked(&entry, changed, from_disk),
        WorktreeItem::Rewrite {
            source,
            dirwalk_entry,
            ..
        } => {
            // Rewrites are switched off; should one come anyway, it is a deletion plus an
            // untracked file.
            let from = source.rela_path().to_owned();
            changed.insert((from.clone(), ChangeSource::Unstaged));
            gone.insert(from);
            untracked(&dirwalk_entry, changed, from_disk);
        }
    }
}

fn untracked(
    entry: &gix::dir::Entry,
    changed: &mut BTreeSet<(BString, ChangeSource)>,
    from_disk: &mut BTreeSet<BString>,
) {
    let is_file = matches!(
        entry.disk_kind,
        Some(gix::dir::entry::Kind::File | gix::dir::entry::Kind::Symlink)
    );
    if entry.status == gix::dir::entry::Status::Untracked && is_file {
        changed.insert((entry.rela_path.clone(), ChangeSource::Untracked));
        from_disk.insert(entry.rela_path.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::fixture::{build, git};

    /// One file in each state: committed and untouched, staged, staged then edited again,
    /// edited only, deleted, removed from the index but left on disk, new and staged,
    /// untracked, ignored.
    const STATES: &str = "\
git init -q -b main . && \
printf 'a1\\na2\\n' > a.txt && printf 'b\\n' > b.txt && printf 'c\\n' > c.txt && \
mkdir d && printf 'e\\n' > d/e.txt && printf 'gone\\n' > gone.txt && \
printf 'x\\n' > keep.txt && printf '*.log\\nbuild/\\n' > .gitignore && \
git add -A && git commit -q -m base && \
printf 'a1\\na2 staged\\n' > a.txt && git add a.txt && \
printf 'a1\\na2 staged\\na3 unstaged\\n' > a.txt && \
printf 'b unstaged\\n' > b.txt && \
git rm -q --cached c.txt && \
printf 'new\\n' > n.txt && git add n.txt && \
printf 'u\\n' > d/u.txt && \
printf 'ignored\\n' > run.log && mkdir build && printf 'o\\n' > build/o.txt && \
rm gone.txt";

    fn state(dir: &std::path::Path) -> (String, Vec<u8>, String, String) {
        (
            git(dir, &["status", "--porcelain", "--untracked-files=all"]),
            std::fs::read(dir.join(".git/index")).unwrap(),
            git(dir, &["rev-parse", "HEAD"]),
            git(dir, &["for-each-ref"]),
        )
    }

    #[test]
    fn the_snapshot_holds_the_files_on_disk_that_git_would_add() {
        let dir = build(STATES, &[]);
        let root = dir.path();
        let before = state(root);
        let repo = Repo::discover(root).unwrap();
        let snap = repo.snapshot_worktree("snap", 1_700_000_000).unwrap();
        assert_eq!(state(root), before, "index, HEAD, refs and files untouched");

        let sha = snap.commit.as_str();
        assert_eq!(git(root, &["cat-file", "-t", sha]), "commit");
        assert_eq!(
            git(root, &["rev-parse", &format!("{sha}^")]),
            git(root, &["rev-parse", "HEAD"])
        );
        assert_eq!(snap.parent.as_ref().unwrap().as_str(), before.2);
        assert_eq!(
            git(root, &["ls-tree", "-r", "--name-only", sha]),
            ".gitignore\na.txt\nb.txt\nc.txt\nd/e.txt\nd/u.txt\nkeep.txt\nn.txt"
        );
        for path in ["a.txt", "b.txt", "c.txt", "d/u.txt", "n.txt", "keep.txt"] {
            assert_eq!(
                git(root, &["show", &format!("{sha}:{path}")]),
                std::fs::read_to_string(root.join(path)).unwrap().trim_end(),
                "{path}"
            );
        }
        assert_eq!(
            git(root, &["log", "-1", "--format=%an <%ae> %at %s", sha]),
            "covgit <covgit@localhost> 1700000000 snap"
        );

        let by = |s: ChangeSource| -> Vec<&str> {
            snap.changes
                .iter()
                .filter(|c| c.source == s)
                .map(|c| c.path.as_str())
                .collect()
        };
        assert_eq!(by(ChangeSource::Staged), ["a.txt", "c.txt", "n.txt"]);
        assert_eq!(by(ChangeSource::Unstaged), ["a.txt", "b.txt", "gone.txt"]);
        assert_eq!(by(ChangeSource::Untracked), ["c.txt", "d/u.txt"]);
        assert_eq!(snap.count(ChangeSource::Staged), 3);
        let gone = snap.changes.iter().find(|c| c.path == "gone.txt").unwrap();
        assert_eq!(gone.modified, None);
        assert!(
            snap.changes
                .iter()
                .find(|c| c.path == "b.txt")
                .unwrap()
                .modified
                .is_some()
        );
    }

    #[test]
    fn an_in_memory_snapshot_writes_no_object_but_reads_back_through_its_handle() {
        let dir = build(STATES, &[]);
        let root = dir.path();
        let objects = git(root, &["count-objects", "-v"]);
        let repo = Repo::discover(root).unwrap().in_memory();
        let snap = repo.snapshot_worktree("snap", 1_700_000_000).unwrap();
        assert_eq!(git(root, &["count-objects", "-v"]), objects);
        assert_eq!(
            repo.tree_files(&snap.commit).unwrap(),
            [
                ".gitignore",
                "a.txt",
                "b.txt",
                "c.txt",
                "d/e.txt",
                "d/u.txt",
                "keep.txt",
                "n.txt"
            ]
        );
        let changes = repo
            .diff(snap.parent.as_ref().unwrap(), &snap.commit)
            .unwrap();
        let mut paths: Vec<_> = changes
            .iter()
            .map(|c| c.new_path.clone().or_else(|| c.old_path.clone()).unwrap())
            .collect();
        paths.sort();
        assert_eq!(paths, ["a.txt", "b.txt", "d/u.txt", "gone.txt", "n.txt"]);
    }

    #[test]
    fn a_clean_tree_snapshots_to_heads_tree_and_an_unborn_head_has_no_parent() {
        let dir = build(
            "git init -q -b main . && printf 'a\\n' > a.txt && git add a.txt && git commit -q -m one",
            &[],
        );
        let repo = Repo::discover(dir.path()).unwrap();
        let snap = repo.snapshot_worktree("snap", 0).unwrap();
        assert!(snap.changes.is_empty());
        assert_eq!(
            git(
                dir.path(),
                &["rev-parse", &format!("{}^{{tree}}", snap.commit)]
            ),
            git(dir.path(), &["rev-parse", "HEAD^{tree}"])
        );

        let fresh = build("git init -q -b main . && printf 'a\\n' > a.txt", &[]);
        let repo = Repo::discover(fresh.path()).unwrap();
        let snap = repo.snapshot_worktree("snap", 0).unwrap();
        assert_eq!(snap.parent, None);
        assert_eq!(repo.tree_files(&snap.commit).unwrap(), ["a.txt"]);
        assert_eq!(snap.count(ChangeSource::Untracked), 1);
    }
}
