//! `covgit push` / `covgit pull` through a real bare remote made with `git init --bare`
//! (issue 7): concurrent pushers lose nothing, a fresh clone compares like the recorder, a
//! second push sends nothing, a remote without covgit data says so.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Run, TestRepo, git, hermetic, lcov};

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

/// A clone made (by a local, hard-linking `git clone`) while another job pushed can hold the
/// remote's data commit without its tree: push must fetch rather than trust the commit.
#[test]
fn push_fetches_a_remote_tip_whose_commit_is_here_without_its_tree() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 2);
    let rep = report(&repo, "r1.info", 1);
    let first = clone(&repo, "first");
    let second = clone(&repo, "second");
    repo.covgit_in(
        &first,
        &[
            "record",
            "--commit",
            &shas[0],
            rep.to_str().unwrap(),
            "--push",
        ],
    )
    .ok();
    // Only the commit object of the remote's data, as a racing copy would leave it.
    let tip = remote_tip(&repo);
    let body = git(
        &repo.home(),
        &repo.home().join("remote.git"),
        &["cat-file", "commit", &tip],
    );
    let copied = {
        let mut cmd = Command::new("git");
        hermetic(&mut cmd, &repo.home());
        let mut child = cmd
            .current_dir(&second)
            .args(["hash-object", "-t", "commit", "-w", "--stdin"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("git runs");
        std::io::Write::write_all(
            child.stdin.as_mut().unwrap(),
            format!("{body}\n").as_bytes(),
        )
        .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    assert_eq!(copied.trim(), tip, "the copied commit is the remote's");
    let later = report(&repo, "r2.info", 2);
    repo.covgit_in(
        &second,
        &[
            "record",
            "--commit",
            &shas[1],
            later.to_str().unwrap(),
            "--push",
        ],
    )
    .ok();
    let fresh = clone(&repo, "fresh");
    repo.covgit_in(&fresh, &["pull"]).ok();
    assert_eq!(log_commits(&repo, &fresh).len(), 2);
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
fn after_a_pull_log_no_longer_hints_to_pull() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 2);
    let r2 = report(&repo, "r2.info", 2);
    repo.covgit(&["record", "--commit", &shas[1], r2.to_str().unwrap()])
        .ok();
    repo.covgit(&["push"]).ok();
    let fresh = clone(&repo, "fresh");
    git(&repo.home(), &fresh, &["checkout", "-q", "-b", "topic"]);
    std::fs::write(fresh.join("src/a.py"), numbered(40)).unwrap();
    git(&repo.home(), &fresh, &["commit", "-q", "-am", "topic"]);
    // Before the pull the remote's coverage is not here: the hint says so.
    let before = repo.covgit_in(&fresh, &["log", "main..topic"]).code(2);
    assert!(
        before.stderr.contains("`covgit pull origin`"),
        "{}",
        before.stderr
    );
    repo.covgit_in(&fresh, &["pull"]).ok();
    let after = repo.covgit_in(&fresh, &["log", "main..topic"]).ok();
    assert_eq!(after.stdout, "");
    assert!(
        after
            .stderr
            .contains("no recorded commit in the 1 commit walked; record one"),
        "{}",
        after.stderr
    );
    assert!(!after.stderr.contains("pull"), "{}", after.stderr);
    // Recorded and pushed again elsewhere: the hint comes back.
    let r1 = report(&repo, "r1.info", 1);
    repo.covgit(&["record", "--commit", &shas[0], r1.to_str().unwrap()])
        .ok();
    repo.covgit(&["push"]).ok();
    let stale = repo.covgit_in(&fresh, &["log", "main..topic"]).ok();
    assert!(
        stale.stderr.contains("import it with `covgit pull origin`"),
        "{}",
        stale.stderr
    );
    // `-n 0` asks for nothing, and says nothing.
    let none = repo
        .covgit_in(&fresh, &["log", "-n", "0", "main..topic"])
        .ok();
    assert_eq!((none.stdout.as_str(), none.stderr.as_str()), ("", ""));
}

#[test]
fn a_reading_command_asks_an_ssh_remote_without_prompting_and_not_for_long() {
    // An `ssh` that would hang (a prompt on /dev/tty, a host that never answers).
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n");
    repo.commit("a");
    repo.git(&[
        "remote",
        "add",
        "origin",
        "ssh://git@example.invalid/repo.git",
    ]);
    let bin = repo.home().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let args = repo.home().join("ssh-args");
    let ssh = bin.join("ssh");
    std::fs::write(
        &ssh,
        format!(
            "#!/bin/sh\necho \"$@\" > '{}'\nexec sleep 20\n",
            args.display()
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&ssh).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&ssh, perms).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let started = std::time::Instant::now();
    let run = repo
        .covgit_env(&repo.path(), &[("PATH", &path)], &["log"])
        .code(2);
    let took = started.elapsed();
    assert!(run.stderr.contains("`covgit record`"), "{}", run.stderr);
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
    let asked = std::fs::read_to_string(&args).unwrap();
    assert!(asked.contains("BatchMode=yes"), "{asked}");
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
    use covgit::app::{self, RecordOptions, Workspace};
    use covgit::model::CiStatus;

    let repo = TestRepo::new();
    with_remote(&repo, 1);
    // Each commit: 40 files of 150 lines (added by the first one); two files' coverage
    // changes per commit.
    let paths: Vec<String> = (0..40)
        .map(|f| format!("src/mod{}/file{f}.py", f % 8))
        .collect();
    let mut source = String::new();
    for l in 1..=150 {
        let _ = writeln!(source, "line{l}");
    }
    // 1,000 commits, made quickly with fast-import.
    let parent = repo.git(&["rev-parse", "HEAD"]);
    let mut script = String::new();
    for i in 0..1000 {
        let _ = write!(
            script,
            "commit refs/heads/bench\nmark :{}\ncommitter T <t@e> {} +0000\ndata 2\nc\n",
            i + 1,
            1_767_225_600 + i,
        );
        if i == 0 {
            let _ = writeln!(script, "from {parent}");
            for path in &paths {
                let _ = write!(
                    script,
                    "M 100644 inline {path}\ndata {}\n{source}\n",
                    source.len()
                );
            }
        }
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
    let commits: Vec<String> = marks
        .lines()
        .map(|line| line.split(' ').nth(1).unwrap().to_owned())
        .collect();
    let last = commits.last().unwrap();
    repo.git(&["push", "-q", "origin", &format!("{last}:refs/heads/bench")]);

    // Recorded through the library, not 1,000 runs of the binary.
    let ws = Workspace::open(&repo.path(), Some(repo.db())).unwrap();
    let config = ws.load_config().unwrap();
    let report_path = repo.home().join("bench.info");
    let mut hits: Vec<Vec<(u32, u64)>> = (0..40)
        .map(|_| (1..=150).map(|l| (l, u64::from(l % 3))).collect())
        .collect();
    for (i, c) in commits.iter().enumerate() {
        for k in 0..2 {
            let f = (i * 2 + k) % hits.len();
            hits[f] = (1..=150)
                .map(|l| (l, (u64::from(l) * 7 + i as u64) % 13))
                .collect();
        }
        let files: Vec<(&str, &[(u32, u64)])> = paths
            .iter()
            .zip(&hits)
            .map(|(p, h)| (p.as_str(), h.as_slice()))
            .collect();
        std::fs::write(&report_path, lcov(&files)).unwrap();
        let opts = RecordOptions {
            reports: vec![report_path.clone()],
            cwd: repo.path(),
            commit: Some(c.clone()),
            flag: None,
            ci_status: CiStatus::Passed,
            input_format: None,
            force: false,
        };
        app::record(&ws, &config, &opts, &()).unwrap();
    }
    drop(ws);
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

// ---------------------------------------------------------------------------------------
// forget, and shared data written by others (issue 12 item 8, issue 17 items 3, 4, 5, 9, 11)
// ---------------------------------------------------------------------------------------

/// Runs git in `dir` hermetically with `input` on stdin; stdout trimmed.
#[track_caller]
fn git_stdin(home: &Path, dir: &Path, args: &[&str], input: &[u8]) -> String {
    use std::io::Write as _;
    let mut cmd = Command::new("git");
    hermetic(&mut cmd, home);
    let mut child = cmd
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("git runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A record description (shared meta, version 1) dated `at`.
fn meta(at: i64, format: &str) -> Vec<u8> {
    let mut out = vec![1];
    varint(&mut out, ((at << 1) ^ (at >> 63)) as u64);
    for s in [format, "passed"] {
        varint(&mut out, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    }
    out.push(0);
    out
}

/// The coverage encoding of `lines` plain lines 1..=lines, each hit `hits` times.
fn coverage(lines: u64, hits: u8) -> Vec<u8> {
    let mut out = vec![1, 0];
    varint(&mut out, lines);
    for _ in 0..lines {
        out.extend_from_slice(&[4, hits]);
    }
    out
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .cast_signed()
}

/// Plumbing on the bare remote, as an attacker (or a broken runner) would write it.
struct Forge<'a> {
    repo: &'a TestRepo,
    bare: PathBuf,
}

impl<'a> Forge<'a> {
    fn new(repo: &'a TestRepo) -> Self {
        Self {
            repo,
            bare: repo.home().join("remote.git"),
        }
    }

    fn blob(&self, bytes: &[u8]) -> String {
        git_stdin(
            &self.repo.home(),
            &self.bare,
            &["hash-object", "-w", "--stdin"],
            bytes,
        )
    }

    /// A tree of (mode, kind, id, name) entries.
    fn tree(&self, entries: &[(&str, &str, String, String)]) -> String {
        let mut input = String::new();
        for (mode, kind, id, name) in entries {
            let _ = writeln!(input, "{mode} {kind} {id}\t{name}");
        }
        git_stdin(&self.repo.home(), &self.bare, &["mktree"], input.as_bytes())
    }

    fn files(&self, files: &[(&str, String)]) -> String {
        let entries: Vec<_> = files
            .iter()
            .map(|(n, id)| ("100644", "blob", id.clone(), (*n).to_owned()))
            .collect();
        self.tree(&entries)
    }

    /// A record tree: `meta` and a `files` folder.
    fn record(&self, meta: &[u8], files_tree: String) -> String {
        let m = self.blob(meta);
        self.tree(&[
            ("040000", "tree", files_tree, "files".into()),
            ("100644", "blob", m, "meta".into()),
        ])
    }

    /// The entries of `rev:path` on the remote as mktree lines, minus `name`.
    fn entries_without(&self, spec: &str, name: &str) -> Vec<String> {
        let mut cmd = Command::new("git");
        hermetic(&mut cmd, &self.repo.home());
        let out = cmd
            .current_dir(&self.bare)
            .args(["ls-tree", spec])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.split('\t').nth(1) != Some(name))
            .map(str::to_owned)
            .collect()
    }

    /// Puts `record` at (commit, flag name) in a new data commit on the remote's tip.
    fn put(&self, commit: &str, flag: &str, record: &str) {
        let tip = git(
            &self.repo.home(),
            &self.bare,
            &["rev-parse", "--verify", "-q", "refs/covgit/data"],
        );
        let (fan, rest) = commit.split_at(2);
        let mktree = |mut lines: Vec<String>, add: String| -> String {
            lines.push(add);
            git_stdin(
                &self.repo.home(),
                &self.bare,
                &["mktree"],
                (lines.join("\n") + "\n").as_bytes(),
            )
        };
        let c = mktree(
            self.entries_without(&format!("{tip}:{fan}/{rest}"), flag),
            format!("040000 tree {record}\t{flag}"),
        );
        let f = mktree(
            self.entries_without(&format!("{tip}:{fan}"), rest),
            format!("040000 tree {c}\t{rest}"),
        );
        let root = mktree(
            self.entries_without(&tip, fan),
            format!("040000 tree {f}\t{fan}"),
        );
        let new = git(
            &self.repo.home(),
            &self.bare,
            &["commit-tree", &root, "-p", &tip, "-m", "forged"],
        );
        git(
            &self.repo.home(),
            &self.bare,
            &["update-ref", "refs/covgit/data", &new],
        );
    }
}

fn uploads_of(repo: &TestRepo, dir: &Path, sha: &str) -> Vec<String> {
    let run = repo.covgit_in(dir, &["log", "--format", "json"]).ok();
    let v = run.json();
    v["commits"]
        .as_array()
        .or_else(|| v.as_array())
        .unwrap()
        .iter()
        .filter(|c| c["commit"] == sha)
        .flat_map(|c| {
            c["flags"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|f| f.as_str().unwrap_or("").to_owned())
        })
        .collect()
}

#[test]
fn a_forgotten_upload_leaves_the_remote_and_does_not_come_back() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 2);
    let r1 = report(&repo, "r1.info", 1);
    let rec = |sha: &str, flag: &str| {
        repo.covgit(&[
            "record",
            "--commit",
            sha,
            "--flag",
            flag,
            r1.to_str().unwrap(),
        ])
        .ok();
    };
    rec(&shas[0], "unit");
    rec(&shas[0], "wrong");
    rec(&shas[1], "unit");
    repo.covgit(&["push"]).ok();

    // Forget one flag of the first commit, and push: the remote loses it.
    let forgot = repo.covgit(&["forget", &shas[0], "--flag", "wrong"]).ok();
    assert!(
        forgot.stderr.contains("forgot 1 upload of") && forgot.stderr.contains("flag wrong"),
        "{}",
        forgot.stderr
    );
    assert_eq!(uploads_of(&repo, &repo.path(), &shas[0]), ["unit"]);
    let pushed = repo.covgit(&["push"]).ok();
    assert!(
        pushed
            .stderr
            .contains("removed 1 forgotten upload from origin"),
        "{}",
        pushed.stderr
    );
    let fresh = clone(&repo, "fresh");
    repo.covgit_in(&fresh, &["pull"]).ok();
    assert_eq!(uploads_of(&repo, &fresh, &shas[0]), ["unit"]);
    assert_eq!(uploads_of(&repo, &fresh, &shas[1]), ["unit"]);

    // Forget a whole commit and pull before pushing: the remote's copy stays out.
    repo.covgit(&["forget", &shas[1]]).ok();
    let pulled = repo.covgit(&["pull"]).ok();
    assert!(
        !log_commits(&repo, &repo.path()).contains(&shas[1]),
        "{}",
        pulled.stderr
    );
    repo.covgit(&["push"]).ok();
    // A clone that already held it drops it with the next pull.
    let dropped = repo.covgit_in(&fresh, &["pull"]).ok();
    assert!(
        dropped
            .stderr
            .contains("removed 1 upload forgotten on the remote"),
        "{}",
        dropped.stderr
    );
    assert!(!log_commits(&repo, &fresh).contains(&shas[1]));

    // Recording it again later brings it back everywhere.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    rec(&shas[1], "unit");
    repo.covgit(&["push"]).ok();
    repo.covgit_in(&fresh, &["pull"]).ok();
    assert_eq!(uploads_of(&repo, &fresh, &shas[1]), ["unit"]);
}

/// A tombstone whose stored flag is not a flag (a corrupt or hand-edited database) must not
/// travel as the tombstone of the unflagged upload: push stops with an error naming the
/// database, and the remote is left as it was.
#[test]
fn push_refuses_a_tombstone_whose_stored_flag_is_corrupt() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 1);
    let r1 = report(&repo, "r1.info", 1);
    for flag in ["unit", "wrong"] {
        let file = r1.to_str().unwrap();
        repo.covgit(&["record", "--commit", &shas[0], "--flag", flag, file])
            .ok();
    }
    repo.covgit(&["push"]).ok();
    let tip = remote_tip(&repo);
    repo.covgit(&["forget", &shas[0], "--flag", "wrong"]).ok();
    rusqlite::Connection::open(repo.db())
        .unwrap()
        .execute("UPDATE forgotten SET flag = 'not a flag!'", [])
        .unwrap();
    let run = repo.covgit(&["push"]).code(2);
    assert!(
        run.stderr
            .contains("covgit.db: the forgotten upload of commit")
            && run
                .stderr
                .contains("flag 'not a flag!', which is not a flag"),
        "{}",
        run.stderr
    );
    assert_eq!(remote_tip(&repo), tip);
}

