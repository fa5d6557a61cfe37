-- covgit schema 1: commits, their uploads, and each upload's per-file coverage.
--
-- Why it is shaped so: storage must grow with what changed between commits, not with the
-- number of commits. From one commit to the next most files' coverage is identical, so
--   * a file's coverage is one blob (covgit's own versioned binary codec, src/store/codec.rs)
--     kept ONCE per distinct content in `blobs`, found again by `hash` (FNV-1a 64 of the
--     bytes; a match is confirmed by comparing the bytes, so a collision only costs a row);
--   * a path is interned once in `paths`;
--   * an upload's list of (path, blob) pairs is a *file set*, also kept once per distinct
--     content (`file_sets`, `file_set_files`): recording a report whose every file is
--     unchanged costs one `uploads` row, and a report that changed costs one new set.
-- A blob carries the totals of its lines and a commit the totals of its merged report
-- (recomputed in the transaction that records or replaces an upload), so listing commits
-- (`covgit log`) never decodes a blob. CI status belongs to each upload (one per `--flag` or
-- CI job); a commit's status is their combination, computed on read.
-- Tables are STRICT so a wrong type is an error, not a silent conversion.

CREATE TABLE paths (
    id   INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE blobs (
    id           INTEGER PRIMARY KEY,
    hash         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    lines        INTEGER NOT NULL,
    hit          INTEGER NOT NULL,
    partial      INTEGER NOT NULL,
    miss         INTEGER NOT NULL,
    branches     INTEGER NOT NULL,
    branches_hit INTEGER NOT NULL
) STRICT;
CREATE INDEX blobs_by_hash ON blobs (hash);

CREATE TABLE commits (
    id           INTEGER PRIMARY KEY,
    sha          TEXT NOT NULL UNIQUE CHECK (length(sha) = 40),
    -- Totals of the merge of all this commit's uploads.
    files        INTEGER NOT NULL DEFAULT 0,
    lines        INTEGER NOT NULL DEFAULT 0,
    hit          INTEGER NOT NULL DEFAULT 0,
    partial      INTEGER NOT NULL DEFAULT 0,
    miss         INTEGER NOT NULL DEFAULT 0,
    branches     INTEGER NOT NULL DEFAULT 0,
    branches_hit INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE uploads (
    id          INTEGER PRIMARY KEY,
    commit_id   INTEGER NOT NULL REFERENCES commits (id) ON DELETE CASCADE,
    -- NULL is the upload recorded without --flag, a key of its own.
    flag        TEXT CHECK (flag IS NULL OR flag <> ''),
    format      TEXT NOT NULL,
    ci_status   TEXT NOT NULL CHECK (ci_status IN ('passed', 'failed', 'pending')),
    -- Unix seconds.
    recorded_at INTEGER NOT NULL,
    set_id      INTEGER NOT NULL REFERENCES file_sets (id)
) STRICT;
-- Recording the same (commit, flag) again replaces the upload; ifnull makes NULL one key.
CREATE UNIQUE INDEX uploads_by_commit_flag ON uploads (commit_id, ifnull(flag, ''));

-- A distinct list of (path, blob) pairs: the files of one or more uploads. `hash` is FNV-1a
-- 64 over the sorted pairs; a match is confirmed by comparing the pairs.
CREATE TABLE file_sets (
    id    INTEGER PRIMARY KEY,
    hash  INTEGER NOT NULL,
    files INTEGER NOT NULL
) STRICT;
CREATE INDEX file_sets_by_hash ON file_sets (hash);
CREATE INDEX uploads_by_set ON uploads (set_id);

CREATE TABLE file_set_files (
    set_id  INTEGER NOT NULL REFERENCES file_sets (id) ON DELETE CASCADE,
    path_id INTEGER NOT NULL REFERENCES paths (id),
    blob_id INTEGER NOT NULL REFERENCES blobs (id),
    PRIMARY KEY (set_id, path_id)
) STRICT, WITHOUT ROWID;
-- Finds blobs no set uses any more (after a replace) and serves the foreign key.
CREATE INDEX file_set_files_by_blob ON file_set_files (blob_id);

-- Report paths that matched nothing in the commit's tree (SPEC "Paths"); their coverage is
-- in the upload's file set like any other file's.
CREATE TABLE upload_unresolved (
    upload_id INTEGER NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    path_id   INTEGER NOT NULL REFERENCES paths (id),
    PRIMARY KEY (upload_id, path_id)
) STRICT, WITHOUT ROWID;
