//! Every fixture under `tests/fixtures/reports/` (the JSON formats' rows are in
//! `json_fixture_tests`), parsed and checked against the figures its producer wrote into it
//! (Cobertura root `lines-valid` / `lines-covered`, LCOV sum of `LF` / `LH`, `JaCoCo`'s report
//! LINE counter, Clover's project `statements`, Go's statement totals), with each deliberate
//! difference explained.

use std::io::BufReader;
use std::path::Path;

use crate::model::{Branches, FileCoverage, LineCoverage, LineState};

use super::*;

pub(super) const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reports/");

/// What covgit should make of one fixture.
pub(super) struct Case {
    path: &'static str,
    /// `None`: covgit's (lines tracked, lines covered) equal the producer's own figures.
    /// `Some`: covgit's figures, which differ from the producer's for the reason in `why`
    /// (or the producer wrote none).
    differs: Option<(u64, u64, &'static str)>,
    /// How many warnings the parse gives.
    warnings: usize,
    /// Go only: the (statements, covered statements) `go tool cover -func` totals, which the
    /// test recomputes from the blocks as the producer's figure. They are statements, not
    /// lines, so the line figures in `differs` never equal them but are checked beside them.
    statements: Option<(u64, u64)>,
}

pub(super) const fn same(path: &'static str) -> Case {
    Case {
        path,
        differs: None,
        warnings: 0,
        statements: None,
    }
}

pub(super) const fn differs(
    path: &'static str,
    lines: u64,
    covered: u64,
    why: &'static str,
) -> Case {
    Case {
        path,
        differs: Some((lines, covered, why)),
        warnings: 0,
        statements: None,
    }
}

pub(super) const fn warns(mut c: Case, warnings: usize) -> Case {
    c.warnings = warnings;
    c
}

/// A Go profile: covgit's (lines, covered lines) and the producer's (statements, covered).
const fn go(path: &'static str, lines: (u64, u64), statements: (u64, u64)) -> Case {
    Case {
        path,
        differs: Some((lines.0, lines.1, GO_STATEMENTS)),
        warnings: 0,
        statements: Some(statements),
    }
}

const NO_FIGURES: &str = "the producer writes rates only, no line counts";

const GO_STATEMENTS: &str = "go tool cover counts statements (sum of numStmt over distinct \
     blocks, covered where count > 0); covgit counts the lines the blocks span";

/// Files that are not reports covgit reads, and the start of the error each one gets.
const REFUSED: &[(&str, &str)] = &[(
    "jacoco/generated/javaproj/jacoco-0.8.6.csv",
    "'jacoco/generated/javaproj/jacoco-0.8.6.csv' looks like JaCoCo CSV, which covgit cannot \
     read yet",
)];

const CASES: &[Case] = &[
    // Cobertura
    warns(
        differs(
            "cobertura/collected/codecov-worker__robustness-cobertura.xml",
            9,
            6,
            "hand-written, no counts; number=\"undefined\" and number=\"0\" are skipped, \
             condition-coverage=\"50%\" keeps the line without branches (3 warnings)",
        ),
        3,
    ),
    same("cobertura/collected/coveragepy__gold-x_xml.xml"),
    same("cobertura/collected/coveragepy__gold-y_xml_branch.xml"),
    same("cobertura/collected/diff_cover__dotnet-bom-whitespace-source.xml"),
    differs(
        "cobertura/collected/diff_cover__luacov-backslash-paths.xml",
        11,
        10,
        NO_FIGURES,
    ),
    same("cobertura/collected/gcovr__nested-oos-clang-10.xml"),
    same("cobertura/collected/gocover-cobertura__gorilla-mux-v1.8.1-golden.xml"),
    differs(
        "cobertura/collected/pycobertura__cobertura-1.9-java-windows-source.xml",
        34,
        31,
        NO_FIGURES,
    ),
    same("cobertura/collected/pycobertura__coveragepy-6.3.2-missing-branches.xml"),
    same("cobertura/collected/pycobertura__diffcoverage-new.xml"),
    same("cobertura/collected/pycobertura__diffcoverage-old.xml"),
    differs(
        "cobertura/collected/pycobertura__dummy-original.xml",
        4,
        2,
        NO_FIGURES,
    ),
    differs(
        "cobertura/collected/pycobertura__dummy-with-dummy2-better-and-worse.xml",
        6,
        5,
        NO_FIGURES,
    ),
    same("cobertura/collected/pycobertura__istanbul-coffeescript-no-package.xml"),
    differs(
        "cobertura/collected/pycobertura__no-branch-rate-empty-class.xml",
        0,
        0,
        "hand-trimmed: the root still says 8/7 but the only class has no <lines> left",
    ),
    differs(
        "cobertura/collected/reportgenerator__altcover.xml",
        174,
        116,
        NO_FIGURES,
    ),
    same("cobertura/collected/reportgenerator__cobertura-2.1.1-multisource.xml"),
    same("cobertura/collected/reportgenerator__coverlet.xml"),
    differs(
        "cobertura/collected/reportgenerator__dotnet-coverage.xml",
        221,
        158,
        "several <class> elements of one file list overlapping lines; the producer's 235/163 \
         counts them once per class, covgit once per file",
    ),
    differs(
        "cobertura/collected/reportgenerator__opencppcoverage-minimal.xml",
        2,
        0,
        NO_FIGURES,
    ),
    same("cobertura/collected/reportgenerator__swift.xml"),
    same("cobertura/generated/cproj/gcovr-5.2-cobertura-root-src.xml"),
    same("cobertura/generated/cproj/gcovr-5.2-cobertura.xml"),
    differs(
        "cobertura/generated/cproj/gcovr-8.8-cobertura.xml",
        56,
        47,
        "tmpl.cpp's class list has 4 lines twice (two template instantiations); gcovr's \
         60/49 counts each listing",
    ),
    same("cobertura/generated/cproj/grcov-0.10.7-gcc-obj_b-cobertura-compact.xml"),
    same("cobertura/generated/cproj/grcov-0.10.7-gcc-obj_b-cobertura.xml"),
    same("cobertura/generated/javaproj-cobertura/cobertura-2.1.1-java.xml"),
    same("cobertura/generated/jsproj/c8-12.0.0-cobertura-coverage.xml"),
    same("cobertura/generated/jsproj/nyc-18.0.0-cobertura-coverage.xml"),
    same("cobertura/generated/phpproj/phpunit-9.6-pcov-cobertura.xml"),
    warns(
        differs(
            "cobertura/generated/pyproj/coverage-5.5-branch-multisource.xml",
            41,
            33,
            "coverage.py 5.5 on Python 3.11 writes a line number=\"0\" in three files (44/34); \
             those are skipped with a warning, leaving what 6.5 and 7.x report",
        ),
        3,
    ),
    same("cobertura/generated/pyproj/coverage-6.5.0-branch-multisource.xml"),
    same("cobertura/generated/pyproj/coverage-7.17.3-branch-multisource.xml"),
    same("cobertura/generated/pyproj/coverage-7.17.3-relative-nobranch.xml"),
    same("cobertura/generated/rsproj/cargo-llvm-cov-0.9.1-cobertura.xml"),
    same("cobertura/generated/rsproj/grcov-0.10.7-rust-cobertura.xml"),
    // LCOV
    same("lcov/collected/bazel__lcovmerger-expected-merge-of-1-and-2.info"),
    same("lcov/collected/bazel__lcovprinter-tracefile1-BA.info"),
    same("lcov/collected/bazel__lcovprinter-tracefile2-BA.info"),
    warns(
        differs(
            "lcov/collected/cargo-llvm-cov__real1-all-summary-only.info",
            0,
            0,
            "summaries only (LF:27 LH:19 in all), no DA: nothing is tracked, one warning per record",
        ),
        3,
    ),
    warns(
        differs(
            "lcov/collected/codecov-worker__robustness-garbage-lines.info",
            6,
            5,
            "hand-written; its LF/LH cover one record. Garbage, line-0 and non-numeric records \
             are skipped with warnings; file.js's two records merge to 2 lines",
        ),
        13,
    ),
    differs(
        "lcov/collected/diff_cover__brda-after-brf.info",
        10,
        5,
        "hand-written: LF:6/LH:6 disagree with its ten DA lines, five of them 0",
    ),
    same("lcov/collected/diff_cover__cpp-fnl-fna-trailing-space.lcov"),
    same("lcov/collected/diff_cover__typescript-no-end_of_record.lcov"),
    same("lcov/collected/gcov2lcov__from-go-profile.lcov"),
    differs(
        "lcov/collected/gcovr__several-functions-same-line-gcc-8.lcov",
        30,
        30,
        "gcovr's LF/LH (43/41) count lines once per function instantiation",
    ),
    differs(
        "lcov/collected/grcov__empty-line-fn-with-commas.info",
        57,
        27,
        "three DA lines repeat within the record (summed); LF/LH (60/29) count the repeats",
    ),
    warns(
        differs(
            "lcov/collected/grcov__firefox-js-spidermonkey.info",
            5525,
            0,
            "SpiderMonkey writes one DA per script, so lines repeat (summed); LF (5921) counts \
         repeats; its one `data:` URL record, a path of 7,489 bytes, is skipped with a warning (151 \
         lines)",
        ),
        1,
    ),
    warns(
        differs(
            "lcov/collected/grcov__invalid-DA-record.info",
            441,
            439,
            "the second record is cut off (no LF/LH, no end_of_record, last DA:590 without a \
             count): it is kept, minus that DA, with two warnings",
        ),
        2,
    ),
    differs(
        "lcov/collected/grcov__same-file-three-spellings.info",
        9,
        9,
        "hand-written: LF:2 per record for 3 DA lines; the three spellings stay three raw \
         paths (resolve normalises them)",
    ),
    same("lcov/collected/reportgenerator__cpp-windows-paths.info"),
    differs(
        "lcov/collected/reportgenerator__csharp.info",
        184,
        118,
        "coverlet repeats 15 DA lines within records (summed); its LF/LH (199/124) count them",
    ),
    differs(
        "lcov/generated/cproj/gcovr-8.8-lcov1x.info",
        56,
        47,
        "as gcovr-8.8-cobertura.xml: template instantiations repeat 4 lines of tmpl.cpp",
    ),
    differs(
        "lcov/generated/cproj/gcovr-8.8-lcov2.info",
        56,
        47,
        "as gcovr-8.8-cobertura.xml: template instantiations repeat 4 lines of tmpl.cpp",
    ),
    same("lcov/generated/cproj/grcov-0.10.7-gcc-obj_b.lcov"),
    differs(
        "lcov/generated/cproj/lcov-1.16-baseline-initial.info",
        98,
        0,
        "raw geninfo output without LF/LH; every count is 0 (--initial)",
    ),
    differs(
        "lcov/generated/cproj/lcov-1.16-capture-branches.info",
        98,
        76,
        "raw geninfo output without LF/LH (merge checked against lcov -a below)",
    ),
    differs(
        "lcov/generated/cproj/lcov-1.16-capture-nobranch.info",
        98,
        76,
        "raw geninfo output without LF/LH",
    ),
    same("lcov/generated/cproj/lcov-1.16-merged-filtered.info"),
    differs(
        "lcov/generated/cproj/llvm-cov-14-export.lcov",
        70,
        59,
        "llvm-cov 14 writes LH:17 for tmpl.cpp although all 18 of its DA counts are > 0",
    ),
    same("lcov/generated/jsproj/c8-12.0.0-lcov.info"),
    same("lcov/generated/jsproj/nyc-18.0.0-lcov.info"),
    same("lcov/generated/pyproj/coverage-7.17.3-branch.lcov"),
    same("lcov/generated/pyproj/coverage-7.17.3-relative-nobranch.lcov"),
    same("lcov/generated/rsproj/cargo-llvm-cov-0.9.1.lcov"),
    same("lcov/generated/rsproj/grcov-0.10.7-rust.lcov"),
    same("lcov/generated/rsproj/rust-llvm-cov-19.lcov"),
    same("lcov/generated/tsproj-jest/jest-30.5.2-ts-jest-lcov.info"),
    // JaCoCo: the report-level LINE counter counts lines with covered instructions (ci > 0),
    // which is covgit's hit + partial.
    differs(
        "jacoco/collected/codecov-worker__robustness-jacoco.xml",
        6,
        5,
        "hand-written without report-level counters; 'empty' has no lines",
    ),
    warns(
        differs(
            "jacoco/collected/gcovr__several-functions-same-line-gcc-8.xml",
            30,
            2,
            "gcovr writes no mi/ci: only the 2 lines with a taken branch are known to have run, \
             the rest are read as missed with one warning per file; its LINE counters (43/41) \
             also count each function's copy of a line",
        ),
        2,
    ),
    same("jacoco/collected/grcov__basic-report-3-sessions.xml"),
    same("jacoco/collected/grcov__inner-classes.xml"),
    differs(
        "jacoco/collected/grcov__kotlin.xml",
        27,
        0,
        "trimmed: no report-level counters left; its sourcefile's LINE counter says 27 missed",
    ),
    same("jacoco/collected/grcov__multiple-top-level-classes.xml"),
    same("jacoco/collected/reportgenerator__jacoco-0.7.7.xml"),
    same("jacoco/collected/reportgenerator__jacoco-0.8.3.xml"),
    warns(
        differs(
            "jacoco/generated/cproj/gcovr-8.8-jacoco.xml",
            56,
            25,
            "gcovr writes no mi/ci: the tests/ files' LINE counters say every line ran, but in \
             calc.c, shared.h and tmpl.cpp only lines with a taken branch are known to have run \
             (one warning each); gcovr's 60/49 also counts tmpl.cpp's 4 repeated lines",
        ),
        3,
    ),
    same("jacoco/generated/javaproj/jacoco-0.8.6-groups-2sessions.xml"),
    same("jacoco/generated/javaproj/jacoco-0.8.6.xml"),
    // Clover: project-level `statements`/`coveredstatements`; covgit tracks stmt and cond
    // lines, not method lines.
    differs(
        "clover/collected/codecov-worker__robustness-clover.xml",
        12,
        6,
        "hand-written: its metrics (6/2) count source.php's stmt lines only; covgit also tracks \
         its 4 cond lines and the one line of file.php and of ignore",
    ),
    same("clover/collected/diff_cover__istanbul-clover-3.2.0.xml"),
    differs(
        "clover/collected/gcovr__several-functions-same-line-gcc-8.xml",
        30,
        30,
        "as the LCOV of this test: gcovr's 43/41 count lines once per function instantiation",
    ),
    same("clover/collected/reportgenerator__groovy.xml"),
    differs(
        "clover/collected/reportgenerator__istanbul.xml",
        11,
        11,
        "trimmed sample: the project metrics (161/161) still count 15 files, 2 are left",
    ),
    same("clover/collected/reportgenerator__openclover-4.3.1.xml"),
    differs(
        "clover/generated/cproj/gcovr-8.8-clover.xml",
        56,
        47,
        "as gcovr-8.8-cobertura.xml: template instantiations repeat 4 lines of tmpl.cpp",
    ),
    same("clover/generated/jsproj/c8-12.0.0-clover.xml"),
    same("clover/generated/jsproj/nyc-18.0.0-clover.xml"),
    same("clover/generated/phpproj/phpunit-9.6-pcov-clover.xml"),
    // Go: see GO_STATEMENTS. The line figures of the two profiles that have converted
    // counterparts equal the converters' (gocover-cobertura's golden 946/798, gcov2lcov's 7/6).
    go(
        "go/collected/codecov-worker__count-unsorted-nested-blocks.out",
        (197, 13),
        (129, 7),
    ),
    warns(
        go(
            "go/collected/codecov-worker__robustness-blank-lines-duplicates.out",
            (13, 13),
            (5, 5),
        ),
        1,
    ),
    go(
        "go/collected/gcov2lcov__overlapping-blocks.out",
        (7, 6),
        (9, 5),
    ),
    go(
        "go/collected/gocover-cobertura__gorilla-mux-v1.8.1.out",
        (946, 798),
        (588, 515),
    ),
    go(
        "go/collected/gocover-cobertura__overlap-set.out",
        (5, 5),
        (4, 3),
    ),
    go(
        "go/collected/gocover-cobertura__spf13-cobra-v1.8.1.out",
        (4411, 4024),
        (1776, 1556),
    ),
    go(
        "go/collected/grcov__atomic-trailing-blank-line.out",
        (503, 446),
        (299, 253),
    ),
    go("go/generated/goproj/go-1.19-atomic.out", (44, 34), (26, 20)),
    go(
        "go/generated/goproj/go-1.19-count-coverpkg-all.out",
        (44, 35),
        (26, 21),
    ),
    go("go/generated/goproj/go-1.19-count.out", (44, 34), (26, 20)),
    go(
        "go/generated/goproj/go-1.19-set-command-line-arguments.out",
        (9, 4),
        (5, 2),
    ),
    go("go/generated/goproj/go-1.19-set.out", (44, 34), (26, 20)),
];

/// Every case: this table's and the JSON formats' (`json_fixture_tests`).
fn all_cases() -> impl Iterator<Item = &'static Case> {
    CASES.iter().chain(super::json_fixture_tests::CASES)
}

