//! `covgit push` / `covgit pull` through a real bare remote made with `git init --bare`
//! (issue 7): concurrent pushers lose nothing, a fresh clone compares like the recorder, a
//! second push sends nothing, a remote without covgit data says so.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Run, TestRepo, hermetic, lcov};

/// Runs git in `dir` hermetically; stdout trimmed.
#[track_caller]
fn git(home: &Path, dir: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new("git");
    hermetic(&mut cmd, home);
    let out = cmd.current_dir(dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn numbered(n: u32) -> String {
    (1..=n).fold(String::new(), |mut s, i| {
        let _ = writeln!(s, "line {i}");
        s
    })
}

/// A repository with `n` commits on main, pushed to a bare remote `remote.git` beside it
/// (its `origin`). Returns the commits, oldest first.
fn with_remote(repo: &TestRepo, n: u32) -> Vec<String> {
    let bare = repo.home().join("remote.git");
    git(
        &repo.home(),
        &repo.home(),
        &["init", "-q", "--bare", "-b", "main", "remote.git"],
    );
    let mut shas = Vec::new();
    for i in 1..=n {
        repo.write("src/a.py", &numbered(10 + i));
        repo.write("lib/b.py", &numbered(5));
        shas.push(repo.commit(&format!("c{i}")));
    }
    repo.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    repo.git(&["push", "-q", "origin", "main"]);
    shas
}

/// A clone of the bare remote in `name` beside the repository.
fn clone(repo: &TestRepo, name: &str) -> PathBuf {
    git(
        &repo.home(),
        &repo.home(),
        &["clone", "-q", "remote.git", name],
    );
    repo.home().join(name)
}

fn report(repo: &TestRepo, name: &str, i: u32) -> PathBuf {
    let a: Vec<(u32, u64)> = (1..=10 + i).map(|l| (l, u64::from(l % (i + 1)))).collect();
    let b: Vec<(u32, u64)> = (1..=5).map(|l| (l, u64::from(l <= i))).collect();
    repo.write_outside(name, &lcov(&[("src/a.py", &a), ("lib/b.py", &b)]))
}

fn remote_tip(repo: &TestRepo) -> String {
    git(
        &repo.home(),
        &repo.home().join("remote.git"),
        &["rev-parse", "--verify", "-q", "refs/covgit/data"],
    )
}

#[track_caller]
fn log_commits(repo: &TestRepo, dir: &Path) -> Vec<String> {
    let run = repo.covgit_in(dir, &["log", "--format", "json"]).ok();
    let v = run.json();
    let mut out: Vec<String> = v["commits"]
        .as_array()
        .or_else(|| v.as_array())
        .unwrap_or_else(|| panic!("unexpected log JSON: {v}"))
        .iter()
        .map(|c| c["commit"].as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn six_clones_pushing_at_once_lose_no_record() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 6);
    let mut children = Vec::new();
    for (i, sha) in (1..=6).zip(&shas) {
        let dir = clone(&repo, &format!("clone{i}"));
        let rep = report(&repo, &format!("r{i}.info"), i);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_covgit"));
        hermetic(&mut cmd, &repo.home());
        // Two uploads per clone, one flagged, so records of one commit also meet.
        cmd.current_dir(&dir).args([
            "record",
            "--commit",
            sha,
            "--flag",
            "unit/fast",
            rep.to_str().unwrap(),
            "--push",
        ]);
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        children.push((i, dir, cmd.spawn().expect("covgit starts")));
    }
    for (i, _, child) in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "clone {i} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // A fresh clone receives all six.
    let fresh = clone(&repo, "fresh");
    let pulled = repo.covgit_in(&fresh, &["pull"]).ok();
    assert!(
        pulled
            .stderr
            .contains("pulled 6 uploads of 6 commits from origin"),
        "{}",
        pulled.stderr
    );
    let mut want = shas.clone();
    want.sort();
    assert_eq!(log_commits(&repo, &fresh), want);
    let shown = repo
        .covgit_in(&fresh, &["show", &shas[3], "--flag", "unit/fast"])
        .ok();
    assert!(shown.stdout.contains("src/a.py"), "{}", shown.stdout);

    // Pulling again reads nothing.
    let again = repo.covgit_in(&fresh, &["pull", "origin"]).ok();
    assert!(
        again.stderr.contains("nothing new on origin"),
        "{}",
        again.stderr
    );
}

#[test]
fn a_fresh_clone_compares_like_the_recorder_and_a_second_push_sends_nothing() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 2);
    let r1 = report(&repo, "r1.info", 1);
    let r2 = report(&repo, "r2.info", 2);
    repo.covgit(&["record", "--commit", &shas[0], r1.to_str().unwrap()])
        .ok();
    repo.covgit(&["record", "--commit", &shas[1], r2.to_str().unwrap()])
        .ok();
    // A baseline's snapshot commit exists in this clone alone: its upload stays here.
    repo.covgit(&["baseline", "save", "wip", r2.to_str().unwrap()])
        .ok();
    let pushed = repo.covgit(&["push"]).ok();
    assert!(
        pushed
            .stderr
            .contains("pushed 2 uploads of 2 commits to origin"),
        "{}",
        pushed.stderr
    );
    assert!(
        pushed
            .stderr
            .contains("1 upload of commits only this clone has (baseline snapshots) kept here"),
        "{}",
        pushed.stderr
    );
    let tip = remote_tip(&repo);
    let objects = count_objects(&repo);

    let second = repo.covgit(&["push", "origin"]).ok();
    assert!(
        second
            .stderr
            .contains("nothing to push: origin has every recorded upload"),
        "{}",
        second.stderr
    );
    assert_eq!(remote_tip(&repo), tip);
    assert_eq!(count_objects(&repo), objects);

    let range = format!("{}..{}", shas[0], shas[1]);
    let here = repo.covgit(&["compare", &range, "--format", "json"]).ok();
    let fresh = clone(&repo, "fresh");
    let there = repo
        .covgit_in(&fresh, &["compare", "--pull", &range, "--format", "json"])
        .ok();
    assert!(
        there
            .stderr
            .contains("pulled 2 uploads of 2 commits from origin"),
        "{}",
        there.stderr
    );
    assert_eq!(there.json(), here.json());

    // The fresh clone holds nothing the remote lacks: its push sends nothing either.
    let back = repo.covgit_in(&fresh, &["push"]).ok();
    assert!(back.stderr.contains("nothing to push"), "{}", back.stderr);
    assert_eq!(remote_tip(&repo), tip);
}

