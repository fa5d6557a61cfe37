//! The JSON fixtures (coverage.py, llvm-cov, Istanbul, `SimpleCov`) under
//! `tests/fixtures/reports/`: their rows of the fixture-totals table that
//! `fixture_tests` checks (against the producer's own totals where the file carries them:
//! coverage.py `totals`, llvm-cov `totals.lines`, `SimpleCov` formatter `total.lines`, c8's
//! `coverage-summary.json` of the same run), and the same-run groups: reports of one test run
//! written in several formats must track and cover the same lines of each file.

use crate::model::{Branches, FileCoverage, LineState};

use super::fixture_tests::{
    Case, differs, expected_format, parse_bytes, parse_fixture, read_fixture, same, warns,
};
use super::{InputFormat, ParseError, Parsed};

const NO_TOTALS: &str = "the file carries no line totals";
const SUMMARY_ONLY: &str = "-summary-only export: no segments, so no lines (one warning per file)";

pub(super) const CASES: &[Case] = &[
    // coverage.py JSON
    same("coveragepy-json/collected/codecov-worker__coveragepy-6.4.1-pytest-contexts.json"),
    warns(
        differs(
            "coveragepy-json/generated/pyproj/coverage-5.5-branch.json",
            41,
            33,
            "coverage.py 5.5 on Python 3.11 lists line 0 in three files and counts it as a \
             statement (44/34); those entries are skipped with a warning, leaving what 6.5 \
             and 7.x report",
        ),
        3,
    ),
    warns(
        differs(
            "coveragepy-json/generated/pyproj/coverage-6.5.0-branch.json",
            42,
            34,
            "coverage.py 6.5 lists shapes.py's docstring line 1 in executed_lines although it \
             is not a statement (its summary says 28 covered); it cannot be told apart, so it \
             is kept, with a warning (its excluded line 32, also listed, is dropped)",
        ),
        1,
    ),
    same("coveragepy-json/generated/pyproj/coverage-7.17.3-branch.json"),
    same("coveragepy-json/generated/pyproj/coverage-7.17.3-contexts.json"),
    // Istanbul
    differs(
        "istanbul-json/collected/codecov-worker__node1.json",
        2924,
        2830,
        NO_TOTALS,
    ),
    differs(
        "istanbul-json/collected/codecov-worker__node2.json",
        489,
        300,
        NO_TOTALS,
    ),
    differs(
        "istanbul-json/generated/jsproj-jest/jest-30.5.2-coverage-final.json",
        23,
        14,
        NO_TOTALS,
    ),
    // Checked against c8-12.0.0-coverage-summary.json of the same run.
    same("istanbul-json/generated/jsproj/c8-12.0.0-coverage-final.json"),
    differs(
        "istanbul-json/generated/jsproj/nyc-18.0.0-coverage-final.json",
        23,
        14,
        NO_TOTALS,
    ),
    differs(
        "istanbul-json/generated/tsproj-jest/jest-30.5.2-ts-jest-29.4.15-coverage-final.json",
        11,
        9,
        NO_TOTALS,
    ),
    // llvm-cov export JSON
    warns(
        differs(
            "llvm-cov-json/collected/cargo-llvm-cov__issue303-workspace-summary.json",
            0,
            0,
            SUMMARY_ONLY,
        ),
        2,
    ),
    warns(
        differs(
            "llvm-cov-json/collected/cargo-llvm-cov__real1-all-summary-3.1.0.json",
            0,
            0,
            SUMMARY_ONLY,
        ),
        3,
    ),
    warns(
        differs(
            "llvm-cov-json/generated/cproj/llvm-cov-14-export-summary-only.json",
            0,
            0,
            SUMMARY_ONLY,
        ),
        5,
    ),
    differs(
        "llvm-cov-json/generated/cproj/llvm-cov-14-export.json",
        70,
        59,
        "llvm-cov's summary (70/58) counts tmpl.cpp's line coverage per template \
         instantiation; per-line counts from the segments, as llvm-cov's own LCOV export of \
         this run (DA lines), cover 59",
    ),
    differs(
        "llvm-cov-json/generated/cproj/llvm-cov-19-export-mcdc.json",
        70,
        59,
        "as llvm-cov-14-export.json: the summary says 58, the segments' lines 59",
    ),
    warns(
        differs(
            "llvm-cov-json/generated/rsproj/cargo-llvm-cov-0.9.1-summary-only.json",
            0,
            0,
            SUMMARY_ONLY,
        ),
        1,
    ),
    same("llvm-cov-json/generated/rsproj/cargo-llvm-cov-0.9.1.json"),
    same("llvm-cov-json/generated/rsproj/rust-llvm-cov-19.json"),
    // SimpleCov
    differs(
        "simplecov/collected/codecov-worker__simplecov-json-formatter-v17.json",
        2,
        1,
        "simplecov-json gem output with covered_percent only",
    ),
    differs(
        "simplecov/collected/codecov-worker__simplecov-json-formatter-v18.json",
        2,
        1,
        "extracted from a test with its lines array cut to 3 entries; the gem's \
         lines_of_code/covered_lines (40/11) describe the full file",
    ),
    same("simplecov/collected/simplecov__json-formatter-schema-1.1-branch.json"),
    same("simplecov/collected/simplecov__json-formatter-schema-1.1-method.json"),
    differs(
        "simplecov/collected/simplecov__old-pre-0.18-arrays.resultset.json",
        9,
        8,
        NO_TOTALS,
    ),
    differs(
        "simplecov/generated/rubyproj/simplecov-0.22-branch-two-commands.resultset.json",
        25,
        13,
        NO_TOTALS,
    ),
    differs(
        "simplecov/generated/rubyproj/simplecov-0.22-branch.resultset.json",
        25,
        13,
        NO_TOTALS,
    ),
    differs(
        "simplecov/generated/rubyproj/simplecov-0.22-lines.resultset.json",
        25,
        13,
        NO_TOTALS,
    ),
];