/// The format a fixture is in, by its folder.
pub(super) fn expected_format(rel: &str) -> InputFormat {
    let folder = rel.split('/').next().unwrap_or_default();
    if let Some(f) = super::json_fixture_tests::format_of_folder(folder) {
        return f;
    }
    match folder {
        "cobertura" => InputFormat::Cobertura,
        "lcov" => InputFormat::Lcov,
        "jacoco" => InputFormat::JaCoCo,
        "clover" => InputFormat::Clover,
        "go" => InputFormat::Go,
        other => panic!("{rel}: no format for fixture folder '{other}'"),
    }
}

pub(super) fn read_fixture(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}{rel}")).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub(super) fn parse_fixture(rel: &str) -> Parsed {
    let f = std::fs::File::open(format!("{DIR}{rel}")).unwrap_or_else(|e| panic!("{rel}: {e}"));
    parse(&mut BufReader::new(f), rel, None).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub(super) fn parse_bytes(
    bytes: &[u8],
    name: &str,
    format: Option<InputFormat>,
) -> Result<Parsed, ParseError> {
    parse(&mut &bytes[..], name, format)
}

/// (lines tracked, lines covered = hit + partial).
pub(super) fn totals(p: &Parsed) -> (u64, u64) {
    let mut t = crate::model::Totals::default();
    for (_, f) in &p.files {
        t.add(&f.totals());
    }
    (t.lines, t.hit + t.partial)
}

