//! The layout of shared coverage in git objects, on the ref `refs/covgit/data`: writing a
//! new data commit on top of the remote's, and reading back what changed between two.
//!
//! ```text
//! refs/covgit/data -> commit (parent: the previous data commit) -> tree
//!   ab/                           first two hex digits of the recorded commit (fan-out)
//!     cdef…(38 hex)/              the rest of its SHA
//!       @default/  or  <flag>/    one record per upload key (commit, flag)
//!         meta                    the upload's description (bytes the caller encodes)
//!         files/                  one blob per file's coverage, at the file's path
//! ```
//!
//! Why so: with 100,000 recorded commits the root holds 256 entries and each fan-out folder
//! about 400, so adding a record rewrites three small trees; reading what changed since the
//! last pull compares trees by id and descends only where they differ. Files are separate
//! blobs in folders mirroring the repository, so unchanged coverage (blob) and unchanged
//! folders (trees) are the same git objects from commit to commit: a push sends only what
//! changed, like the store itself.
//!
//! Names are escaped so any path survives and git's fsck (which hosts run on push) accepts
//! every tree: `%` → `%25`, NUL → `%00`, `~` → `%7E`, a leading `.` → `%2E`, the empty
//! name → `%`; a folder's name ends in `%` so a file and a folder of the same name can
//! coexist. A flag's `/` becomes `%2F`; flags cannot contain `@`, so `@default` (the
//! unflagged upload) is unambiguous.
//!
//! The bytes of `meta` and of each file are opaque here; whoever writes decides, through a
//! `keep_new` callback, which of two records of one key stays.

use std::collections::{BTreeMap, HashMap};

use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use gix::objs::tree::{Entry, EntryKind};

use super::GitError;
use super::repo::{Repo, commit_id, object_id};
use crate::model::{CommitId, Flag, SharedRecord};

/// The ref holding shared coverage, locally and on remotes.
pub const DATA_REF: &str = "refs/covgit/data";

const UNFLAGGED: &str = "@default";

/// The most files one record may hold. A monorepo's report covers tens of thousands of
/// files; a crafted tree (a 16-ary folder DAG a few levels deep) names billions with a few
/// hundred objects, so the walk stops here instead of listing them.
pub const MAX_RECORD_FILES: usize = 200_000;
/// The deepest folder nesting within a record: a path is at most 4,096 bytes, so no real
/// path nests deeper than this, while a crafted chain of trees could recurse without end.
pub const MAX_TREE_DEPTH: usize = 256;
/// The most bytes of coverage blobs one record may make covgit read, counting a blob once per
/// path that names it (each path is decoded on its own). Plain lines take about two bytes,
/// so this is far above any real record, and well below what a machine can hold.
pub const MAX_RECORD_BYTES: u64 = 64 << 20;
/// The largest record description (meta blob): a format name, a status and the unresolved
/// paths.
pub const MAX_META_BYTES: u64 = 16 << 20;
/// The longest path a record may name, as for reports.
const MAX_PATH_BYTES: usize = 4096;
/// Bytes of blobs the reader keeps for reuse across records before it starts over.
const BLOB_CACHE_BYTES: usize = 64 << 20;
const META: &str = "meta";
const FILES: &str = "files";

/// Where one shared record sits in a data commit, found without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedLocator {
    pub commit: CommitId,
    pub flag: Option<Flag>,
    id: ObjectId,
}

/// A shared record's description and the key of its files: records whose files have the same
/// key hold the same files with the same coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedHead {
    pub meta: Vec<u8>,
    pub files_key: Option<String>,
}

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

/// What [`Repo::write_shared`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedCommit {
    /// The new data commit, or the base itself when no record changed anything.
    pub id: CommitId,
    /// Records added or replacing an older one.
    pub written: usize,
    /// Keys whose record in `base` was kept over a different one given (`keep_new` said no).
    pub kept_old: Vec<(CommitId, Option<Flag>)>,
}