/// Fixtures covgit refuses as a whole, with the error it gives.
pub(super) const REFUSED: &[(&str, &str)] = &[(
    "istanbul-json/generated/jsproj/c8-12.0.0-coverage-summary.json",
    "'istanbul-json/generated/jsproj/c8-12.0.0-coverage-summary.json' looks like an Istanbul \
     coverage summary (totals only, no lines), which covgit cannot read yet",
)];

pub(super) fn format_of_folder(folder: &str) -> Option<InputFormat> {
    Some(match folder {
        "coveragepy-json" => InputFormat::CoveragePyJson,
        "llvm-cov-json" => InputFormat::LlvmCovJson,
        "istanbul-json" => InputFormat::Istanbul,
        "simplecov" => InputFormat::SimpleCov,
        _ => return None,
    })
}

fn num(v: &serde_json::Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_f64().map(|f| f as u64))
}

/// The producer's own (lines, covered) figures, where the file (or, for c8, the
/// json-summary written in the same run) carries them.
pub(super) fn producer_figures(rel: &str, text: &str) -> Option<(u64, u64)> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    match expected_format(rel) {
        InputFormat::CoveragePyJson => Some((
            num(&v["totals"]["num_statements"])?,
            num(&v["totals"]["covered_lines"])?,
        )),
        InputFormat::LlvmCovJson => v["data"].as_array()?.iter().try_fold((0, 0), |acc, d| {
            let l = &d["totals"]["lines"];
            Some((acc.0 + num(&l["count"])?, acc.1 + num(&l["covered"])?))
        }),
        InputFormat::Istanbul => {
            let summary = rel.replace("-coverage-final.json", "-coverage-summary.json");
            let path = format!("{}{summary}", super::fixture_tests::DIR);
            let s: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
            let l = &s["total"]["lines"];
            Some((num(&l["total"])?, num(&l["covered"])?))
        }
        InputFormat::SimpleCov => {
            if let Some(l) = v.get("total").map(|t| &t["lines"]) {
                return Some((num(&l["total"])?, num(&l["covered"])?));
            }
            v["files"].as_array()?.iter().try_fold((0, 0), |acc, f| {
                Some((
                    acc.0 + num(&f["lines_of_code"])?,
                    acc.1 + num(&f["covered_lines"])?,
                ))
            })
        }
        _ => None,
    }
}

