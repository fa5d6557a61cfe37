//! The resolver: `[paths] fixes`, exact match, repository root stripped from absolute paths,
//! each `<sources>` root, then a unique suffix match.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::PathsConfig;
use crate::model::{FileCoverage, Report};

/// A `[paths] ignore` glob that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("[paths] ignore glob '{glob}' is not valid")]
pub struct GlobError {
    glob: String,
    #[source]
    source: globset::Error,
}

/// Resolves report paths against one commit's tree.
pub struct Resolver<'a> {
    tree: HashSet<&'a str>,
    /// The tree's files, for the suffix index.
    files: &'a [String],
    /// Every trailing run of components of the tree's paths, built on the first suffix match
    /// (a report with repository paths never needs it).
    suffixes: OnceLock<SuffixIndex<'a>>,
    /// The repository root, normalised, without a trailing `/` (e.g. `/home/me/proj`).
    root: String,
    fixes: &'a [(String, String)],
    ignore: GlobSet,
    /// Go modules of the tree: (module path, folder of its go.mod, "" at the root).
    go_modules: Vec<(String, String)>,
}

/// The outcome for a whole report.
#[derive(Debug, Default)]
pub struct Resolution {
    pub report: Report,
    /// Paths left out by `[paths] ignore`.
    pub ignored: Vec<String>,
    /// Raw paths that matched more than one tree file by suffix (also in `report.unresolved`).
    pub ambiguous: Vec<String>,
}

impl<'a> Resolver<'a> {
    /// `tree` lists the commit's files; `root` is the repository's work tree as an absolute path
    /// (as the report producer saw it; any separator style).
    pub fn new(tree: &'a [String], root: &str, config: &'a PathsConfig) -> Result<Self, GlobError> {
        let mut globs = GlobSetBuilder::new();
        for g in &config.ignore {
            globs.add(Glob::new(g).map_err(|source| GlobError {
                glob: g.clone(),
                source,
            })?);
        }
        let ignore = globs.build().map_err(|source| GlobError {
            glob: config.ignore.join(", "),
            source,
        })?;
        Ok(Self {
            tree: tree.iter().map(String::as_str).collect(),
            files: tree,
            suffixes: OnceLock::new(),
            root: normalize(root).trim_end_matches('/').to_owned(),
            fixes: &config.fixes,
            ignore,
            go_modules: Vec::new(),
        })
    }

    /// Go coverprofiles name files by import path (`github.com/org/proj/pkg/x.go`): with
    /// the tree's modules (module path from each `go.mod`, and the folder it sits in), such a
    /// path becomes `folder/pkg/x.go`. The longest module path wins.
    #[must_use]
    pub fn with_go_modules(mut self, mut modules: Vec<(String, String)>) -> Self {
        modules.sort_by_key(|m| std::cmp::Reverse(m.0.len()));
        self.go_modules = modules;
        self
    }

    /// Resolves every file of one parsed report. Files whose paths resolve to the same tree
    /// path (`foo/./bar` and `foo/bar`) are merged by summing, as LCOV tools do.
    pub fn resolve_all(
        &self,
        sources: &[String],
        files: Vec<(String, FileCoverage)>,
    ) -> Resolution {
        let roots: Vec<String> = sources
            .iter()
            .map(|s| normalize(s.trim()).trim_end_matches('/').to_owned())
            .filter(|s| !s.is_empty() && !s.starts_with('-') && !s.starts_with('$'))
            .collect();
        let mut out = Resolution::default();
        let mut ambiguous = BTreeSet::new();
        for (raw, cov) in files {
            let (path, resolved) = match self.resolve(&raw, &roots) {
                Found::Tree(p) => (p, true),
                Found::Ambiguous(p) => {
                    ambiguous.insert(raw.clone());
                    (p, false)
                }
                Found::Nothing(p) => (p, false),
            };
            if self.ignore.is_match(&path) {
                out.ignored.push(path);
                continue;
            }
            if !resolved {
                out.report.unresolved.insert(path.clone());
            }
            match out.report.files.get_mut(&path) {
                Some(have) => have.merge_sum(&cov),
                None => {
                    out.report.files.insert(path, cov);
                }
            }
        }
        out.ambiguous = ambiguous.into_iter().collect();
        out.ignored.sort();
        out.ignored.dedup();
        out
    }