/// The producer's own figures: Cobertura root `lines-valid`/`lines-covered`, LCOV sums of
/// `LF`/`LH`, `JaCoCo`'s report-level `<counter type="LINE">` (covered + missed, covered),
/// Clover's project-level `<metrics statements coveredstatements>`, and for Go the statement
/// totals `go tool cover -func` prints. `None` when it wrote none.
fn producer_figures(rel: &str, text: &str) -> Option<(u64, u64)> {
    if expected_format(rel).is_json() {
        return super::json_fixture_tests::producer_figures(rel, text);
    }
    if rel.starts_with("jacoco/") || rel.starts_with("clover/") {
        return xml_figures(text, rel.starts_with("jacoco/"));
    }
    if rel.starts_with("go/") {
        return Some(go_statements(text));
    }
    if rel.starts_with("cobertura/") {
        let start = text.find("<coverage")?;
        let tag = &text[start..start + text[start..].find('>')?];
        let attr = |name: &str| -> Option<u64> {
            let i = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            let v = &tag[i..i + tag[i..].find('"')?];
            v.parse::<f64>().ok().map(|f| f as u64)
        };
        Some((attr("lines-valid")?, attr("lines-covered")?))
    } else {
        let sum = |key: &str| -> u64 {
            text.lines()
                .filter_map(|l| l.trim().strip_prefix(key))
                .map(|v| v.trim().parse::<u64>().unwrap())
                .sum()
        };
        let (lf, lh) = (sum("LF:"), sum("LH:"));
        (lf > 0 || text.contains("LF:")).then_some((lf, lh))
    }
}

