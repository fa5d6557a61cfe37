//! A small history whose comparison makes a site with something of everything: lost lines,
//! added lines missed, a function moved to a new file, an indirect change, an unchanged file,
//! nested folders and a file name with HTML in it. Shared by the HTML tests here and the
//! browser test (`tests/browser.rs` includes this file).

use std::path::Path;

use crate::common::{Run, TestRepo, lcov};

/// Records an LCOV report for HEAD: every non-blank line of each file is tracked, hit once
/// unless its number is in the file's `missed`.
pub fn record(repo: &TestRepo, files: &[(&str, &[u32])]) {
    let sha = repo.git(&["rev-parse", "HEAD"]);
    let data: Vec<(String, Vec<(u32, u64)>)> = files
        .iter()
        .map(|(path, missed)| {
            let text = std::fs::read_to_string(repo.path().join(path)).unwrap();
            let lines = (1..)
                .zip(text.lines())
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(n, _)| (n, u64::from(!missed.contains(&n))))
                .collect();
            ((*path).to_owned(), lines)
        })
        .collect();
    let borrowed: Vec<(&str, &[(u32, u64)])> = data
        .iter()
        .map(|(p, l)| (p.as_str(), l.as_slice()))
        .collect();
    let report = repo.write_outside(&format!("r-{sha}.info"), &lcov(&borrowed));
    repo.covgit(&["record", "--commit", "HEAD", report.to_str().unwrap()])
        .ok();
}

const MOVED: &str = "def helper_to_move(values):
    accumulated = 0
    for value in values:
        accumulated += value
    return accumulated
";

pub const CALC: &str = "src/calc.py";
pub const WEIRD: &str = "src/we<ird> & 'q'.py";

/// The repository, its two commits recorded: `HEAD~1` (base) and `HEAD`. In the head,
/// `src/calc.py` lost lines 2 and 6, added lines 12-13 (13 missed), and its last function
/// moved to `src/util/moved.py`; `src/report.py` gained line 2 without a change of content;
/// `src/util/strings.py` is the same on both sides.
pub fn history() -> TestRepo {
    let repo = TestRepo::new();
    let calc_base = format!(
        "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n\n\n\
         def mul(a, b):\n    if a == 0:\n        return 0\n    return a * b\n\n\n{MOVED}"
    );
    repo.write(CALC, &calc_base);
    repo.write(
        "src/report.py",
        "def show(x):\n    print(x)\n    return x\n",
    );
    repo.write(
        "src/util/strings.py",
        "def upper(s):\n    return s.upper()\n",
    );
    repo.write(WEIRD, "value = 1\n");
    for i in 0..4 {
        repo.write(
            &format!("lib/deep/m{i}.py"),
            &format!("def m{i}():\n    return {i}\n"),
        );
    }
    repo.commit("base");
    let deep: Vec<String> = (0..4).map(|i| format!("lib/deep/m{i}.py")).collect();
    let mut files: Vec<(&str, &[u32])> = vec![
        (CALC, &[11]),
        ("src/report.py", &[2]),
        ("src/util/strings.py", &[]),
        (WEIRD, &[]),
    ];
    files.extend(deep.iter().map(|p| (p.as_str(), &[][..])));
    record(&repo, &files);

    repo.write(
        CALC,
        "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n\n\n\
         def mul(a, b):\n    if a == 0:\n        return 0\n    if b == 0:\n        return 0\n    return a * b\n",
    );
    repo.write("src/util/moved.py", MOVED);
    repo.write(WEIRD, "value = 1\nother = '</script>'\n");
    repo.commit("head: guard mul, move the helper");
    let mut files: Vec<(&str, &[u32])> = vec![
        (CALC, &[2, 6, 11, 13]),
        ("src/util/moved.py", &[]),
        ("src/report.py", &[]),
        ("src/util/strings.py", &[]),
        (WEIRD, &[]),
    ];
    let missed: [&[u32]; 4] = [&[], &[2], &[], &[2]];
    files.extend(deep.iter().zip(missed).map(|(p, m)| (p.as_str(), m)));
    record(&repo, &files);
    repo
}

/// `covgit compare HEAD --format html --output DIR`.
pub fn write(repo: &TestRepo, dir: &Path) -> Run {
    repo.covgit(&[
        "compare",
        "HEAD",
        "--format",
        "html",
        "--output",
        dir.to_str().unwrap(),
    ])
}