#[test]
fn forgetting_a_commit_without_uploads_names_it() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 2);
    let r1 = report(&repo, "r1.info", 1);
    repo.covgit(&["record", "--commit", &shas[0], r1.to_str().unwrap()])
        .ok();
    let db = std::fs::read(repo.db()).unwrap();
    let run = repo.covgit(&["forget", &shas[1]]).code(2);
    assert!(
        run.stderr.contains(&shas[1][..7]) && run.stderr.contains("no recorded upload"),
        "{}",
        run.stderr
    );
    let run = repo.covgit(&["forget", &shas[0], "--flag", "unit"]).code(2);
    assert!(run.stderr.contains("with flag 'unit'"), "{}", run.stderr);
    assert_eq!(std::fs::read(repo.db()).unwrap(), db);
    assert_eq!(log_commits(&repo, &repo.path()), [shas[0].clone()]);
}

#[test]
fn pull_skips_records_it_cannot_use_names_each_once_and_imports_the_rest() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 4);
    let r1 = report(&repo, "r1.info", 1);
    repo.covgit(&[
        "record",
        "--commit",
        &shas[0],
        r1.to_str().unwrap(),
        "--push",
    ])
    .ok();
    let forge = Forge::new(&repo);
    let cov = forge.blob(&coverage(3, 1));
    // A description that is not one.
    let garbage = forge.record(b"\x01\xff\xff", forge.files(&[("a.py", cov.clone())]));
    forge.put(&shas[1], "@default", &garbage);
    // A path that climbs out of the repository: folder "..", file "x".
    let climb = forge.tree(&[(
        "040000",
        "tree",
        forge.files(&[("x", cov.clone())]),
        "%2E.%".into(),
    )]);
    forge.put(&shas[2], "unit", &forge.record(&meta(now(), "lcov"), climb));
    // Dated ten years ahead.
    let future = forge.record(
        &meta(now() + 10 * 365 * 86_400, "lcov"),
        forge.files(&[("src%2Fa.py", cov.clone())]),
    );
    forge.put(&shas[3], "@default", &future);

    let fresh = clone(&repo, "fresh");
    let pulled = repo.covgit_in(&fresh, &["pull"]).ok();
    let warnings: Vec<&str> = pulled
        .stderr
        .lines()
        .filter(|l| l.contains("skipped 3 shared records"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", pulled.stderr);
    let w = warnings[0];
    for needle in [
        &format!("{} (no flag): its description is unreadable", &shas[1][..7]),
        &format!("{} (unit): path '../x'", &shas[2][..7]),
        &format!("{} (no flag): it is dated", &shas[3][..7]),
    ] {
        assert!(w.contains(needle.as_str()), "{needle} not in {w}");
    }
    assert_eq!(log_commits(&repo, &fresh), [shas[0].clone()]);

    // Not repeated until the remote changes those records.
    let again = repo.covgit_in(&fresh, &["pull"]).ok();
    assert!(!again.stderr.contains("skipped"), "{}", again.stderr);
    assert!(again.stderr.contains("nothing new"), "{}", again.stderr);
}

#[test]
fn a_pull_where_no_record_can_be_used_fails_and_changes_nothing() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 1);
    let forge = Forge::new(&repo);
    // The remote's only data commit holds one unreadable record.
    let garbage = forge.record(b"\x07", forge.files(&[]));
    let c = forge.tree(&[("040000", "tree", garbage, "@default".into())]);
    let f = forge.tree(&[("040000", "tree", c, shas[0][2..].to_owned())]);
    let root = forge.tree(&[("040000", "tree", f, shas[0][..2].to_owned())]);
    let data = git(
        &repo.home(),
        &forge.bare,
        &["commit-tree", &root, "-m", "forged"],
    );
    git(
        &repo.home(),
        &forge.bare,
        &["update-ref", "refs/covgit/data", &data],
    );
    let fresh = clone(&repo, "fresh");
    repo.covgit_in(
        &fresh,
        &[
            "record",
            "--commit",
            &shas[0],
            report(&repo, "r.info", 1).to_str().unwrap(),
        ],
    )
    .ok();
    let before = repo
        .covgit_in(&fresh, &["log", "--format", "json"])
        .ok()
        .stdout;
    let run = repo.covgit_in(&fresh, &["pull"]).code(2);
    assert!(
        run.stderr.contains("none of the 1 shared records"),
        "{}",
        run.stderr
    );
    assert_eq!(
        repo.covgit_in(&fresh, &["log", "--format", "json"])
            .ok()
            .stdout,
        before
    );
    // Still refused the next time: the pull position did not move.
    repo.covgit_in(&fresh, &["pull"]).code(2);
}