/// `JaCoCo`: the LINE counter directly under `<report>`; Clover: the `<metrics>` directly
/// under `<project>`. Read with a plain quick-xml walk, independent of the parsers.
fn xml_figures(text: &str, jacoco: bool) -> Option<(u64, u64)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    loop {
        let (e, empty) = match reader.read_event().ok()? {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => return None,
            _ => continue,
        };
        let name = e.local_name().into_inner().to_owned();
        let parent = stack.last().map(String::as_str);
        let attr = |key: &str| -> Option<String> {
            let a = e.try_get_attribute(key).ok()??;
            Some(a.value.into_owned())
        };
        let num = |key: &str| attr(key)?.parse::<u64>().ok();
        if jacoco
            && name == "counter"
            && parent == Some("report")
            && attr("type").as_deref() == Some("LINE")
        {
            return Some((num("missed")? + num("covered")?, num("covered")?));
        }
        if !jacoco && name == "metrics" && parent == Some("project") {
            return Some((num("statements")?, num("coveredstatements")?));
        }
        if !empty {
            stack.push(name);
        }
    }
}

/// What `go tool cover -func` totals: statements of distinct blocks (identical blocks merged
/// by summing counts), covered where the count is > 0. Lines that are not blocks are skipped
/// (`go tool cover` would refuse them).
fn go_statements(text: &str) -> (u64, u64) {
    let mut blocks = std::collections::BTreeMap::<&str, (u64, u64)>::new();
    for line in text.lines().map(str::trim) {
        let mut f = line.rsplitn(3, ' ');
        let (Some(count), Some(stmts), Some(place)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let (Ok(count), Ok(stmts)) = (count.parse::<u64>(), stmts.parse::<u64>()) else {
            continue;
        };
        let b = blocks.entry(place).or_insert((stmts, 0));
        b.1 += count;
    }
    let total = blocks.values().map(|b| b.0).sum();
    let covered = blocks.values().filter(|b| b.1 > 0).map(|b| b.0).sum();
    (total, covered)
}

/// Every fixture report, as paths under [`DIR`], sorted.
pub(super) fn all_fixture_files() -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![Path::new(DIR).to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x != "md") {
                out.push(p.strip_prefix(DIR).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_fixture_has_a_case() {
    let mut listed: Vec<&str> = all_cases().map(|c| c.path).collect();
    listed.extend(REFUSED.iter().map(|(p, _)| *p));
    listed.extend(super::json_fixture_tests::REFUSED.iter().map(|(p, _)| *p));
    listed.sort_unstable();
    assert_eq!(all_fixture_files(), listed);
}

#[test]
fn totals_match_the_producers_figures_or_the_documented_difference() {
    for case in all_cases() {
        let parsed = parse_fixture(case.path);
        let text = String::from_utf8_lossy(&read_fixture(case.path)).into_owned();
        let producer = producer_figures(case.path, &text);
        let ours = totals(&parsed);
        if let Some(statements) = case.statements {
            assert_eq!(
                producer,
                Some(statements),
                "{}: go tool cover's figures",
                case.path
            );
        }
        match case.differs {
            None => assert_eq!(Some(ours), producer, "{}", case.path),
            Some((lines, covered, why)) => {
                assert_eq!(ours, (lines, covered), "{}: {why}", case.path);
                assert_ne!(
                    Some(ours),
                    producer,
                    "{}: listed as differing but equals the producer's figures",
                    case.path
                );
            }
        }
        assert_eq!(
            parsed.warnings.len(),
            case.warnings,
            "{}: {:#?}",
            case.path,
            parsed.warnings
        );
        assert_eq!(parsed.format, expected_format(case.path), "{}", case.path);
    }
}

#[test]
fn files_that_are_not_reports_are_refused() {
    for (path, message) in REFUSED {
        let err = parse_bytes(&read_fixture(path), path, None).unwrap_err();
        assert_eq!(err.to_string(), *message);
    }
}

#[test]
fn detect_names_each_fixtures_format() {
    for case in all_cases() {
        let bytes = read_fixture(case.path);
        let expected = expected_format(case.path);
        assert_eq!(detect(&bytes), Some(expected), "{}", case.path);
        let prefix = &bytes[..bytes.len().min(DETECT_PREFIX_LEN)];
        assert_eq!(detect(prefix), Some(expected), "{}", case.path);
    }
}

#[test]
fn forcing_the_right_format_gives_the_same_result_and_the_wrong_one_an_error() {
    for case in all_cases() {
        let bytes = read_fixture(case.path);
        let detected = parse_fixture(case.path);
        let forced = parse_bytes(&bytes, case.path, Some(detected.format)).unwrap();
        assert_eq!(forced, detected, "{}", case.path);
        for other in InputFormat::ALL {
            if other == detected.format {
                continue;
            }
            let err = parse_bytes(&bytes, case.path, Some(other)).unwrap_err();
            assert!(
                matches!(err, ParseError::FormatMismatch { .. }),
                "{} as {other}: {err}",
                case.path
            );
        }
    }
}

#[test]
fn a_report_read_one_byte_at_a_time_parses_the_same() {
    for rel in [
        "cobertura/collected/reportgenerator__swift.xml",
        "lcov/generated/cproj/lcov-1.16-capture-branches.info",
        "jacoco/generated/javaproj/jacoco-0.8.6.xml",
        "clover/collected/reportgenerator__openclover-4.3.1.xml",
        "go/generated/goproj/go-1.19-set.out",
    ] {
        let f = std::fs::File::open(format!("{DIR}{rel}")).unwrap();
        let slow = parse(&mut BufReader::with_capacity(1, f), rel, None).unwrap();
        assert_eq!(slow, parse_fixture(rel));
    }
}

fn file<'a>(p: &'a Parsed, path: &str) -> &'a FileCoverage {
    &p.files
        .iter()
        .find(|(n, _)| n == path)
        .unwrap_or_else(|| {
            let names: Vec<_> = p.files.iter().map(|(n, _)| n).collect();
            panic!("no file '{path}' in {names:?}")
        })
        .1
}

fn line(f: &FileCoverage, n: u32) -> &LineCoverage {
    f.get(n).unwrap_or_else(|| panic!("line {n} not tracked"))
}

#[expect(
    clippy::unnecessary_wraps,
    reason = "compared with LineCoverage::branches, which is an Option"
)]
fn counts(covered: u32, total: u32) -> Option<Branches> {
    Some(Branches::Counts { covered, total })
}