#[test]
fn refused_fixtures_give_their_error() {
    for (rel, want) in REFUSED {
        let e = parse_bytes(&read_fixture(rel), rel, None).unwrap_err();
        assert_eq!(e.to_string(), *want);
        let forced = parse_bytes(&read_fixture(rel), rel, Some(InputFormat::Istanbul));
        assert!(
            matches!(forced, Err(ParseError::FormatMismatch { .. })),
            "{forced:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Same-run groups

/// The part of a report path below the project root: `/tmp/gen/pyproj/src/a.py` and
/// `src/a.py` both give `src/a.py`.
fn tail(path: &str) -> &str {
    let p = path.strip_prefix("/tmp/gen/").map_or(path, |rest| {
        rest.split_once('/').map_or(rest, |(_, below)| below)
    });
    p.trim_start_matches("./")
}

/// The file of `p` whose path, below the project root, ends with `want` (or that `want`
/// ends with: Cobertura paths are relative to a `<source>`).
fn find<'a>(p: &'a Parsed, want: &str) -> Option<&'a FileCoverage> {
    let want = tail(want);
    let hits: Vec<_> = p
        .files
        .iter()
        .filter(|(n, _)| {
            let n = tail(n);
            n == want || n.ends_with(&format!("/{want}")) || want.ends_with(&format!("/{n}"))
        })
        .collect();
    assert!(hits.len() <= 1, "{want} matches {hits:?}");
    hits.first().map(|(_, f)| f)
}

/// (tracked lines, covered lines) of a file.
fn line_sets(f: &FileCoverage) -> (Vec<u32>, Vec<u32>) {
    let tracked = f.lines().iter().map(|(n, _)| *n).collect();
    let covered = f
        .lines()
        .iter()
        .filter(|(_, c)| c.state() != LineState::Miss)
        .map(|(n, _)| *n)
        .collect();
    (tracked, covered)
}

/// Every file of `a` (and every file of `b`) is in the other, tracking and covering the
/// same lines; with `states`, every line has the same state too.
fn agree(a: &str, b: &str, states: bool) {
    let (pa, pb) = (parse_fixture(a), parse_fixture(b));
    for (x, px, y, py) in [(a, &pa, b, &pb), (b, &pb, a, &pa)] {
        for (path, fx) in &px.files {
            let fy = find(py, path).unwrap_or_else(|| panic!("{path} of {x} is not in {y}"));
            assert_eq!(line_sets(fx), line_sets(fy), "{path}: {x} vs {y}");
            if states {
                let s = |f: &FileCoverage| -> Vec<(u32, LineState)> {
                    f.lines().iter().map(|(n, c)| (*n, c.state())).collect()
                };
                assert_eq!(s(fx), s(fy), "{path}: {x} vs {y}");
            }
        }
    }
}

/// The files of `a` and `b` are equal, line by line and branch by branch.
fn identical(a: &str, b: &str) {
    let (pa, pb) = (parse_fixture(a), parse_fixture(b));
    assert_eq!(pa.files.len(), pb.files.len(), "{a} vs {b}");
    for (path, fa) in &pa.files {
        let fb = find(&pb, path).unwrap_or_else(|| panic!("{path} of {a} is not in {b}"));
        assert_eq!(fa, fb, "{path}: {a} vs {b}");
    }
}

#[test]
fn coveragepy_json_agrees_with_its_xml_and_lcov_of_the_same_run() {
    let json = "coveragepy-json/generated/pyproj/coverage-7.17.3-branch.json";
    agree(
        json,
        "cobertura/generated/pyproj/coverage-7.17.3-branch-multisource.xml",
        true,
    );
    agree(
        json,
        "lcov/generated/pyproj/coverage-7.17.3-branch.lcov",
        true,
    );
    let contexts = "coveragepy-json/generated/pyproj/coverage-7.17.3-contexts.json";
    agree(
        contexts,
        "cobertura/generated/pyproj/coverage-7.17.3-relative-nobranch.xml",
        true,
    );
    agree(
        contexts,
        "lcov/generated/pyproj/coverage-7.17.3-relative-nobranch.lcov",
        true,
    );
    // coverage.py 5.x JSON has no arcs (branch counts only in summaries) while its XML has
    // condition-coverage: the same lines, but no partial lines from the JSON.
    let (json, xml) = (
        "coveragepy-json/generated/pyproj/coverage-5.5-branch.json",
        "cobertura/generated/pyproj/coverage-5.5-branch-multisource.xml",
    );
    agree(json, xml, false);
    let partial = |p: &Parsed| {
        p.files
            .iter()
            .flat_map(|(_, f)| f.lines())
            .filter(|(_, c)| c.state() == LineState::Partial)
            .count()
    };
    assert_eq!(
        (partial(&parse_fixture(json)), partial(&parse_fixture(xml))),
        (0, 4)
    );
    // coverage.py 6.5's JSON lists shapes.py's docstring line as executed; its XML (rightly)
    // does not. Everything else agrees.
    let json = parse_fixture("coveragepy-json/generated/pyproj/coverage-6.5.0-branch.json");
    let xml = parse_fixture("cobertura/generated/pyproj/coverage-6.5.0-branch-multisource.xml");
    for (path, fj) in &json.files {
        let fx = find(&xml, path).unwrap();
        let (mut tracked, mut covered) = line_sets(fj);
        if path.ends_with("shapes.py") {
            assert_eq!((tracked.remove(0), covered.remove(0)), (1, 1));
        }
        assert_eq!((tracked, covered), line_sets(fx), "{path}");
    }
}

#[test]
fn coveragepy_json_arcs_make_the_partial_lines() {
    let p = parse_fixture("coveragepy-json/generated/pyproj/coverage-7.17.3-branch.json");
    let shapes = find(&p, "src/pyproj/shapes.py").unwrap();
    let partial: Vec<u32> = shapes
        .lines()
        .iter()
        .filter(|(_, c)| c.state() == LineState::Partial)
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(
        partial,
        [7, 26],
        "README: 7 -> 8 and 26 -> 29 are the partial branches"
    );
    assert_eq!(
        shapes.get(7).unwrap().branches,
        Some(Branches::Named(vec![("8".into(), 0), ("9".into(), 1)]))
    );
    assert_eq!(
        shapes.get(52).unwrap().branches,
        Some(Branches::Named(vec![("-1".into(), 1), ("53".into(), 1)]))
    );
    assert!(
        shapes.get(32).is_none() && shapes.get(33).is_none(),
        "excluded"
    );
    assert!(find(&p, "src/pyproj/__init__.py").unwrap().is_empty());
}

#[test]
fn llvm_cov_json_reads_exactly_as_llvm_covs_own_lcov_export_of_the_same_run() {
    identical(
        "llvm-cov-json/generated/rsproj/rust-llvm-cov-19.json",
        "lcov/generated/rsproj/rust-llvm-cov-19.lcov",
    );
    identical(
        "llvm-cov-json/generated/rsproj/cargo-llvm-cov-0.9.1.json",
        "lcov/generated/rsproj/cargo-llvm-cov-0.9.1.lcov",
    );
    identical(
        "llvm-cov-json/generated/cproj/llvm-cov-14-export.json",
        "lcov/generated/cproj/llvm-cov-14-export.lcov",
    );
}

#[test]
fn istanbul_json_reads_exactly_as_istanbuls_own_lcov_of_the_same_run() {
    identical(
        "istanbul-json/generated/jsproj/nyc-18.0.0-coverage-final.json",
        "lcov/generated/jsproj/nyc-18.0.0-lcov.info",
    );
    identical(
        "istanbul-json/generated/jsproj/c8-12.0.0-coverage-final.json",
        "lcov/generated/jsproj/c8-12.0.0-lcov.info",
    );
    identical(
        "istanbul-json/generated/tsproj-jest/jest-30.5.2-ts-jest-29.4.15-coverage-final.json",
        "lcov/generated/tsproj-jest/jest-30.5.2-ts-jest-lcov.info",
    );
    // Cobertura carries branch counts, not names: compare lines and states.
    agree(
        "istanbul-json/generated/jsproj/nyc-18.0.0-coverage-final.json",
        "cobertura/generated/jsproj/nyc-18.0.0-cobertura-coverage.xml",
        true,
    );
    agree(
        "istanbul-json/generated/jsproj/c8-12.0.0-coverage-final.json",
        "cobertura/generated/jsproj/c8-12.0.0-cobertura-coverage.xml",
        true,
    );
}

#[test]
fn simplecov_resultsets_by_hand() {
    let dir = "simplecov/generated/rubyproj/";
    let one = parse_fixture(&format!("{dir}simplecov-0.22-branch.resultset.json"));
    let calc = find(&one, "lib/calc.rb").unwrap();
    let state = |n: u32| calc.get(n).map(crate::model::LineCoverage::state);
    // `if n.negative?` (both arms ran), `elsif n.zero?` (then-arm never ran).
    assert_eq!(state(5), Some(LineState::Hit));
    assert_eq!(
        calc.get(7).unwrap().branches,
        Some(Branches::Named(vec![("0,1".into(), 0), ("0,2".into(), 1)]))
    );
    assert_eq!(state(7), Some(LineState::Partial));
    assert_eq!(state(22), Some(LineState::Partial), "one-line ternary");
    assert_eq!(
        calc.get(26).unwrap().branches.as_ref().unwrap().counts(),
        (0, 3)
    );
    assert_eq!(state(26), Some(LineState::Miss), "case/when never reached");
    // Raw resultsets still count :nocov: lines; `end` lines and comments are null.
    assert_eq!(
        (state(34), state(35)),
        (Some(LineState::Hit), Some(LineState::Miss))
    );
    assert_eq!((state(11), state(33)), (None, None));
    // Never loaded: SimpleCov filled lines 3-7 with 0 itself.
    let unused = find(&one, "lib/unused.rb").unwrap();
    assert_eq!(line_sets(unused), (vec![3, 4, 5, 6, 7], vec![]));

    // Two suites that ran the same tests: the same lines, every count doubled.
    let two = parse_fixture(&format!(
        "{dir}simplecov-0.22-branch-two-commands.resultset.json"
    ));
    assert_eq!(two.files.len(), 2);
    for (path, f1) in &one.files {
        let f2 = find(&two, path).unwrap();
        assert_eq!(f1.len(), f2.len());
        for ((n1, c1), (n2, c2)) in f1.lines().iter().zip(f2.lines()) {
            assert_eq!((n1, c1.hits * 2), (n2, c2.hits), "{path}:{n1}");
            let doubled = c1.branches.as_ref().map(|b| match b {
                Branches::Named(v) => {
                    Branches::Named(v.iter().map(|(k, c)| (k.clone(), c * 2)).collect())
                }
                Branches::Counts { .. } => unreachable!("resultset branches are named"),
            });
            assert_eq!(doubled, c2.branches, "{path}:{n1}");
        }
    }
    // The line-only run of the same tests tracks and covers the same lines.
    agree(
        &format!("{dir}simplecov-0.22-lines.resultset.json"),
        &format!("{dir}simplecov-0.22-branch.resultset.json"),
        false,
    );

    // Pre-0.18 bare arrays; "$$path" placeholders are kept as written.
    let old = parse_fixture("simplecov/collected/simplecov__old-pre-0.18-arrays.resultset.json");
    assert_eq!(old.files[0].0, "$$path/lib/code.rb");
    assert_eq!(
        line_sets(&old.files[0].1),
        (vec![3, 4, 5, 6, 8], vec![3, 4, 5, 6])
    );
}

#[test]
fn simplecov_formatter_outputs_by_hand() {
    let p = parse_fixture("simplecov/collected/simplecov__json-formatter-schema-1.1-branch.json");
    let f = &p.files[0].1;
    assert_eq!(p.files[0].0, "spec/fixtures/json/sample.rb");
    assert!(
        f.get(20).is_none(),
        "\"ignored\" (nocov) lines are untracked"
    );
    let with_branches: Vec<u32> = f
        .lines()
        .iter()
        .filter(|(_, c)| c.branches.is_some())
        .map(|(n, _)| *n)
        .collect();
    assert!(!with_branches.is_empty());
    let gem =
        parse_fixture("simplecov/collected/codecov-worker__simplecov-json-formatter-v17.json");
    assert_eq!(gem.files[0].0, "controllers/tests_controller.rb");
    assert_eq!(line_sets(&gem.files[0].1), (vec![1, 3], vec![1]));
}

#[test]
fn istanbul_producers_by_hand() {
    // README: for the never-loaded unused.js c8 says lines 1-5 uncovered, nyc lines 3-4.
    let c8 = parse_fixture("istanbul-json/generated/jsproj/c8-12.0.0-coverage-final.json");
    let nyc = parse_fixture("istanbul-json/generated/jsproj/nyc-18.0.0-coverage-final.json");
    assert_eq!(
        line_sets(find(&c8, "src/unused.js").unwrap()),
        (vec![1, 2, 3, 4, 5], vec![])
    );
    assert_eq!(
        line_sets(find(&nyc, "src/unused.js").unwrap()),
        (vec![3, 4], vec![])
    );
    // Jest instruments like nyc: the same run of the same tests gives the same lines.
    agree(
        "istanbul-json/generated/jsproj/nyc-18.0.0-coverage-final.json",
        "istanbul-json/generated/jsproj-jest/jest-30.5.2-coverage-final.json",
        true,
    );
    // istanbul 0.x: branchMap entries carry `line` and no `loc`.
    let old = parse_fixture("istanbul-json/collected/codecov-worker__node2.json");
    let docker = find(&old, "/src/hooks/docker.js").unwrap();
    assert_eq!(
        docker.get(9).unwrap().branches.as_ref().unwrap().counts(),
        (2, 2)
    );
}

/// Throughput on a 71 MB synthetic llvm-cov export (3000 files x 800 segments, one line, as
/// llvm-cov writes it). Generate `/tmp/benchjson/llvm.json` (see the commit adding this),
/// then `cargo test --release --lib parse::json_fixture_tests::bench -- --ignored --nocapture`.
#[test]
#[ignore = "needs /tmp/benchjson/llvm.json (generated) and a release build"]
fn bench_large_llvm_cov_json() {
    let path = "/tmp/benchjson/llvm.json";
    let size = std::fs::metadata(path)
        .expect("generate /tmp/benchjson/llvm.json first")
        .len();
    let start = std::time::Instant::now();
    let f = std::fs::File::open(path).unwrap();
    let p = super::parse(
        &mut std::io::BufReader::with_capacity(256 * 1024, f),
        path,
        None,
    )
    .unwrap();
    let secs = start.elapsed().as_secs_f64();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: ?");
    println!(
        "{} files, {:?} lines/covered in {secs:.3} s = {:.0} MB/s; {peak}",
        p.files.len(),
        super::fixture_tests::totals(&p),
        size as f64 / 1e6 / secs
    );
    assert_eq!(p.files.len(), 3000);
}

#[test]
fn json_detection_and_forcing() {
    let cov_py = read_fixture("coveragepy-json/generated/pyproj/coverage-7.17.3-branch.json");
    assert_eq!(
        parse_bytes(&cov_py, "c.json", Some(InputFormat::Istanbul))
            .unwrap_err()
            .to_string(),
        "'c.json' does not look like an Istanbul JSON report (it looks like coverage.py JSON)"
    );
    // JSON of no known kind: refused when detecting; a forced JSON format's reader decides.
    let other = br#"{"hello": {"world": [1, 2]}}"#;
    assert!(matches!(
        parse_bytes(other, "o.json", None),
        Err(ParseError::Undetected { .. })
    ));
    assert_eq!(
        parse_bytes(other, "o.json", Some(InputFormat::LlvmCovJson))
            .unwrap_err()
            .to_string(),
        "'o.json' is not readable as an llvm-cov export JSON report at line 1, column 28"
    );
    assert!(matches!(
        parse_bytes(other, "o.json", Some(InputFormat::Lcov)),
        Err(ParseError::FormatMismatch { found: "JSON", .. })
    ));
    // An empty Istanbul map is a report with no files; an empty coverage.py object is not.
    assert!(
        parse_bytes(b"{}", "e.json", Some(InputFormat::Istanbul))
            .unwrap()
            .files
            .is_empty()
    );
    assert!(parse_bytes(b"{}", "e.json", Some(InputFormat::CoveragePyJson)).is_err());
    // XML and LCOV forced as JSON formats are mismatches.
    let xml = read_fixture("cobertura/collected/reportgenerator__swift.xml");
    let e = parse_bytes(&xml, "s.xml", Some(InputFormat::SimpleCov)).unwrap_err();
    assert!(matches!(e, ParseError::FormatMismatch { .. }), "{e}");
    let html = b"<html><body/></html>";
    let e = parse_bytes(html, "i.html", Some(InputFormat::CoveragePyJson)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "'i.html' does not look like a coverage.py JSON report (it looks like XML)"
    );
    // Plain text forced as JSON: the JSON reader says where it broke.
    let e = parse_bytes(b"hello\n", "h.txt", Some(InputFormat::Istanbul)).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::Json {
                line: 1,
                column: 1,
                ..
            }
        ),
        "{e:?}"
    );
    // A report cut in the middle is refused, never half-read.
    let cut = &cov_py[..cov_py.len() / 2];
    let e = parse_bytes(cut, "cut.json", None).unwrap_err();
    assert!(matches!(e, ParseError::Json { .. }), "{e:?}");
}

