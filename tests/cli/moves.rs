//! Moved and reformatted code keeps its coverage (SPEC "Moved and reformatted code", issue
//! 13): real git histories, real LCOV reports, `compare --format json` (schema compare/2) and
//! the exit codes of `check`.

use serde_json::Value;

use crate::common::{TestRepo, lcov};

/// Records an LCOV report for HEAD: every non-blank line of each file is tracked, hit once
/// unless its number is in the file's `missed`.
fn record(repo: &TestRepo, files: &[(&str, &[u32])]) {
    let sha = repo.git(&["rev-parse", "HEAD"]);
    let data: Vec<(String, Vec<(u32, u64)>)> = files
        .iter()
        .map(|(path, missed)| {
            let text = std::fs::read_to_string(repo.path().join(path)).unwrap();
            let lines = (1..)
                .zip(text.lines())
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(n, _)| (n, u64::from(!missed.contains(&n))))
                .collect();
            ((*path).to_owned(), lines)
        })
        .collect();
    let borrowed: Vec<(&str, &[(u32, u64)])> = data
        .iter()
        .map(|(p, l)| (p.as_str(), l.as_slice()))
        .collect();
    let report = repo.write_outside(&format!("r-{sha}.info"), &lcov(&borrowed));
    repo.covgit(&["record", "--commit", "HEAD", report.to_str().unwrap()])
        .ok();
}

/// `compare HEAD --format json` (HEAD against its parent) with `extra` arguments.
fn compare(repo: &TestRepo, extra: &[&str]) -> Value {
    let mut args = vec!["compare", "HEAD", "--format", "json"];
    args.extend_from_slice(extra);
    repo.covgit(&args).ok().json()
}

/// A line run as `(path, start, end, base_path, base_start)`.
type Run = (String, u64, u64, Option<String>, Option<u64>);

/// The runs of `kind`.
fn runs(js: &Value, kind: &str) -> Vec<Run> {
    js["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == kind)
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_owned(),
                r["start"].as_u64().unwrap(),
                r["end"].as_u64().unwrap(),
                r["base_path"].as_str().map(str::to_owned),
                r["base_start"].as_u64(),
            )
        })
        .collect()
}

fn run(
    path: &str,
    (start, end): (u64, u64),
    base_path: Option<&str>,
    base_start: Option<u64>,
) -> Run {
    (
        path.to_owned(),
        start,
        end,
        base_path.map(str::to_owned),
        base_start,
    )
}

const ALPHA: &str = "def alpha(x):\n    total = x + 1\n    return total\n";
const BETA: &str = "def beta(y):\n    result = y * 2\n    return result\n";

/// base: src/a.py holds alpha (1..=3) and beta (6..=8); head: beta moved to a new
/// src/b.py. `missed` are the head's missed lines of src/b.py.
fn moved_to_another_file(base_missed: &[u32], head_missed: &[u32]) -> TestRepo {
    let repo = TestRepo::new();
    repo.write("src/a.py", &format!("{ALPHA}\n\n{BETA}"));
    repo.commit("base");
    record(&repo, &[("src/a.py", base_missed)]);
    repo.write("src/a.py", ALPHA);
    repo.write("src/b.py", BETA);
    repo.commit("move beta to b.py");
    record(&repo, &[("src/a.py", &[]), ("src/b.py", head_missed)]);
    repo
}

#[test]
fn a_function_moved_to_another_file_is_not_new_code() {
    let repo = moved_to_another_file(&[], &[]);
    let js = compare(&repo, &[]);
    assert_eq!(js["schema"], "covgit/compare/2");
    assert_eq!(js["patch"]["lines"], 0, "{js:#}");
    assert_eq!(js["patch"]["coverage"], Value::Null);
    assert!(runs(&js, "added").is_empty(), "{js:#}");
    assert!(runs(&js, "removed").is_empty(), "{js:#}");
    assert_eq!(
        runs(&js, "moved"),
        [run("src/b.py", (1, 3), Some("src/a.py"), Some(6))]
    );
    // The plain diff, as before: three new lines, three removed.
    let plain = compare(&repo, &["--no-moves"]);
    assert_eq!(plain["patch"]["lines"], 3);
    assert_eq!(
        runs(&plain, "removed"),
        [run("src/a.py", (6, 8), None, None)]
    );
    assert!(runs(&plain, "moved").is_empty());
}

