//! `[flags] carryforward` (SPEC "Flags"): a commit without an upload of a carried flag
//! inherits its nearest passed ancestor's, remapped through the diff, on real git histories
//! with real LCOV reports.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::common::{TestRepo, lcov};

const CONFIG: &str = "[flags]\ncarryforward = [\"e2e\"]\n";

/// `x{i} = {i}` for each `i` in `lines`: every line distinct, so the diff is exact.
fn source(lines: impl IntoIterator<Item = u32>) -> String {
    lines.into_iter().fold(String::new(), |mut s, i| {
        let _ = writeln!(s, "x{i} = {i}");
        s
    })
}

fn record(repo: &TestRepo, flag: &str, files: &[(&str, &[(u32, u64)])], extra: &[&str]) {
    let path = repo.write_outside(
        &format!("{flag}-{}.info", repo.git(&["rev-parse", "HEAD"]).trim()),
        &lcov(files),
    );
    let mut args = vec!["record", path.to_str().unwrap(), "--flag", flag];
    args.extend_from_slice(extra);
    repo.covgit(&args).ok();
}

fn compare_json(repo: &TestRepo, range: &str, extra: &[&str]) -> Value {
    let mut args = vec!["compare", range, "--format", "json"];
    args.extend_from_slice(extra);
    repo.covgit(&args).ok().json()
}

fn upload(flag: &str, commit: &str, carried: bool) -> Value {
    json!({"flag": flag, "commit": commit, "carried": carried})
}

