-- covgit schema 5: how many files each upload left out as generated code.
--
-- Why: `record` leaves out the files the recorded commit's .gitattributes mark
-- linguist-generated (SPEC `[paths] generated`), and `covgit show` says how many files of
-- each upload were left out and why. The files themselves are not kept, so the count is.
-- Uploads recorded before this schema, or imported by pull (the shared record does not carry
-- it), count 0. Readers of an older schema (a read-only store) take 0 for every upload.
ALTER TABLE uploads ADD COLUMN generated INTEGER NOT NULL DEFAULT 0 CHECK (generated >= 0);