#[test]
fn a_moved_block_whose_coverage_fell_is_lost_pointing_at_its_origin() {
    // beta's body was hit in base; after the move its test is gone.
    let repo = moved_to_another_file(&[], &[2, 3]);
    let js = compare(&repo, &[]);
    assert_eq!(
        runs(&js, "lost"),
        [run("src/b.py", (2, 3), Some("src/a.py"), Some(7))]
    );
    assert_eq!(
        runs(&js, "moved"),
        [run("src/b.py", (1, 1), Some("src/a.py"), Some(6))]
    );
    assert_eq!(js["patch"]["lines"], 0);
    // So `check --fail-on-lost` fails on it, while the patch gate has nothing to judge.
    let lenient = [
        "check",
        "HEAD",
        "--patch-target",
        "100",
        "--project-threshold",
        "50",
    ];
    repo.covgit(&lenient).code(0);
    repo.covgit(&[&lenient[..], &["--fail-on-lost"]].concat())
        .code(1);
}

#[test]
fn a_function_moved_up_within_its_file() {
    let repo = TestRepo::new();
    let gamma = "def gamma(z):\n    value = z - 3\n    again = value * value\n    return again\n";
    repo.write("src/m.py", &format!("{ALPHA}\n{gamma}\n{BETA}"));
    repo.commit("base");
    record(&repo, &[("src/m.py", &[])]);
    repo.write("src/m.py", &format!("{BETA}\n{ALPHA}\n{gamma}"));
    repo.commit("beta first");
    record(&repo, &[("src/m.py", &[])]);
    let js = compare(&repo, &[]);
    assert_eq!(js["patch"]["lines"], 0, "{js:#}");
    assert!(runs(&js, "added").is_empty() && runs(&js, "removed").is_empty());
    // Within one file: no base path, the base numbers of beta (10..=12).
    assert_eq!(
        runs(&js, "moved"),
        [run("src/m.py", (1, 3), None, Some(10))]
    );
}

/// Three functions of five lines, `name_k`.
fn part(name: &str) -> String {
    format!(
        "def {name}(items):\n    picked = [i for i in items if i]\n    counted = len(picked)\n    doubled = counted * 2\n    return doubled\n"
    )
}

