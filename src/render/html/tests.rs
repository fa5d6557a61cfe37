//! The site written into a map: what pages there are, where, and what they hold.

use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::compare::{self as cmp, Comparison, Sides};
use crate::model::{
    Branches, ChangeKind, FileCoverage, Hunk, LineCoverage, Relocation, RelocationKind,
};
use crate::render::fixtures;
use crate::render::source::{NoSource, Side, Source};

/// File text by (side, path).
#[derive(Default)]
struct Texts(HashMap<(Side, String), Vec<String>>);

impl Texts {
    fn both(mut self, path: &str, base: &[&str], head: &[&str]) -> Self {
        self.0.insert((Side::Base, path.into()), lines(base));
        self.0.insert((Side::Head, path.into()), lines(head));
        self
    }
}

fn lines(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

impl Source for Texts {
    fn lines(&self, side: Side, path: &str) -> Option<Vec<String>> {
        self.0.get(&(side, path.to_owned())).cloned()
    }
}

fn cov(hits: &[(u32, u64)]) -> FileCoverage {
    FileCoverage::from_sorted(
        hits.iter()
            .map(|&(l, h)| (l, LineCoverage::new(h)))
            .collect(),
    )
    .unwrap()
}

fn report(files: &[(&str, &[(u32, u64)])]) -> Report {
    Report {
        files: files
            .iter()
            .map(|(p, h)| ((*p).to_owned(), cov(h)))
            .collect(),
        ..Report::default()
    }
}

fn modified(path: &str, hunks: &[(u32, u32, u32, u32)]) -> FileChange {
    FileChange {
        old_path: Some(path.into()),
        new_path: Some(path.into()),
        kind: ChangeKind::Modified,
        hunks: hunks
            .iter()
            .map(|&(old_start, old_len, new_start, new_len)| Hunk {
                old_start,
                old_len,
                new_start,
                new_len,
            })
            .collect(),
    }
}

struct Built {
    base: Report,
    head: Report,
    changes: Vec<FileChange>,
    relocations: Vec<Relocation>,
}

impl Built {
    fn comparison(&self) -> Comparison {
        cmp::compare_with(&self.base, &self.head, &self.changes, &self.relocations)
    }

    fn site(&self, source: &dyn Source) -> BTreeMap<String, String> {
        self.site_of(&fixtures::sides(), source)
    }

    fn site_of(&self, sides: &Sides, source: &dyn Source) -> BTreeMap<String, String> {
        let c = self.comparison();
        let lines = Lines {
            base: &self.base,
            head: &self.head,
            changes: &self.changes,
        };
        let palette = crate::render::Palette::default();
        let forge = crate::render::Links::none();
        let ctx = Context {
            palette: &palette,
            source,
            links: &forge,
        };
        let mut pages = BTreeMap::new();
        let mut w = |path: &str, bytes: &[u8]| -> io::Result<()> {
            let text = String::from_utf8(bytes.to_vec()).expect("UTF-8 pages");
            assert!(
                pages.insert(path.to_owned(), text).is_none(),
                "{path} written twice"
            );
            Ok(())
        };
        let written = site(&mut w, sides, &c, &lines, &ctx).unwrap();
        assert_eq!(written.files, pages.len());
        pages
    }
}

/// `src/app.py`: line 3 lost, a line inserted after 4 (added, miss), line 5 → 6 untouched;
/// `src/pkg/util.py` unchanged with coverage unchanged; `lib/deep/x.py` unchanged content
/// but line 2 gained (indirect).
fn small() -> (Built, Texts) {
    let base = report(&[
        ("src/app.py", &[(1, 1), (2, 1), (3, 1), (5, 0)]),
        ("src/pkg/util.py", &[(1, 1)]),
        ("lib/deep/x.py", &[(1, 1), (2, 0)]),
    ]);
    let head = report(&[
        ("src/app.py", &[(1, 1), (2, 1), (3, 0), (5, 0), (6, 0)]),
        ("src/pkg/util.py", &[(1, 1)]),
        ("lib/deep/x.py", &[(1, 1), (2, 1)]),
    ]);
    let changes = vec![modified("src/app.py", &[(5, 0, 5, 1)])];
    let texts = Texts::default()
        .both(
            "src/app.py",
            &[
                "def f(x):",
                "    if x:",
                "        return 1",
                "    pass",
                "    return 2",
            ],
            &[
                "def f(x):",
                "    if x:",
                "        return 1",
                "    pass",
                "    y = 3",
                "    return 2",
            ],
        )
        .both("lib/deep/x.py", &["a = 1", "b = 2"], &["a = 1", "b = 2"]);
    (
        Built {
            base,
            head,
            changes,
            relocations: Vec::new(),
        },
        texts,
    )
}

#[test]
fn pages_for_changed_files_and_one_per_folder() {
    let (built, texts) = small();
    let pages = built.site(&texts);
    let names: Vec<&str> = pages.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "covgit.css",
            "covgit.js",
            "d/lib.html",
            "d/lib/deep.html",
            "d/src.html",
            "d/src/pkg.html",
            "f/lib/deep/x.py.html",
            "f/src/app.py.html",
            "files.html",
            "index.html",
        ]
    );
    // The unchanged file is a row of its folder's table, without a page of its own.
    let pkg = &pages["d/src/pkg.html"];
    assert!(pkg.contains("<tr data-path=\"src/pkg/util.py\">"), "{pkg}");
    assert!(pkg.contains("<span class=\"file\">util.py</span>"), "{pkg}");
    // Each folder lists its folders with their roll-up, linked.
    let src = &pages["d/src.html"];
    assert!(src.contains("href=\"../d/src/pkg.html\""), "{src}");
    assert!(src.contains("<a class=\"file\" href=\"../f/src/app.py.html\">app.py</a>"));
    let root = &pages["files.html"];
    assert!(root.contains("href=\"d/lib.html\"") && root.contains("href=\"d/src.html\""));
    let deep = &pages["d/lib/deep.html"];
    assert!(
        deep.contains("href=\"../../f/lib/deep/x.py.html\""),
        "{deep}"
    );
    assert!(deep.contains("href=\"../../covgit.css\""), "{deep}");
}