#[expect(
    clippy::unnecessary_wraps,
    reason = "compared with LineCoverage::branches, which is an Option"
)]
fn named(v: &[(&str, u64)]) -> Option<Branches> {
    Some(Branches::Named(
        v.iter().map(|(n, c)| ((*n).to_owned(), *c)).collect(),
    ))
}

#[test]
fn cobertura_robustness_sample_lines_by_hand() {
    let p = parse_fixture("cobertura/collected/codecov-worker__robustness-cobertura.xml");
    let names: Vec<&str> = p.files.iter().map(|(n, _)| n.as_str()).collect();
    // Classes with a filename but no content are files with no lines; the scoverage class
    // ("file") has only <statements>, which are ignored.
    assert_eq!(names, ["empty", "source", "file", "ignore"]);
    assert!(file(&p, "empty").is_empty() && file(&p, "file").is_empty());
    let f = file(&p, "source");
    assert_eq!(line(f, 1), &LineCoverage::new(1), "hits=\"1.0\"");
    assert_eq!(line(f, 2).branches, counts(0, 2));
    assert_eq!(line(f, 2).state(), LineState::Partial);
    assert_eq!(line(f, 4).state(), LineState::Hit);
    // The (2/4) of condition-coverage wins over the two <condition> children listed.
    assert_eq!(line(f, 6).branches, counts(2, 4));
    assert_eq!(line(f, 6).state(), LineState::Miss);
    assert_eq!(line(f, 8), &LineCoverage::new(1), "50% without counts");
    assert_eq!(f.get(0), None);
    let w: Vec<(Option<u64>, &str)> = p
        .warnings
        .iter()
        .map(|w| (w.line, w.message.as_str()))
        .collect();
    assert_eq!(
        w,
        [
            (
                Some(14),
                "<line> with number 'undefined' skipped: it is not a number"
            ),
            (
                Some(18),
                "<line> with number '0' skipped: line numbers start at 1"
            ),
            (
                Some(38),
                "<line number=\"8\"> has condition-coverage '50%' without (covered/total); \
                 its branches are ignored"
            ),
        ]
    );
}

