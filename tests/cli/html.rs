//! `covgit compare --format html --output DIR` (SPEC "Reports for people"): the site written
//! from a real repository, the folder rules, and what is refused.

use std::path::Path;

use crate::site::{CALC, WEIRD, history, write};

/// Every file under `dir`, as `/`-separated paths relative to it, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// What the pages show of a path: `&`, `<`, `>`, `"` and `'` as entities.
fn html_escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn compare_writes_a_site_of_the_changed_files_and_every_folder() {
    let repo = history();
    let dir = repo.home().join("site");
    let run = write(&repo, &dir).ok();
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains(&format!(
            "wrote 14 files (6 of single files) into {}: open {}/index.html",
            dir.display(),
            dir.display()
        )),
        "{}",
        run.stderr
    );
    assert_eq!(
        files(&dir),
        [
            "covgit.css",
            "covgit.js",
            "d/lib.html",
            "d/lib/deep.html",
            "d/src.html",
            "d/src/util.html",
            "f/lib/deep/m1.py.html",
            "f/lib/deep/m3.py.html",
            "f/src/calc.py.html",
            "f/src/report.py.html",
            "f/src/util/moved.py.html",
            "f/src/we~3cird~3e~20~26~20~27q~27.py.html",
            "files.html",
            "index.html",
        ]
    );
    let index = read(&dir, "index.html");
    assert!(index.contains("<table id=\"files\" class=\"sortable\">"));
    assert!(index.contains("<tr data-path=\"src/calc.py\">"));
    assert!(index.contains("<a class=\"file\" href=\"f/src/calc.py.html\">src/calc.py</a>"));
    assert!(index.contains("<tr data-path=\"src/we&lt;ird&gt; &amp; &#39;q&#39;.py\">"));
    assert!(
        !index.contains("strings.py"),
        "an unchanged file is not listed"
    );
    assert!(index.contains("<dt>Base</dt>"));

    // The file page: the diff read from git, both states, problems numbered in order.
    let calc = read(&dir, &format!("f/{CALC}.html"));
    assert!(calc.contains("<tr class=\"ctx k-lost problem\" id=\"p1\"><td class=\"n\" id=\"b2\">2</td><td class=\"n\" id=\"h2\">2</td><td class=\"st s-hit\" title=\"hit: 1 hit\">H</td><td class=\"st s-miss\" title=\"miss\">M</td><td class=\"m\"></td><td class=\"k\">lost</td><td class=\"c\">    return a + b</td></tr>"), "{calc}");
    assert!(
        calc.contains("class=\"ctx k-lost problem\" id=\"p2\"><td class=\"n\" id=\"b6\">6</td>")
    );
    assert!(calc.contains("class=\"add k-added problem\" id=\"p3\"><td class=\"n\"></td><td class=\"n\" id=\"h13\">13</td>"));
    assert_eq!(calc.matches(" problem\" id=\"p").count(), 3);
    // The helper moved out: linked to where it went, and back.
    assert!(
        calc.contains("↳ 5 lines moved to <a href=\"../../f/src/util/moved.py.html#h1\">src/util/moved.py:1-5</a>"),
        "{calc}"
    );
    assert!(calc.contains("<tr class=\"del k-moved\"><td class=\"n\" id=\"b15\">15</td>"));
    let moved = read(&dir, "f/src/util/moved.py.html");
    assert!(
        moved.contains("↳ <a href=\"../../../f/src/calc.py.html#b15\">5 lines moved from src/calc.py:15-19</a>, coverage kept"),
        "{moved}"
    );
    // The file whose name holds HTML, and whose text does too.
    let weird = read(&dir, "f/src/we~3cird~3e~20~26~20~27q~27.py.html");
    assert!(
        weird.contains("other = &#39;&lt;/script&gt;&#39;"),
        "{weird}"
    );
    assert!(weird.contains(&format!("<h1><code>{}</code></h1>", html_escaped(WEIRD))));

    // Folders: the unchanged file is a row of its folder, without a page.
    let util = read(&dir, "d/src/util.html");
    assert!(
        util.contains(
            "<tr data-path=\"src/util/strings.py\"><td><span class=\"file\">strings.py</span>"
        ),
        "{util}"
    );
    let root = read(&dir, "files.html");
    assert!(
        root.contains("<a class=\"folder\" href=\"d/src.html\">src/</a>"),
        "{root}"
    );
}