#[test]
fn a_record_from_a_clock_years_ahead_is_replaced_by_the_next_correct_push() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 1);
    let r1 = report(&repo, "r1.info", 1);
    repo.covgit(&[
        "record",
        "--commit",
        &shas[0],
        "--flag",
        "unit",
        r1.to_str().unwrap(),
        "--push",
    ])
    .ok();
    // A runner ten years ahead pushes its record of the same commit and flag.
    let forge = Forge::new(&repo);
    let wrong = forge.record(
        &meta(now() + 10 * 365 * 86_400, "lcov"),
        forge.files(&[("wrong.py", forge.blob(&coverage(2, 0)))]),
    );
    forge.put(&shas[0], "unit", &wrong);

    // The correct runner records and pushes: its record replaces the future one.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    repo.covgit(&[
        "record",
        "--commit",
        &shas[0],
        "--flag",
        "unit",
        r1.to_str().unwrap(),
    ])
    .ok();
    let pushed = repo.covgit(&["push"]).ok();
    assert!(
        pushed.stderr.contains("pushed 1 upload of 1 commit"),
        "{}",
        pushed.stderr
    );
    let fresh = clone(&repo, "fresh");
    repo.covgit_in(&fresh, &["pull"]).ok();
    let shown = repo.covgit_in(&fresh, &["show", &shas[0]]).ok();
    assert!(
        shown.stdout.contains("src/a.py") && !shown.stdout.contains("wrong.py"),
        "{}",
        shown.stdout
    );

    // A different record an hour ahead (within a day) is newer: push says so, by name.
    let newer = forge.record(
        &meta(now() + 3600, "lcov"),
        forge.files(&[("newer.py", forge.blob(&coverage(2, 1)))]),
    );
    forge.put(&shas[0], "unit", &newer);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    repo.covgit(&[
        "record",
        "--commit",
        &shas[0],
        "--flag",
        "unit",
        r1.to_str().unwrap(),
    ])
    .ok();
    let pushed = repo.covgit(&["push"]).ok();
    assert!(
        pushed.stderr.contains(&format!(
            "origin holds a different, newer record of {} (unit)",
            &shas[0][..7]
        )),
        "{}",
        pushed.stderr
    );
    assert!(
        !pushed.stderr.contains("nothing to push"),
        "{}",
        pushed.stderr
    );
}

