//! Every fixture under `tests/fixtures/reports/` (the JSON formats' rows are in
//! `json_fixture_tests`), parsed and checked
//! against the figures its producer wrote into it (Cobertura root `lines-valid` /
//! `lines-covered`, LCOV sum of `LF` / `LH`), with each deliberate difference explained.

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
}

pub(super) const fn same(path: &'static str) -> Case {
    Case {
        path,
        differs: None,
        warnings: 0,
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
    }
}

pub(super) const fn warns(mut c: Case, warnings: usize) -> Case {
    c.warnings = warnings;
    c
}

const NO_FIGURES: &str = "the producer writes rates only, no line counts";

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
    differs(
        "lcov/collected/grcov__firefox-js-spidermonkey.info",
        5676,
        0,
        "SpiderMonkey writes one DA per script, so lines repeat (summed); LF (5921) counts repeats",
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
];

/// Every case: this table's and the JSON formats' (`json_fixture_tests`).
fn all_cases() -> impl Iterator<Item = &'static Case> {
    CASES.iter().chain(super::json_fixture_tests::CASES)
}

/// The format a fixture is in, by its folder.
pub(super) fn expected_format(rel: &str) -> InputFormat {
    let folder = rel.split('/').next().unwrap_or_default();
    super::json_fixture_tests::format_of_folder(folder).unwrap_or(if folder == "cobertura" {
        InputFormat::Cobertura
    } else {
        InputFormat::Lcov
    })
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
/// `LF`/`LH`. `None` when it wrote none.
fn producer_figures(rel: &str, text: &str) -> Option<(u64, u64)> {
    if expected_format(rel).is_json() {
        super::json_fixture_tests::producer_figures(rel, text)
    } else if rel.starts_with("cobertura/") {
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

fn all_fixture_files() -> Vec<String> {
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
