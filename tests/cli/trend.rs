//! The coverage trend (SPEC "Reports for people", Trend): `covgit log --format svg` on
//! stdout and `--format html --output DIR`, on a real history recorded with flags, a failed
//! commit and an incomplete one; and the refusals of `--output`.

use std::fmt::Write as _;
use std::path::Path;

use quick_xml::events::Event;

use crate::common::{TestRepo, lcov};

/// Five commits, each recorded with a `unit` and an `integration` upload (coverage rising),
/// but the third, whose CI failed, and the fourth, which has no `integration` upload yet
/// although `[flags]` expects it. The last subject holds markup and a control character.
fn history() -> (TestRepo, Vec<String>) {
    let repo = TestRepo::new();
    repo.write(
        ".covgit.toml",
        "[flags]\nexpected = [\"unit\", \"integration\"]\n",
    );
    let subjects = [
        "Start",
        "Parse the input",
        "Break the build",
        "Half of CI ran",
        "<b>Bold</b> & \"quoted\" \x1b[31m",
    ];
    let mut shas = Vec::new();
    for (i, subject) in subjects.iter().enumerate() {
        let n = 10 + i as u32;
        let code = (1..=n).fold(String::new(), |mut s, l| {
            let _ = writeln!(s, "x{l} = {l}");
            s
        });
        repo.write("app.py", &code);
        shas.push(repo.commit(subject));
        for (flag, hit) in [("unit", 5 + i as u32), ("integration", 2 + 2 * i as u32)] {
            if i == 3 && flag == "integration" {
                continue;
            }
            let lines: Vec<(u32, u64)> = (1..=n).map(|l| (l, u64::from(l <= hit))).collect();
            let report =
                repo.write_outside(&format!("{flag}{i}.info"), &lcov(&[("app.py", &lines)]));
            let status = if i == 2 { "failed" } else { "passed" };
            repo.covgit(&[
                "record",
                report.to_str().unwrap(),
                "--flag",
                flag,
                "--ci-status",
                status,
            ])
            .ok();
        }
    }
    (repo, shas)
}

/// Every element's text in document order; panics unless `doc` is well-formed XML.
fn xml_texts(doc: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(doc);
    let mut depth = 0usize;
    let mut roots = 0;
    let mut texts = Vec::new();
    loop {
        match reader.read_event() {
            Err(e) => panic!(
                "not well-formed at {}: {e}\n{doc}",
                reader.buffer_position()
            ),
            Ok(Event::Start(e)) => {
                for a in e.attributes() {
                    a.unwrap();
                }
                roots += usize::from(depth == 0);
                depth += 1;
            }
            Ok(Event::Empty(e)) => {
                for a in e.attributes() {
                    a.unwrap();
                }
            }
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => texts.push(t.xml10_content().into_owned()),
            Ok(Event::GeneralRef(r)) => texts.push(format!("&{};", &*r)),
            Ok(Event::Eof) => break,
            Ok(_) => {}
        }
    }
    assert_eq!((roots, depth), (1, 0), "one root element, closed");
    texts
}

