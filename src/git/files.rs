//! Reading one file of a commit's tree (e.g. a `go.mod` for path resolution), and counting
//! the lines of many (does a report belong to the commit?).

use std::collections::{HashMap, HashSet};

use super::{GitError, Repo};
use crate::model::CommitId;

impl Repo {
    /// The content of `path` in `commit`'s tree; `None` when there is no such file.
    pub fn read_file(&self, commit: &CommitId, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        self.read_file_within(commit, path, u64::MAX)
    }

    /// The content of `path` in `commit`'s tree when it is at most `max` bytes; `None` when
    /// there is no such file or it is larger. The size comes from the object's header, so a
    /// larger blob is never loaded.
    pub fn read_file_within(
        &self,
        commit: &CommitId,
        path: &str,
        max: u64,
    ) -> Result<Option<Vec<u8>>, GitError> {
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
        if max < u64::MAX {
            let size = self
                .inner
                .find_header(entry.oid())
                .map_err(|source| read(gix::Error::from_error(source)))?
                .size();
            if size > max {
                return Ok(None);
            }
        }
        let object = entry.object().map_err(read)?;
        Ok(Some(object.detach().data))
    }
}

impl Repo {
    /// How many lines each of `paths` has in `commit`'s tree, as git counts them (its
    /// newlines, plus an unterminated last line; a file with no newline but carriage returns
    /// counts those). Paths that are not regular files there (absent, symlinks, submodules)
    /// are left out. One walk of the tree, then each blob is read and counted with `memchr`
    /// on up to `threads` threads, one blob at a time each.
    pub fn line_counts(
        &self,
        commit: &CommitId,
        paths: &[&str],
        threads: usize,
    ) -> Result<HashMap<String, u32>, GitError> {
        if paths.is_empty() {
            return Ok(HashMap::new());
        }
        let wanted: HashSet<&str> = paths.iter().copied().collect();
        let jobs: Vec<(String, gix::ObjectId)> = self
            .tree_entries(commit)?
            .into_iter()
            .filter(|e| e.mode.is_blob())
            .filter_map(|e| {
                let p = String::from_utf8_lossy(&e.filepath);
                wanted.contains(p.as_ref()).then(|| (p.into_owned(), e.oid))
            })
            .collect();
        // Files of the same content (empty `__init__.py`s, vendored copies) are read once.
        let mut blobs: Vec<gix::ObjectId> = jobs.iter().map(|(_, id)| *id).collect();
        blobs.sort_unstable();
        blobs.dedup();
        let count = |repo: &gix::Repository, part: &[gix::ObjectId]| {
            part.iter()
                .map(|id| {
                    let blob = repo.find_blob(*id).map_err(|source| GitError::Read {
                        what: format!("blob {id} of commit {commit}"),
                        source,
                    })?;
                    Ok((*id, lines_of(&blob.data)))
                })
                .collect::<Result<Vec<_>, GitError>>()
        };
        // Objects held in memory (a working-tree snapshot's) are seen only through this
        // handle: a thread-safe copy of the repository drops them.
        let in_memory = self.inner.objects.num_objects_in_memory() > 0;
        let threads = threads.clamp(1, 8);
        let counted: HashMap<gix::ObjectId, u32> = if threads == 1 || blobs.len() < 64 || in_memory
        {
            count(&self.inner, &blobs)?.into_iter().collect()
        } else {
            let shared = self.inner.clone().into_sync();
            let parts: Vec<Result<Vec<(gix::ObjectId, u32)>, GitError>> =
                std::thread::scope(|scope| {
                    let handles: Vec<_> = blobs
                        .chunks(blobs.len().div_ceil(threads))
                        .map(|part| {
                            let shared = &shared;
                            scope.spawn(move || count(&shared.to_thread_local(), part))
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                        .collect()
                });
            let mut all = HashMap::with_capacity(blobs.len());
            for part in parts {
                all.extend(part?);
            }
            all
        };
        Ok(jobs
            .into_iter()
            .filter_map(|(path, id)| Some((path, *counted.get(&id)?)))
            .collect())
    }
}

/// A file's lines: newlines plus an unterminated last line; carriage returns for a file
/// with no newline at all (classic Mac line ends).
fn lines_of(data: &[u8]) -> u32 {
    let mut ends = memchr::memchr_iter(b'\n', data).count();
    let mut end = b'\n';
    if ends == 0 {
        ends = memchr::memchr_iter(b'\r', data).count();
        end = b'\r';
    }
    let unterminated = usize::from(data.last().is_some_and(|&b| b != end));
    u32::try_from(ends + unterminated).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::lines_of;
    use crate::git::Repo;
    use crate::git::fixture::{build, git};
    use crate::model::CommitId;

    #[test]
    fn a_file_over_the_limit_is_not_read() {
        let dir = build(
            "git init -q -b main . && printf 'abcdefghij' > ten && ln -s ten link && \
             git add -A && git commit -q -m one",
            &[],
        );
        let repo = Repo::discover(dir.path()).unwrap();
        let head = CommitId::new(&git(dir.path(), &["rev-parse", "HEAD"])).unwrap();
        let read = |path: &str, max: u64| repo.read_file_within(&head, path, max).unwrap();
        assert_eq!(read("ten", 10).as_deref(), Some(&b"abcdefghij"[..]));
        assert_eq!(read("ten", 9), None);
        assert_eq!(read("link", 100), None);
        assert_eq!(read("none", 100), None);
        assert_eq!(repo.read_file(&head, "ten").unwrap().unwrap().len(), 10);
    }

    #[test]
    fn a_working_tree_snapshot_held_in_memory_is_counted_from_its_own_blobs() {
        // Enough files to be counted on several threads; each edited on disk only, so its
        // blob lives in the snapshot's memory, which a thread-safe handle does not see.
        let dir = build(
            "git init -q -b main . && for i in $(seq 100 179); do echo a > f$i; done && \
             git add -A && git commit -q -m one && \
             for i in $(seq 100 179); do seq $i > f$i; done",
            &[],
        );
        let repo = Repo::discover(dir.path()).unwrap().in_memory();
        let snap = repo.snapshot_worktree("snap", 1_700_000_000).unwrap();
        let paths: Vec<String> = (100..180).map(|i| format!("f{i}")).collect();
        let wanted: Vec<&str> = paths.iter().map(String::as_str).collect();
        let counts = repo.line_counts(&snap.commit, &wanted, 4).unwrap();
        assert_eq!(counts.len(), 80);
        for i in 100..180_u32 {
            assert_eq!(counts[&format!("f{i}")], i, "f{i}");
        }
    }

    #[test]
    fn lines_are_counted_as_git_does() {
        assert_eq!(lines_of(b""), 0);
        assert_eq!(lines_of(b"a"), 1);
        assert_eq!(lines_of(b"a\n"), 1);
        assert_eq!(lines_of(b"a\nb"), 2);
        assert_eq!(lines_of(b"a\r\nb\r\n"), 2);
        assert_eq!(lines_of(b"a\rb\rc"), 3);
        assert_eq!(lines_of(b"\n\n\n"), 3);
    }
}