    fn resolve(&self, raw: &str, roots: &[String]) -> Found {
        let mut path = normalize(raw.trim());
        for (before, after) in self.fixes {
            if let Some(rest) = path.strip_prefix(before.as_str()) {
                path = normalize(&format!("{after}{rest}"));
                break;
            }
        }
        let mut candidates = vec![path.clone()];
        if let Some(rel) = self.strip_go_module(&path) {
            candidates.push(rel);
        }
        if let Some(rel) = self.strip_root(&path) {
            candidates.push(rel);
        }
        if !is_absolute(&path) {
            for root in roots {
                let joined = normalize(&format!("{root}/{path}"));
                if let Some(rel) = self.strip_root(&joined) {
                    candidates.push(rel);
                }
                candidates.push(joined);
            }
        }
        if let Some(hit) = candidates.iter().find(|c| self.tree.contains(c.as_str())) {
            return Found::Tree(hit.clone());
        }
        match self.suffix_match(&path) {
            Suffix::One(p) => Found::Tree(p.to_owned()),
            Suffix::Many => Found::Ambiguous(path),
            Suffix::None => Found::Nothing(path),
        }
    }

    fn strip_go_module(&self, path: &str) -> Option<String> {
        self.go_modules.iter().find_map(|(module, dir)| {
            let rest = path.strip_prefix(module.as_str())?.strip_prefix('/')?;
            Some(if dir.is_empty() {
                rest.to_owned()
            } else {
                format!("{dir}/{rest}")
            })
        })
    }

    fn strip_root(&self, path: &str) -> Option<String> {
        if self.root.is_empty() {
            return None;
        }
        let rest = strip_prefix_ci_drive(path, &self.root)?;
        let rest = rest.strip_prefix('/')?;
        (!rest.is_empty()).then(|| rest.to_owned())
    }

    /// A `[paths] fixes` rule (`"before::after"`, quoted as TOML) that would map the
    /// unresolved `path` onto the tree file sharing its longest run of trailing components;
    /// `None` when no tree file has its name, or when `path` is itself that run (no prefix
    /// to rewrite).
    pub fn fix_rule(&self, path: &str) -> Option<String> {
        let (tail, file) = self.index().longest_tail(path)?;
        let before = &path[..path.len() - tail.len()];
        let after = &file[..file.len() - tail.len()];
        (!before.is_empty()).then(|| format!("\"{before}::{after}\""))
    }

    /// What to do about the unresolved `path`, for a warning: the `[paths] fixes` rule that
    /// maps it onto the tree, or, when no file of the tree has its name (a generated file
    /// such as `_version.py`, or one of another project), the `[paths] ignore` rule that
    /// leaves it out.
    pub fn advice(&self, path: &str) -> String {
        match self.index().longest_tail(path) {
            None => format!(
                "no file of the tree has its name (a generated file?); leave it out with \
                 [paths] ignore = [\"{path}\"] in .covgit.toml"
            ),
            Some(_) => match self.fix_rule(path) {
                Some(rule) => format!(
                    "if it is that file of the tree, add [paths] fixes = [{rule}] to .covgit.toml"
                ),
                None => "several files of the tree end with it; add a [paths] fixes rule to \
                         .covgit.toml that gives its folder"
                    .to_owned(),
            },
        }
    }

    fn index(&self) -> &SuffixIndex<'a> {
        self.suffixes.get_or_init(|| SuffixIndex::new(self.files))
    }

    /// The tree file sharing the longest run of trailing components with `path`, if exactly
    /// one does and at least the file name matches.
    fn suffix_match(&self, path: &str) -> Suffix<'a> {
        self.index().lookup(path, &mut 0)
    }
}

/// SPEC "Linear path resolution": every trailing run of components of every tree path
/// (`c.py`, `b/c.py`, `a/b/c.py` for `a/b/c.py`), with how many paths end so and the first
/// of them. A report path then resolves in one look-up per component, however many tree
/// files share its name: building costs the tree's components, and resolving N paths costs
/// their components, never N × (files of that name).
pub(crate) struct SuffixIndex<'a> {
    ends: HashMap<&'a str, End<'a>>,
}

/// The tree paths that end with one run of components.
#[derive(Clone, Copy)]
struct End<'a> {
    /// How many end so.
    count: u32,
    /// The first of them.
    first: &'a str,
    /// The tree path that is exactly this run, if one is.
    whole: Option<&'a str>,
}