#[test]
fn cobertura_dialects_by_hand() {
    // Method and class lists both hold each line; gcovr's class list repeats template lines.
    let p = parse_fixture("cobertura/generated/cproj/gcovr-8.8-cobertura.xml");
    assert_eq!(p.sources, ["/tmp/gen/cproj"]);
    let calc = file(&p, "src/calc.c");
    assert_eq!(calc.len(), 23);

    // Istanbul: method lines hold declaration lines absent from the class list.
    let p = parse_fixture("cobertura/generated/jsproj/nyc-18.0.0-cobertura-coverage.xml");
    let math = file(&p, "src/math.js");
    assert_eq!(math.get(3), None, "declaration line of classify()");
    assert_eq!(line(math, 6).branches, counts(1, 2));
    assert_eq!(line(math, 6).state(), LineState::Partial);
    assert_eq!(line(math, 16).branches, counts(1, 1));
    assert_eq!(line(math, 27).hits, 2);

    // Swift: lines only under methods, <class> directly under <package>, BOM.
    let p = parse_fixture("cobertura/collected/reportgenerator__swift.xml");
    assert_eq!(totals(&p), (2, 1));

    // .NET: branch="True"/"False", padded and junk sources, BOM.
    let p = parse_fixture("cobertura/collected/diff_cover__dotnet-bom-whitespace-source.xml");
    assert_eq!(p.sources.len(), 2);
    assert_eq!(p.sources[0], "--source");
    assert!(!p.sources[1].starts_with(char::is_whitespace) && !p.sources[1].ends_with('\n'));
    let p = parse_fixture("cobertura/collected/reportgenerator__coverlet.xml");
    assert_eq!(p.sources, ["C:\\temp\\"]);
    let branchy = p
        .files
        .iter()
        .flat_map(|(_, f)| f.lines())
        .filter(|(_, c)| c.branches.is_some())
        .count();
    assert!(
        branchy > 0,
        "branch=\"True\" lines keep their condition-coverage"
    );

    // grcov writes <condition coverage="0"/"1">; condition-coverage carries the counts.
    let p = parse_fixture("cobertura/generated/cproj/grcov-0.10.7-gcc-obj_b-cobertura.xml");
    let f = file(&p, "src/calc.c");
    assert_eq!(line(f, 8).branches, counts(1, 2));

    // Backslash path kept as written; no XML declaration.
    let p = parse_fixture("cobertura/collected/diff_cover__luacov-backslash-paths.xml");
    assert!(p.files.iter().any(|(n, _)| n == ".\\scripts\\maths.lua"));
    assert!(p.sources.is_empty(), "empty <sources/>");

    // Several sources in order, files relative to either.
    let p = parse_fixture("cobertura/generated/pyproj/coverage-7.17.3-branch-multisource.xml");
    assert_eq!(
        p.sources,
        ["/tmp/gen/pyproj/scripts", "/tmp/gen/pyproj/src/pyproj"]
    );
    assert!(file(&p, "__init__.py").is_empty());
    let shapes = file(&p, "shapes.py");
    assert_eq!(line(shapes, 7).state(), LineState::Partial);

    // Java inner class shares the file of its outer class: one entry, merged.
    let p = parse_fixture("cobertura/generated/javaproj-cobertura/cobertura-2.1.1-java.xml");
    let names: Vec<&str> = p.files.iter().map(|(n, _)| n.as_str()).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(names.len(), unique.len(), "{names:?}");
}

#[test]
fn lcov_lines_by_hand() {
    // Bazel BA: 0/1 not taken, 2 taken; named per occurrence on the line.
    let p = parse_fixture("lcov/collected/bazel__lcovprinter-tracefile1-BA.info");
    let f = file(&p, "SOURCE_FILENAME");
    assert_eq!(line(f, 15).hits, 3);
    assert_eq!(line(f, 15).branches, named(&[("ba#0", 0), ("ba#1", 1)]));
    assert_eq!(line(f, 15).state(), LineState::Partial);
    assert_eq!(line(f, 23).branches, named(&[("ba#0", 1), ("ba#1", 0)]));
    assert_eq!(line(f, 25).state(), LineState::Miss);

    // coverage.py: branch ids are text.
    let p = parse_fixture("lcov/generated/pyproj/coverage-7.17.3-branch.lcov");
    let f = file(&p, "src/pyproj/shapes.py");
    assert_eq!(
        line(f, 7).branches,
        named(&[("0,jump to line 8", 0), ("0,jump to line 9", 1)])
    );
    assert_eq!(line(f, 7).state(), LineState::Partial);
    assert!(file(&p, "src/pyproj/__init__.py").is_empty());

    // coverlet repeats DA:46 within one record: summed (all zero here).
    let p = parse_fixture("lcov/collected/reportgenerator__csharp.info");
    assert!(
        p.files
            .iter()
            .all(|(_, f)| f.lines().windows(2).all(|w| w[0].0 < w[1].0))
    );

    // Istanbul's one-armed BRDA on an untracked declaration line is dropped.
    let p = parse_fixture("lcov/generated/tsproj-jest/jest-30.5.2-ts-jest-lcov.info");
    let f = file(&p, "src/shapes.ts");
    assert_eq!(f.get(17), None);
    assert_eq!(line(f, 6).branches, named(&[("0,0", 0), ("0,1", 1)]));

    // The robustness sample: file.js's two records merged; 1e+0 is 1; file.ts's BRDA on an
    // untracked line dropped; file.cpp's '-' is 0.
    let p = parse_fixture("lcov/collected/codecov-worker__robustness-garbage-lines.info");
    let names: Vec<&str> = p.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["file.js", "empty.js", "file.ts", "ignore", "file.cpp"]
    );
    let js = file(&p, "file.js");
    assert_eq!(line(js, 1).hits, 1);
    assert_eq!(line(js, 1).branches, named(&[("1,0", 1), ("1,1", 2)]));
    assert_eq!(line(js, 2).hits, 1);
    assert_eq!(file(&p, "file.ts").lines().len(), 1);
    let cpp = file(&p, "file.cpp");
    assert_eq!(
        line(cpp, 77).branches,
        named(&[("3,0", 0), ("3,1", 0), ("4,0", 0), ("4,1", 0)])
    );
    assert_eq!(cpp.get(2), None);
}