#[test]
fn a_file_split_into_three_keeps_every_part() {
    let repo = TestRepo::new();
    let (one, two, three) = (part("first_part"), part("second_part"), part("third_part"));
    repo.write("src/big.py", &format!("{one}\n{two}\n{three}"));
    repo.commit("base");
    record(&repo, &[("src/big.py", &[3])]);
    repo.rm("src/big.py");
    repo.write("src/one.py", &one);
    repo.write("src/two.py", &two);
    repo.write("src/three.py", &three);
    repo.commit("split");
    record(
        &repo,
        &[
            ("src/one.py", &[3]),
            ("src/two.py", &[]),
            ("src/three.py", &[]),
        ],
    );
    let js = compare(&repo, &[]);
    assert_eq!(js["patch"]["lines"], 0, "{js:#}");
    assert!(runs(&js, "added").is_empty() && runs(&js, "removed").is_empty());
    assert_eq!(
        runs(&js, "moved"),
        [
            // Split where the state changes: line 3 was missed on both sides.
            run("src/one.py", (1, 2), Some("src/big.py"), Some(1)),
            run("src/one.py", (3, 3), Some("src/big.py"), Some(3)),
            run("src/one.py", (4, 5), Some("src/big.py"), Some(4)),
            run("src/three.py", (1, 5), Some("src/big.py"), Some(13)),
            run("src/two.py", (1, 5), Some("src/big.py"), Some(7)),
        ]
    );
    let changes: Vec<&str> = js["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["deleted", "added", "added", "added"], "no rename");
}

#[test]
fn a_file_split_where_git_sees_a_rename_for_one_part() {
    let repo = TestRepo::new();
    let big: String = ["core_one", "core_two", "core_three", "core_four"]
        .iter()
        .map(|n| part(n))
        .collect::<Vec<_>>()
        .join("\n");
    let small = part("helper");
    repo.write("src/old.py", &format!("{big}\n{small}"));
    repo.commit("base");
    record(&repo, &[("src/old.py", &[])]);
    repo.rm("src/old.py");
    repo.write("src/core.py", &big);
    repo.write("src/helper.py", &small);
    repo.commit("split off the helper");
    record(&repo, &[("src/core.py", &[]), ("src/helper.py", &[])]);
    let js = compare(&repo, &[]);
    let core = js["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "src/core.py")
        .unwrap();
    assert_eq!(core["change"], "renamed");
    assert_eq!(core["base_path"], "src/old.py");
    assert_eq!(js["patch"]["lines"], 0, "{js:#}");
    assert!(runs(&js, "added").is_empty() && runs(&js, "removed").is_empty());
    assert_eq!(
        runs(&js, "moved"),
        [run("src/helper.py", (1, 5), Some("src/old.py"), Some(25))]
    );
}

#[test]
fn a_block_reindented_under_a_new_if_is_not_patch_but_the_if_is() {
    let repo = TestRepo::new();
    repo.write(
        "src/run.py",
        "def run(items):\n    for item in items:\n        handle(item)\n    return len(items)\n",
    );
    repo.commit("base");
    record(&repo, &[("src/run.py", &[])]);
    repo.write(
        "src/run.py",
        "def run(items):\n    if items:\n        for item in items:\n            handle(item)\n    return len(items)\n",
    );
    repo.commit("guard");
    record(&repo, &[("src/run.py", &[])]);
    let js = compare(&repo, &[]);
    assert_eq!(runs(&js, "added"), [run("src/run.py", (2, 2), None, None)]);
    assert_eq!(js["patch"]["lines"], 1);
    assert_eq!(
        runs(&js, "moved"),
        [run("src/run.py", (3, 4), None, Some(2))]
    );
    assert!(runs(&js, "removed").is_empty());
}

#[test]
fn a_call_rewrapped_over_three_lines_is_reformatted() {
    let repo = TestRepo::new();
    repo.write(
        "src/go.py",
        "def go():\n    result = compute(alpha, beta, gamma)\n    return result\n",
    );
    repo.commit("base");
    record(&repo, &[("src/go.py", &[])]);
    repo.write(
        "src/go.py",
        "def go():\n    result = compute(\n        alpha, beta, gamma\n    )\n    return result\n",
    );
    repo.commit("wrap");
    // A tool that tracks the continuation lines too: head 3 and 4 have no base line of their
    // own (base 2 gave its state to head 2), so they are now tracked.
    record(&repo, &[("src/go.py", &[])]);
    let js = compare(&repo, &[]);
    assert_eq!(js["patch"]["lines"], 0, "{js:#}");
    assert!(runs(&js, "added").is_empty() && runs(&js, "removed").is_empty());
    assert_eq!(
        runs(&js, "reformatted"),
        [run("src/go.py", (2, 2), None, Some(2))]
    );
    assert_eq!(
        runs(&js, "now_tracked"),
        [run("src/go.py", (3, 4), None, None)]
    );
}

#[test]
fn a_move_too_short_to_count_stays_added() {
    let repo = TestRepo::new();
    let big = "def big():\n    first = 1\n    second = 2\n    third = 3\n    return first + second + third\n";
    repo.write("src/s.py", &format!("{big}\n\ndef stub():\n    pass\n"));
    repo.commit("base");
    record(&repo, &[("src/s.py", &[])]);
    repo.write("src/s.py", &format!("def stub():\n    pass\n\n\n{big}"));
    repo.commit("stub first");
    record(&repo, &[("src/s.py", &[])]);
    let js = compare(&repo, &[]);
    // `def stub():` + `pass` hold 11 alphanumeric characters, under the 20 of a block.
    assert!(runs(&js, "moved").is_empty(), "{js:#}");
    assert_eq!(runs(&js, "added"), [run("src/s.py", (1, 2), None, None)]);
    assert_eq!(js["patch"]["lines"], 2);
}

#[test]
fn identical_candidate_origins_follow_the_tie_rule() {
    // The same block in src/a.py (missed) and src/b.py (hit); both copies are removed and the
    // block is added once at the end of src/b.py and once in a new src/c.py. Same file wins
    // (b.py's copy goes to b.py), then the lowest base path (a.py's copy goes to c.py).
    let repo = TestRepo::new();
    let block = "def shared(v):\n    doubled = v + v\n    return doubled\n";
    let rest_a =
        "def only_in_a():\n    marker_a = 10\n    more_a = marker_a + 1\n    return more_a\n";
    let rest_b =
        "def only_in_b():\n    marker_b = 20\n    more_b = marker_b + 2\n    return more_b\n";
    repo.write("src/a.py", &format!("{block}\n{rest_a}"));
    repo.write("src/b.py", &format!("{block}\n{rest_b}"));
    repo.commit("base");
    record(&repo, &[("src/a.py", &[1, 2, 3]), ("src/b.py", &[])]);
    repo.write("src/a.py", rest_a);
    repo.write("src/b.py", &format!("{rest_b}\n{block}"));
    repo.write("src/c.py", block);
    repo.commit("shuffle");
    record(
        &repo,
        &[("src/a.py", &[]), ("src/b.py", &[]), ("src/c.py", &[])],
    );
    let js = compare(&repo, &[]);
    assert_eq!(js["patch"]["lines"], 0, "{js:#}");
    assert_eq!(runs(&js, "moved"), [run("src/b.py", (6, 8), None, Some(1))]);
    assert_eq!(
        runs(&js, "gained"),
        [run("src/c.py", (1, 3), Some("src/a.py"), Some(1))]
    );
}

#[test]
fn moved_code_keeps_its_coverage_across_a_pseudo_base_with_offsets() {
    // main: c1 recorded; c2 `[ci skip]` moves beta above alpha, no report; a PR off c2 adds a
    // line at the end. The pseudo-base c1's report is remapped through c1...c2.
    let repo = TestRepo::new();
    let gamma = "def gamma(z):\n    value = z - 3\n    again = value * value\n    return again\n";
    repo.write("src/app.py", &format!("{ALPHA}\n{gamma}\n{BETA}"));
    repo.commit("c1");
    record(&repo, &[("src/app.py", &[])]);
    let moved = format!("{BETA}\n{ALPHA}\n{gamma}");
    repo.write("src/app.py", &moved);
    repo.commit("c2 [ci skip]");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("src/app.py", &format!("{moved}print('done')\n"));
    repo.commit("feature");
    record(&repo, &[("src/app.py", &[])]);
    let js = repo
        .covgit(&[
            "compare",
            "main..feature",
            "--format",
            "json",
            "--allow-offsets",
        ])
        .ok()
        .json();
    assert_eq!(js["base"]["pseudo"], true);
    assert_eq!(js["base"]["offsets"], true);
    assert_eq!(
        runs(&js, "added"),
        [run("src/app.py", (13, 13), None, None)]
    );
    // beta's coverage came across: nothing is now tracked or changed.
    assert_eq!(js["lines"].as_array().unwrap().len(), 1, "{js:#}");
    // The plain remap drops beta's lines, so they show as now tracked.
    let plain = repo
        .covgit(&[
            "compare",
            "main..feature",
            "--format",
            "json",
            "--allow-offsets",
            "--no-moves",
        ])
        .ok()
        .json();
    assert_eq!(
        runs(&plain, "now_tracked"),
        [run("src/app.py", (1, 3), None, Some(1))]
    );
}

#[test]
fn check_patch_gate_passes_with_moves_and_fails_without() {
    // beta's return was missed before and after the move: as new code it is 2/3 covered.
    let repo = moved_to_another_file(&[8], &[3]);
    repo.covgit(&["check", "HEAD", "--patch-target", "80"])
        .code(0);
    let failed = repo
        .covgit(&["check", "HEAD", "--patch-target", "80", "--no-moves"])
        .code(1);
    assert!(failed.stderr.contains("66.67"), "{}", failed.stderr);
    // The config key does the same for `check` (and so for the hook, which runs it).
    repo.write(".covgit.toml", "[compare]\ndetect_moves = false\n");
    repo.covgit(&["check", "HEAD", "--patch-target", "80"])
        .code(1);
}

#[test]
fn no_moves_and_detect_moves_false_give_the_plain_result() {
    let repo = moved_to_another_file(&[], &[]);
    let with = repo.covgit(&["compare", "HEAD"]).ok().stdout;
    let flag = repo.covgit(&["compare", "HEAD", "--no-moves"]).ok().stdout;
    let flag_json = compare(&repo, &["--no-moves"]);
    assert_ne!(with, flag);
    repo.write(".covgit.toml", "[compare]\ndetect_moves = false\n");
    let config = repo.covgit(&["compare", "HEAD"]).ok().stdout;
    assert_eq!(config, flag, "the config key is the flag");
    assert_eq!(compare(&repo, &[]), flag_json);
    repo.write(".covgit.toml", "[compare]\ndetect_moves = \"off\"\n");
    let bad = repo.covgit(&["compare", "HEAD"]).code(2);
    assert!(
        bad.stderr.contains(".covgit.toml") && bad.stderr.contains("line 2"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_move_in_the_working_tree_and_against_a_baseline_keeps_its_coverage() {
    let repo = TestRepo::new();
    repo.write("src/a.py", &format!("{ALPHA}\n\n{BETA}"));
    repo.commit("base");
    record(&repo, &[("src/a.py", &[])]);
    let report = |name: &str| {
        repo.write_outside(
            name,
            &lcov(&[
                ("src/a.py", &[(1, 1), (2, 1), (3, 1)]),
                ("src/b.py", &[(1, 1), (2, 1), (3, 1)]),
            ]),
        )
    };
    repo.write("src/a.py", ALPHA);
    repo.write("src/b.py", BETA);
    let wt = report("wt.info");
    let js = repo
        .covgit(&[
            "compare",
            "--worktree",
            "--head-report",
            wt.to_str().unwrap(),
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(js["patch"]["lines"], 0, "{js:#}");
    assert_eq!(
        runs(&js, "moved"),
        [run("src/b.py", (1, 3), Some("src/a.py"), Some(6))]
    );
    assert_eq!(js["uploads"]["head"], serde_json::json!([]));

    // A baseline saved before the move, compared with the tree after it.
    repo.write("src/a.py", &format!("{ALPHA}\n\n{BETA}"));
    repo.rm("src/b.py");
    let before = repo.write_outside(
        "before.info",
        &lcov(&[(
            "src/a.py",
            &[(1, 1), (2, 1), (3, 1), (6, 1), (7, 1), (8, 1)],
        )]),
    );
    repo.covgit(&["baseline", "save", "default", before.to_str().unwrap()])
        .ok();
    repo.write("src/a.py", ALPHA);
    repo.write("src/b.py", BETA);
    let js = repo
        .covgit(&[
            "compare",
            "--worktree",
            "--baseline",
            "default",
            "--head-report",
            wt.to_str().unwrap(),
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(js["patch"]["lines"], 0, "{js:#}");
    assert_eq!(
        runs(&js, "moved"),
        [run("src/b.py", (1, 3), Some("src/a.py"), Some(6))]
    );
}
