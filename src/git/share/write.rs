//! Writing a data commit: the records added to the trees of the one before, each tree
//! rewritten once.

use std::collections::BTreeMap;

use gix::ObjectId;
use gix::bstr::BString;
use gix::objs::tree::{Entry, EntryKind};

use super::layout::{child, escape, flag_name, load_tree};
use super::{FILES, META, SharedCommit};
use crate::git::GitError;
use crate::git::repo::{Repo, commit_id, object_id};
use crate::model::{CommitId, SharedRecord};

impl Repo {
    /// Writes a data commit whose tree is `base`'s with `records` added. Where `base` already
    /// has a record of the same key, `keep_new(old_meta, new_meta)` decides whether the new
    /// one replaces it. Objects are written to this repository only; nothing moves a ref.
    pub fn write_shared(
        &self,
        base: Option<&CommitId>,
        records: &[SharedRecord],
        keep_new: &dyn Fn(&[u8], &[u8]) -> bool,
    ) -> Result<SharedCommit, GitError> {
        let repo = &self.inner;
        let base_tree = match base {
            Some(b) => Some(
                self.commit(b)?
                    .tree_id()
                    .map_err(|source| GitError::Read {
                        what: format!("covgit data commit {b}"),
                        source,
                    })?
                    .detach(),
            ),
            None => None,
        };
        let mut root = load_tree(repo, base_tree)?;

        // Group by fan-out folder, then by commit, so each tree is rewritten once.
        let mut by_fan: BTreeMap<&str, BTreeMap<&str, Vec<&SharedRecord>>> = BTreeMap::new();
        for r in records {
            let hex = r.commit.as_str();
            by_fan
                .entry(&hex[..2])
                .or_default()
                .entry(&hex[2..])
                .or_default()
                .push(r);
        }
        let mut written = 0;
        let mut kept_old = Vec::new();
        for (fan, commits) in by_fan {
            let mut fan_tree = load_tree(repo, child(&root, fan, true))?;
            let mut fan_changed = false;
            for (rest, recs) in commits {
                let mut commit_tree = load_tree(repo, child(&fan_tree, rest, true))?;
                let mut changed = false;
                for r in recs {
                    let name = flag_name(r.flag.as_ref());
                    if let Some(old) = child(&commit_tree, &name, true) {
                        let old_meta = read_meta(repo, old)?;
                        if !keep_new(&old_meta, &r.meta) {
                            if old_meta != r.meta {
                                kept_old.push((r.commit.clone(), r.flag.clone()));
                            }
                            continue;
                        }
                    }
                    let id = write_record(repo, r)?;
                    if child(&commit_tree, &name, true) != Some(id) {
                        upsert(&mut commit_tree, &name, id, EntryKind::Tree);
                        changed = true;
                        written += 1;
                    }
                }
                if changed {
                    let id = write_tree(repo, commit_tree)?;
                    upsert(&mut fan_tree, rest, id, EntryKind::Tree);
                    fan_changed = true;
                }
            }
            if fan_changed {
                let id = write_tree(repo, fan_tree)?;
                upsert(&mut root, fan, id, EntryKind::Tree);
            }
        }
        if written == 0
            && let Some(b) = base
        {
            return Ok(SharedCommit {
                id: b.clone(),
                written,
                kept_old,
            });
        }
        let tree = write_tree(repo, root)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs().cast_signed());
        let sig = gix::actor::Signature {
            name: "covgit".into(),
            email: "covgit@localhost".into(),
            time: gix::date::Time::new(now, 0),
        };
        let commit = gix::objs::Commit {
            tree,
            parents: base.map(object_id).into_iter().collect(),
            author: sig.clone(),
            committer: sig,
            encoding: None,
            message: format!("covgit: {written} upload records\n").into(),
            extra_headers: Vec::new(),
        };
        let id = repo
            .write_object(&commit)
            .map_err(|source| GitError::Write {
                what: "a covgit data commit".into(),
                source,
            })?
            .detach();
        Ok(SharedCommit {
            id: commit_id(id),
            written,
            kept_old,
        })
    }
}

fn write_tree(repo: &gix::Repository, mut tree: gix::objs::Tree) -> Result<ObjectId, GitError> {
    tree.entries.sort();
    repo.write_object(&tree)
        .map(gix::Id::detach)
        .map_err(|source| GitError::Write {
            what: "a covgit data tree".into(),
            source,
        })
}

fn write_blob(repo: &gix::Repository, bytes: &[u8]) -> Result<ObjectId, GitError> {
    repo.write_blob(bytes)
        .map(gix::Id::detach)
        .map_err(|source| GitError::Write {
            what: "a covgit data blob".into(),
            source,
        })
}

fn upsert(tree: &mut gix::objs::Tree, name: &str, oid: ObjectId, kind: EntryKind) {
    tree.entries.retain(|e| e.filename != name);
    tree.entries.push(Entry {
        mode: kind.into(),
        filename: BString::from(name),
        oid,
    });
}

fn read_meta(repo: &gix::Repository, record: ObjectId) -> Result<Vec<u8>, GitError> {
    let tree = load_tree(repo, Some(record))?;
    match tree.entries.iter().find(|e| e.filename == META) {
        Some(e) => Ok(repo
            .find_blob(e.oid)
            .map_err(|source| GitError::Read {
                what: format!("covgit record meta {}", e.oid),
                source,
            })?
            .detach()
            .data),
        // A record without a description loses to any new one.
        None => Ok(Vec::new()),
    }
}

/// Writes one record's tree: its meta blob and its files folder.
fn write_record(repo: &gix::Repository, r: &SharedRecord) -> Result<ObjectId, GitError> {
    #[derive(Default)]
    struct Folder<'a> {
        files: Vec<(&'a str, &'a [u8])>,
        folders: BTreeMap<&'a str, Folder<'a>>,
    }
    fn write(repo: &gix::Repository, f: &Folder<'_>) -> Result<ObjectId, GitError> {
        let mut tree = gix::objs::Tree::empty();
        for (name, bytes) in &f.files {
            tree.entries.push(Entry {
                mode: EntryKind::Blob.into(),
                filename: escape(name).into(),
                oid: write_blob(repo, bytes)?,
            });
        }
        for (name, sub) in &f.folders {
            tree.entries.push(Entry {
                mode: EntryKind::Tree.into(),
                filename: format!("{}%", escape(name)).into(),
                oid: write(repo, sub)?,
            });
        }
        write_tree(repo, tree)
    }
    let mut top = Folder::default();
    for (path, bytes) in &r.files {
        let mut parts: Vec<&str> = path.split('/').collect();
        let leaf = parts.pop().unwrap_or_default();
        let mut at = &mut top;
        for p in parts {
            at = at.folders.entry(p).or_default();
        }
        at.files.push((leaf, bytes));
    }
    let files = write(repo, &top)?;
    let meta = write_blob(repo, &r.meta)?;
    write_tree(
        repo,
        gix::objs::Tree {
            entries: vec![
                Entry {
                    mode: EntryKind::Tree.into(),
                    filename: FILES.into(),
                    oid: files,
                },
                Entry {
                    mode: EntryKind::Blob.into(),
                    filename: META.into(),
                    oid: meta,
                },
            ],
        },
    )
}
