//! A large Cobertura report is read in parts on several threads
//! ([`cobertura::read_bytes`]): the result, warnings (with their report lines) and errors
//! must be exactly those of one pass, and the parts must really be used where they can be.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;

use super::cobertura::{merge_parts, read, read_in_parts, split_points};
use super::fixture_tests::{DIR, all_fixture_files};
use super::{ParseError, Parsed};

fn one_pass(data: &[u8]) -> Result<Parsed, ParseError> {
    read(data, "r.xml")
}

/// Reading in `parts` gives what one pass gives, to the letter.
fn assert_same_in_parts(data: &[u8], parts: usize) {
    let whole = one_pass(data);
    let split = read_in_parts(data, data.len() as u64, "r.xml", parts, 3);
    match (&whole, &split) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{parts} parts"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{parts} parts"),
        _ => panic!("one pass: {whole:?}\nin {parts} parts: {split:?}"),
    }
}

/// Whether the parts stood on their own (no fall back on one pass).
fn stands_in_parts(data: &[u8], parts: usize) -> bool {
    let len = data.len() as u64;
    let splits = split_points(data, len, parts).unwrap();
    assert_eq!(splits.len(), parts - 1, "cut places found");
    merge_parts(data, len, "r.xml", &splits, 3).is_some()
}

/// `<coverage>` with `classes` classes of `lines` lines each; `line(c, n)` writes line `n`
/// of class `c`, `filename(c)` its file.
fn report(
    classes: usize,
    lines: u32,
    filename: impl Fn(usize) -> String,
    line: impl Fn(usize, u32) -> String,
) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" ?>\n<coverage version=\"7\">\n<sources>\n<source>/w/src</source>\n\
         </sources>\n<packages>\n<package name=\"p\">\n<classes>\n",
    );
    for c in 0..classes {
        write!(
            s,
            "<class name=\"c{c}\" filename=\"{}\">\n<methods/>\n<lines>\n",
            filename(c)
        )
        .unwrap();
        for n in 1..=lines {
            s += &line(c, n);
            s.push('\n');
        }
        s += "</lines>\n</class>\n";
    }
    s + "</classes>\n</package>\n</packages>\n</coverage>\n"
}

fn plain_line(c: usize, n: u32) -> String {
    format!("<line number=\"{n}\" hits=\"{}\"/>", (c + n as usize) % 3)
}

#[test]
fn a_plain_report_is_read_in_parts_with_the_same_result() {
    let doc = report(40, 30, |c| format!("f{c}.py"), plain_line);
    for parts in 2..=6 {
        assert!(
            stands_in_parts(doc.as_bytes(), parts),
            "{parts} parts fell back"
        );
        assert_same_in_parts(doc.as_bytes(), parts);
    }
    // One thread takes every part in turn; more threads than parts idle.
    let len = doc.len() as u64;
    let splits = split_points(doc.as_bytes(), len, 5).unwrap();
    let whole = one_pass(doc.as_bytes()).unwrap();
    for threads in [1, 2, 8] {
        let parsed = merge_parts(doc.as_bytes(), len, "r.xml", &splits, threads);
        assert_eq!(parsed.as_ref(), Some(&whole), "{threads} threads");
    }
}

#[test]
fn a_report_of_another_length_than_it_said_is_read_in_one_pass() {
    let doc = report(40, 30, |c| format!("f{c}.py"), plain_line);
    let len = doc.len() as u64;
    let whole = one_pass(doc.as_bytes()).unwrap();
    for said in [len - 1, len + 1] {
        let splits = split_points(doc.as_bytes(), said, 3).unwrap();
        assert_eq!(splits.len(), 2);
        assert_eq!(merge_parts(doc.as_bytes(), said, "r.xml", &splits, 2), None);
        let parsed = read_in_parts(doc.as_bytes(), said, "r.xml", 3, 2).unwrap();
        assert_eq!(parsed, whole, "said {said}");
    }
}

#[test]
fn a_file_in_classes_on_both_sides_of_a_cut_is_merged_as_one() {
    // Every class names one of three files, so each file has classes in every part.
    let doc = report(
        30,
        10,
        |c| format!("f{}.py", c % 3),
        |c, n| format!("<line number=\"{}\" hits=\"{c}\"/>", n + (c as u32 % 5)),
    );
    assert!(stands_in_parts(doc.as_bytes(), 4));
    assert_same_in_parts(doc.as_bytes(), 4);
    assert_eq!(one_pass(doc.as_bytes()).unwrap().files.len(), 3);
}