#[test]
fn a_refusal_by_a_hook_is_reported_at_once_with_the_remotes_words() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 1);
    let hook = repo.home().join("remote.git/hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'coverage refs are closed here' >&2\nexit 1\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let r1 = report(&repo, "r1.info", 1);
    repo.covgit(&["record", "--commit", &shas[0], r1.to_str().unwrap()])
        .ok();
    let started = std::time::Instant::now();
    let run = repo.covgit(&["push"]).code(2);
    assert!(
        run.stderr.contains("refused the coverage push")
            && run.stderr.contains("pre-receive hook declined")
            && run.stderr.contains("coverage refs are closed here")
            && run.stderr.contains(&shas[0][..7]),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("other jobs"), "{}", run.stderr);
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_path_remote_pulls_and_pushes() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 1);
    let r1 = report(&repo, "r1.info", 1);
    repo.covgit(&["record", "--commit", &shas[0], r1.to_str().unwrap()])
        .ok();
    repo.covgit(&["push", "../remote.git"]).ok();
    let fresh = clone(&repo, "fresh");
    let abs = repo.home().join("remote.git");
    for remote in ["../remote.git", abs.to_str().unwrap()] {
        let pulled = repo.covgit_in(&fresh, &["pull", remote]).ok();
        assert!(
            pulled.stderr.contains("refs/covgit/data"),
            "{}",
            pulled.stderr
        );
    }
    assert_eq!(log_commits(&repo, &fresh), [shas[0].clone()]);
}