#[test]
fn a_site_refers_to_nothing_outside_itself() {
    let repo = history();
    let dir = repo.home().join("site");
    write(&repo, &dir).ok();
    for rel in files(&dir) {
        let page = read(&dir, &rel);
        for bad in ["http://", "https://", "=\"//", "url(", "@import"] {
            assert!(!page.contains(bad), "{rel} holds {bad}");
        }
        // Every local link and source points at a file of the site.
        for attr in ["href=\"", "src=\""] {
            for (at, _) in page.match_indices(attr) {
                let rest = &page[at + attr.len()..];
                let target = &rest[..rest.find('"').unwrap()];
                let file = target.split('#').next().unwrap();
                if file.is_empty() {
                    continue;
                }
                let base = Path::new(&rel).parent().unwrap();
                let resolved = dir.join(base).join(file);
                assert!(resolved.is_file(), "{rel}: {target} is not in the site");
            }
        }
    }
}

#[test]
fn an_existing_folder_keeps_its_other_files() {
    let repo = history();
    let dir = repo.home().join("site");
    std::fs::create_dir_all(dir.join("f")).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    std::fs::write(dir.join("index.html"), "old").unwrap();
    write(&repo, &dir).ok();
    assert_eq!(read(&dir, "notes.txt"), "mine");
    assert!(read(&dir, "index.html").starts_with("<!DOCTYPE html>"));
    // Written again: the same files.
    let before = files(&dir);
    write(&repo, &dir).ok();
    assert_eq!(files(&dir), before);
}

#[test]
fn the_site_needs_a_folder() {
    let repo = history();
    let refused = repo
        .covgit(&["compare", "HEAD", "--format", "html", "--output", "-"])
        .code(2);
    assert_eq!(
        refused.stderr,
        "error: --format html writes a folder of pages, not one stream: --output - is refused, name a folder\n"
    );
    assert!(!repo.path().join("-").exists());
    let missing = repo
        .covgit(&["compare", "HEAD", "--format", "html"])
        .code(2);
    assert_eq!(
        missing.stderr,
        "error: --format html writes a folder of pages: name it with --output DIR\n"
    );
    let text = repo.covgit(&["compare", "HEAD", "--output", "out"]).code(2);
    assert_eq!(
        text.stderr,
        "error: --output 'out' is for --format html only: --format text writes to stdout (redirect it)\n"
    );
    assert!(!repo.path().join("out").exists());
    let check = repo.covgit(&["check", "HEAD", "--format", "html"]).code(2);
    assert_eq!(
        check.stderr,
        "error: check does not write --format html: run `covgit compare --format html --output DIR` for the site\n"
    );
    // A file where the folder should be.
    repo.write_outside("taken", "x");
    let taken = repo.home().join("taken");
    let run = write(&repo, &taken).code(2);
    assert!(
        run.stderr.starts_with(&format!(
            "error: cannot write the site into '{}': ",
            taken.display()
        )),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "x");
}

#[test]
fn output_is_relative_to_dash_c() {
    let repo = history();
    let sub = repo.path().join("src");
    let run = repo.covgit_in(
        &repo.home(),
        &[
            "-C",
            sub.to_str().unwrap(),
            "compare",
            "HEAD",
            "--format",
            "html",
            "--output",
            "site",
            "-q",
        ],
    );
    run.ok();
    assert!(sub.join("site/index.html").is_file());
}

#[test]
fn a_working_tree_head_is_read_from_disk() {
    let repo = history();
    repo.write(
        "src/report.py",
        "def show(x):\n    print(x)\n    return x\n\nshow(1)\n",
    );
    let report = repo.write_outside(
        "wt.info",
        &crate::common::lcov(&[("src/report.py", &[(1, 1), (2, 0), (3, 0), (5, 0)])]),
    );
    let dir = repo.home().join("wt-site");
    repo.covgit(&[
        "compare",
        "--worktree",
        "--head-report",
        report.to_str().unwrap(),
        "--format",
        "html",
        "--output",
        dir.to_str().unwrap(),
    ])
    .ok();
    let index = read(&dir, "index.html");
    assert!(
        index.contains(
            "<h1>Coverage of the working tree (unstaged (1 file) changes included) against <code"
        ),
        "{index}"
    );
    assert!(index.contains("coverage from a report file"), "{index}");
    let page = read(&dir, "f/src/report.py.html");
    assert!(
        page.contains("<td class=\"n\" id=\"h5\">5</td><td class=\"st s-none\">·</td><td class=\"st s-miss\" title=\"miss\">M</td><td class=\"m\">+</td><td class=\"k\">added</td><td class=\"c\">show(1)</td>"),
        "{page}"
    );
}