#[test]
fn warnings_of_later_parts_name_their_report_lines() {
    let doc = report(
        40,
        10,
        |c| format!("f{c}.py"),
        |c, n| {
            if n == 5 && c % 7 == 0 {
                format!("<line number=\"{n}\" hits=\"NaN\"/>")
            } else {
                plain_line(c, n)
            }
        },
    );
    assert!(stands_in_parts(doc.as_bytes(), 3));
    assert_same_in_parts(doc.as_bytes(), 3);
    let warnings = one_pass(doc.as_bytes()).unwrap().warnings;
    assert_eq!(warnings.len(), 6);
    // The last bad line (class 35) sits on line 8 + 35 * 15 + 3 + 5 of the report.
    assert_eq!(warnings[5].line, Some(8 + 35 * 15 + 3 + 5));
}

#[test]
fn warnings_past_the_cap_are_counted_across_parts() {
    let doc = report(
        60,
        10,
        |c| format!("f{c}.py"),
        |_, n| format!("<line number=\"{n}\" hits=\"-1\"/>"),
    );
    for parts in [2, 5] {
        assert!(stands_in_parts(doc.as_bytes(), parts));
        assert_same_in_parts(doc.as_bytes(), parts);
    }
    let warnings = one_pass(doc.as_bytes()).unwrap().warnings;
    assert_eq!(
        warnings.last().unwrap().message,
        "400 more warnings like the ones above"
    );
}

/// A cut that cannot stand on its own falls back on one pass; `doc` has its only `<class`
/// past the middle where `trap` puts it.
fn falls_back(doc: &str) {
    assert!(!stands_in_parts(doc.as_bytes(), 2), "{doc}");
    assert_same_in_parts(doc.as_bytes(), 2);
}

#[test]
fn cuts_that_cannot_stand_alone_fall_back_on_one_pass() {
    let head = report(4, 20, |c| format!("f{c}.py"), plain_line);
    let head = head.trim_end().trim_end_matches("</coverage>");
    let tail = "<class name=\"z\" filename=\"z.py\"><lines><line number=\"1\" hits=\"1\"/>\
                </lines></class>";
    let pad = "<x/>".repeat(head.len() / 4);
    // The first `<class` past the middle is inside a comment, a CDATA section, or a
    // `<source>`; or the later part meets `<sources>` right under the root; or it closes
    // an element the first part never opened under that name.
    falls_back(&format!(
        "{head}{pad}<!-- <class a=\"b\"> -->{tail}</coverage>"
    ));
    falls_back(&format!(
        "{head}{pad}<x><![CDATA[ <class > ]]></x>{tail}</coverage>"
    ));
    falls_back(&format!(
        "<coverage><sources><source>{pad}<class filename=\"q\"/>/a</source></sources>{tail}</coverage>"
    ));
    falls_back(&format!(
        "{head}{pad}<keep>{tail}</keep><sources><source>/b</source></sources></coverage>"
    ));
    falls_back(&format!("{head}{pad}<open>{tail}</shut></coverage>"));
    // Truncated: the one-pass error, naming the open element.
    falls_back(&format!("{head}{pad}{tail}"));
    falls_back(&format!("{head}{pad}<class filename=\"t.py\"><lines>"));
}

#[test]
fn every_cobertura_fixture_reads_the_same_in_parts() {
    let mut seen = 0;
    for rel in all_fixture_files() {
        if rel.starts_with("cobertura/") {
            let data = std::fs::read(Path::new(DIR).join(&rel)).unwrap();
            for parts in 2..=5 {
                assert_same_in_parts(&data, parts);
            }
            seen += 1;
        }
    }
    assert!(seen >= 30, "only {seen} Cobertura fixtures");
}

#[test]
fn every_cobertura_fuzz_input_reads_the_same_in_parts() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/cobertura");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        for parts in [2, 3, 7] {
            assert_same_in_parts(&data, parts);
        }
        seen += 1;
    }
    assert!(seen > 100, "only {seen} fuzz inputs");
}

#[test]
fn every_committed_parts_fuzz_input_reads_the_same_in_parts() {
    // The `cobertura_parts` fuzz target's minimized corpus: the first byte picks the parts.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/cobertura_parts");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        if let Some((&first, report)) = data.split_first() {
            assert_same_in_parts(report, 2 + usize::from(first % 8));
            seen += 1;
        }
    }
    assert!(seen > 500, "only {seen} fuzz inputs");
}