#[test]
fn c8_tracks_every_line_nyc_tracks_and_agrees_on_what_ran() {
    // Two tools, one test suite: nyc counts statement lines, c8 every source line (blank lines
    // and comments too, from V8 byte ranges), so c8 tracks more lines; on the lines both
    // track, they agree on whether the line ran.
    let c8 = parse_fixture("istanbul-json/generated/jsproj/c8-12.0.0-coverage-final.json");
    let nyc = parse_fixture("istanbul-json/generated/jsproj/nyc-18.0.0-coverage-final.json");
    let mut disagree = Vec::new();
    for (path, fn_) in &nyc.files {
        let fc = find(&c8, path).unwrap();
        assert!(fc.len() > fn_.len(), "{path}");
        for (n, c) in fn_.lines() {
            let other = fc.get(*n).unwrap_or_else(|| panic!("{path}:{n} not in c8"));
            if (c.hits > 0) != (other.hits > 0) {
                disagree.push((tail(path).to_owned(), *n));
            }
        }
    }
    assert_eq!(disagree, Vec::<(String, u32)>::new());
}

#[test]
fn clang_19_with_mcdc_and_clang_14_see_the_same_line_states() {
    // Not one run: the same programs built by clang 19 (-fcoverage-mcdc) and clang 14 and run
    // the same way. Their regions give the same executable lines, counts and branch states.
    agree(
        "llvm-cov-json/generated/cproj/llvm-cov-19-export-mcdc.json",
        "lcov/generated/cproj/llvm-cov-14-export.lcov",
        true,
    );
}
