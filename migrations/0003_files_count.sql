-- covgit schema 3: a commit's `files` counts only the files with at least one tracked line.
--
-- Why: SPEC's TOTALS.files counts files with at least one tracked line, as Codecov does.
-- Schemas 1 and 2 counted every file a report listed, so an empty `__init__.py` that
-- coverage.py lists with `<lines/>` counted as a file. A file of the merged report tracks a
-- line exactly when one of its uploads' blobs does, so the stored counts are recomputed from
-- the blobs' own totals, in SQL, without decoding any coverage.
--
-- Cost: this runs inside the first command after the upgrade. Joining every commit's files
-- to their blobs reads every row of `file_set_files` (3 s at 20,000 commits of 1,000 files),
-- so a commit with one upload (most) is counted from its set instead: the set's `files`
-- minus its entries whose blob tracks no line, found from the few such blobs through
-- `file_set_files_by_blob` (CROSS JOIN keeps that order), once per set (0.3 s). A commit
-- with several uploads needs the union of their paths, counted as before.
CREATE TEMP TABLE untracked_per_set AS
    SELECT f.set_id AS set_id, count(*) AS n
    FROM blobs b CROSS JOIN file_set_files f ON f.blob_id = b.id
    WHERE b.lines = 0
    GROUP BY f.set_id;
CREATE UNIQUE INDEX temp.untracked_per_set_by_set ON untracked_per_set (set_id);
UPDATE commits SET files = CASE
    WHEN (SELECT count(*) FROM uploads u WHERE u.commit_id = commits.id) = 1 THEN (
        SELECT s.files - ifnull((SELECT t.n FROM untracked_per_set t WHERE t.set_id = s.id), 0)
        FROM uploads u JOIN file_sets s ON s.id = u.set_id
        WHERE u.commit_id = commits.id
    )
    ELSE (
        SELECT count(DISTINCT f.path_id) FROM uploads u
        JOIN file_set_files f ON f.set_id = u.set_id
        JOIN blobs b ON b.id = f.blob_id
        WHERE u.commit_id = commits.id AND b.lines > 0
    )
END;
DROP TABLE temp.untracked_per_set;