/// The runs of `path` in a comparison, as `(kind, start, end)`.
fn runs(js: &Value, path: &str) -> Vec<(String, u64, u64)> {
    js["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == path)
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_owned(),
                r["start"].as_u64().unwrap(),
                r["end"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A: app.py lines 1-10, e2e hits 1-5 and misses 6-10; unit covers lib.py. B inserts two
/// lines at the top (a shift), edits line 5 and deletes line 8 of app.py; only unit is
/// recorded for it, so B carries e2e from A.
fn shifted_history() -> (TestRepo, String, String) {
    let repo = TestRepo::new();
    repo.write(".covgit.toml", CONFIG);
    repo.write("app.py", &source(1..=10));
    repo.write("lib.py", &source(1..=2));
    let a = repo.commit("A");
    let app_a: Vec<(u32, u64)> = (1..=10).map(|l| (l, u64::from(l <= 5))).collect();
    record(&repo, "e2e", &[("app.py", &app_a)], &[]);
    record(&repo, "unit", &[("lib.py", &[(1, 1), (2, 0)])], &[]);

    let mut b_app = source([101, 102]);
    b_app.push_str(&source(1..=4));
    b_app.push_str("x5 = 50\n");
    b_app.push_str(&source([6, 7, 9, 10]));
    repo.write("app.py", &b_app);
    let b = repo.commit("B");
    record(&repo, "unit", &[("lib.py", &[(1, 1), (2, 1)])], &[]);
    (repo, a, b)
}

/// Where A's e2e lines land in B: 1-4 → 3-6 (hit), 6-7 → 8-9 and 9-10 → 10-11 (miss); the
/// new lines 1-2 and the edited line 7 carry nothing.
const CARRIED_TO_B: &[(u32, u64)] = &[
    (3, 1),
    (4, 1),
    (5, 1),
    (6, 1),
    (8, 0),
    (9, 0),
    (10, 0),
    (11, 0),
];

#[test]
fn a_carried_flag_is_remapped_through_shifts_edits_and_deletions() {
    let (repo, a, b) = shifted_history();
    let js = compare_json(&repo, &format!("{a}..{b}"), &[]);
    assert_eq!(
        js["uploads"]["head"],
        json!([upload("unit", &b, false), upload("e2e", &a, true)])
    );
    assert_eq!(
        js["uploads"]["base"],
        json!([upload("e2e", &a, false), upload("unit", &a, false)])
    );
    // A copy of A's report unchanged would keep 10 lines of app.py; the remap keeps the 8
    // whose code is unchanged, 4 of them hit.
    let app = js["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "app.py")
        .unwrap()
        .clone();
    assert_eq!(app["head"]["lines"], 8, "{app}");
    assert_eq!(app["head"]["hit"], 4, "{app}");
    // The edited and the deleted lines left the head; nothing unchanged changed state.
    assert_eq!(
        runs(&js, "app.py"),
        [("removed".to_owned(), 5, 5), ("removed".to_owned(), 8, 8)]
    );

    // C changes only lib.py; its real e2e upload puts the hits exactly where the carry put
    // them in B, so B..C shows no change in app.py: the carried lines landed on the right
    // lines. The real upload takes over, with no reset.
    repo.write("lib.py", &source(1..=3));
    let c = repo.commit("C");
    record(&repo, "e2e", &[("app.py", CARRIED_TO_B)], &[]);
    record(&repo, "unit", &[("lib.py", &[(1, 1), (2, 1), (3, 1)])], &[]);
    let js = compare_json(&repo, &format!("{b}..{c}"), &[]);
    assert_eq!(runs(&js, "app.py"), []);
    assert_eq!(
        js["uploads"]["base"],
        json!([upload("unit", &b, false), upload("e2e", &a, true)])
    );
    assert_eq!(
        js["uploads"]["head"],
        json!([upload("e2e", &c, false), upload("unit", &c, false)])
    );

    // Text and Markdown say where the carried flag came from.
    let text = repo.covgit(&["compare", &format!("{b}..{c}")]).ok().stdout;
    assert!(
        text.contains(&format!("Base: carried e2e from {}\n", &a[..7])),
        "{text}"
    );
    let md = repo
        .covgit(&["compare", &format!("{b}..{c}"), "--format", "markdown"])
        .ok()
        .stdout;
    assert!(
        md.contains(&format!("- Base: carried `e2e` from `{}`\n", &a[..7])),
        "{md}"
    );
}

#[test]
fn a_flag_filter_takes_the_carried_upload() {
    let (repo, a, b) = shifted_history();
    let js = compare_json(&repo, &format!("{a}..{b}"), &["--flag", "e2e"]);
    assert_eq!(js["uploads"]["head"], json!([upload("e2e", &a, true)]));
    assert_eq!(js["totals"]["head"]["lines"], 8, "{js}");
    assert_eq!(js["totals"]["head"]["hit"], 4, "{js}");
    // The unit filter has nothing to carry.
    let js = compare_json(&repo, &format!("{a}..{b}"), &["--flag", "unit"]);
    assert_eq!(js["uploads"]["head"], json!([upload("unit", &b, false)]));
}

#[test]
fn an_ancestor_whose_ci_failed_is_passed_over_and_max_depth_bounds_the_walk() {
    let (repo, a, _b) = shifted_history();
    // C: e2e recorded but its CI failed; D: unit only. D carries from A, not C.
    repo.write("lib.py", &source(1..=3));
    let c = repo.commit("C");
    record(
        &repo,
        "e2e",
        &[("app.py", &[(3, 0), (4, 0)])],
        &["--ci-status", "failed"],
    );
    record(
        &repo,
        "unit",
        &[("lib.py", &[(1, 1)])],
        &["--ci-status", "failed"],
    );
    repo.write("lib.py", &source(1..=4));
    let d = repo.commit("D");
    record(&repo, "unit", &[("lib.py", &[(1, 1)])], &[]);
    let run = repo
        .covgit(&["compare", &format!("{c}..{d}"), "--format", "json"])
        .ok();
    let js = run.json();
    assert_eq!(
        js["uploads"]["head"],
        json!([upload("unit", &d, false), upload("e2e", &a, true)])
    );
    assert_eq!(js["totals"]["head"]["hit"], 4 + 1, "{js}");

    // A is 3 first-parent commits behind D: with max_depth 2 e2e is missing, and said so.
    let run = repo
        .covgit(&[
            "compare",
            &format!("{c}..{d}"),
            "--format",
            "json",
            "--max-depth",
            "2",
        ])
        .ok();
    let js = run.json();
    assert_eq!(js["uploads"]["head"], json!([upload("unit", &d, false)]));
    assert!(
        run.stderr.contains(&format!(
            "carryforward: no passed upload of e2e within 2 first-parent commits of {}; e2e is missing",
            &d[..7]
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn show_lists_own_and_carried_uploads_and_merges_the_carried_coverage() {
    let (repo, a, b) = shifted_history();
    let text = repo.covgit(&["show", &b]).ok().stdout;
    let lines: Vec<&str> = text.lines().collect();
    // lib.py 2 lines + app.py's 8 carried lines, 4 hit.
    assert_eq!(
        lines[1],
        "Total: 60.00% (2 files, 10 lines: 6 hit, 0 partial, 4 miss)"
    );
    assert_eq!(lines[2], "Uploads: 2");
    assert!(lines[3].starts_with("  unit  lcov  passed  "), "{text}");
    assert!(lines[3].ends_with(" UTC  2 lines"), "{text}");
    assert!(lines[4].starts_with("  e2e   lcov  passed  "), "{text}");
    assert!(
        lines[4].ends_with(&format!(" UTC  8 lines  carried from {}", &a[..7])),
        "{text}"
    );
    // `show/1` JSON keeps its keys; the carried upload is listed by flag and format.
    let js = repo.covgit(&["show", &b, "--format", "json"]).ok().json();
    assert_eq!(
        js["uploads"],
        json!([{"flag": "unit", "format": "lcov"}, {"flag": "e2e", "format": "lcov"}])
    );
    // `--flag e2e` shows the carried coverage alone.
    let js = repo
        .covgit(&["show", &b, "--flag", "e2e", "--format", "json"])
        .ok()
        .json();
    assert_eq!(js["totals"]["lines"], 8, "{js}");
    assert_eq!(js["totals"]["hit"], 4, "{js}");
}

#[test]
fn a_carried_flag_counts_towards_completeness() {
    let (repo, a, b) = shifted_history();
    let range = format!("{a}..{b}");
    // Without carryforward, B lacks e2e: incomplete, and check waits for it (exit 3).
    repo.write(".covgit.toml", "[flags]\nexpected = [\"unit\", \"e2e\"]\n");
    let js = compare_json(&repo, &range, &[]);
    assert_eq!(js["head"]["complete"], false, "{js}");
    assert_eq!(js["head"]["missing_flags"], json!(["e2e"]));
    repo.covgit(&["check", &range]).code(3);
    // Carried, e2e counts as B's.
    repo.write(
        ".covgit.toml",
        "[flags]\nexpected = [\"unit\", \"e2e\"]\ncarryforward = [\"e2e\"]\n",
    );
    let js = compare_json(&repo, &range, &[]);
    assert_eq!(js["head"]["complete"], true, "{js}");
    assert_eq!(js["head"]["missing_flags"], json!([]));
    let check = repo.covgit(&["check", &range, "--project-threshold", "100"]);
    assert_ne!(check.code, 3, "{}", check.stderr);
    // Judged, not refused: a drop of at most 100 points passes.
    assert_eq!(check.code, 0, "{}", check.stderr);
}

const EXPECT_AND_CARRY: &str =
    "[flags]\nexpected = [\"unit\", \"e2e\"]\ncarryforward = [\"e2e\"]\n";

/// R with both flags; then one commit per entry of `e2e` (each changes lib.py, records
/// unit, and e2e with the given CI status when `Some`); then the head H with both flags.
/// Returns every commit, R first, H last.
fn matrix_history(e2e: &[Option<&str>]) -> (TestRepo, Vec<String>) {
    let repo = TestRepo::new();
    repo.write(".covgit.toml", EXPECT_AND_CARRY);
    repo.write("app.py", &source(1..=4));
    repo.write("lib.py", &source(1..=1));
    let mut commits = vec![repo.commit("R")];
    let app: &[(u32, u64)] = &[(1, 1), (2, 1), (3, 0), (4, 0)];
    record(&repo, "e2e", &[("app.py", app)], &[]);
    record(&repo, "unit", &[("lib.py", &[(1, 1)])], &[]);
    for (i, status) in e2e.iter().chain([&Some("passed")]).enumerate() {
        let n = u32::try_from(i).unwrap() + 2;
        repo.write("lib.py", &source(1..=n));
        commits.push(repo.commit(&format!("C{n}")));
        let lib: Vec<(u32, u64)> = (1..=n).map(|l| (l, 1)).collect();
        record(&repo, "unit", &[("lib.py", &lib)], &[]);
        if let Some(status) = status {
            record(&repo, "e2e", &[("app.py", app)], &["--ci-status", status]);
        }
    }
    (repo, commits)
}

fn skipped(js: &Value) -> Vec<(String, String)> {
    js["base"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["commit"].as_str().unwrap().to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_base_walk_takes_a_commit_whose_missing_expected_flag_is_carried() {
    // R (unit, e2e), A (unit, e2e failed), B (unit), H: B lacks e2e but carries R's past
    // A's failed run, so B is complete and is the base itself.
    let (repo, c) = matrix_history(&[Some("failed"), None]);
    let (r, b) = (&c[0], &c[2]);
    let js = compare_json(&repo, "HEAD", &[]);
    assert_eq!(js["base"]["used"], b.as_str(), "{js}");
    assert_eq!(skipped(&js), []);
    assert_eq!(
        js["uploads"]["base"],
        json!([upload("unit", b, false), upload("e2e", r, true)])
    );
    repo.covgit(&["check", "HEAD"]).ok();
}

#[test]
fn the_base_walk_skips_a_commit_whose_flag_cannot_be_carried_within_max_depth() {
    // R (unit, e2e), A (unit), B (unit), H. With max_depth 1, B cannot reach R: incomplete;
    // A can, so A is the base, carrying R's e2e.
    let (repo, c) = matrix_history(&[None, None]);
    let (r, a, b) = (&c[0], &c[1], &c[2]);
    let js = compare_json(&repo, "HEAD", &["--max-depth", "1"]);
    assert_eq!(skipped(&js), [(b.clone(), "incomplete".to_owned())]);
    assert_eq!(js["base"]["used"], a.as_str(), "{js}");
    assert_eq!(
        js["uploads"]["base"],
        json!([upload("unit", a, false), upload("e2e", r, true)])
    );
    // Within reach, B carries it and is the base.
    let js = compare_json(&repo, "HEAD", &["--max-depth", "2"]);
    assert_eq!(js["base"]["used"], b.as_str(), "{js}");
    assert_eq!(skipped(&js), []);
}

#[test]
fn the_base_walk_skips_a_commit_whose_only_upload_to_carry_failed_ci() {
    // R (unit, e2e), A (unit, e2e failed), B (unit), H. With max_depth 1 the only e2e B
    // could carry failed CI: B is incomplete, A failed, and nothing else is examined.
    let (repo, c) = matrix_history(&[Some("failed"), None]);
    let b = &c[2];
    let run = repo
        .covgit(&["compare", "HEAD", "--max-depth", "1"])
        .code(2);
    assert!(
        run.stderr.contains(&format!(
            "no usable base: {} (incomplete) and its first-parent ancestors up to 1 commit back have no report with passing CI (1 ci-failed, 1 incomplete)",
            &b[..7]
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_flag_filter_takes_a_base_that_can_carry_that_flag() {
    // R (unit, e2e), A (unit), H: `--flag e2e` compares R's e2e carried to A, not R itself.
    let (repo, c) = matrix_history(&[None]);
    let (r, a) = (&c[0], &c[1]);
    let js = compare_json(&repo, "HEAD", &["--flag", "e2e"]);
    assert_eq!(js["base"]["used"], a.as_str(), "{js}");
    assert_eq!(skipped(&js), []);
    assert_eq!(js["uploads"]["base"], json!([upload("e2e", r, true)]));
    // `--flag unit` needs nothing carried; a flag that is not carried forward still needs
    // an upload of its own.
    repo.write(".covgit.toml", "[flags]\nexpected = [\"unit\", \"e2e\"]\n");
    let js = compare_json(&repo, "HEAD", &["--flag", "e2e"]);
    assert_eq!(skipped(&js), [(a.clone(), "no-report".to_owned())]);
    assert_eq!(js["base"]["used"], r.as_str(), "{js}");
}

/// `m{i}.py` for `i` in 0..6, each `source(100*i+1..=100*i+10)`.
fn modules(repo: &TestRepo) {
    for i in 0..6 {
        repo.write(&format!("m{i}.py"), &source(100 * i + 1..=100 * i + 10));
    }
}

/// e2e's coverage of each module: lines 1..=10, every third missed; `shift` lines inserted
/// at the top of m0.
fn e2e_modules(shift: u32) -> Vec<(String, Vec<(u32, u64)>)> {
    (0..6)
        .map(|i| {
            let s = if i == 0 { shift } else { 0 };
            let lines = (1..=10).map(|l| (l + s, u64::from(l % 3 != 0))).collect();
            (format!("m{i}.py"), lines)
        })
        .collect()
}

fn as_refs(files: &[(String, Vec<(u32, u64)>)]) -> Vec<(&str, &[(u32, u64)])> {
    files
        .iter()
        .map(|(p, l)| (p.as_str(), l.as_slice()))
        .collect()
}

/// A: six modules covered by e2e, lib.py by unit. B changes lib.py; H adds a line at the
/// top of m0 and changes lib.py. B and H record unit only and carry e2e from A: m1..m5 are
/// untouched on both sides, so their carried coverage is A's stored coverage.
fn carried_modules() -> (TestRepo, String, String, String) {
    let repo = TestRepo::new();
    repo.write(".covgit.toml", CONFIG);
    modules(&repo);
    repo.write("lib.py", &source(1..=2));
    let a = repo.commit("A");
    record(&repo, "e2e", &as_refs(&e2e_modules(0)), &[]);
    record(&repo, "unit", &[("lib.py", &[(1, 1), (2, 0)])], &[]);
    repo.write("lib.py", &source(1..=3));
    let b = repo.commit("B");
    record(&repo, "unit", &[("lib.py", &[(1, 1), (2, 0), (3, 0)])], &[]);
    repo.write("m0.py", &format!("new = 1\n{}", source(1..=10)));
    repo.write("lib.py", &source(1..=4));
    let h = repo.commit("H");
    record(
        &repo,
        "unit",
        &[("lib.py", &[(1, 1), (2, 1), (3, 0), (4, 1)])],
        &[],
    );
    (repo, a, b, h)
}

#[test]
fn files_a_carried_upload_leaves_untouched_are_not_decoded_and_give_the_same_answer() {
    let (repo, a, b, h) = carried_modules();
    let range = format!("{b}..{h}");
    // The store's head: e2e carried from A, m1..m5 (and nothing else) left undecoded.
    let run = repo
        .covgit(&["compare", &range, "--format", "json", "-vv"])
        .ok();
    assert!(
        run.stderr
            .contains("unchanged files left undecoded files=5"),
        "{}",
        run.stderr
    );
    let from_store = run.json();
    // The same head coverage from a file, decoded whole: e2e as the carry lands it (m0
    // shifted by the new line 1) and unit's own.
    let mut head_files = e2e_modules(1);
    head_files.push(("lib.py".into(), vec![(1, 1), (2, 1), (3, 0), (4, 1)]));
    let report = repo.write_outside("head.info", &lcov(&as_refs(&head_files)));
    let mut from_file = compare_json(&repo, &range, &["--head-report", report.to_str().unwrap()]);
    assert_eq!(from_file["head"]["source"], "file");
    from_file["head"]["source"] = json!("store");
    assert_eq!(
        from_store["uploads"]["head"],
        json!([upload("unit", &h, false), upload("e2e", &a, true)])
    );
    from_file["uploads"]["head"] = from_store["uploads"]["head"].clone();
    assert_eq!(from_store, from_file);
    // m0's carried lines moved with the insertion: nothing changed state.
    assert_eq!(runs(&from_store, "m0.py"), []);
    assert_eq!(from_store["totals"]["head"]["files"], 7, "{from_store}");
    assert_eq!(from_store["totals"]["head"]["lines"], 64, "{from_store}");
}

#[test]
fn a_flag_filter_on_a_carried_flag_leaves_untouched_files_undecoded_too() {
    let (repo, _a, b, h) = carried_modules();
    let range = format!("{b}..{h}");
    let run = repo
        .covgit(&[
            "compare", &range, "--flag", "e2e", "--format", "json", "-vv",
        ])
        .ok();
    assert!(
        run.stderr
            .contains("unchanged files left undecoded files=5"),
        "{}",
        run.stderr
    );
    let js = run.json();
    assert_eq!(js["totals"]["head"]["files"], 6, "{js}");
    assert_eq!(js["totals"]["head"]["lines"], 60, "{js}");
    assert_eq!(js["totals"]["head"], js["totals"]["base"], "{js}");
}

#[test]
fn log_lists_carried_flags_with_their_origin_and_counts_their_coverage() {
    let (repo, a, b) = shifted_history();
    repo.write(
        ".covgit.toml",
        "[flags]\nexpected = [\"unit\", \"e2e\"]\ncarryforward = [\"e2e\"]\n",
    );
    let text = repo.covgit(&["log"]).ok().stdout;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    // B: unit's own upload and A's e2e, remapped as show merges it: complete, 60.00%, not
    // the 100.00% of unit alone.
    assert!(
        lines[0].starts_with(&format!(
            "{}  passed  unit,e2e (carried from {})  60.00%  +10.00  B",
            &b[..7],
            &a[..7]
        )),
        "{text}"
    );
    assert!(!text.contains("incomplete"), "{text}");
    let show = repo.covgit(&["show", &b, "--format", "json"]).ok().json();
    let js = repo.covgit(&["log", "--format", "json"]).ok().json();
    assert_eq!(js["commits"][0]["flags"], json!(["unit", "e2e"]));
    assert_eq!(js["commits"][0]["totals"], show["totals"]);
    assert_eq!(js["commits"][1]["flags"], json!(["e2e", "unit"]));

    // Not carried forward, e2e is missing from B: incomplete, unit's coverage alone.
    repo.write(".covgit.toml", "[flags]\nexpected = [\"unit\", \"e2e\"]\n");
    let text = repo.covgit(&["log"]).ok().stdout;
    assert!(
        text.lines().next().unwrap().starts_with(&format!(
            "{}  passed  unit (incomplete: no e2e)  100.00%  +50.00  B",
            &b[..7]
        )),
        "{text}"
    );
}

#[test]
fn log_totals_with_carried_files_known_from_their_refs_are_shows_totals() {
    // H carries e2e: m1..m5 untouched (their stored totals), m0 shifted (decoded).
    let (repo, _a, b, h) = carried_modules();
    let js = repo.covgit(&["log", "--format", "json"]).ok().json();
    for (i, commit) in [(0, &h), (1, &b)] {
        let show = repo
            .covgit(&["show", commit, "--format", "json"])
            .ok()
            .json();
        assert_eq!(js["commits"][i]["commit"], commit.as_str());
        assert_eq!(js["commits"][i]["totals"], show["totals"], "{commit}");
        assert_eq!(js["commits"][i]["flags"], json!(["unit", "e2e"]));
    }
    assert_eq!(js["commits"][0]["totals"]["files"], 7, "{js}");
    assert_eq!(js["commits"][0]["totals"]["lines"], 64, "{js}");
}

#[test]
fn a_flag_carried_from_the_base_reuses_the_base_to_head_diff() {
    // B carries e2e from A, the base of A..B: the diff A -> B is made once, not twice.
    let (repo, a, b) = shifted_history();
    let run = repo
        .covgit(&["compare", &format!("{a}..{b}"), "--format", "json", "-vv"])
        .ok();
    assert_eq!(
        run.stderr
            .matches("moved blocks and reformatted runs found")
            .count(),
        1,
        "{}",
        run.stderr
    );
    assert_eq!(
        run.json()["uploads"]["head"],
        json!([upload("unit", &b, false), upload("e2e", &a, true)])
    );
    // C carries it from A too, which is not its base B: that diff is its own.
    repo.write("lib.py", &source(1..=3));
    repo.commit("C");
    record(&repo, "unit", &[("lib.py", &[(1, 1)])], &[]);
    let run = repo.covgit(&["compare", &format!("{b}..HEAD"), "-vv"]).ok();
    assert_eq!(
        run.stderr
            .matches("moved blocks and reformatted runs found")
            .count(),
        3,
        "{}",
        run.stderr
    );
}

/// covgit with `args`, `.covgit.toml` set to `config` first.
fn with_config(repo: &TestRepo, config: &str, args: &[&str]) -> crate::common::Run {
    repo.write(".covgit.toml", config);
    repo.covgit(args)
}

#[test]
fn carryforward_remaps_whatever_allow_coverage_offsets_says_and_a_pseudo_base_still_needs_it() {
    // A..B: B carries A's e2e through the shift, the edit and the deletion, with offsets
    // allowed or not (SPEC "Flags": carryforward always remaps).
    let (repo, a, b) = shifted_history();
    let range = format!("{a}..{b}");
    let mut seen = Vec::new();
    for offsets in ["false", "true"] {
        let config = format!("{CONFIG}[compare]\nallow_coverage_offsets = {offsets}\n");
        let js = with_config(&repo, &config, &["compare", &range, "--format", "json"])
            .ok()
            .json();
        assert_eq!(js["base"]["offsets"], false, "{offsets}");
        assert_eq!(
            js["uploads"]["head"],
            json!([upload("unit", &b, false), upload("e2e", &a, true)])
        );
        let app = js["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == "app.py")
            .unwrap()["head"]
            .clone();
        // Remapped: the 8 unchanged lines, 4 hit, not A's 10 copied as they were.
        assert_eq!(
            (&app["lines"], &app["hit"]),
            (&json!(8), &json!(4)),
            "{offsets}"
        );
        assert_eq!(
            runs(&js, "app.py"),
            [("removed".to_owned(), 5, 5), ("removed".to_owned(), 8, 8)]
        );
        seen.push(js);
    }
    assert_eq!(seen[0], seen[1]);

    // B's unit upload is dropped: B has no report, so B..H takes A as a pseudo-base, and the
    // A -> B diff moves tracked lines of app.py. H records unit and carries A's e2e through
    // A -> H (which holds that diff) either way; the pseudo-base needs offsets allowed.
    repo.covgit(&["forget", &b]).ok();
    repo.write("lib.py", &source(1..=3));
    let h = repo.commit("H");
    record(&repo, "unit", &[("lib.py", &[(1, 1), (2, 1), (3, 1)])], &[]);
    let range = format!("{b}..{h}");
    let refused = with_config(&repo, CONFIG, &["compare", &range, "--format", "json"]).code(2);
    assert!(
        refused.stderr.contains(&format!(
            "Changes found in between {}...{} (pseudo...base)",
            &a[..7],
            &b[..7]
        )),
        "{}",
        refused.stderr
    );
    let allowed = format!("{CONFIG}[compare]\nallow_coverage_offsets = true\n");
    for (config, extra) in [(allowed.as_str(), None), (CONFIG, Some("--allow-offsets"))] {
        let mut args = vec!["compare", range.as_str(), "--format", "json"];
        args.extend(extra);
        let js = with_config(&repo, config, &args).ok().json();
        assert_eq!(js["base"]["used"], a.as_str());
        assert_eq!(
            (&js["base"]["pseudo"], &js["base"]["offsets"]),
            (&json!(true), &json!(true))
        );
        assert_eq!(
            js["uploads"]["head"],
            json!([upload("unit", &h, false), upload("e2e", &a, true)])
        );
        // Base (A remapped to B) and head (A carried to H) put app.py's e2e lines on the
        // same lines: nothing changed in app.py.
        assert_eq!(runs(&js, "app.py"), [], "{js}");
        let app = js["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == "app.py")
            .unwrap()
            .clone();
        assert_eq!(app["head"]["lines"], 8, "{app}");
        assert_eq!(app["head"], app["base"], "{app}");
    }
}

#[test]
fn the_trend_draws_a_carried_upload_with_shows_totals_whether_or_not_its_files_were_touched() {
    // H and B carry e2e from A: m0 shifted in H (remapped), m1..m5 untouched (stored totals).
    let (repo, a, b, h) = carried_modules();
    repo.covgit(&["log", "--format", "html", "--output", "../site"])
        .ok();
    let page = std::fs::read_to_string(repo.home().join("site").join("index.html")).unwrap();
    for commit in [&h, &b] {
        let show = repo
            .covgit(&["show", commit, "--flag", "e2e", "--format", "json"])
            .ok()
            .json();
        assert_eq!(show["totals"]["lines"], 60, "{show}");
        assert_eq!(show["totals"]["hit"], 42, "{show}");
        let row = &page[page.find(&format!("<tr id=\"c-{commit}\"")).unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(
            row.contains("<li><b>e2e</b> lcov · passed · 60 lines · 70.00% · recorded ")
                && row.contains(&format!(" · carried from <code>{}</code></li>", &a[..7])),
            "{row}"
        );
    }
}

#[test]
fn log_finds_each_commits_own_origin_as_its_walk_passes_origins_and_failed_runs() {
    // R (e2e), C2, C3 (e2e), C4, C5 (e2e failed), C6, H (e2e); every commit records unit.
    let (repo, c) = matrix_history(&[None, Some("passed"), None, Some("failed"), None]);
    let flags_of = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| l.split("  ").nth(2).unwrap().to_owned())
            .collect()
    };
    let from = |i: usize| format!("unit,e2e (carried from {})", &c[i][..7]);
    let text = repo.covgit(&["log"]).ok().stdout;
    assert_eq!(
        flags_of(&text),
        [
            "e2e,unit".to_owned(),
            from(2),
            "e2e,unit".to_owned(),
            from(2),
            "e2e,unit".to_owned(),
            from(0),
            "e2e,unit".to_owned(),
        ],
        "{text}"
    );
    // One commit back at most: C6 cannot reach C3 past C5's failed run; C4 and C2 can.
    repo.write(
        ".covgit.toml",
        &format!("{EXPECT_AND_CARRY}[compare]\nmax_depth = 1\n"),
    );
    let text = repo.covgit(&["log"]).ok().stdout;
    assert_eq!(flags_of(&text)[1], "unit (incomplete: no e2e)", "{text}");
    assert_eq!(flags_of(&text)[3], from(2), "{text}");
    assert_eq!(flags_of(&text)[5], from(0), "{text}");
    // Each listed commit's totals are show's, whatever the walk found before it.
    let js = repo.covgit(&["log", "--format", "json"]).ok().json();
    for (i, commit) in c.iter().rev().enumerate() {
        let show = repo
            .covgit(&["show", commit, "--format", "json"])
            .ok()
            .json();
        assert_eq!(js["commits"][i]["totals"], show["totals"], "{i}");
    }
}

/// SPEC "Flags": a carried flag is remapped "like a pseudo-base (…, moves included)". A
/// function moved to another file keeps its carried coverage there: B moves `helper` out of
/// a.py into b.py and records only unit, so e2e comes from A through the move.
#[test]
fn carried_coverage_follows_a_function_moved_to_another_file() {
    let repo = TestRepo::new();
    repo.write(".covgit.toml", CONFIG);
    let helper = "def helper_to_move(values):\n    accumulated = 0\n    for value in values:\n        accumulated += value\n    return accumulated\n";
    repo.write("a.py", &format!("{helper}{}", source(100..=104)));
    repo.write("lib.py", &source(1..=3));
    let a = repo.commit("A");
    let hits: Vec<(u32, u64)> = (1..=10).map(|l| (l, 1)).collect();
    record(&repo, "e2e", &[("a.py", &hits)], &[]);
    record(&repo, "unit", &[("lib.py", &[(1, 1), (2, 1), (3, 1)])], &[]);

    repo.write("a.py", &source(100..=104));
    repo.write("b.py", helper);
    let b = repo.commit("move helper to b.py");
    record(&repo, "unit", &[("lib.py", &[(1, 1), (2, 1), (3, 1)])], &[]);

    let range = format!("{a}..{b}");
    let js = compare_json(&repo, &range, &[]);
    assert_eq!(
        js["uploads"]["head"],
        json!([upload("unit", &b, false), upload("e2e", &a, true)]),
        "{js}"
    );
    // Carried through the move, the moved lines are hit in b.py as they were in a.py.
    assert_eq!(runs(&js, "b.py"), [("moved".to_owned(), 1, 5)], "{js}");
    assert!(runs(&js, "a.py").is_empty(), "{js}");
    // With `--no-moves` the carry follows only the line diff, which deletes the lines from
    // a.py and adds b.py: b.py gets no carried coverage at all.
    let plain = compare_json(&repo, &range, &["--no-moves"]);
    let paths: Vec<&Value> = plain["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["path"])
        .collect();
    assert_eq!(
        paths,
        ["a.py", "lib.py"],
        "b.py has no coverage to list: {plain}"
    );
    assert_eq!(js["files"][1]["head"]["hit"], 5, "{js}");
}