#[test]
fn the_index_keeps_the_contract_the_browser_test_relies_on() {
    let (built, texts) = small();
    let pages = built.site(&texts);
    let index = &pages["index.html"];
    assert!(index.contains("<table id=\"files\" class=\"sortable\">"));
    for key in ["path", "base", "head", "delta", "lost", "uncovered"] {
        assert!(
            index.contains(&format!("<button type=\"button\" data-sort=\"{key}\">")),
            "{key}"
        );
    }
    // The changed files only, each row linking to its page; the unchanged one is not there.
    assert!(index.contains("<tr data-path=\"src/app.py\">"));
    assert!(index.contains("<a class=\"file\" href=\"f/src/app.py.html\">src/app.py</a>"));
    assert!(index.contains("<tr data-path=\"lib/deep/x.py\">"));
    assert!(!index.contains("util.py"));
    assert!(index.contains("href=\"files.html\">All 3 files by folder"));
    // Figures: totals, patch, and every kind's count.
    assert!(
        index.contains("Patch: 0.00% (0/1 added line covered"),
        "{index}"
    );
    assert!(index.contains(
        "<thead><tr><th></th><th class=\"num k-gained\">gained</th><th class=\"num k-lost\">lost</th><th class=\"num k-now_tracked\">now tracked</th><th class=\"num k-no_longer_tracked\">no longer tracked</th><th class=\"num k-added\">added</th><th class=\"num k-removed\">removed</th><th class=\"num k-moved\">moved</th><th class=\"num k-reformatted\">reformatted</th></tr></thead>\n<tbody>\n<tr><th scope=\"row\">lines</th><td>1</td><td>1</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td></tr>\n<tr><th scope=\"row\">runs</th><td>1</td><td>1</td><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td></tr>"
    ), "{index}");
}

#[test]
fn a_file_page_shows_the_diff_with_both_states_and_numbers_its_problems() {
    let (built, texts) = small();
    let pages = built.site(&texts);
    let page = &pages["f/src/app.py.html"];
    // Line 3 lost: base H, head M, a problem; line 5 added and missed: a problem too.
    assert!(page.contains(
        "<tr class=\"ctx k-lost problem\" id=\"p1\"><td class=\"n\" id=\"b3\">3</td><td class=\"n\" id=\"h3\">3</td><td class=\"st s-hit\" title=\"hit: 1 hit\">H</td><td class=\"st s-miss\" title=\"miss\">M</td>"
    ), "{page}");
    assert!(page.contains("<tr class=\"add k-added problem\" id=\"p2\"><td class=\"n\"></td><td class=\"n\" id=\"h5\">5</td><td class=\"st s-none\">·</td><td class=\"st s-miss\" title=\"miss\">M</td><td class=\"m\">+</td><td class=\"k\">added</td><td class=\"c\">    y = 3</td>"), "{page}");
    assert_eq!(page.matches("class=\"ctx k-lost problem\"").count(), 1);
    assert_eq!(page.matches(" problem\" id=\"p").count(), 2);
    // The unchanged last line, a miss on both sides, is context with both states.
    assert!(page.contains("<td class=\"n\" id=\"b5\">5</td><td class=\"n\" id=\"h6\">6</td><td class=\"st s-miss\" title=\"miss\">M</td><td class=\"st s-miss\" title=\"miss\">M</td>"));
    // An indirect change is shown though no hunk touches the file.
    let x = &pages["f/lib/deep/x.py.html"];
    assert!(x.contains("<tr class=\"ctx k-gained\">"), "{x}");
    assert!(x.contains("content unchanged, coverage changed (indirect)"));
}

