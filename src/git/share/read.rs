//! Reading what changed between two data commits: the records' places from the trees
//! alone, then their descriptions and files, each distinct blob and folder read once.

use std::collections::HashMap;

use gix::ObjectId;
use gix::bstr::ByteSlice;

use super::layout::{load_tree, parse_flag_name, unescape};
use super::{
    BLOB_CACHE_BYTES, FILES, MAX_META_BYTES, MAX_PATH_BYTES, MAX_RECORD_BYTES, MAX_RECORD_FILES,
    MAX_TREE_DEPTH, META, SharedHead, SharedListing, SharedLocator, SharedProblem, bounded,
    malformed,
};
use crate::git::GitError;
use crate::git::repo::{Repo, object_id};
use crate::model::CommitId;

/// Reads shared records, each distinct blob and folder once.
pub struct SharedReader<'r> {
    inner: Reader<'r>,
}

impl SharedReader<'_> {
    /// The description of the record at `loc` and the key of its files.
    pub fn head(&mut self, tip: &CommitId, loc: &SharedLocator) -> Result<SharedHead, GitError> {
        let (meta, files) = self.inner.head(tip, &loc.commit, loc.id)?;
        Ok(SharedHead {
            meta,
            files_key: files.map(|f| f.to_string()),
        })
    }

    /// The files (path, coverage bytes) under the key [`SharedReader::head`] gave.
    pub fn files(&mut self, tip: &CommitId, key: &str) -> Result<Vec<(String, Vec<u8>)>, GitError> {
        let id = ObjectId::from_hex(key.as_bytes())
            .map_err(|_| malformed(tip, format!("'{key}' is not an object id")))?;
        self.inner.files(tip, id)
    }
}

impl Repo {
    /// A reader for the records [`Repo::shared_locators`] finds.
    pub fn shared_reader(&self) -> SharedReader<'_> {
        SharedReader {
            inner: Reader {
                repo: &self.inner,
                blobs: HashMap::new(),
                blob_bytes: 0,
                folders: HashMap::new(),
                folder_entries: 0,
            },
        }
    }

    /// Where the records of data commit `tip` that are new or different since data commit
    /// `since` sit (all of them when `since` is `None` or not in this repository), in key
    /// order, and the entries that cannot be records; nothing is read but trees.
    pub fn shared_locators(
        &self,
        since: Option<&CommitId>,
        tip: &CommitId,
    ) -> Result<SharedListing, GitError> {
        let repo = &self.inner;
        let tree_of = |c: &CommitId| -> Result<ObjectId, GitError> {
            Ok(self
                .commit(c)?
                .tree_id()
                .map_err(|source| GitError::Read {
                    what: format!("covgit data commit {c}"),
                    source,
                })?
                .detach())
        };
        let old = match since {
            Some(s) if repo.has_object(object_id(s)) => Some(tree_of(s)?),
            _ => None,
        };
        let new = tree_of(tip)?;
        let mut out = SharedListing::default();
        let problem = |commit: String, flag: &str, why: &str| SharedProblem {
            commit: bounded(&commit),
            flag: bounded(flag),
            why: why.to_owned(),
        };
        for (fan, new_fan, old_fan) in changed(repo, old, new)? {
            let Ok(fan_entries) = changed(repo, old_fan, new_fan) else {
                out.problems
                    .push(problem(fan, "", "its folder cannot be read"));
                continue;
            };
            for (rest, new_c, old_c) in fan_entries {
                let Ok(commit) = CommitId::new(&format!("{fan}{rest}")) else {
                    out.problems.push(problem(
                        format!("{fan}/{rest}"),
                        "",
                        "the folder name is not a commit id",
                    ));
                    continue;
                };
                let Ok(records) = changed(repo, old_c, new_c) else {
                    out.problems
                        .push(problem(commit.to_string(), "", "its folder cannot be read"));
                    continue;
                };
                for (name, rec, _) in records {
                    let Ok(flag) = parse_flag_name(&name) else {
                        out.problems.push(problem(
                            commit.short().to_owned(),
                            &name,
                            "the name is not a flag",
                        ));
                        continue;
                    };
                    out.records.push(SharedLocator {
                        commit: commit.clone(),
                        flag,
                        id: rec,
                    });
                }
            }
        }
        Ok(out)
    }
}

/// The entries of `new` (a tree) that `old` lacks or holds with another id: (name, new id,
/// old id). Only trees count; stray blobs are ignored.
fn changed(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: ObjectId,
) -> Result<Vec<(String, ObjectId, Option<ObjectId>)>, GitError> {
    if old == Some(new) {
        return Ok(Vec::new());
    }
    let old = load_tree(repo, old)?;
    let new = load_tree(repo, Some(new))?;
    let old: HashMap<&[u8], ObjectId> = old
        .entries
        .iter()
        .filter(|e| e.mode.is_tree())
        .map(|e| (e.filename.as_slice(), e.oid))
        .collect();
    Ok(new
        .entries
        .iter()
        .filter(|e| e.mode.is_tree())
        .filter_map(|e| {
            let before = old.get(e.filename.as_slice()).copied();
            (before != Some(e.oid)).then(|| (e.filename.to_str_lossy().into_owned(), e.oid, before))
        })
        .collect())
}

struct Reader<'r> {
    repo: &'r gix::Repository,
    /// Coverage blobs already read: equal coverage is one blob, read once (up to
    /// [`BLOB_CACHE_BYTES`], then it starts over).
    blobs: HashMap<ObjectId, std::rc::Rc<Vec<u8>>>,
    blob_bytes: usize,
    /// Folders already listed (path-relative entries), for the same reason (each at most
    /// [`MAX_RECORD_FILES`] entries, and as many folders as blobs kept).
    folders: HashMap<ObjectId, std::rc::Rc<Vec<(String, ObjectId)>>>,
    /// Entries held by `folders`: it starts over past twice [`MAX_RECORD_FILES`], so many
    /// distinct large records do not add up.
    folder_entries: usize,
}

