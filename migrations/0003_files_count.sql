-- covgit schema 3: a commit's `files` counts only the files with at least one tracked line.
--
-- Why: SPEC's TOTALS.files counts files with at least one tracked line, as Codecov does.
-- Schemas 1 and 2 counted every file a report listed, so an empty `__init__.py` that
-- coverage.py lists with `<lines/>` counted as a file. A file of the merged report tracks a
-- line exactly when one of its uploads' blobs does, so the stored counts are recomputed from
-- the blobs' own totals, in SQL, without decoding any coverage.
UPDATE commits SET files = (
    SELECT count(DISTINCT f.path_id) FROM uploads u
    JOIN file_set_files f ON f.set_id = u.set_id
    JOIN blobs b ON b.id = f.blob_id
    WHERE u.commit_id = commits.id AND b.lines > 0
);