#[test]
fn far_from_any_change_lines_are_folded() {
    let n = 200u32;
    let text: Vec<String> = (1..=n).map(|i| format!("line {i}")).collect();
    let refs: Vec<&str> = text.iter().map(String::as_str).collect();
    let hits: Vec<(u32, u64)> = (1..=n).map(|l| (l, 1)).collect();
    let mut lost = hits.clone();
    lost[99].1 = 0;
    let built = Built {
        base: report(&[("a.py", &hits)]),
        head: report(&[("a.py", &lost)]),
        changes: Vec::new(),
        relocations: Vec::new(),
    };
    let pages = built.site(&Texts::default().both("a.py", &refs, &refs));
    let page = &pages["f/a.py.html"];
    assert!(page.contains("⋯ 96 lines unchanged"), "{page}");
    assert!(page.contains("⋯ 97 lines unchanged"), "{page}");
    assert_eq!(page.matches("<td class=\"c\">").count(), 7);
}

#[test]
fn everything_from_reports_and_trees_is_escaped() {
    let evil = "src/<script>alert(1)</script>\"'&.py";
    let built = Built {
        base: report(&[(evil, &[(1, 1)])]),
        head: report(&[(evil, &[(1, 0)])]),
        changes: Vec::new(),
        relocations: Vec::new(),
    };
    let texts = Texts::default().both(
        evil,
        &["x = \"</script><b>\u{202e}\x1b[31m\""],
        &["x = \"</script><b>\u{202e}\x1b[31m\""],
    );
    let pages = built.site(&texts);
    let page_name = pages
        .keys()
        .find(|k| k.starts_with("f/"))
        .expect("a page of the file")
        .clone();
    assert_eq!(
        page_name,
        "f/src/~3cscript~3ealert~281~29~3c/script~3e~22~27~26.py.html"
    );
    for (name, page) in &pages {
        if name.to_ascii_lowercase().ends_with(".html") {
            // Only the page's own script tag.
            assert_eq!(page.matches("<script").count(), 1, "{name}: {page}");
            assert_eq!(page.matches("</script>").count(), 1, "{name}");
            assert!(!page.contains("<b>"), "{name}");
            assert!(
                !page.contains('\u{202e}') && !page.contains('\x1b'),
                "{name}"
            );
        }
    }
    let page = &pages[&page_name];
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;.py"));
    assert!(page.contains(
        "x = &quot;&lt;/script&gt;&lt;b&gt;<span class=\"esc\">\\u{202e}</span><span class=\"esc\">\\x1b</span>[31m&quot;"
    ), "{page}");
    let index = &pages["index.html"];
    assert!(index.contains(
        "<tr data-path=\"src/&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;.py\">"
    ));
}

#[test]
fn page_names_never_leave_the_site() {
    let built = Built {
        base: report(&[("../../etc/evil.py", &[(1, 1)]), ("/abs/x.py", &[(1, 1)])]),
        head: report(&[("../../etc/evil.py", &[(1, 0)]), ("/abs/x.py", &[(1, 0)])]),
        changes: Vec::new(),
        relocations: Vec::new(),
    };
    let pages = built.site(&NoSource);
    for name in pages.keys() {
        assert!(!name.starts_with('/'), "{name}");
        assert!(
            name.split('/')
                .all(|s| s != ".." && s != "." && !s.is_empty()),
            "{name}"
        );
    }
    assert!(pages.contains_key("f/~2e~2e/~2e~2e/etc/evil.py.html"));
    assert!(pages.contains_key("f/~/abs/x.py.html"));
}

