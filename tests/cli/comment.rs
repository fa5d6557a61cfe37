//! What a reviewer reads (SPEC "Reports for people"): `compare` in text and Markdown puts the
//! problems first, each run with its code read from git (or from disk for the working tree),
//! and a comment stays under GitHub's limit however many runs there are. Golden files under
//! `snapshots/comment_*.snap`; update with `INSTA_UPDATE=always cargo test --test cli
//! comment` and read every diff.

use std::fmt::Write as _;

use crate::common::{TestRepo, lcov};

/// The biggest comment GitHub takes, less a margin (SPEC: never past 65,000 characters).
const LIMIT: usize = 65_000;

/// Asserts `text` against `snapshots/comment_{name}.snap`, each commit id of the repository
/// shown as its subject (`<head>`, `<head:40>` for a full one).
#[track_caller]
fn golden(name: &str, repo: &TestRepo, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    for line in repo.git(&["log", "--all", "--format=%H %s"]).lines() {
        let (sha, subject) = line.split_once(' ').unwrap();
        let label: String = subject
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        settings.add_filter(sha, format!("<{label}:40>"));
        settings.add_filter(&format!(r"\b{}\b", &sha[..7]), format!("<{label}>"));
    }
    settings.bind(|| insta::assert_snapshot!(format!("comment_{name}"), text));
}

const BASE: &str = "\
def total(items):
    s = 0
    for price, qty in items:
        s += price * qty
    return s


def discount(code, amount):
    if code == \"TENOFF\":
        return amount * 0.9
    return amount
";

/// `tax()` and `receipt()` added above, a ``` `HALF` ``` code in `discount`, one line
/// edited; the total's test dropped.
const HEAD: &str = "\
RATE = 0.2


def tax(amount):
    return amount * RATE


