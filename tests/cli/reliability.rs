//! Issue 6: concurrent writers and readers, crashes mid-write, garbage collection, hostile
//! paths. The database is checked with `SQLite`'s own `integrity_check`.

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::common::{TestRepo, hermetic, lcov};

fn integrity(db: &std::path::Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn upload_count(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM uploads", [], |r| r.get(0))
        .unwrap()
}

/// A repository with `n` files `f000.py`… of 5 lines.
fn repo_with_files(n: usize) -> TestRepo {
    let repo = TestRepo::new();
    for i in 0..n {
        repo.write(&format!("f{i:03}.py"), "a\nb\nc\nd\ne\n");
    }
    repo.commit("files");
    repo
}

#[test]
fn eight_concurrent_writers_lose_nothing_and_readers_never_see_half_an_upload() {
    let repo = repo_with_files(201);
    // Create the database first, so every worker and reader finds it.
    let first = repo.write_outside("first.info", &lcov(&[("f200.py", &[(1, 1)])]));
    repo.covgit(&["record", "--flag", "seed", first.to_str().unwrap()])
        .ok();
    for k in 0..200 {
        repo.write_outside(
            &format!("r/{k}.info"),
            &lcov(&[(
                &format!("f{k:03}.py"),
                &[(1, 1), (2, 0), (3, 1), (4, 0), (5, 1)],
            )]),
        );
    }
    let bin = env!("CARGO_BIN_EXE_covgit");
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let script = (0..25).fold(String::new(), |mut s, i| {
                let k = w * 25 + i;
                let _ = writeln!(
                    s,
                    "\"$COVGIT\" -C repo record --flag w{w}-{i} ../r/{k}.info -q || exit 1"
                );
                s
            });
            let mut cmd = Command::new("sh");
            hermetic(&mut cmd, &repo.home());
            cmd.arg("-c")
                .arg(script)
                .current_dir(repo.home())
                .env("COVGIT", bin)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Meanwhile, readers: every answer is whole (files == uploads, since each upload covers
    // one file of its own) and every command succeeds.
    let mut reads = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut workers = workers;
    loop {
        let log = repo.covgit(&["log", "--format", "json"]).ok().json();
        let c = &log["commits"][0];
        let uploads = c["flags"].as_array().unwrap().len() as u64;
        assert_eq!(
            c["totals"]["files"].as_u64().unwrap(),
            uploads,
            "half-written upload seen: {c}"
        );
        // The seed covers one line of its own file, every other upload five of its own.
        assert_eq!(
            c["totals"]["lines"].as_u64().unwrap(),
            (uploads - 1) * 5 + 1
        );
        let show: Value = repo.covgit(&["show", "--format", "json"]).ok().json();
        assert_eq!(
            show["files"].as_array().unwrap().len() as u64,
            show["uploads"].as_array().unwrap().len() as u64
        );
        reads += 1;
        if workers.iter_mut().all(|w| w.try_wait().unwrap().is_some())
            || std::time::Instant::now() > deadline
        {
            break;
        }
    }
    for w in &mut workers {
        let status = w.wait().unwrap();
        let mut err = String::new();
        std::io::Read::read_to_string(w.stderr.as_mut().unwrap(), &mut err).unwrap();
        assert!(status.success(), "a writer failed: {err}");
    }
    assert!(reads > 0);
    assert_eq!(upload_count(&repo.db()), 201);
    assert_eq!(integrity(&repo.db()), "ok");
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(show["uploads"].as_array().unwrap().len(), 201);
    assert_eq!(show["totals"]["files"], 201);
}

#[test]
fn a_record_killed_at_any_moment_leaves_a_sound_store_with_whole_uploads_or_none() {
    let repo = repo_with_files(1);
    // A report large enough that recording takes a while (many unresolved files).
    let files: Vec<(String, Vec<(u32, u64)>)> = (0..3000)
        .map(|i| {
            (
                format!("gen/m{i}.py"),
                (1..=40).map(|l| (l, u64::from((l + i) % 3))).collect(),
            )
        })
        .collect();
    let refs: Vec<(&str, &[(u32, u64)])> = files
        .iter()
        .map(|(p, l)| (p.as_str(), l.as_slice()))
        .collect();
    let report = repo.write_outside("big.info", &lcov(&refs));
    let expected_lines = 3000 * 40;
    let seed = repo.write_outside("seed.info", &lcov(&[("f000.py", &[(1, 1)])]));
    repo.covgit(&["record", "--flag", "seed", seed.to_str().unwrap()])
        .ok();
    let bin = env!("CARGO_BIN_EXE_covgit");
    // A fixed pseudo-random sequence of kill delays, so a failure can be replayed.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut killed = 0;
    for run in 0..50 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let delay = Duration::from_micros(state % 400_000);
        let mut cmd = Command::new(bin);
        hermetic(&mut cmd, &repo.home());
        let mut child = cmd
            .current_dir(repo.path())
            .args([
                "record",
                "-q",
                // Its paths are of no file of the tree, on purpose (see above).
                "--force",
                "--flag",
                &format!("run{run}"),
                report.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
        assert_eq!(integrity(&repo.db()), "ok", "run {run}");
        let show = repo.covgit(&["show", "--flag", &format!("run{run}"), "--format", "json"]);
        // Two outcomes on purpose: whether the kill landed before or after the commit of the
        // upload depends on timing, not on the platform. Either is whole, never partial.
        if show.code == 0 {
            assert_eq!(
                show.json()["totals"]["lines"],
                expected_lines,
                "run {run}: a partial upload"
            );
        } else {
            assert!(
                show.stderr.contains("no recorded coverage"),
                "run {run}: {}",
                show.stderr
            );
        }
    }
    assert!(
        killed >= 10,
        "only {killed} of 50 runs were killed mid-way: the test proves little"
    );
    // The store still works after all that.
    let again = repo
        .covgit(&[
            "record",
            "--force",
            "--flag",
            "after",
            report.to_str().unwrap(),
        ])
        .ok();
    // It says what it recorded (and warns of the paths of no file of the tree), no error.
    assert!(
        again.stderr.contains("\nrecorded ") && !again.stderr.contains("error"),
        "{}",
        again.stderr
    );
    assert_eq!(integrity(&repo.db()), "ok");
}

#[test]
fn gc_forgets_commits_no_ref_reaches() {
    let repo = TestRepo::new();
    repo.write("a.py", "a\nb\n");
    let kept = repo.commit("main");
    let r = repo.write_outside("a.info", &lcov(&[("a.py", &[(1, 1), (2, 0)])]));
    repo.covgit(&["record", r.to_str().unwrap()]).ok();
    repo.git(&["checkout", "-q", "-b", "doomed"]);
    repo.write("a.py", "a\nb\nc\n");
    let doomed = repo.commit("doomed");
    let r2 = repo.write_outside(
        "b.info",
        &lcov(&[("a.py", &(1..=3).map(|l| (l, 1)).collect::<Vec<_>>())]),
    );
    repo.covgit(&["record", r2.to_str().unwrap()]).ok();
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["branch", "-q", "-D", "doomed"]);

    let dry = repo.covgit(&["gc", "--dry-run"]).ok();
    assert!(
        dry.stderr.contains("would remove 1") && dry.stderr.contains(&doomed),
        "{}",
        dry.stderr
    );
    assert_eq!(upload_count(&repo.db()), 2);
    let done = repo.covgit(&["gc"]).ok();
    assert!(done.stderr.contains("removed 1"), "{}", done.stderr);
    assert_eq!(upload_count(&repo.db()), 1);
    let log = repo.covgit(&["log", "--format", "json"]).ok().json();
    assert_eq!(log["commits"][0]["commit"], kept);
    assert_eq!(integrity(&repo.db()), "ok");
}

#[test]
fn hostile_paths_are_kept_unresolved_or_refused_and_nothing_is_written_outside() {
    let repo = repo_with_files(1);
    let long = format!("{}/x.py", "d".repeat(4000));
    let report = repo.write_outside(
        "hostile.info",
        &lcov(&[
            ("../../../../etc/passwd", &[(1, 1)]),
            ("/etc/shadow", &[(1, 1)]),
            ("f000.py/../../outside.py", &[(1, 1)]),
            (&long, &[(1, 1)]),
            ("f000.py", &[(1, 1)]),
        ]),
    );
    let listing = |dir: &std::path::Path| {
        let mut v: Vec<String> = walk(dir)
            .into_iter()
            .filter(|p| !p.contains("/.git/"))
            .collect();
        v.sort();
        v
    };
    let before = listing(&repo.home());
    let run = repo.covgit(&["record", report.to_str().unwrap()]).ok();
    assert!(run.stderr.contains("unresolved"), "{}", run.stderr);
    assert_eq!(
        listing(&repo.home()),
        before,
        "covgit wrote outside its database"
    );
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    let unresolved: Vec<&str> = show["unresolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(unresolved.contains(&"/etc/shadow"), "{unresolved:?}");
    assert!(
        unresolved.contains(&"../../../../etc/passwd"),
        "{unresolved:?}"
    );
    assert!(unresolved.contains(&"../outside.py"), "{unresolved:?}");
    assert_eq!(show["files"].as_array().unwrap().len(), 5);

    // NUL and non-UTF-8 bytes in a path: refused, naming the report, store untouched. Both
    // outcomes are decided by the report's bytes alone (no file system or locale is asked),
    // so they are the same on every platform: a NUL is binary data wherever it is, and an
    // LCOV path must be UTF-8 (a Latin-1 'é' is not), so no repository path could match it.
    let db_before = std::fs::read(repo.db()).unwrap();
    for (name, bytes, why) in [
        (
            "nul.info",
            b"SF:a\0b.py\nDA:1,1\nend_of_record\n".to_vec(),
            "looks like binary data (byte 4 is 0x00), not a coverage report",
        ),
        (
            "latin1.info",
            b"SF:caf\xe9.py\nDA:1,1\nend_of_record\n".to_vec(),
            "line 1: the source path is not valid UTF-8",
        ),
    ] {
        let p = repo.home().join(name);
        std::fs::write(&p, bytes).unwrap();
        let run = repo.covgit(&["record", p.to_str().unwrap()]).code(2);
        assert_eq!(
            run.stderr,
            format!("error: '{}' {why}\n", p.display()),
            "{name}"
        );
        assert_eq!(std::fs::read(repo.db()).unwrap(), db_before, "{name}");
    }
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        out.push(p.display().to_string());
        if p.is_dir() {
            out.extend(walk(&p));
        }
    }
    out
}

#[test]
fn a_full_disk_or_an_unwritable_place_is_a_clear_error_and_the_store_survives() {
    let repo = repo_with_files(200);
    let seed = repo.write_outside("seed.info", &lcov(&[("f000.py", &[(1, 1)])]));
    repo.covgit(&["record", "--flag", "seed", seed.to_str().unwrap()])
        .ok();
    let before = std::fs::read(repo.db()).unwrap();
    // A big upload written under a file-size limit: the write fails as on a full disk
    // (SIGXFSZ ignored, so the write returns an error instead of killing covgit).
    let files: Vec<(String, Vec<(u32, u64)>)> = (0..200)
        .map(|i| {
            (
                format!("f{i:03}.py"),
                (1..=5).map(|l| (l, u64::from(l + i))).collect(),
            )
        })
        .chain((0..2000).map(|i| {
            (
                format!("gen/x{i}.py"),
                (1..=50).map(|l| (l, u64::from(l * i % 5))).collect(),
            )
        }))
        .collect();
    let refs: Vec<(&str, &[(u32, u64)])> = files
        .iter()
        .map(|(p, l)| (p.as_str(), l.as_slice()))
        .collect();
    let big = repo.write_outside("big.info", &lcov(&refs));
    let mut cmd = Command::new("sh");
    hermetic(&mut cmd, &repo.home());
    let out = cmd
        .current_dir(repo.path())
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {}; exec \"$COVGIT\" -q record --flag big {}",
            before.len() / 512 + 8,
            big.display()
        ))
        .env("COVGIT", env!("CARGO_BIN_EXE_covgit"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("covgit.db"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(integrity(&repo.db()), "ok");
    assert_eq!(
        upload_count(&repo.db()),
        1,
        "the failed upload left nothing behind"
    );
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(show["uploads"].as_array().unwrap().len(), 1);

    // A database where nothing can be written (procfs): refused, naming it.
    let run = repo
        .covgit(&[
            "--db",
            "/proc/self/covgit.db",
            "record",
            seed.to_str().unwrap(),
        ])
        .code(2);
    assert!(
        run.stderr.contains("/proc/self/covgit.db"),
        "{}",
        run.stderr
    );
}