#[test]
fn lcov_records_of_one_file_merge_like_lcov_itself() {
    // geninfo writes one record per .gcda; `lcov -a` merged them into merged-filtered (and
    // dropped /usr headers). covgit's merge of the raw capture must give the same lines.
    let raw = parse_fixture("lcov/generated/cproj/lcov-1.16-capture-branches.info");
    let merged = parse_fixture("lcov/generated/cproj/lcov-1.16-merged-filtered.info");
    assert_eq!(merged.files.len(), 5);
    for (path, cov) in &merged.files {
        assert_eq!(file(&raw, path), cov, "{path}");
    }
    // Bazel: the merge sums DA (its BA merge takes the larger state, so compare hits only).
    let mut both = read_fixture("lcov/collected/bazel__lcovprinter-tracefile1-BA.info");
    both.push(b'\n');
    both.extend(read_fixture(
        "lcov/collected/bazel__lcovprinter-tracefile2-BA.info",
    ));
    let ours = parse_bytes(&both, "both", None).unwrap();
    let bazel = parse_fixture("lcov/collected/bazel__lcovmerger-expected-merge-of-1-and-2.info");
    let hits = |p: &Parsed| -> Vec<(u32, u64)> {
        p.files[0]
            .1
            .lines()
            .iter()
            .map(|(n, c)| (*n, c.hits))
            .collect()
    };
    assert_eq!(hits(&ours), hits(&bazel));
}

#[test]
fn jacoco_lines_by_hand() {
    let p = parse_fixture("jacoco/generated/javaproj/jacoco-0.8.6.xml");
    let names: Vec<&str> = p.files.iter().map(|(n, _)| n.as_str()).collect();
    // Default package: the bare file name. Calc$Inner shares Calc.java: one file.
    assert_eq!(
        names,
        [
            "com/example/util/Strings.java",
            "Main.java",
            "com/example/calc/Calc.java"
        ]
    );
    let main = file(&p, "Main.java");
    // Line 14 ran, but the call on it threw before JaCoCo's probe: missed, as JaCoCo says.
    assert_eq!(line(main, 14), &LineCoverage::new(0));
    assert_eq!(line(main, 15), &LineCoverage::new(1), "ci=1: hits are 0/1");
    let calc = file(&p, "com/example/calc/Calc.java");
    assert_eq!(line(calc, 10).branches, counts(1, 2));
    assert_eq!(line(calc, 10).state(), LineState::Partial);
    assert_eq!(line(calc, 17).branches, counts(3, 4));
    assert_eq!(line(calc, 24).state(), LineState::Hit);
    assert_eq!(line(calc, 28).branches, counts(0, 3));
    assert_eq!(line(calc, 28).state(), LineState::Miss);

    let p = parse_fixture("jacoco/collected/codecov-worker__robustness-jacoco.xml");
    let names: Vec<&str> = p.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "base/source.java",
            "base/file.java",
            "base/ignore",
            "base/empty"
        ]
    );
    let src = file(&p, "base/source.java");
    assert_eq!(line(src, 1).hits, 1, "mi and ci both > 0");
    assert_eq!(line(src, 1).state(), LineState::Hit);
    assert_eq!(line(src, 2).state(), LineState::Partial);
    assert_eq!(line(src, 3).state(), LineState::Miss);
    assert!(file(&p, "base/empty").is_empty());

    // gcovr: duplicated lines of several functions merge; branches 4/4 and 2/4 give 4/4.
    let p = parse_fixture("jacoco/collected/gcovr__several-functions-same-line-gcc-8.xml");
    let f = file(&p, "function.hpp");
    assert_eq!(line(f, 3).branches, counts(4, 4));
    assert_eq!(line(f, 3).hits, 1, "a taken branch proves the line ran");
}

#[test]
fn clover_lines_by_hand() {
    let p = parse_fixture("clover/collected/codecov-worker__robustness-clover.xml");
    let names: Vec<&str> = p.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "source.php",
            "file.php",
            "nolines",
            "ignore",
            "vendor/ignoreme.php",
            "/${1}.php"
        ]
    );
    let src = file(&p, "source.php");
    assert_eq!(src.get(5), None, "method lines are not tracked");
    assert_eq!(src.get(6), None);
    // No clover="3.2.0": OpenClover's true/false reading.
    assert_eq!(line(src, 1).branches, counts(1, 2));
    assert_eq!(line(src, 1).state(), LineState::Partial);
    assert_eq!(line(src, 3).branches, counts(2, 2));
    assert_eq!(line(src, 3).state(), LineState::Hit);
    assert_eq!(line(src, 4).state(), LineState::Miss);
    assert_eq!(line(src, 4).branches, counts(0, 2));

    // OpenClover: a stmt and a cond on one line merge.
    let p = parse_fixture("clover/collected/reportgenerator__openclover-4.3.1.xml");
    let f = file(&p, "C:\\temp\\test\\TestClass.java");
    assert_eq!(line(f, 15).hits, 1);
    assert_eq!(line(f, 15).branches, counts(1, 2));

    // istanbul: truecount/falsecount are covered/uncovered outcomes.
    let p = parse_fixture("clover/generated/jsproj/nyc-18.0.0-clover.xml");
    let math = file(&p, "/tmp/gen/jsproj/src/math.js");
    assert_eq!(line(math, 13).branches, counts(3, 4));
    assert_eq!(line(math, 13).hits, 2);
    assert_eq!(line(math, 19).branches, counts(0, 4));
    assert_eq!(line(math, 19).state(), LineState::Miss);

    // <testproject> is skipped.
    let p = parse_fixture("clover/collected/reportgenerator__groovy.xml");
    let names: Vec<&str> = p.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["src/main/groovy/org/sonar/Example.groovy"]);
}

