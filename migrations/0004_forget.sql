-- covgit schema 4: uploads removed with `covgit forget`, remembered so they stay removed.
--
-- Why: deleting the upload rows alone is not enough once coverage is shared. The next pull
-- would bring the upload back from the remote, and other clones would keep it for ever. So
-- forgetting leaves a dated tombstone per (commit, flag): push writes it to the remote in
-- place of the record (every clone that pulls it drops its copy), pull keeps a record of
-- that key out unless the record was made after the tombstone (a real, later recording of
-- the commit and flag wins, as between two records).
--   * `forgotten`: one row per forgotten key; `flag` is '' for the unflagged upload (as in
--     the unique index of `uploads`). Recording the key again deletes the row.
--   * `shared_forgotten`: the remotes known to hold the tombstone, as `shared_uploads` does
--     for uploads; replacing a tombstone (a new row) makes it unshared again.

CREATE TABLE forgotten (
    id           INTEGER PRIMARY KEY,
    sha          TEXT NOT NULL CHECK (length(sha) = 40),
    flag         TEXT NOT NULL,
    -- Unix seconds.
    forgotten_at INTEGER NOT NULL,
    UNIQUE (sha, flag)
) STRICT;

CREATE TABLE shared_forgotten (
    forgotten_id INTEGER NOT NULL REFERENCES forgotten (id) ON DELETE CASCADE,
    remote       TEXT NOT NULL,
    PRIMARY KEY (forgotten_id, remote)
) STRICT, WITHOUT ROWID;