impl Reader<'_> {
    /// A record's meta bytes and the id of its `files` folder.
    fn head(
        &mut self,
        tip: &CommitId,
        commit: &CommitId,
        id: ObjectId,
    ) -> Result<(Vec<u8>, Option<ObjectId>), GitError> {
        let tree = load_tree(self.repo, Some(id))?;
        let meta_id = tree
            .entries
            .iter()
            .find(|e| e.filename == META && !e.mode.is_tree())
            .ok_or_else(|| malformed(tip, format!("record {commit} has no meta")))?
            .oid;
        if self.size(meta_id)? > MAX_META_BYTES {
            return Err(malformed(
                tip,
                format!("record {commit} has a description over {MAX_META_BYTES} bytes"),
            ));
        }
        let meta = self.blob(meta_id)?.to_vec();
        let files = tree
            .entries
            .iter()
            .find(|e| e.filename == FILES && e.mode.is_tree())
            .map(|e| e.oid);
        Ok((meta, files))
    }

    /// Every file below a record's `files` folder with its coverage bytes.
    fn files(
        &mut self,
        tip: &CommitId,
        folder: ObjectId,
    ) -> Result<Vec<(String, Vec<u8>)>, GitError> {
        let listing = self.folder(tip, folder, 0)?;
        // Sizes first, so a record that would take too much memory is refused before any
        // blob of it is read.
        let mut total: u64 = 0;
        for (_, blob) in listing.iter() {
            total = total.saturating_add(self.size(*blob)?);
            if total > MAX_RECORD_BYTES {
                return Err(malformed(
                    tip,
                    format!("a record's coverage exceeds {MAX_RECORD_BYTES} bytes"),
                ));
            }
        }
        let mut files = Vec::with_capacity(listing.len());
        for (path, blob) in listing.iter() {
            files.push((path.clone(), self.blob(*blob)?.to_vec()));
        }
        Ok(files)
    }

    /// The size of object `id`, without reading it.
    fn size(&self, id: ObjectId) -> Result<u64, GitError> {
        if let Some(b) = self.blobs.get(&id) {
            return Ok(b.len() as u64);
        }
        self.repo
            .find_header(id)
            .map(|h| h.size())
            .map_err(|source| GitError::Read {
                what: format!("covgit data blob {id}"),
                source,
            })
    }

    fn blob(&mut self, id: ObjectId) -> Result<std::rc::Rc<Vec<u8>>, GitError> {
        if let Some(b) = self.blobs.get(&id) {
            return Ok(b.clone());
        }
        let data = self
            .repo
            .find_blob(id)
            .map_err(|source| GitError::Read {
                what: format!("covgit data blob {id}"),
                source,
            })?
            .detach()
            .data;
        if self.blob_bytes + data.len() > BLOB_CACHE_BYTES {
            self.blobs.clear();
            self.blob_bytes = 0;
        }
        self.blob_bytes += data.len();
        let rc = std::rc::Rc::new(data);
        self.blobs.insert(id, rc.clone());
        Ok(rc)
    }

    /// Every file below folder `id` (at `depth` below a record's `files`), with its path
    /// relative to it; refused past [`MAX_TREE_DEPTH`], [`MAX_RECORD_FILES`] or a path of
    /// more than 4,096 bytes.
    fn folder(
        &mut self,
        tip: &CommitId,
        id: ObjectId,
        depth: usize,
    ) -> Result<std::rc::Rc<Vec<(String, ObjectId)>>, GitError> {
        if let Some(f) = self.folders.get(&id) {
            return Ok(f.clone());
        }
        if depth > MAX_TREE_DEPTH {
            return Err(malformed(
                tip,
                format!("folders nest deeper than {MAX_TREE_DEPTH}"),
            ));
        }
        let tree = load_tree(self.repo, Some(id))?;
        let mut out = Vec::new();
        let too_many = || {
            malformed(
                tip,
                format!("a record names more than {MAX_RECORD_FILES} files"),
            )
        };
        let too_long = || malformed(tip, format!("a path is longer than {MAX_PATH_BYTES} bytes"));
        if tree.entries.len() > MAX_RECORD_FILES {
            return Err(too_many());
        }
        for e in &tree.entries {
            let raw = e
                .filename
                .to_str()
                .map_err(|_| malformed(tip, "a file name is not UTF-8".to_owned()))?;
            if e.mode.is_tree() {
                let name = raw
                    .strip_suffix('%')
                    .and_then(unescape)
                    .ok_or_else(|| malformed(tip, format!("bad folder name '{}'", bounded(raw))))?;
                let sub = self.folder(tip, e.oid, depth + 1)?;
                if out.len() + sub.len() > MAX_RECORD_FILES {
                    return Err(too_many());
                }
                for (p, blob) in sub.iter() {
                    if name.len() + 1 + p.len() > MAX_PATH_BYTES {
                        return Err(too_long());
                    }
                    out.push((format!("{name}/{p}"), *blob));
                }
            } else {
                let name = unescape(raw)
                    .ok_or_else(|| malformed(tip, format!("bad file name '{}'", bounded(raw))))?;
                if name.len() > MAX_PATH_BYTES {
                    return Err(too_long());
                }
                out.push((name, e.oid));
            }
        }
        if self.folder_entries + out.len() > 2 * MAX_RECORD_FILES {
            self.folders.clear();
            self.folder_entries = 0;
        }
        self.folder_entries += out.len();
        let rc = std::rc::Rc::new(out);
        self.folders.insert(id, rc.clone());
        Ok(rc)
    }
}