#[test]
fn a_report_line_far_past_the_end_of_the_file_is_listed_not_allocated() {
    // `--head-report` is not checked against the tree as `record` is: a line number near
    // u32::MAX once made the page allocate a slot per line (32 GB) and abort.
    let repo = history();
    let report = repo.write_outside(
        "far.info",
        &crate::common::lcov(&[(CALC, &[(1, 1), (2, 1), (4_000_000_000, 0)])]),
    );
    let dir = repo.home().join("far-site");
    repo.covgit(&[
        "compare",
        "HEAD",
        "--head-report",
        report.to_str().unwrap(),
        "--format",
        "html",
        "--output",
        dir.to_str().unwrap(),
    ])
    .ok();
    let page = read(&dir, &format!("f/{CALC}.html"));
    assert!(page.contains("line 4000000000</a>: miss"), "{page}");
}

#[test]
fn runs_link_to_the_forge_and_nothing_else_leaves_the_site() {
    let repo = history();
    repo.git(&["remote", "add", "origin", "git@github.com:o/r.git"]);
    let head = repo.git(&["rev-parse", "HEAD"]);
    let dir = repo.home().join("site");
    write(&repo, &dir).ok();
    let calc = read(&dir, &format!("f/{CALC}.html"));
    assert!(
        calc.contains(&format!(
            "<a href=\"#h2\">line 2</a>: hit → miss <a class=\"forge\" href=\"https://github.com/o/r/blob/{head}/src/calc.py#L2\" rel=\"noreferrer\" title=\"on the forge\">↗</a></li>"
        )),
        "{calc}"
    );
    for rel in files(&dir) {
        let page = read(&dir, &rel);
        let external = page.matches("https://").count() + page.matches("http://").count();
        let forge = page
            .matches("<a class=\"forge\" href=\"https://github.com/o/r/blob/")
            .count();
        assert_eq!(
            external, forge,
            "{rel}: a reference that is not a forge link"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_link_at_a_page_name_is_replaced_not_followed() {
    // A site folder kept between runs (a CI cache, an artifact unpacked from a fork's job)
    // may hold a symbolic link where a page goes: writing through it would overwrite a file
    // anywhere the link points.
    let repo = history();
    let dir = repo.home().join("site");
    std::fs::create_dir_all(dir.join(format!("f/{}", parent_of(CALC)))).unwrap();
    let victim = repo.write_outside("victim.txt", "precious");
    let victim_page = repo.write_outside("victim-page.txt", "precious too");
    std::os::unix::fs::symlink(&victim, dir.join("index.html")).unwrap();
    std::os::unix::fs::symlink(&victim_page, dir.join(format!("f/{CALC}.html"))).unwrap();
    write(&repo, &dir).ok();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(
        std::fs::read_to_string(&victim_page).unwrap(),
        "precious too"
    );
    for page in ["index.html".to_owned(), format!("f/{CALC}.html")] {
        let meta = std::fs::symlink_metadata(dir.join(&page)).unwrap();
        assert!(meta.file_type().is_file(), "{page} is still a link");
        assert!(read(&dir, &page).starts_with("<!DOCTYPE html>"), "{page}");
    }
    // No temporary file is left behind.
    assert!(files(&dir).iter().all(|f| !f.contains(".covgit-")));
}

#[cfg(unix)]
#[test]
fn a_link_at_a_folder_of_the_site_is_refused_and_nothing_is_written_through_it() {
    let repo = history();
    let dir = repo.home().join("site");
    std::fs::create_dir_all(dir.join("f")).unwrap();
    let elsewhere = repo.home().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("f/src")).unwrap();
    let run = write(&repo, &dir).code(2);
    assert!(
        run.stderr.starts_with(&format!(
            "error: cannot write the site into '{}': ",
            dir.display()
        )) && run.stderr.contains("f/src is a symbolic link"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}