impl<'a> SuffixIndex<'a> {
    pub(crate) fn new(files: &'a [String]) -> Self {
        let mut ends: HashMap<&'a str, End<'a>> = HashMap::with_capacity(files.len() * 2);
        for p in files {
            let p = p.as_str();
            for (k, tail) in tails(p).enumerate() {
                let e = ends.entry(tail).or_insert(End {
                    count: 0,
                    first: p,
                    whole: None,
                });
                e.count = e.count.saturating_add(1);
                if k == 0 {
                    e.whole = Some(p);
                }
            }
        }
        Self { ends }
    }

    /// The tree file sharing the longest run of trailing components with `path`, where every
    /// component of the shorter side matches (`a/b.py` never matches `x/b.py` just because
    /// the names agree): the tree files that end with the whole of `path` (ambiguous when
    /// more than one), else the longest tail of `path` that is itself a tree file (paths are
    /// unique in a tree). `probes` counts the look-ups.
    pub(crate) fn lookup(&self, path: &str, probes: &mut u64) -> Suffix<'a> {
        let rel = path.trim_start_matches('/');
        if rel.is_empty() {
            return Suffix::None;
        }
        let mut tails = tails(rel);
        if let Some(all) = tails.next() {
            *probes += 1;
            match self.ends.get(all) {
                Some(e) if e.count == 1 => return Suffix::One(e.first),
                Some(_) => return Suffix::Many,
                None => {}
            }
        }
        for tail in tails {
            *probes += 1;
            if let Some(whole) = self.ends.get(tail).and_then(|e| e.whole) {
                return Suffix::One(whole);
            }
        }
        Suffix::None
    }
}

impl<'a> SuffixIndex<'a> {
    /// The longest run of trailing components of `path` that some tree path ends with, and
    /// the first such tree path.
    fn longest_tail<'p>(&self, path: &'p str) -> Option<(&'p str, &'a str)> {
        tails(path.trim_start_matches('/')).find_map(|t| self.ends.get(t).map(|e| (t, e.first)))
    }
}

/// `a/b/c`, `b/c`, `c`: a path's trailing runs of components, longest first.
fn tails(p: &str) -> impl Iterator<Item = &str> {
    std::iter::once(p).chain(p.match_indices('/').map(move |(i, _)| &p[i + 1..]))
}

enum Found {
    Tree(String),
    Ambiguous(String),
    Nothing(String),
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Suffix<'a> {
    One(&'a str),
    Many,
    None,
}

fn is_absolute(p: &str) -> bool {
    p.starts_with('/') || has_drive(p)
}

fn has_drive(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// `path` without the prefix `root`, comparing a Windows drive letter case-insensitively.
fn strip_prefix_ci_drive<'p>(path: &'p str, root: &str) -> Option<&'p str> {
    if has_drive(path) && has_drive(root) {
        let (p, r) = (path.as_bytes(), root.as_bytes());
        if p[0].eq_ignore_ascii_case(&r[0]) {
            return path[2..].strip_prefix(&root[2..]);
        }
        return None;
    }
    path.strip_prefix(root)
}

/// The module path a `go.mod` declares (`module github.com/org/proj`), if any.
pub fn go_module_path(go_mod: &str) -> Option<String> {
    go_mod.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("module")?;
        if !rest.starts_with(char::is_whitespace) {
            return None;
        }
        let m = rest.split("//").next()?.trim().trim_matches('"');
        (!m.is_empty()).then(|| m.to_owned())
    })
}