#[test]
fn a_later_record_of_the_same_commit_and_flag_replaces_the_shared_one() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 1);
    let r1 = report(&repo, "r1.info", 1);
    repo.covgit(&[
        "record",
        "--commit",
        &shas[0],
        r1.to_str().unwrap(),
        "--push",
    ])
    .ok();
    let other = clone(&repo, "other");
    repo.covgit_in(&other, &["pull"]).ok();
    // Recorded at least a second later, so it is the newer record.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // Another report of the same 11-line file (one of 13 lines would be refused).
    let r3 = report(&repo, "r3.info", 0);
    let run = repo
        .covgit_in(
            &other,
            &[
                "record",
                "--commit",
                &shas[0],
                r3.to_str().unwrap(),
                "--push",
            ],
        )
        .ok();
    assert!(
        run.stderr.contains("pushed 1 upload of 1 commit"),
        "{}",
        run.stderr
    );
    let pulled = repo.covgit(&["pull"]).ok();
    assert!(
        pulled.stderr.contains("pulled 1 upload"),
        "{}",
        pulled.stderr
    );
    let mine = repo.covgit(&["show", &shas[0], "--format", "json"]).ok();
    let theirs = repo
        .covgit_in(&other, &["show", &shas[0], "--format", "json"])
        .ok();
    assert_eq!(mine.stdout, theirs.stdout);
}

#[test]
fn a_remote_without_covgit_data_says_so() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 2);
    let run: Run = repo.covgit(&["pull"]).code(2);
    assert!(
        run.stderr
            .contains("remote 'origin' has no shared coverage (no refs/covgit/data there)"),
        "{}",
        run.stderr
    );
    let run = repo.covgit(&["pull", "nowhere"]).code(2);
    assert!(run.stderr.contains("'nowhere'"), "{}", run.stderr);
    // Nothing recorded: push says so and creates no ref.
    let run = repo.covgit(&["push"]).ok();
    assert!(run.stderr.contains("nothing to push"), "{}", run.stderr);
    // A PR job before the default branch ever pushed: compare --pull warns and compares
    // with the coverage recorded here.
    for (i, sha) in shas.iter().enumerate() {
        let r = report(&repo, &format!("r{i}.info"), 1 + i as u32);
        repo.covgit(&["record", "--commit", sha, r.to_str().unwrap()])
            .ok();
    }
    let range = format!("{}..{}", shas[0], shas[1]);
    let run = repo
        .covgit(&["compare", "--pull=origin", &range, "--format", "json"])
        .ok();
    assert!(
        run.stderr.contains("has no shared coverage") && run.stderr.contains("local coverage only"),
        "{}",
        run.stderr
    );
    let json = run.json();
    assert_eq!(json["base"]["used"], shas[0].as_str());
    assert_eq!(json["head"]["commit"], shas[1].as_str());
}