#[test]
fn without_the_text_a_page_says_so_and_lists_the_runs() {
    let (built, _) = small();
    let pages = built.site(&NoSource);
    let page = &pages["f/src/app.py.html"];
    assert!(page.contains("The file's text is not shown"), "{page}");
    assert!(page.contains("<span class=\"kind k-lost\">lost</span> line 3: hit → miss"));
    assert!(!page.contains("class=\"diff\""));
}

#[test]
fn no_page_reaches_the_network() {
    let (built, texts) = small();
    for (name, page) in built.site(&texts) {
        for scheme in ["http://", "https://", "//"] {
            let outside = page
                .match_indices(scheme)
                .filter(|(i, _)| scheme != "//" || !page[..*i].ends_with(':'))
                .count();
            // `//` only ever in a comment-free page would be a protocol-relative URL.
            if scheme == "//" {
                assert!(
                    !page.contains("=\"//") && !page.contains("url(//"),
                    "{name}"
                );
            } else {
                assert_eq!(outside, 0, "{name} refers to {scheme}");
            }
        }
        assert!(!page.contains("@import"), "{name}");
    }
}

#[test]
fn a_moved_block_links_to_its_origin_and_back() {
    // Lines 2-4 of a.py moved to lines 1-3 of b.py; b.py line 2 lost coverage on the way.
    let base = report(&[("a.py", &[(1, 1), (2, 1), (3, 1), (4, 1)])]);
    let head = report(&[("a.py", &[(1, 1)]), ("b.py", &[(1, 1), (2, 0), (3, 1)])]);
    let changes = vec![
        modified("a.py", &[(2, 3, 2, 0)]),
        FileChange {
            old_path: None,
            new_path: Some("b.py".into()),
            kind: ChangeKind::Added,
            hunks: vec![Hunk {
                old_start: 0,
                old_len: 0,
                new_start: 1,
                new_len: 3,
            }],
        },
    ];
    let relocations = vec![Relocation {
        kind: RelocationKind::Moved,
        old_path: "a.py".into(),
        old_start: 2,
        old_len: 3,
        new_path: "b.py".into(),
        new_start: 1,
        origins: vec![Some(2), Some(3), Some(4)],
    }];
    let built = Built {
        base,
        head,
        changes,
        relocations,
    };
    let body = ["def g():", "    return 1", "    # end"];
    let texts = Texts::default()
        .both("a.py", &["x = 1", body[0], body[1], body[2]], &["x = 1"])
        .both("b.py", &[], &body);
    let pages = built.site(&texts);
    let b = &pages["f/b.py.html"];
    assert!(
        b.contains(
            "↳ <a href=\"../f/a.py.html#b2\">3 lines moved from a.py:2-4</a>, 1 line lost coverage"
        ),
        "{b}"
    );
    assert!(b.contains("class=\"add k-lost problem\" id=\"p1\""), "{b}");
    let a = &pages["f/a.py.html"];
    assert!(
        a.contains("↳ 3 lines moved to <a href=\"../f/b.py.html#h1\">b.py:1-3</a>"),
        "{a}"
    );
    assert!(
        a.contains("<tr class=\"del k-moved\"><td class=\"n\" id=\"b2\">2</td>"),
        "{a}"
    );
}

#[test]
fn the_index_lists_the_worst_changed_files_when_there_are_very_many() {
    let n = super::index::MAX_INDEX_FILES + 5;
    let paths: Vec<String> = (0..n).map(|i| format!("p{}/f{i:05}.py", i % 7)).collect();
    let base: Vec<(&str, &[(u32, u64)])> = paths
        .iter()
        .map(|p| (p.as_str(), &[(1, 1), (2, 1), (3, 1)][..]))
        .collect();
    // Every file loses line 3; the last one loses all three lines.
    let head: Vec<(&str, &[(u32, u64)])> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let lines: &[(u32, u64)] = if i == n - 1 {
                &[(1, 0), (2, 0), (3, 0)]
            } else {
                &[(1, 1), (2, 1), (3, 0)]
            };
            (p.as_str(), lines)
        })
        .collect();
    let built = Built {
        base: report(&base),
        head: report(&head),
        changes: Vec::new(),
        relocations: Vec::new(),
    };
    let pages = built.site(&NoSource);
    let index = &pages["index.html"];
    assert_eq!(
        index.matches("<tr data-path=").count(),
        super::index::MAX_INDEX_FILES + 7,
        "the listed files and the 7 folders"
    );
    assert!(
        index.contains("; another 5 files changed: their folders list them."),
        "{}",
        &index[..3000]
    );
    assert!(index.contains(&format!("<tr data-path=\"{}\">", paths[n - 1])));
    assert!(index.len() < 1_000_000, "{}", index.len());
    // Every file is still one page, and a row of its folder.
    assert_eq!(pages.keys().filter(|k| k.starts_with("f/")).count(), n);
    let folder = &pages["d/p0.html"];
    assert_eq!(folder.matches("<tr data-path=").count(), n.div_ceil(7));
}

