-- covgit schema 2: what this database has exchanged with each git remote (covgit push/pull).
--
-- Why: `push` must send only what the remote lacks and `pull` must import only what is new,
-- without re-reading every shared record each time (100,000 commits must stay fast).
--   * `shared_uploads` lists the uploads a remote is known to hold (sent by push, or received
--     by pull). Re-recording an upload deletes its row, so the cascade makes it unshared
--     again and the next push sends the new one.
--   * `pulled` keeps, per remote, the opaque mark (the id of the covgit data commit) up to
--     which pull has imported; the next pull reads only what changed since.
-- The store knows no git: remotes are names and marks are strings to it.

CREATE TABLE shared_uploads (
    upload_id INTEGER NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    remote    TEXT NOT NULL,
    PRIMARY KEY (upload_id, remote)
) STRICT, WITHOUT ROWID;

CREATE TABLE pulled (
    remote TEXT PRIMARY KEY,
    mark   TEXT NOT NULL
) STRICT;
