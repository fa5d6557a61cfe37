//! Reports of one run written in several formats must say the same thing once covgit has
//! read them: the same tracked lines and the same covered lines per file (paths compared by
//! file name, since each format spells them differently), and the same branch counts where
//! both formats carry branches. Where a format cannot agree by its nature, the test asserts
//! the difference and says why.

use std::collections::BTreeMap;
use std::io::BufReader;

use crate::model::{FileCoverage, LineNo};

use super::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reports/");

fn parse_fixture(rel: &str) -> Parsed {
    let f = std::fs::File::open(format!("{DIR}{rel}")).unwrap_or_else(|e| panic!("{rel}: {e}"));
    parse(&mut BufReader::new(f), rel, None).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Files by their last path component (either separator); two raw paths with one file name
/// are a test error.
fn by_file_name(rel: &str) -> BTreeMap<String, FileCoverage> {
    let mut out = BTreeMap::new();
    for (path, cov) in parse_fixture(rel).files {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(&path).to_owned();
        assert!(
            out.insert(name.clone(), cov).is_none(),
            "{rel}: two files named {name}"
        );
    }
    out
}

/// (tracked lines, covered lines = hit or partial).
fn lines(f: &FileCoverage) -> (Vec<LineNo>, Vec<LineNo>) {
    let tracked = f.lines().iter().map(|(n, _)| *n).collect();
    let covered = f
        .lines()
        .iter()
        .filter(|(_, c)| c.hits > 0)
        .map(|(n, _)| *n)
        .collect();
    (tracked, covered)
}

/// Per line, (taken, total) branches where the line has any.
fn branches(f: &FileCoverage) -> Vec<(LineNo, (u32, u32))> {
    f.lines()
        .iter()
        .filter_map(|(n, c)| Some((*n, c.branches.as_ref()?.counts())))
        .filter(|(_, (_, total))| *total > 0)
        .collect()
}

/// Every report agrees with the first on tracked and covered lines per file, and where
/// `with_branches`, on branch counts per line.
fn assert_agree(reports: &[&str], with_branches: bool) {
    let first = by_file_name(reports[0]);
    assert!(!first.is_empty(), "{}", reports[0]);
    for rel in &reports[1..] {
        let other = by_file_name(rel);
        assert_eq!(
            first.keys().collect::<Vec<_>>(),
            other.keys().collect::<Vec<_>>(),
            "{rel} vs {}",
            reports[0]
        );
        for (name, f) in &first {
            assert_eq!(
                lines(f),
                lines(&other[name]),
                "{name}: {rel} vs {}",
                reports[0]
            );
            if with_branches {
                assert_eq!(
                    branches(f),
                    branches(&other[name]),
                    "{name} branches: {rel} vs {}",
                    reports[0]
                );
            }
        }
    }
}

#[test]
fn cproj_gcovr_cobertura_lcov_and_clover_agree() {
    // One gcovr 8.8 run written five ways. Clover from gcovr carries no branches
    // (conditionals="0"), so branches are compared among the other three.
    assert_agree(
        &[
            "cobertura/generated/cproj/gcovr-8.8-cobertura.xml",
            "lcov/generated/cproj/gcovr-8.8-lcov2.info",
            "lcov/generated/cproj/gcovr-8.8-lcov1x.info",
            "clover/generated/cproj/gcovr-8.8-clover.xml",
        ],
        false,
    );
    // JaCoCo's covered lines differ (next test); its branches equal Cobertura's.
    let cobertura = by_file_name("cobertura/generated/cproj/gcovr-8.8-cobertura.xml");
    let jacoco = by_file_name("jacoco/generated/cproj/gcovr-8.8-jacoco.xml");
    for (name, f) in &cobertura {
        assert_eq!(branches(f), branches(&jacoco[name]), "{name}");
    }
    let clover = by_file_name("clover/generated/cproj/gcovr-8.8-clover.xml");
    assert!(clover.values().all(|f| branches(f).is_empty()));
    // LCOV names each branch, so gcovr can say that tmpl.cpp:7's two template instantiations
    // took different branches (2 of 2). Cobertura and JaCoCo list the line once per
    // instantiation with a bare count (1 of 2 each), and counts cannot be united, only the
    // larger kept. Every other line's branches agree.
    for lcov in [
        "lcov/generated/cproj/gcovr-8.8-lcov2.info",
        "lcov/generated/cproj/gcovr-8.8-lcov1x.info",
    ] {
        let lcov = by_file_name(lcov);
        for (name, f) in &cobertura {
            let mut ours = branches(&lcov[name]);
            let mut theirs = branches(f);
            if name == "tmpl.cpp" {
                let at = |v: &[(LineNo, (u32, u32))]| v.iter().position(|(n, _)| *n == 7).unwrap();
                assert_eq!(ours.remove(at(&ours)), (7, (2, 2)));
                assert_eq!(theirs.remove(at(&theirs)), (7, (1, 2)));
            }
            assert_eq!(ours, theirs, "{name}");
        }
    }
}

#[test]
fn cproj_gcovr_jacoco_tracks_the_same_lines_but_knows_fewer_covered_ones() {
    // gcovr's JaCoCo has no mi/ci per line. Where a file's LINE counter says every line ran
    // (the two test programs), covgit agrees with the Cobertura of the same run line by
    // line. Elsewhere only the lines with a taken branch are known to have run: covgit's
    // covered lines there are exactly Cobertura's lines with a taken branch, and a warning
    // names each such file.
    let cobertura = by_file_name("cobertura/generated/cproj/gcovr-8.8-cobertura.xml");
    let jacoco_parsed = parse_fixture("jacoco/generated/cproj/gcovr-8.8-jacoco.xml");
    let jacoco = by_file_name("jacoco/generated/cproj/gcovr-8.8-jacoco.xml");
    for (name, c) in &cobertura {
        let j = &jacoco[name];
        let (tracked, covered) = lines(c);
        let (j_tracked, j_covered) = lines(j);
        assert_eq!(tracked, j_tracked, "{name}");
        let warned = jacoco_parsed
            .warnings
            .iter()
            .any(|w| w.message.contains(&format!("/{name}'")));
        if matches!(name.as_str(), "run_a.c" | "run_b.cpp") {
            assert_eq!(covered, j_covered, "{name}");
            assert!(!warned, "{name}");
        } else {
            let with_taken_branch: Vec<LineNo> = branches(c)
                .iter()
                .filter(|(_, (taken, _))| *taken > 0)
                .map(|(n, _)| *n)
                .collect();
            assert_eq!(j_covered, with_taken_branch, "{name}");
            assert!(j_covered.len() < covered.len(), "{name}");
            assert!(warned, "{name}: {:?}", jacoco_parsed.warnings);
        }
    }
}

#[test]
fn jsproj_cobertura_lcov_and_clover_of_one_tool_agree() {
    // istanbul writes all three from one coverage map; Clover's cond lines carry covered
    // and uncovered outcomes (istanbul's reading), which equal the Cobertura and LCOV counts.
    for tool in ["c8-12.0.0", "nyc-18.0.0"] {
        assert_agree(
            &[
                &format!("cobertura/generated/jsproj/{tool}-cobertura-coverage.xml"),
                &format!("clover/generated/jsproj/{tool}-clover.xml"),
                &format!("lcov/generated/jsproj/{tool}-lcov.info"),
            ],
            true,
        );
    }
}

#[test]
fn phpproj_cobertura_and_clover_agree() {
    // PHPUnit's Clover lists methods as type="method" lines, which its Cobertura leaves out
    // of the class's lines: not tracked in either.
    assert_agree(
        &[
            "cobertura/generated/phpproj/phpunit-9.6-pcov-cobertura.xml",
            "clover/generated/phpproj/phpunit-9.6-pcov-clover.xml",
        ],
        false,
    );
}

#[test]
fn go_profiles_agree_with_their_conversions() {
    // gocover-cobertura's golden Cobertura is the conversion of this very profile, and the
    // gcov2lcov LCOV that of the overlapping-blocks profile: every line a block spans is
    // tracked, a line is covered when any block on it ran.
    assert_agree(
        &[
            "go/collected/gocover-cobertura__gorilla-mux-v1.8.1.out",
            "cobertura/collected/gocover-cobertura__gorilla-mux-v1.8.1-golden.xml",
        ],
        false,
    );
    assert_agree(
        &[
            "go/collected/gcov2lcov__overlapping-blocks.out",
            "lcov/collected/gcov2lcov__from-go-profile.lcov",
        ],
        false,
    );
}

#[test]
fn go_profiles_of_one_run_in_each_mode_agree() {
    // set, count and atomic runs of one test suite cover the same lines. -coverpkg counts
    // what each test binary ran in every package, so it adds strutil.go:6 (Shout, which only
    // calc's code calls), and nothing else.
    let set = "go/generated/goproj/go-1.19-set.out";
    assert_agree(
        &[
            set,
            "go/generated/goproj/go-1.19-count.out",
            "go/generated/goproj/go-1.19-atomic.out",
        ],
        false,
    );
    let set = by_file_name(set);
    let all = by_file_name("go/generated/goproj/go-1.19-count-coverpkg-all.out");
    for (name, f) in &set {
        let (tracked, covered) = lines(f);
        let (all_tracked, all_covered) = lines(&all[name]);
        assert_eq!(tracked, all_tracked, "{name}");
        let added: Vec<LineNo> = all_covered
            .iter()
            .copied()
            .filter(|n| !covered.contains(n))
            .collect();
        assert!(covered.iter().all(|n| all_covered.contains(n)), "{name}");
        let expected: &[LineNo] = if name == "strutil.go" { &[6] } else { &[] };
        assert_eq!(added, expected, "{name}");
    }
}

#[test]
fn jacoco_versions_and_sessions_of_one_project_agree() {
    // JaCoCo 0.7.7 (DTD 1.0) and 0.8.3 reports of one ReportGenerator test project.
    assert_agree(
        &[
            "jacoco/collected/reportgenerator__jacoco-0.7.7.xml",
            "jacoco/collected/reportgenerator__jacoco-0.8.3.xml",
        ],
        true,
    );
    // The same program run once, and twice in groups: JaCoCo is set-based, so the lines
    // and their states are the same (hits are 0/1 either way).
    assert_agree(
        &[
            "jacoco/generated/javaproj/jacoco-0.8.6.xml",
            "jacoco/generated/javaproj/jacoco-0.8.6-groups-2sessions.xml",
        ],
        true,
    );
}