#[test]
fn the_index_says_how_the_base_was_chosen() {
    let (built, texts) = small();
    let pages = built.site_of(&fixtures::pseudo_sides(), &texts);
    let index = &pages["index.html"];
    let compared =
        &index[index.find("<h2>Compared</h2>").unwrap()..index.find("<h2>Totals</h2>").unwrap()];
    assert_eq!(
        compared,
        "<h2>Compared</h2>\n<dl class=\"sides\">\n\
         <dt>Head</dt><dd><code title=\"1111111111111111111111111111111111111111\">1111111</code></dd>\n\
         <dt>Base</dt><dd><code title=\"2222222222222222222222222222222222222222\">2222222</code> had no usable coverage; pseudo-base <code title=\"3333333333333333333333333333333333333333\">3333333</code> stands in for it, its coverage remapped through their diff (offsets)</dd>\n\
         <dt>Skipped</dt><dd><ul><li><code title=\"2222222222222222222222222222222222222222\">2222222</code>: no-report</li><li><code title=\"4444444444444444444444444444444444444444\">4444444</code>: ci-failed</li></ul></dd>\n\
         <dt>Carried</dt><dd><ul><li>Head: <code>e2e</code> from <code>5555555</code></li></ul></dd>\n\
         </dl>\n</section>\n<section>\n"
    );
    let mut incomplete = fixtures::sides();
    incomplete.missing_flags = vec![crate::model::Flag::new("e2e").unwrap()];
    let pages = built.site_of(&incomplete, &texts);
    assert!(pages["index.html"].contains(
        "<p class=\"warn\" role=\"alert\">⚠ Warning: the head is incomplete, waiting for uploads of e2e: these figures will change</p>"
    ));
}

#[test]
fn a_partial_line_shows_the_branches_taken() {
    let partial = |covered, total| LineCoverage {
        hits: 3,
        branches: Some(Branches::Counts { covered, total }),
    };
    let file = |c: LineCoverage| {
        FileCoverage::from_sorted(vec![(1, LineCoverage::new(1)), (2, c)]).unwrap()
    };
    let mut base = Report::default();
    base.files.insert("a.py".into(), file(partial(2, 2)));
    let mut head = Report::default();
    head.files.insert("a.py".into(), file(partial(1, 2)));
    let built = Built {
        base,
        head,
        changes: Vec::new(),
        relocations: Vec::new(),
    };
    let pages =
        built.site(&Texts::default().both("a.py", &["if x:", "  y()"], &["if x:", "  y()"]));
    let page = &pages["f/a.py.html"];
    assert!(page.contains(
        "<td class=\"st s-hit\" title=\"hit: 3 hits, 2/2 branches taken\">H</td><td class=\"st s-partial\" title=\"partial: 3 hits, 1/2 branches taken\">P 1/2</td><td class=\"m\"></td><td class=\"k\">lost</td>"
    ), "{page}");
}