fn count_objects(repo: &TestRepo) -> String {
    git(
        &repo.home(),
        &repo.home().join("remote.git"),
        &["count-objects", "-v"],
    )
}

/// Issue 7's figure: 1,000 recorded commits pulled into an empty store. Run with
/// `cargo test --release --test cli share::bench -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check; takes a minute to build its data"]
#[expect(
    clippy::too_many_lines,
    reason = "one measurement script, read top to bottom"
)]
fn bench_pull_1000_commits() {
    use covgit::model::{CiStatus, CommitId, FileCoverage, LineCoverage, Report, Upload};
    use covgit::store::Store;

    let repo = TestRepo::new();
    with_remote(&repo, 1);
    // 1,000 commits, made quickly with fast-import (their trees do not matter to pull).
    let mut parent = repo.git(&["rev-parse", "HEAD"]);
    let mut commits = Vec::new();
    let mut script = String::new();
    for i in 0..1000 {
        let _ = write!(
            script,
            "commit refs/heads/bench\nmark :{}\ncommitter T <t@e> {} +0000\ndata 2\nc\n{}\n",
            i + 1,
            1_767_225_600 + i,
            if i == 0 {
                format!("from {parent}\n")
            } else {
                String::new()
            }
        );
    }
    let mut fi = Command::new("git");
    hermetic(&mut fi, &repo.home());
    let mut child = fi
        .current_dir(repo.path())
        .args(["fast-import", "--quiet", "--export-marks=marks"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), script.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    let marks = std::fs::read_to_string(repo.path().join("marks")).unwrap();
    for line in marks.lines() {
        commits.push(CommitId::new(line.split(' ').nth(1).unwrap()).unwrap());
    }
    parent = commits.last().unwrap().to_string();
    repo.git(&[
        "push",
        "-q",
        "origin",
        &format!("{parent}:refs/heads/bench"),
    ]);

    // Each commit: 40 files of 150 lines; two files' coverage changes per commit.
    let mut store = Store::open(&repo.db()).unwrap_or_else(|_| {
        std::fs::create_dir_all(repo.db().parent().unwrap()).unwrap();
        Store::open(&repo.db()).unwrap()
    });
    let mut files: Vec<(String, FileCoverage)> = (0..40)
        .map(|f| {
            let cov = FileCoverage::from_sorted(
                (1..=150)
                    .map(|l| (l, LineCoverage::new(u64::from(l % 3))))
                    .collect(),
            )
            .unwrap();
            (format!("src/mod{}/file{f}.py", f % 8), cov)
        })
        .collect();
    for (i, c) in commits.iter().enumerate() {
        for k in 0..2 {
            let f = (i * 2 + k) % files.len();
            files[f].1 = FileCoverage::from_sorted(
                (1..=150)
                    .map(|l| (l, LineCoverage::new((u64::from(l) * 7 + i as u64) % 13)))
                    .collect(),
            )
            .unwrap();
        }
        let upload = Upload {
            flag: None,
            format: "cobertura".into(),
            ci_status: CiStatus::Passed,
            report: Report {
                files: files.iter().cloned().collect(),
                unresolved: std::collections::BTreeSet::default(),
            },
        };
        store.record(c, &upload).unwrap();
    }
    drop(store);
    let t = std::time::Instant::now();
    let pushed = repo.covgit(&["push"]).ok();
    eprintln!(
        "push of 1,000 commits: {:?} ({})",
        t.elapsed(),
        pushed.stderr.trim()
    );
    eprintln!("remote after push:\n{}", count_objects(&repo));
    git(&repo.home(), &repo.home().join("remote.git"), &["gc", "-q"]);
    eprintln!("remote after git gc:\n{}", count_objects(&repo));

    let fresh = clone(&repo, "fresh");
    let t = std::time::Instant::now();
    let pulled = repo.covgit_in(&fresh, &["pull"]).ok();
    let took = t.elapsed();
    eprintln!(
        "pull of 1,000 commits into an empty store: {took:?} ({})",
        pulled.stderr.trim()
    );
    assert!(
        pulled
            .stderr
            .contains("pulled 1000 uploads of 1000 commits")
    );
    let t = std::time::Instant::now();
    let again = repo.covgit_in(&fresh, &["pull"]).ok();
    eprintln!("pull again: {:?} ({})", t.elapsed(), again.stderr.trim());
}