#[test]
fn svg_on_stdout_is_one_well_formed_chart_of_total_and_flags_with_marks() {
    let (repo, shas) = history();
    let run = repo.covgit(&["log", "--format", "svg"]).ok();
    let svg = &run.stdout;
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    let texts = xml_texts(svg).concat();
    assert!(texts.contains("Coverage trend: 5 recorded commits"));
    for sha in &shas {
        assert!(texts.contains(&sha[..7]), "{sha} has a point");
    }
    // The total and a line per flag, each in the legend; failed and incomplete marked.
    for class in [
        "line l0",
        "line l1",
        "line l2",
        "mark failed",
        "mark incomplete",
    ] {
        assert!(svg.contains(&format!("class=\"{class}\"")), "{class}");
    }
    assert!(!svg.contains("mark pending"));
    assert!(texts.contains("integration") && texts.contains("unit"));
    assert!(texts.contains("incomplete: no integration"));
    // The subject's markup is text; its escape character is shown, not sent.
    assert!(!svg.contains("<b>") && !svg.contains('\x1b'));
    assert!(svg.contains("&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot; \\x1b[31m"));
    assert_eq!(
        svg.matches("http").count(),
        1,
        "no reference but the namespace"
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // The same commits as the text log lists.
    let text = repo.covgit(&["log"]).ok().stdout;
    assert_eq!(text.lines().count(), 5);
}

#[test]
fn html_writes_a_page_whose_points_link_to_each_commits_row() {
    let (repo, shas) = history();
    let run = repo
        .covgit(&["log", "--format", "html", "--output", "../site"])
        .ok();
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let site = repo.home().join("site");
    let page = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    let mut files: Vec<_> = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    files.sort();
    // The page, and the `.gitignore` of a folder covgit made (as the compare site has).
    assert_eq!(
        files,
        [".gitignore", "index.html"],
        "no temporary file left"
    );
    for sha in &shas {
        assert!(
            page.contains(&format!("<a href=\"#c-{sha}\"><circle")),
            "{sha}"
        );
        assert!(page.contains(&format!("<tr id=\"c-{sha}\"")), "{sha}");
    }
    let start = page.find("<svg ").unwrap();
    let end = page.find("</svg>").unwrap() + 6;
    xml_texts(&page[start..end]);
    assert!(page.contains("<th scope=\"col\">integration</th><th scope=\"col\">unit</th>"));
    assert!(page.contains(&format!("<tr id=\"c-{}\" class=\"failed\">", shas[2])));
    assert!(page.contains(&format!(
        "<tr id=\"c-{}\" class=\"passed incomplete\">",
        shas[3]
    )));
    assert!(page.contains("incomplete: no integration"));
    // The newest row: 9 of 14 lines by unit, 10 by integration, 10 merged: 71.43%.
    assert!(page.contains("<td class=\"num\">71.43%</td>"), "{page}");
    assert!(page.contains("<li><b>unit</b> lcov · passed · 14 lines · 64.29% · recorded "));
    assert!(page.contains("&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot; \\x1b[31m"));
    assert!(!page.contains("<b>Bold"));
}

#[test]
fn html_into_an_existing_folder_replaces_its_page_and_keeps_the_rest() {
    let (repo, _) = history();
    let site = repo.home().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), "old").unwrap();
    std::fs::write(site.join("notes.txt"), "mine").unwrap();
    // -C: the folder is taken from DIR, as every relative path.
    let run = repo.covgit_in(
        &repo.home(),
        &[
            "-C", "repo", "log", "-n", "2", "--format", "html", "--output", "../site",
        ],
    );
    run.ok();
    let page = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert_eq!(page.matches("<tr id=\"c-").count(), 2);
    assert_eq!(
        std::fs::read_to_string(site.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn output_is_a_folder_for_html_only() {
    let (repo, _) = history();
    let refused = |args: &[&str], says: &str| {
        let run = repo.covgit(args).code(2);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    };
    refused(
        &["log", "--format", "html", "--output", "-"],
        "invalid value '-' for '--output <DIR>': the HTML trend is a folder (DIR/index.html), not a stream",
    );
    refused(
        &["log", "--format", "html"],
        "the following required arguments were not provided:\n  --output <DIR>",
    );
    refused(
        &["log", "--format", "svg", "--output", "out"],
        "error: --output names the folder of `--format html`; `--format svg` writes to stdout: redirect it (`> trend.svg`) instead",
    );
    refused(
        &["log", "--output", "out"],
        "`--format text` writes to stdout",
    );
    assert!(!repo.path().join("out").exists() && !repo.path().join("-").exists());
}

#[test]
fn an_output_that_cannot_be_a_folder_is_named() {
    let (repo, _) = history();
    let file = repo.write_outside("taken", "a file");
    let run = repo
        .covgit(&[
            "log",
            "--format",
            "html",
            "--output",
            file.to_str().unwrap(),
        ])
        .code(2);
    assert_eq!(
        run.stderr,
        format!(
            "error: cannot write into '{}': it is a file, not a folder (--output names the folder that gets index.html)\n",
            file.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "a file");
}

#[test]
fn no_recorded_commit_is_an_empty_chart_and_the_usual_note() {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n");
    repo.commit("A");
    let report = repo.write_outside("a.info", &lcov(&[("a.py", &[(1, 1)])]));
    repo.covgit(&["record", report.to_str().unwrap()]).ok();
    repo.write("a.py", "x = 2\n");
    repo.commit("B");
    let run = repo.covgit(&["log", "HEAD^..HEAD", "--format", "svg"]).ok();
    assert!(
        xml_texts(&run.stdout)
            .concat()
            .contains("no recorded commit to draw")
    );
    assert!(
        run.stderr
            .starts_with("note: no recorded commit in the 1 commit walked"),
        "{}",
        run.stderr
    );
    let site: &Path = &repo.home().join("empty");
    repo.covgit(&[
        "log",
        "HEAD^..HEAD",
        "--format",
        "html",
        "--output",
        site.to_str().unwrap(),
    ])
    .ok();
    assert!(
        std::fs::read_to_string(site.join("index.html"))
            .unwrap()
            .contains("No recorded commit")
    );
}

#[test]
fn a_carried_flag_is_drawn_with_its_remapped_totals_and_its_origin() {
    let (repo, shas) = history();
    repo.write(
        ".covgit.toml",
        "[flags]\nexpected = [\"unit\", \"integration\"]\ncarryforward = [\"integration\"]\n",
    );
    repo.covgit(&["log", "--format", "html", "--output", "../site"])
        .ok();
    let page = std::fs::read_to_string(repo.home().join("site").join("index.html")).unwrap();
    // The fourth commit lacks `integration`; the third's upload failed CI, so it comes from
    // the second (4 of 11 lines hit), remapped onto the fourth's app.py (lines appended:
    // the 11 lines stay where they were).
    let row = &page[page.find(&format!("<tr id=\"c-{}\"", shas[3])).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.starts_with(&format!("<tr id=\"c-{}\" class=\"passed\">", shas[3])),
        "{row}"
    );
    let origin = &shas[1][..7];
    assert!(
        row.contains("<li><b>integration</b> lcov · passed · 11 lines · 36.36% · recorded ")
            && row.contains(&format!(" · carried from <code>{origin}</code></li>")),
        "{row}"
    );
    // Without carryforward the same commit has no integration upload to show.
    let (plain, shas) = history();
    plain
        .covgit(&["log", "--format", "html", "--output", "../site"])
        .ok();
    let page = std::fs::read_to_string(plain.home().join("site").join("index.html")).unwrap();
    let row = &page[page.find(&format!("<tr id=\"c-{}\"", shas[3])).unwrap()..];
    assert!(!row[..row.find("</tr>").unwrap()].contains("carried from"));
}