proptest! {
    /// Random documents of Cobertura's shape and its odd corners (empty classes, classes
    /// without a filename, method lines, `<sources>` late, comments, bad numbers) read the
    /// same in any number of parts.
    #[test]
    fn random_reports_read_the_same_in_parts(
        classes in prop::collection::vec(
            (0..4_usize, prop::collection::vec((0..40_u32, 0..4_u32, 0..6_u8), 0..12), 0..6_u8),
            1..40,
        ),
        parts in 2..8_usize,
    ) {
        let mut s = String::from("<coverage><packages><package><classes>\n");
        for (file, lines, shape) in &classes {
            let filename = if *shape == 5 { String::new() } else { format!(" filename=\"f{file}\"") };
            write!(s, "<class{filename}>").unwrap();
            if *shape == 4 {
                s += "<!-- <class filename=\"no\"> -->";
            }
            let list: String = lines.iter().map(|(n, h, b)| match b {
                0 => format!("<line number=\"{n}\" hits=\"{h}\"/>\n"),
                1 => format!("<line number=\"{n}\" hits=\"{h}\" branch=\"true\" condition-coverage=\"50% ({h}/3)\"/>\n"),
                2 => format!("<line number=\"{n}\" hits=\"x{h}\"/>\n"),
                _ => format!("<line number=\"{n}\" hits=\"{h}\"></line>\n"),
            }).collect();
            if *shape == 3 {
                write!(s, "<methods><method><lines>{list}</lines></method></methods>").unwrap();
            } else {
                write!(s, "<lines>{list}</lines>").unwrap();
            }
            s += "</class>\n";
            if *shape == 2 {
                s += "</classes></package><package><classes>";
            }
        }
        s += "</classes></package></packages>";
        if classes.len() % 3 == 0 {
            s += "<sources><source>/late</source></sources>";
        }
        s += "</coverage>";
        assert_same_in_parts(s.as_bytes(), parts);
    }
}

#[test]
fn a_cut_place_is_found_across_read_windows() {
    // The search reads 64 KiB windows from the middle on; the only `<class` past the
    // middle starts a little before, on or after the end of the first window.
    const WINDOW: usize = 64 * 1024;
    let head = report(4, 20, |c| format!("f{c}.py"), plain_line);
    let head = head.trim_end().trim_end_matches("</coverage>");
    let tail = "<class filename=\"z.py\"><lines><line number=\"1\" hits=\"1\"/></lines></class>\
                </coverage>";
    for offset in [-7_isize, -6, -3, -1, 0, 1, 5, 70_000] {
        // The tag at `at`, the middle at (at + tail) / 2: solve for `at`.
        let want = WINDOW.checked_add_signed(offset).unwrap();
        let at = (2 * want + tail.len() - 2..2 * want + tail.len() + 2)
            .find(|at| at - (at + tail.len()) / 2 == want)
            .unwrap();
        let pad = " ".repeat(at - head.len() - "<pad></pad>".len());
        let doc = format!("{head}<pad>{pad}</pad>{tail}");
        assert_eq!(&doc[at..at + 6], "<class");
        let len = doc.len() as u64;
        assert_eq!(
            split_points(doc.as_bytes(), len, 2).unwrap(),
            [at as u64],
            "{offset}"
        );
        assert!(stands_in_parts(doc.as_bytes(), 2));
        assert_same_in_parts(doc.as_bytes(), 2);
    }
}

#[test]
fn parse_bytes_gives_what_parse_gives_for_every_fixture() {
    let mut seen = 0;
    for rel in all_fixture_files() {
        let path = Path::new(DIR).join(&rel);
        let data = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let streamed = super::parse(&mut data.as_slice(), &name, None);
        let in_memory = super::parse_bytes(&data, &name, None, 4);
        let file = std::fs::File::open(&path).unwrap();
        let at_offsets = super::parse_at(&file, data.len() as u64, &name, None, 4);
        for other in [&in_memory, &at_offsets] {
            match (&streamed, other) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{name}"),
                _ => panic!("{name}: parse {streamed:?}\nthe other {other:?}"),
            }
        }
        seen += 1;
    }
    assert!(seen > 100, "only {seen} fixtures");
}