#[test]
fn go_lines_by_hand() {
    let p = parse_fixture("go/generated/goproj/go-1.19-set.out");
    let calc = file(&p, "example.com/goproj/calc/calc.go");
    // Line 9 holds the end of 7.11,9.3 and the blocks 9.8,9.19 and 9.19,11.3.
    assert_eq!(line(calc, 9), &LineCoverage::new(1));
    // 20.2,20.12 ran, 20.12,22.3 did not: line 20 is hit, 21 and 22 missed.
    assert_eq!(line(calc, 20).hits, 1);
    assert_eq!(line(calc, 21).hits, 0);
    assert_eq!(line(calc, 22).hits, 0);
    assert!(calc.lines().iter().all(|(_, c)| c.branches.is_none()));
    // //line-remapped blocks: column 0, zero-width 12.0,12.0 (ran) over 12.0,14.0 (did not).
    let gen_parser = file(&p, "example.com/goproj/gen/parser.go");
    assert_eq!(line(gen_parser, 12).hits, 1);
    assert_eq!(line(gen_parser, 13).hits, 0);

    let p = parse_fixture("go/generated/goproj/go-1.19-count-coverpkg-all.out");
    let calc = file(&p, "example.com/goproj/calc/calc.go");
    assert_eq!(
        line(calc, 6).hits,
        3,
        "3 + 0 + 0 from the three test binaries"
    );
    let count = parse_fixture("go/generated/goproj/go-1.19-count.out");
    assert_eq!(
        line(file(&count, "example.com/goproj/calc/calc.go"), 6).hits,
        3
    );

    // Duplicate blocks with counts 0 and 1 (atomic): summed; "ignore:" skipped; names kept.
    let p = parse_fixture("go/collected/codecov-worker__robustness-blank-lines-duplicates.out");
    let names: Vec<&str> = p.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["source", "ignore"]);
    let src = file(&p, "source");
    assert_eq!(line(src, 15).hits, 1);
    assert_eq!(line(src, 17).hits, 1);
    assert_eq!(p.warnings[0].line, Some(6));

    // Files named on the command line keep their absolute paths.
    let p = parse_fixture("go/generated/goproj/go-1.19-set-command-line-arguments.out");
    assert_eq!(p.files[0].0, "/tmp/gen/goproj/strutil/strutil.go");
}

mod never_panics {
    use proptest::prelude::*;

    use super::*;

    fn fixture_bytes() -> Vec<Vec<u8>> {
        all_cases().map(|c| read_fixture(c.path)).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            for format in std::iter::once(None).chain(InputFormat::ALL.map(Some)) {
                let _ = parse(&mut &bytes[..], "fuzz", format);
            }
        }

        #[test]
        fn on_damaged_fixtures(which in 0usize..all_cases().count(), cut in any::<prop::sample::Index>(),
                               at in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let all = fixture_bytes();
            let mut bytes = all[which].clone();
            let i = at.index(bytes.len());
            bytes[i] = byte;
            bytes.truncate(cut.index(bytes.len()) + 1);
            for format in std::iter::once(None).chain(InputFormat::ALL.map(Some)) {
                if let Ok(p) = parse(&mut &bytes[..], "fuzz", format) {
                    for (_, f) in &p.files {
                        prop_assert!(f.lines().iter().all(|(n, _)| *n >= 1));
                    }
                }
            }
        }

        /// Two reports written into one file (a CI step appending instead of replacing).
        #[test]
        fn on_concatenated_fixtures(a in 0usize..all_cases().count(), b in 0usize..all_cases().count()) {
            let all = fixture_bytes();
            let mut bytes = all[a].clone();
            bytes.extend_from_slice(&all[b]);
            for format in std::iter::once(None).chain(InputFormat::ALL.map(Some)) {
                if let Ok(p) = parse(&mut &bytes[..], "fuzz", format) {
                    for (_, f) in &p.files {
                        prop_assert!(f.lines().iter().all(|(n, _)| *n >= 1));
                    }
                }
            }
        }
    }
}

/// Throughput on the 69 MB synthetic report (5000 files x ~400 lines). Generate it first:
/// `python3 /work/shared/bench/gen_cobertura.py --files 5000 --lines 400 --out /tmp/bench5k
/// --source-root /tmp/bench5k/repo`, then
/// `cargo test --release --lib parse::fixture_tests::bench -- --ignored --nocapture`.
#[test]
#[ignore = "needs /tmp/bench5k (generated) and a release build"]
fn bench_large_cobertura() {
    let path = "/tmp/bench5k/v2/coverage.xml";
    let size = std::fs::metadata(path)
        .expect("generate /tmp/bench5k first")
        .len();
    let start = std::time::Instant::now();
    let f = std::fs::File::open(path).unwrap();
    let p = parse(&mut BufReader::with_capacity(256 * 1024, f), path, None).unwrap();
    let secs = start.elapsed().as_secs_f64();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: ?");
    println!(
        "{} files, {:?} lines/covered in {secs:.3} s = {:.0} MB/s; {peak}",
        p.files.len(),
        totals(&p),
        size as f64 / 1e6 / secs
    );
    let text = std::fs::read(path).unwrap();
    let head = String::from_utf8_lossy(&text[..4096]).into_owned();
    assert_eq!(Some(totals(&p)), producer_figures("cobertura/bench", &head));
}