/// Where shared data holds something that is not a record covgit could have written (a bad
/// folder or flag name), found while listing records: the rest are still read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedProblem {
    /// The commit (or folder) and flag as named in the tree.
    pub commit: String,
    pub flag: String,
    pub why: String,
}

/// What [`Repo::shared_locators`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedListing {
    pub records: Vec<SharedLocator>,
    pub problems: Vec<SharedProblem>,
}

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

/// `s` cut to a length fit for a one-line message, control characters as visible escapes
/// (names read from shared data are written by others).
pub fn bounded(s: &str) -> String {
    crate::model::quoted(s, 80)
}

fn malformed(tip: &CommitId, detail: String) -> GitError {
    GitError::BadSharedData {
        commit: tip.short().to_owned(),
        detail,
    }
}

fn load_tree(repo: &gix::Repository, id: Option<ObjectId>) -> Result<gix::objs::Tree, GitError> {
    let Some(id) = id else {
        return Ok(gix::objs::Tree::empty());
    };
    let tree = repo.find_tree(id).map_err(|source| GitError::Read {
        what: format!("covgit data tree {id}"),
        source,
    })?;
    tree.decode()
        .map(Into::into)
        .map_err(|source| GitError::Read {
            what: format!("covgit data tree {id}"),
            source,
        })
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

fn child(tree: &gix::objs::Tree, name: &str, want_tree: bool) -> Option<ObjectId> {
    tree.entries
        .iter()
        .find(|e| e.filename == name && e.mode.is_tree() == want_tree)
        .map(|e| e.oid)
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

fn flag_name(flag: Option<&Flag>) -> String {
    flag.map_or_else(|| UNFLAGGED.to_owned(), |f| escape(f.as_str()))
}

/// The flag a record name stands for: `Ok(None)` is the unflagged upload, `Err` a name no
/// covgit writes.
fn parse_flag_name(name: &str) -> Result<Option<Flag>, ()> {
    if name == UNFLAGGED {
        return Ok(None);
    }
    let raw = unescape(name).ok_or(())?;
    Flag::new(&raw).map(Some).map_err(|_| ())
}

/// A tree entry name for `s` that git's fsck accepts and no other string maps to.
fn escape(s: &str) -> String {
    if s.is_empty() {
        return "%".to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            '%' => out.push_str("%25"),
            '\0' => out.push_str("%00"),
            '~' => out.push_str("%7E"),
            '/' => out.push_str("%2F"),
            '.' if i == 0 => out.push_str("%2E"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(s: &str) -> Option<String> {
    if s == "%" {
        return Some(String::new());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3)?;
        out.push(match code {
            "25" => '%',
            "00" => '\0',
            "7E" => '~',
            "2F" => '/',
            "2E" => '.',
            _ => return None,
        });
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_is_reversible_and_safe_for_fsck() {
        for s in [
            "", "a", ".git", "..", ".", "%", "%25", "a~1", "git~1", "x\0y", "src/a.rs", "a.b.",
            "%2E",
        ] {
            let e = escape(s);
            assert!(
                !e.starts_with('.') && !e.contains(['/', '\0', '~']),
                "{s:?} -> {e}"
            );
            assert!(!e.ends_with('%') || e == "%", "{s:?} -> {e}");
            assert_eq!(unescape(&e).as_deref(), Some(s), "{e}");
        }
        assert_eq!(unescape("%zz"), None);
        assert_eq!(unescape("a%2"), None);
    }

    #[test]
    fn names_in_messages_are_bounded_and_escaped() {
        assert_eq!(bounded("unit"), "unit");
        assert_eq!(bounded("a\nb\x1b"), "a\\nb\\u{1b}");
        let long = bounded(&"é".repeat(500));
        assert_eq!(long.chars().count(), 81);
    }

    #[test]
    fn flag_names_round_trip() {
        for f in [
            None,
            Some("unit"),
            Some("a/b"),
            Some(".x"),
            Some("_default"),
        ] {
            let flag = f.map(|f| Flag::new(f).unwrap());
            assert_eq!(parse_flag_name(&flag_name(flag.as_ref())), Ok(flag));
        }
    }
}