def receipt(items, code):
\tlines = [f\"{price} x {qty}\" for price, qty in items]
\tlines.append(f\"total {total(items)}\")
\tlines.append(f\"discount {discount(code, total(items))}\")
\tlines.append(f\"tax {tax(total(items))}\")
\tlines.append(\"```\")
\tlines.append(\"@reviewers thanks\")
\treturn \"\\n\".join(lines)


def total(items):
    s = 0
    for price, qty in items:
        s += price * qty
    return s


def discount(code, amount):
    if code == \"TENOFF\":
        return amount * 0.9
    if code == \"`HALF`\":
        return amount / 2
    return amount
";

/// A small pull request: base and head recorded, the head's report from LCOV with a
/// partial branch.
fn small_pr() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("shop/cart.py", BASE);
    repo.write("shop/__init__.py", "");
    repo.commit("cart");
    let base = lcov(&[(
        "shop/cart.py",
        &[
            (1, 1),
            (2, 3),
            (3, 3),
            (4, 6),
            (5, 3),
            (8, 2),
            (9, 2),
            (10, 1),
            (11, 1),
        ],
    )]);
    let base = repo.write_outside("base.info", &base);
    repo.covgit(&["record", base.to_str().unwrap()]).ok();
    repo.git(&["checkout", "-q", "-b", "receipt"]);
    repo.write("shop/cart.py", HEAD);
    repo.commit("receipt");
    let mut head = lcov(&[(
        "shop/cart.py",
        &[
            (1, 1),
            (4, 1),
            (5, 1),
            (8, 1),
            (9, 0),
            (10, 0),
            (11, 0),
            (12, 0),
            (13, 0),
            (14, 0),
            (15, 0),
            (18, 1),
            (19, 0),
            (20, 0),
            (21, 0),
            (22, 0),
            (25, 2),
            (26, 2),
            (27, 1),
            (28, 1),
            (29, 0),
            (30, 1),
        ],
    )]);
    // Line 28, the new `if`, took one of its two branches.
    head = head.replace(
        "end_of_record",
        "BRDA:28,0,0,1\nBRDA:28,0,1,0\nend_of_record",
    );
    let head = repo.write_outside("head.info", &head);
    repo.covgit(&["record", head.to_str().unwrap()]).ok();
    repo
}

#[test]
fn a_small_pr_shows_each_problem_with_its_code_in_text_and_markdown() {
    let repo = small_pr();
    let text = repo.covgit(&["compare", "main..receipt"]).ok().stdout;
    let md = repo
        .covgit(&["compare", "main..receipt", "--format", "markdown"])
        .ok()
        .stdout;
    // Problems first: the lost lines, then the added ones that miss or are partial.
    let lost = text.find("\nlost: ").unwrap();
    let uncovered = text.find("\nadded (miss or partial): ").unwrap();
    let hit = text.find("\nadded (hit): ").unwrap();
    assert!(lost < uncovered && uncovered < hit, "{text}");
    assert!(text.contains("      19 │     s = 0\n"), "{text}");
    assert!(
        md.contains("- ✗ shop/cart.py:19-22 hit → miss\n  ```\n  19 │     s = 0\n"),
        "{md}"
    );
    // The code with backticks in it gets a longer fence; a mention in it is code, not a ping.
    assert!(md.contains("  ````\n"), "{md}");
    golden(
        "small_pr",
        &repo,
        &format!(
            "$ covgit compare main..receipt\n{text}\n$ covgit compare main..receipt --format markdown\n{md}"
        ),
    );
}

#[test]
fn a_pr_with_5000_lost_runs_stays_under_the_limit_and_says_what_it_left_out() {
    // 5,000 runs of 6 long lines, each followed by a line that kept its coverage.
    let repo = TestRepo::new();
    let mut code = String::new();
    for n in 1..=35_000 {
        let _ = writeln!(code, "value_{n:05} = compute({})", "argument, ".repeat(14));
    }
    repo.write("big.py", &code);
    repo.commit("big");
    let lines: Vec<(u32, u64)> = (1..=35_000).map(|n| (n, 1)).collect();
    let base = repo.write_outside("base.info", &lcov(&[("big.py", &lines)]));
    repo.covgit(&["record", base.to_str().unwrap()]).ok();
    repo.write("README", "a test was dropped\n");
    repo.commit("drop");
    let lines: Vec<(u32, u64)> = (1..=35_000).map(|n| (n, u64::from(n % 7 == 0))).collect();
    let head = repo.write_outside("head.info", &lcov(&[("big.py", &lines)]));
    repo.covgit(&["record", head.to_str().unwrap()]).ok();

    let md = repo
        .covgit(&["compare", "HEAD", "--format", "markdown"])
        .ok()
        .stdout;
    let size = md.chars().count();
    assert!((LIMIT - 5_000..=LIMIT).contains(&size), "{size}");
    assert!(md.contains("### Lost coverage: 30000 lines in 5000 runs\n"));
    assert!(md.contains("- … 4900 runs left out (`covgit compare` lists them all)\n"));
    // The first runs keep their code, five lines and a count; the last shown ones lost it.
    // (The file's content did not change: its lost lines are indirect changes.)
    assert!(md.contains(
        "- ✗ big.py:1-6 hit → miss (indirect)\n  ```\n  1 │ value_00001 = compute(argument, "
    ));
    assert!(md.contains("  … 1 more line\n  ```\n- ✗ big.py:8-13 hit → miss (indirect)\n  ```\n"));
    assert!(md.contains("- ✗ big.py:694-699 hit → miss (indirect)\n- … 4900 runs left out"));
    golden("5000_lost_runs", &repo, &md);
    // Text lists them all, each with its code.
    let text = repo.covgit(&["compare", "HEAD"]).ok().stdout;
    assert_eq!(text.matches("  ✗ big.py:").count(), 5000);
    assert!(
        text.contains(
            "  ✗ big.py:34994-34999  hit → miss (indirect)\n      34994 │ value_34994 = "
        )
    );
}

#[test]
fn a_working_tree_head_shows_the_code_on_disk() {
    let repo = TestRepo::new();
    repo.write("calc.py", "def add(a, b):\n    return a + b\n");
    repo.commit("calc");
    let base = repo.write_outside("base.info", &lcov(&[("calc.py", &[(1, 1), (2, 1)])]));
    repo.covgit(&["record", base.to_str().unwrap()]).ok();
    // Not committed: the head is the working tree, its code only on disk.
    repo.write(
        "calc.py",
        "def add(a, b):\n    return a + b\n\n\ndef div(a, b):\n    if b == 0:\n        raise ZeroDivisionError(\"b is 0 (on disk only)\")\n    return a / b\n",
    );
    let now = repo.write_outside(
        "now.info",
        &lcov(&[("calc.py", &[(1, 1), (2, 0), (5, 1), (6, 1), (7, 0), (8, 1)])]),
    );
    let now = now.to_str().unwrap();
    let text = repo
        .covgit(&["compare", "--worktree", "--head-report", now])
        .ok()
        .stdout;
    assert!(
        text.contains("      7 │         raise ZeroDivisionError(\"b is 0 (on disk only)\")\n"),
        "{text}"
    );
    let md = repo
        .covgit(&[
            "compare",
            "--worktree",
            "--head-report",
            now,
            "--format",
            "markdown",
        ])
        .ok()
        .stdout;
    assert!(
        md.contains("  7 │         raise ZeroDivisionError(\"b is 0 (on disk only)\")\n"),
        "{md}"
    );
    golden(
        "worktree",
        &repo,
        &format!(
            "$ covgit compare --worktree --head-report now.info\n{text}\n$ covgit compare --worktree --head-report now.info --format markdown\n{md}"
        ),
    );
}

#[test]
fn hostile_code_from_a_fork_is_shown_inert_and_odd_files_show_none() {
    // Added lines, missed: a file of workflow commands, escapes, a mention, an issue number
    // and HTML; a CRLF file with invalid UTF-8 and no last newline; a binary file; a file
    // over 8 MiB; a symlink.
    let repo = TestRepo::new();
    repo.write("keep.py", "x = 1\n");
    repo.commit("base");
    let base = repo.write_outside("base.info", &lcov(&[("keep.py", &[(1, 1)])]));
    repo.covgit(&["record", base.to_str().unwrap()]).ok();
    let hostile = [
        "::error file=app.py,line=1::pwned",
        "`````",
        "@octocat #12 `</code>` </details> <img src=x onerror=alert(1)>",
        "\x1b]0;title\x07\x1b[2J \u{202e}evil\u{2066} \u{2028}end",
        "x = '##[error]boom ##vso[task.complete]'",
        "ok = 1",
        "  ::add-mask::secret",
        "\u{2003}::warning::em space",
    ];
    repo.write("evil.py", &format!("{}\n", hostile.join("\n")));
    let root = repo.path();
    std::fs::write(root.join("crlf.py"), b"one\r\ntw\xffo\r\nthree").unwrap();
    std::fs::write(root.join("bin.py"), b"a\0b\nc\n").unwrap();
    let mut big = "big = 1\n".repeat(8 << 17);
    big.push_str("tail = 2\n");
    std::fs::write(root.join("big.py"), &big).unwrap();
    std::os::unix::fs::symlink("evil.py", root.join("link.py")).unwrap();
    repo.commit("head");
    let missed = |n: u32| -> Vec<(u32, u64)> { (1..=n).map(|l| (l, 0)).collect() };
    let evil: Vec<(u32, u64)> = (1..=8).map(|l| (l, u64::from(l == 6))).collect();
    let head = lcov(&[
        ("keep.py", &[(1, 1)]),
        ("evil.py", &evil),
        ("crlf.py", &missed(3)),
        ("bin.py", &missed(2)),
        ("big.py", &missed(1)),
        ("link.py", &missed(1)),
    ]);
    let head = repo.write_outside("head.info", &head);
    repo.covgit(&["record", head.to_str().unwrap()]).ok();

    let text = repo.covgit(&["compare", "HEAD"]).ok().stdout;
    let md = repo
        .covgit(&["compare", "HEAD", "--format", "markdown"])
        .ok()
        .stdout;
    for (name, out) in [("text", &text), ("markdown", &md)] {
        // No line a CI runner would obey, no raw control or bidi character.
        for line in out.lines() {
            let start = line.trim_start_matches(char::is_whitespace);
            assert!(!start.starts_with("::"), "{name}: {line}");
            assert!(
                !line.contains("##[") && !line.contains("##vso["),
                "{name}: {line}"
            );
        }
        assert!(
            !out.chars().any(|c| (c.is_control() && c != '\n')
                || matches!(c, '\u{202e}' | '\u{2066}' | '\u{2028}')),
            "{name}: {out}"
        );
        // CRLF, invalid UTF-8 and no last newline: the lines as git counts them.
        for line in ["1 │ one\n", "2 │ tw\u{fffd}o\n", "3 │ three\n"] {
            assert!(out.contains(line), "{name}: {out}");
        }
        assert!(out.contains("7 │   ::add-mask::secret\n"), "{name}: {out}");
        assert!(
            out.contains("8 │ \u{2003}::warning::em space\n"),
            "{name}: {out}"
        );
        assert!(
            out.contains("5 │ x = '#\\x23[error]boom #\\x23vso[task.complete]'\n"),
            "{name}: {out}"
        );
        assert!(
            out.contains("4 │ \\x1b]0;title\\x07\\x1b[2J \\u{202e}evil\\u{2066} \\u{2028}end\n"),
            "{name}: {out}"
        );
        // A binary file, one over 8 MiB and a symlink show no code.
        assert!(!out.contains("│ a") && !out.contains("│ big = 1"), "{name}");
        assert_eq!(out.matches("│ ::error").count(), 1, "{name}: {out}");
    }
    // In Markdown the code sits in a fence longer than its backticks, so its HTML, mention
    // and issue number stay code.
    assert!(
        md.contains(
            "- ✗ evil.py:1-5 miss\n  ``````\n  1 │ ::error file=app.py,line=1::pwned\n  2 │ `````\n  3 │ @octocat #12 `</code>` </details> <img src=x onerror=alert(1)>\n"
        ),
        "{md}"
    );
}