/// Crafted records that would take unbounded memory or recursion: each is skipped with a
/// warning, and the good record beside it is imported.
#[test]
fn records_past_the_limits_are_skipped_not_expanded() {
    let repo = TestRepo::new();
    let shas = with_remote(&repo, 4);
    let r1 = report(&repo, "r1.info", 1);
    repo.covgit(&[
        "record",
        "--commit",
        &shas[0],
        r1.to_str().unwrap(),
        "--push",
    ])
    .ok();
    let forge = Forge::new(&repo);
    // 4,000,001 lines in one blob (8 MB, a few KB packed).
    let big = forge.blob(&coverage(4_000_001, 1));
    forge.put(
        &shas[1],
        "@default",
        &forge.record(&meta(now(), "lcov"), forge.files(&[("a.py", big)])),
    );
    // A 16-ary folder DAG 7 levels deep: 268 million paths from eight trees.
    let mut t = forge.files(
        &(0..16)
            .map(|i| {
                (
                    [
                        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
                        "p",
                    ][i],
                    forge.blob(&coverage(1, 1)),
                )
            })
            .collect::<Vec<_>>(),
    );
    for _ in 0..7 {
        let entries: Vec<_> = (0..16)
            .map(|i| ("040000", "tree", t.clone(), format!("d{i}%")))
            .collect();
        t = forge.tree(&entries);
    }
    forge.put(&shas[2], "@default", &forge.record(&meta(now(), "lcov"), t));
    // A chain of 300 folders.
    let mut t = forge.files(&[("x.py", forge.blob(&coverage(1, 1)))]);
    for _ in 0..300 {
        t = forge.tree(&[("040000", "tree", t, "d%".into())]);
    }
    forge.put(&shas[3], "@default", &forge.record(&meta(now(), "lcov"), t));

    let fresh = clone(&repo, "fresh");
    let pulled = repo.covgit_in(&fresh, &["pull"]).ok();
    let w = pulled
        .stderr
        .lines()
        .find(|l| l.contains("skipped 3 shared records"))
        .unwrap_or_else(|| panic!("{}", pulled.stderr));
    assert!(w.contains("more than 4000000 lines"), "{w}");
    assert!(w.contains("more than 200000 files"), "{w}");
    assert!(w.contains("nest deeper than 256"), "{w}");
    assert_eq!(log_commits(&repo, &fresh), [shas[0].clone()]);
}