#[test]
fn deleted_and_renamed_files_show_their_base_side() {
    let base = report(&[("old.py", &[(1, 1), (2, 0)]), ("gone.py", &[(1, 1)])]);
    let head = report(&[("new.py", &[(1, 1), (2, 1), (3, 0)])]);
    let changes = vec![
        FileChange {
            old_path: Some("old.py".into()),
            new_path: Some("new.py".into()),
            kind: ChangeKind::Renamed,
            hunks: vec![Hunk {
                old_start: 3,
                old_len: 0,
                new_start: 3,
                new_len: 1,
            }],
        },
        FileChange {
            old_path: Some("gone.py".into()),
            new_path: None,
            kind: ChangeKind::Deleted,
            hunks: vec![Hunk {
                old_start: 1,
                old_len: 1,
                new_start: 1,
                new_len: 0,
            }],
        },
    ];
    let built = Built {
        base,
        head,
        changes,
        relocations: Vec::new(),
    };
    let mut texts = Texts::default().both("gone.py", &["print(1)"], &[]);
    texts
        .0
        .insert((Side::Base, "old.py".into()), lines(&["a()", "b()"]));
    texts
        .0
        .insert((Side::Head, "new.py".into()), lines(&["a()", "b()", "c()"]));
    let pages = built.site(&texts);
    let renamed = &pages["f/new.py.html"];
    assert!(
        renamed.contains("<p class=\"big\">renamed from <code>old.py</code>"),
        "{renamed}"
    );
    // Line 2 was missed in old.py and is hit in new.py: gained through the rename.
    assert!(renamed.contains("<tr class=\"ctx k-gained\"><td class=\"n\" id=\"b2\">2</td><td class=\"n\" id=\"h2\">2</td><td class=\"st s-miss\" title=\"miss\">M</td><td class=\"st s-hit\" title=\"hit: 1 hit\">H</td>"), "{renamed}");
    assert!(renamed.contains("<tr class=\"add k-added problem\" id=\"p1\"><td class=\"n\"></td><td class=\"n\" id=\"h3\">3</td>"), "{renamed}");
    let gone = &pages["f/gone.py.html"];
    assert!(gone.contains("<tr class=\"del k-removed\"><td class=\"n\" id=\"b1\">1</td><td class=\"n\"></td><td class=\"st s-hit\" title=\"hit: 1 hit\">H</td><td class=\"st s-none\">·</td><td class=\"m\">−</td><td class=\"k\">removed</td><td class=\"c\">print(1)</td></tr>"), "{gone}");
    assert!(
        gone.contains("<a href=\"#b1\">line 1</a>: was hit"),
        "{gone}"
    );
}

#[test]
fn a_folder_of_very_many_files_goes_on_over_several_pages() {
    let n = 2 * super::index::MAX_FOLDER_FILES + 5;
    let paths: Vec<String> = (0..n).map(|i| format!("f{i:05}.py")).collect();
    let files: Vec<(&str, &[(u32, u64)])> =
        paths.iter().map(|p| (p.as_str(), &[(1, 1)][..])).collect();
    let built = Built {
        base: report(&files),
        head: report(&files),
        changes: Vec::new(),
        relocations: Vec::new(),
    };
    let pages = built.site(&NoSource);
    let names = ["files.html", "files~p2.html", "files~p3.html"];
    assert_eq!(
        pages
            .keys()
            .filter(|k| k.starts_with("files"))
            .collect::<Vec<_>>(),
        names
    );
    let mut listed = 0;
    for (k, name) in names.iter().enumerate() {
        let page = &pages[*name];
        listed += page.matches("<tr data-path=").count();
        assert!(page.len() < 1_000_000, "{name}: {}", page.len());
        assert!(page.contains(&format!("{n} files in 3 pages:")), "{name}");
        for (j, other) in names.iter().enumerate() {
            let link = format!(" <a href=\"{other}\">{}</a>", j + 1);
            assert_eq!(page.contains(&link), j != k, "{name} → {other}");
        }
    }
    assert_eq!(listed, n, "every file once");
    assert!(pages["files~p3.html"].contains("<tr data-path=\"f02004.py\">"));
}

#[test]
fn long_paths_never_make_the_index_or_a_folder_page_large() {
    // 600 changed files whose paths are 2,000 bytes of `&` (each `&amp;`, twice a row).
    let paths: Vec<String> = (0..600)
        .map(|i| format!("d/{}{i:03}.py", "&".repeat(2_000)))
        .collect();
    let base: Vec<(&str, &[(u32, u64)])> =
        paths.iter().map(|p| (p.as_str(), &[(1, 1)][..])).collect();
    let head: Vec<(&str, &[(u32, u64)])> =
        paths.iter().map(|p| (p.as_str(), &[(1, 0)][..])).collect();
    let built = Built {
        base: report(&base),
        head: report(&head),
        changes: Vec::new(),
        relocations: Vec::new(),
    };
    let pages = built.site(&NoSource);
    for (name, page) in &pages {
        assert!(page.len() < 1_000_000, "{name}: {}", page.len());
    }
    let index = &pages["index.html"];
    assert!(
        index.contains("with the most lost and uncovered added lines are listed here; another "),
        "{}",
        &index[..2000]
    );
    let listed: usize = pages
        .iter()
        .filter(|(k, _)| k.starts_with("d/d"))
        .map(|(_, p)| p.matches("<tr data-path=").count())
        .sum();
    assert_eq!(listed, 600, "{:?}", pages.keys().collect::<Vec<_>>());
}
