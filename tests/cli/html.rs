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
            "wrote 14 files (6 pages of changed files) into {}: open {}/index.html",
            dir.display(),
            dir.display()
        )),
        "{}",
        run.stderr
    );
    assert_eq!(
        files(&dir),
        [
            ".gitignore",
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
    // A line number near u32::MAX once made the page allocate a slot per line (32 GB) and
    // abort. `--head-report` now refuses such a report as `record` does; `--force` still
    // takes it, so the page stays bounded on its own.
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
        "--force",
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

/// A fork's pull request: a file whose name and text carry HTML, quotes, template braces,
/// a `javascript:` URL, bidi and control characters, a NUL, invalid UTF-8, a line of
/// 400,000 bytes and hundreds of long lines.
fn hostile() -> (crate::common::TestRepo, String) {
    let repo = crate::common::TestRepo::new();
    let name = "src/x\"'<img src=x onerror=alert(1)>{{7*7}}\u{202e}\u{1}.py";
    let base = "a = 1\nb = 2\n";
    repo.write(name, base);
    repo.commit("base");
    let report =
        |lines: &[(u32, u64)]| repo.write_outside("r.info", &crate::common::lcov(&[(name, lines)]));
    let r = report(&[(1, 1), (2, 1)]);
    repo.covgit(&["record", r.to_str().unwrap()]).ok();
    let mut text = Vec::new();
    text.extend_from_slice(b"a = 1\nb = 2\n");
    text.extend_from_slice(b"c = '</script><script>alert(1)</script>'\n");
    text.extend_from_slice(
        b"d = \"javascript:alert(1)\" # \xe2\x80\xae reversed \x00 nul \x1b[31m\n",
    );
    text.extend_from_slice(b"e = '\xff\xfe invalid'\n");
    text.extend_from_slice(b"f = '");
    text.extend(std::iter::repeat_n(b'<', 400_000));
    text.extend_from_slice(b"'\n");
    // Many long lines: each is cut, and so is the page.
    for _ in 0..700 {
        text.extend(std::iter::repeat_n(b'<', 600));
        text.push(b'\n');
    }
    let mut data = vec![b'#'; 9_000];
    data.push(b'\n');
    data.extend_from_slice(&text);
    // The NUL lies past git's binary sniff (the first 8,000 bytes): the file is text.
    std::fs::write(repo.path().join(name), &data).unwrap();
    repo.commit("head");
    let r = report(&[(1, 1), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0)]);
    repo.covgit(&["record", r.to_str().unwrap()]).ok();
    (repo, name.to_owned())
}

#[test]
fn hostile_names_and_text_are_escaped_everywhere_and_pages_stay_small() {
    let (repo, name) = hostile();
    let dir = repo.home().join("site");
    write(&repo, &dir).ok();
    for rel in files(&dir) {
        let bytes = std::fs::read(dir.join(&rel)).unwrap();
        assert!(bytes.len() < 1 << 20, "{rel}: {} bytes", bytes.len());
        let page = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if Path::new(&rel).extension().is_none_or(|e| e != "html") {
            continue;
        }
        assert_eq!(page.matches("<script").count(), 1, "{rel}: {page}");
        assert!(!page.contains("<img"), "{rel}");
        assert!(!page.contains("</script><"), "{rel}");
        assert!(
            !page.chars().any(|c| (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
            "{rel}: a raw control or bidi character"
        );
        // Every attribute value is quoted and holds no raw quote or angle bracket.
        for tag in page.split('<').skip(1) {
            let tag = tag.split_once('>').map_or(tag, |(t, _)| t);
            assert_eq!(tag.matches('"').count() % 2, 0, "{rel}: <{tag}>");
        }
        for href in page.split("href=\"").skip(1) {
            let href = &href[..href.find('"').unwrap()];
            assert!(
                !href.to_ascii_lowercase().contains("javascript:"),
                "{rel}: {href}"
            );
        }
    }
    let page_name = files(&dir)
        .into_iter()
        .find(|f| f.starts_with("f/"))
        .expect("the file's page");
    let page = read(&dir, &page_name);
    let escaped = "x&quot;&#39;&lt;img src=x onerror=alert(1)&gt;{{7*7}}\\u{202e}\\x01.py";
    assert!(
        page.contains(&format!("<h1><code>src/{escaped}</code></h1>")),
        "{page}"
    );
    assert!(page.contains("c = &#39;&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;"));
    assert!(page.contains(
        "<span class=\"esc\">\\u{202e}</span> reversed <span class=\"esc\">\\x00</span> nul"
    ));
    assert!(page.contains("e = &#39;\u{fffd}\u{fffd} invalid&#39;"));
    let index = read(&dir, "index.html");
    assert!(
        index.contains(&format!("<tr data-path=\"src/{escaped}\">")),
        "{index}"
    );
    // The long line: its first characters, then how many more.
    assert!(
        page.contains("&lt;<span class=\"more\">… 399506 characters more</span>"),
        "{page}"
    );
    assert!(page.contains("⋯ the page stops after "), "{page}");
    let _ = name;
}

#[test]
fn the_index_of_a_real_history_says_how_the_base_was_chosen() {
    // main: c1 (recorded: unit and e2e), c2 inserts two lines and is never recorded; the
    // feature branch's head records unit only and carries e2e (`[flags] carryforward`).
    let repo = crate::common::TestRepo::new();
    repo.write(".covgit.toml", "[flags]\ncarryforward = [\"e2e\"]\n");
    let body = "x1 = 1\nx2 = 2\nx3 = 3\nx4 = 4\nx5 = 5\nx6 = 6\n";
    repo.write("app.py", body);
    repo.write("lib.py", "y = 1\n");
    let c1 = repo.commit("c1");
    let rec = |flag: &str, files: &[(&str, &[(u32, u64)])]| {
        let sha = repo.git(&["rev-parse", "HEAD"]);
        let r = repo.write_outside(&format!("{flag}-{sha}.info"), &crate::common::lcov(files));
        repo.covgit(&["record", r.to_str().unwrap(), "--flag", flag])
            .ok();
    };
    rec("unit", &[("lib.py", &[(1, 1)])]);
    rec(
        "e2e",
        &[("app.py", &[(1, 1), (2, 1), (3, 0), (4, 1), (5, 1), (6, 1)])],
    );
    repo.write("app.py", &format!("new1 = 1\nnew2 = 2\n{body}"));
    let c2 = repo.commit("c2");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("lib.py", "y = 1\nz = 2\n");
    repo.commit("feature");
    rec("unit", &[("lib.py", &[(1, 1), (2, 0)])]);

    let dir = repo.home().join("site");
    repo.covgit(&[
        "compare",
        "main..feature",
        "--allow-offsets",
        "--format",
        "html",
        "--output",
        dir.to_str().unwrap(),
    ])
    .ok();
    let index = read(&dir, "index.html");
    let short = |s: &str| s[..7].to_owned();
    for expected in [
        format!(
            "<dt>Base</dt><dd><code title=\"{c2}\">{}</code> had no usable coverage; pseudo-base <code title=\"{c1}\">{}</code> stands in for it, its coverage remapped through their diff (offsets)</dd>",
            short(&c2),
            short(&c1)
        ),
        format!(
            "<dt>Skipped</dt><dd><ul><li><code title=\"{c2}\">{}</code>: no-report</li></ul></dd>",
            short(&c2)
        ),
        format!(
            "<dt>Carried</dt><dd><ul><li>Head: <code>e2e</code> from <code>{}</code></li></ul></dd>",
            short(&c1)
        ),
        "<p class=\"big\">Patch: 0.00% (0/1 added line covered: 0 hit, 0 partial, 1 miss)</p>"
            .to_owned(),
        "<tr data-path=\"lib.py\">".to_owned(),
        "<a href=\"files.html\">All 2 files by folder →</a>".to_owned(),
    ] {
        assert!(index.contains(&expected), "{expected}\n{index}");
    }
    // The lines c2 inserted are not the feature's: app.py did not change between the base
    // and the head, so it has no page of its own, only a row of its folder.
    assert!(!dir.join("f/app.py.html").exists());
    assert!(read(&dir, "files.html").contains("<tr data-path=\"app.py\">"));
}

#[test]
fn a_site_written_inside_the_working_tree_is_not_a_change_of_it() {
    // The README's example writes the site into the repository: a second `--worktree`
    // comparison must not take the pages of the first for untracked files.
    let repo = history();
    repo.write(
        "src/report.py",
        "def show(x):\n    print(x)\n    return x\n\nshow(1)\n",
    );
    let report = repo.write_outside(
        "wt.info",
        &crate::common::lcov(&[("src/report.py", &[(1, 1), (2, 0), (3, 0), (5, 0)])]),
    );
    let args = [
        "compare",
        "--worktree",
        "--head-report",
        report.to_str().unwrap(),
        "--format",
        "html",
        "--output",
        "coverage-html",
    ];
    let first = repo.covgit(&args).ok();
    let second = repo.covgit(&args).ok();
    assert!(
        first
            .stderr
            .contains("working tree: unstaged (1 file) changes included"),
        "{}",
        first.stderr
    );
    assert_eq!(second.stderr, first.stderr);
    assert_eq!(repo.git(&["status", "--porcelain"]), "M src/report.py");
    assert_eq!(
        read(&repo.path(), "coverage-html/.gitignore")
            .lines()
            .last(),
        Some("*")
    );
    // A folder that already existed is the user's: no .gitignore is put in it.
    let own = repo.path().join("own");
    std::fs::create_dir_all(&own).unwrap();
    write(&repo, &own).ok();
    assert!(!own.join(".gitignore").exists());
}