/// Separators to `/`, `.` and empty components dropped, `..` folded where it can be (a
/// leading `..` of a relative path stays), surrounding white space trimmed.
pub fn normalize(raw: &str) -> String {
    let s = raw.trim().replace('\\', "/");
    let absolute = s.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in s.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(&last) if last != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineCoverage;

    fn coverage(lines: &[(u32, u64)]) -> FileCoverage {
        FileCoverage::from_entries(
            lines
                .iter()
                .map(|&(n, h)| (n, LineCoverage::new(h)))
                .collect(),
            LineCoverage::merge_max,
        )
    }

    fn tree() -> Vec<String> {
        [
            "src/pkg/a.py",
            "src/pkg/b.py",
            "scripts/run.py",
            "lib/x/util.c",
            "lib/y/util.c",
            "README.md",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    }

    fn resolve(raw: &str, sources: &[&str], cfg: &PathsConfig) -> Resolution {
        let t = tree();
        let r = Resolver::new(&t, "/home/ci/proj", cfg).unwrap();
        let sources: Vec<String> = sources.iter().map(|s| (*s).to_owned()).collect();
        r.resolve_all(&sources, vec![(raw.to_owned(), coverage(&[(1, 1)]))])
    }

    fn resolved_path(raw: &str, sources: &[&str]) -> (String, bool) {
        let out = resolve(raw, sources, &PathsConfig::default());
        let p = out.report.files.keys().next().unwrap().clone();
        let ok = !out.report.unresolved.contains(&p);
        (p, ok)
    }

    #[test]
    fn normalizes_separators_dots_and_parents() {
        assert_eq!(normalize(" .\\scripts\\maths.lua "), "scripts/maths.lua");
        assert_eq!(normalize("a/./b//c/../d"), "a/b/d");
        assert_eq!(normalize("/x/../../y"), "/y");
        assert_eq!(normalize("../a"), "../a");
        assert_eq!(normalize("C:\\temp\\"), "C:/temp");
    }

    #[test]
    fn exact_and_absolute_paths_resolve() {
        assert_eq!(
            resolved_path("src/pkg/a.py", &[]),
            ("src/pkg/a.py".into(), true)
        );
        assert_eq!(
            resolved_path("/home/ci/proj/scripts/run.py", &[]),
            ("scripts/run.py".into(), true)
        );
    }

    #[test]
    fn sources_roots_are_tried_in_order() {
        // coverage.py: filenames relative to whichever root holds them, junk roots ignored.
        assert_eq!(
            resolved_path(
                "a.py",
                &["--source", "/home/ci/proj/scripts", "/home/ci/proj/src/pkg"]
            ),
            ("src/pkg/a.py".into(), true)
        );
        assert_eq!(
            resolved_path("pkg/b.py", &["src"]),
            ("src/pkg/b.py".into(), true)
        );
    }

    #[test]
    fn a_unique_suffix_matches_and_an_ambiguous_one_does_not() {
        // Built elsewhere: the absolute root is unknown, the tail is unique.
        assert_eq!(
            resolved_path("/tmp/gen/proj/src/pkg/b.py", &[]),
            ("src/pkg/b.py".into(), true)
        );
        assert_eq!(
            resolved_path("pkg/a.py", &[]),
            ("src/pkg/a.py".into(), true)
        );
        assert_eq!(
            resolved_path("x/util.c", &[]),
            ("lib/x/util.c".into(), true)
        );
        let out = resolve("util.c", &[], &PathsConfig::default());
        assert_eq!(out.ambiguous, ["util.c"]);
        assert!(out.report.unresolved.contains("util.c"));
        // Same name, different folder: not a match.
        assert_eq!(
            resolved_path("other/a.py", &[]),
            ("other/a.py".into(), false)
        );
    }

    /// SPEC "Linear path resolution": N paths against M files sharing one name cost about
    /// N + M look-ups, not N × M comparisons.
    #[test]
    fn suffix_matching_costs_a_look_up_per_component_however_many_files_share_a_name() {
        let n = 5_000;
        let tree: Vec<String> = (0..n).map(|i| format!("pkg/sub{i}/__init__.py")).collect();
        let index = SuffixIndex::new(&tree);
        // Each tree path adds one entry per component (3), shared ones once.
        assert_eq!(index.ends.len(), 2 * n + 1);
        let mut probes = 0;
        for (i, want) in tree.iter().enumerate() {
            let from_elsewhere = format!("/builds/other/root/pkg/sub{i}/__init__.py");
            assert_eq!(
                index.lookup(&from_elsewhere, &mut probes),
                Suffix::One(want.as_str())
            );
        }
        // The whole path, then each shorter tail until `pkg/subI/__init__.py`: 4 a path,
        // where comparing with every `__init__.py` would take n each.
        assert_eq!(probes, 4 * n as u64);
        let mut probes = 0;
        assert_eq!(index.lookup("__init__.py", &mut probes), Suffix::Many);
        assert_eq!(
            index.lookup("sub7/__init__.py", &mut probes),
            Suffix::One("pkg/sub7/__init__.py")
        );
        assert_eq!(
            index.lookup("x/sub7/__init__.py", &mut probes),
            Suffix::None
        );
        assert_eq!(probes, 2 + 3);
    }

    #[test]
    fn the_longest_tail_that_is_a_tree_file_wins() {
        let tree: Vec<String> = ["x/a/b.py", "a/b.py", "c/d/e.py"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let index = SuffixIndex::new(&tree);
        let mut p = 0;
        assert_eq!(index.lookup("q/a/b.py", &mut p), Suffix::One("a/b.py"));
        assert_eq!(index.lookup("/r/x/a/b.py", &mut p), Suffix::One("x/a/b.py"));
        assert_eq!(index.lookup("a/b.py", &mut p), Suffix::Many);
        assert_eq!(index.lookup("d/e.py", &mut p), Suffix::One("c/d/e.py"));
        assert_eq!(index.lookup("z/e.py", &mut p), Suffix::None);
        let cfg = PathsConfig::default();
        let r = Resolver::new(&tree, "/home/ci/proj", &cfg).unwrap();
        assert_eq!(
            r.fix_rule("/ci/q/d/e.py").as_deref(),
            Some("\"/ci/q/::c/\"")
        );
        assert_eq!(r.fix_rule("e.py"), None);
        assert_eq!(r.fix_rule("gen/_version.py"), None);
        assert!(
            r.advice("gen/_version.py")
                .contains("[paths] ignore = [\"gen/_version.py\"]")
        );
        assert!(
            r.advice("/ci/q/d/e.py")
                .contains("[paths] fixes = [\"/ci/q/::c/\"]")
        );
    }

    #[test]
    fn unmatched_paths_are_kept_and_listed() {
        let out = resolve("C:\\build\\gone.cs", &[], &PathsConfig::default());
        assert_eq!(
            out.report.unresolved.iter().collect::<Vec<_>>(),
            ["C:/build/gone.cs"]
        );
        assert_eq!(out.report.files.len(), 1);
    }

    #[test]
    fn fixes_rewrite_prefixes_and_ignore_drops() {
        let cfg = PathsConfig {
            fixes: vec![("build/src/".into(), "src/".into())],
            ignore: vec!["scripts/**".into()],
            ..PathsConfig::default()
        };
        let out = resolve("build/src/pkg/a.py", &[], &cfg);
        assert!(out.report.files.contains_key("src/pkg/a.py"));
        assert!(out.report.unresolved.is_empty());
        let out = resolve("scripts/run.py", &[], &cfg);
        assert!(out.report.files.is_empty());
        assert_eq!(out.ignored, ["scripts/run.py"]);
    }

    #[test]
    fn two_spellings_of_one_file_merge_by_summing() {
        let t = tree();
        let cfg = PathsConfig::default();
        let r = Resolver::new(&t, "/home/ci/proj", &cfg).unwrap();
        let out = r.resolve_all(
            &[],
            vec![
                ("src/pkg/a.py".into(), coverage(&[(1, 1), (2, 0)])),
                ("src/pkg/./x/../a.py".into(), coverage(&[(2, 3)])),
            ],
        );
        let f = &out.report.files["src/pkg/a.py"];
        assert_eq!(f.get(2).unwrap().hits, 3);
        assert_eq!(out.report.files.len(), 1);
    }

    #[test]
    fn go_import_paths_lose_their_module_path() {
        assert_eq!(
            go_module_path("// c\nmodule github.com/org/proj // x\n\ngo 1.22\n").as_deref(),
            Some("github.com/org/proj")
        );
        assert_eq!(go_module_path("modules x\n"), None);
        let t: Vec<String> = ["mux.go", "tools/gen/main.go", "x/mux.go"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let cfg = PathsConfig::default();
        let r = Resolver::new(&t, "/src", &cfg)
            .unwrap()
            .with_go_modules(vec![
                ("github.com/gorilla/mux".into(), String::new()),
                ("github.com/gorilla/mux/tools".into(), "tools".into()),
            ]);
        let out = r.resolve_all(
            &[],
            vec![
                ("github.com/gorilla/mux/mux.go".into(), coverage(&[(1, 1)])),
                (
                    "github.com/gorilla/mux/tools/gen/main.go".into(),
                    coverage(&[(1, 1)]),
                ),
            ],
        );
        assert_eq!(
            out.report.files.keys().collect::<Vec<_>>(),
            ["mux.go", "tools/gen/main.go"]
        );
        assert!(out.report.unresolved.is_empty());
    }

    #[test]
    fn a_bad_glob_is_named() {
        let t = tree();
        let cfg = PathsConfig {
            fixes: vec![],
            ignore: vec!["a[".into()],
            ..PathsConfig::default()
        };
        let e = Resolver::new(&t, "/", &cfg).err().unwrap();
        assert_eq!(e.to_string(), "[paths] ignore glob 'a[' is not valid");
        // globset's words are the chained cause, not repeated in the message.
        let cause = std::error::Error::source(&e).unwrap().to_string();
        assert!(cause.contains("a["), "{cause}");
    }
}
