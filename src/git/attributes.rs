//! Which files of a commit the commit's own `.gitattributes` mark `linguist-generated`
//! (SPEC `[paths] generated`): generated code is left out of reports.
//!
//! Attributes are resolved by gix exactly as git resolves them for that tree: the root
//! `.gitattributes` and every nested one on a file's way down, deeper files and later lines
//! winning, with patterns relative to their file's folder, `**`, macros (`[attr]`, root
//! file only) and `-attr` / `!attr`. Only the commit's tree is read: not the working tree,
//! not `$GIT_DIR/info/attributes`, not `core.attributesFile` or the user's global file, so a
//! result depends on the commit alone, the same on every machine. Matching is
//! case-sensitive for the same reason (git would follow `core.ignoreCase`, a local setting).
//!
//! `linguist-generated` follows GitHub Linguist: set (or `=true`) marks a file generated;
//! `-linguist-generated`, `=false` or no mention leaves it as code; any other value marks it
//! generated, as Linguist reads it.

use std::path::PathBuf;

use gix::attrs::StateRef;
use gix::bstr::{BString, ByteSlice};
use gix::worktree::stack::State;
use gix::worktree::stack::state::Attributes;
use gix::worktree::stack::state::attributes::Source;

use super::{GitError, Repo};
use crate::model::CommitId;

/// The attribute GitHub Linguist uses to mark generated files (collapsed in diffs, left out
/// of language statistics).
pub const GENERATED_ATTRIBUTE: &str = "linguist-generated";

/// A `.gitattributes` blob larger than this is passed over, as git does (it warns
/// "ignoring overly large gitattributes blob").
const MAX_ATTRIBUTES_BYTES: u64 = 100 << 20;

/// The longest path a message quotes whole.
const QUOTED_MAX: usize = 200;

/// Answers "is this file generated?" for the files of one commit, reading each
/// `.gitattributes` of its tree once. Made by [`Repo::generated_files`].
pub struct GeneratedFiles<'r> {
    repo: &'r Repo,
    commit: CommitId,
    /// `None` when the tree has no `.gitattributes`: nothing is generated.
    lookup: Option<(gix::worktree::Stack, gix::attrs::search::Outcome)>,
}

impl GeneratedFiles<'_> {
    /// Whether the commit's `.gitattributes` mark `path` (a repository-relative,
    /// `/`-separated file of its tree) `linguist-generated`. Paths may come in any order;
    /// in sorted order each folder's attribute file is read once.
    pub fn is_generated(&mut self, path: &str) -> Result<bool, GitError> {
        let Some((stack, out)) = &mut self.lookup else {
            return Ok(false);
        };
        let platform = stack
            .at_path(
                path,
                Some(gix::index::entry::Mode::FILE),
                &self.repo.inner.objects,
            )
            .map_err(|e| GitError::Read {
                what: format!(
                    "the .gitattributes of commit {} for '{}'",
                    self.commit,
                    crate::model::quoted(path, QUOTED_MAX)
                ),
                source: gix::Error::from_error(e),
            })?;
        platform.matching_attributes(out);
        Ok(out
            .iter_selected()
            .any(|m| marks_generated(m.assignment.state)))
    }
}

impl Repo {
    /// The lookup of the files that the `.gitattributes` files of `commit`'s tree mark
    /// `linguist-generated`. Costs one walk of the tree; with no `.gitattributes` in it,
    /// nothing more.
    pub fn generated_files(&self, commit: &CommitId) -> Result<GeneratedFiles<'_>, GitError> {
        let lookup = self.attribute_stack(commit)?.map(|stack| {
            let out = stack.selected_attribute_matches([GENERATED_ATTRIBUTE]);
            (stack, out)
        });
        Ok(GeneratedFiles {
            repo: self,
            commit: commit.clone(),
            lookup,
        })
    }

    /// An attribute stack that reads the `.gitattributes` blobs of `commit`'s tree and
    /// nothing else; `None` when the tree has none.
    fn attribute_stack(&self, commit: &CommitId) -> Result<Option<gix::worktree::Stack>, GitError> {
        let mut files: Vec<(BString, gix::ObjectId)> = Vec::new();
        for e in self.tree_entries(commit)? {
            let shown = || crate::model::quoted(&e.filepath.to_str_lossy(), QUOTED_MAX);
            let name = e.filepath.rsplit_str("/").next().unwrap_or_default();
            if name != b".gitattributes" || !e.mode.is_blob() {
                // git reads no `.gitattributes` through a symlink.
                continue;
            }
            let size = self
                .inner
                .find_header(e.oid)
                .map_err(|source| GitError::Read {
                    what: format!("'{}' in commit {commit}", shown()),
                    source: gix::Error::from_error(source),
                })?
                .size();
            if size > MAX_ATTRIBUTES_BYTES {
                tracing::warn!(
                    "'{}' of commit {} is larger than 100 MiB; passed over, as git does",
                    shown(),
                    commit.short()
                );
                continue;
            }
            files.push((e.filepath, e.oid));
        }
        if files.is_empty() {
            return Ok(None);
        }
        // The stack finds each folder's file by binary search.
        files.sort_unstable();
        let mut collection = gix::attrs::search::MetadataCollection::default();
        let mut buf = Vec::new();
        // No global files: only git's built-in `binary` macro.
        let globals = gix::attrs::Search::new_globals(
            std::iter::empty::<PathBuf>(),
            &mut buf,
            &mut collection,
        )
        .map_err(|e| GitError::Read {
            what: "git's built-in attribute macros".to_owned(),
            source: gix::Error::from_error(e),
        })?;
        // `info_attributes: None` keeps `$GIT_DIR/info/attributes` out; `IdMapping` reads
        // `.gitattributes` from the tree's blobs, never from the working tree.
        let state = State::AttributesStack(Attributes::new(
            globals,
            None,
            Source::IdMapping,
            collection,
        ));
        // The root is never read from (every file comes from the object database); it only
        // anchors the relative paths.
        let root = self
            .inner
            .workdir()
            .unwrap_or(self.inner.git_dir())
            .to_owned();
        Ok(Some(gix::worktree::Stack::new(
            root,
            state,
            gix::glob::pattern::Case::Sensitive,
            buf,
            files,
        )))
    }
}

/// Whether a `linguist-generated` state marks a file generated, as GitHub Linguist reads it.
fn marks_generated(state: StateRef<'_>) -> bool {
    match state {
        StateRef::Set => true,
        StateRef::Value(v) => v.as_bstr() != "false",
        StateRef::Unset | StateRef::Unspecified => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::fixture::{build, git};

    /// Root and nested `.gitattributes`: a folder marked generated with `**`, an unset in a
    /// subfolder, a macro, patterns with `/` (relative to their file's folder) and without
    /// (any depth), `=true`, `=false` and another value.
    const ATTRIBUTES: &str = r#"
set -eu
git init -q -b main r
cd r
mkdir -p gen/sub api/v1/proto svc lib/a/b/c lib/c docs other/deep deep src
cat > .gitattributes <<'A'
[attr]generated linguist-generated
gen/** linguist-generated
**/proto/*.py linguist-generated=true
*.pb.go linguist-generated
lib/**/c/*.py generated
docs/** linguist-generated
docs/keep.md linguist-generated=false
src/odd.py linguist-generated=yes
A
printf '*.py -linguist-generated\nmade.py linguist-generated\n' > gen/sub/.gitattributes
printf '[attr]mine linguist-generated\n*.py mine\ndeep/*.py linguist-generated\n' > other/.gitattributes
for f in gen/a.py gen/sub/b.py gen/sub/made.py api/v1/proto/x.py svc/x.pb.go \
    lib/a/b/c/m.py lib/c/n.py docs/a.md docs/keep.md src/main.py src/odd.py \
    other/o.py other/deep/d.py deep/d2.py; do
    printf 'x\n' > "$f"
done
git add -A
git commit -qm attributes
"#;

    const PATHS: &[&str] = &[
        "api/v1/proto/x.py",
        "deep/d2.py",
        "docs/a.md",
        "docs/keep.md",
        "gen/a.py",
        "gen/sub/b.py",
        "gen/sub/made.py",
        "lib/a/b/c/m.py",
        "lib/c/n.py",
        "other/deep/d.py",
        "other/o.py",
        "src/main.py",
        "src/odd.py",
        "svc/x.pb.go",
    ];

    fn generated(dir: &std::path::Path, rev: &str) -> Vec<String> {
        let repo = Repo::discover(dir).unwrap();
        let commit = repo.resolve(rev).unwrap();
        let mut lookup = repo.generated_files(&commit).unwrap();
        PATHS
            .iter()
            .filter(|p| lookup.is_generated(p).unwrap())
            .map(|p| (*p).to_owned())
            .collect()
    }

    #[test]
    fn attributes_resolve_as_git_resolves_them() {
        let tmp = build(ATTRIBUTES, &[]);
        let dir = tmp.path().join("r");
        let ours = generated(&dir, "HEAD");
        assert_eq!(
            ours,
            [
                "api/v1/proto/x.py",
                "docs/a.md",
                "gen/a.py",
                "gen/sub/made.py",
                "lib/a/b/c/m.py",
                "lib/c/n.py",
                "other/deep/d.py",
                "src/odd.py",
                "svc/x.pb.go",
            ]
        );
        // git itself, reading the same commit's attributes, agrees file by file.
        let mut args = vec!["check-attr", "--source=HEAD", GENERATED_ATTRIBUTE, "--"];
        args.extend(PATHS);
        let theirs: Vec<String> = git(&dir, &args)
            .lines()
            .filter_map(|l| {
                let (path, state) = l.split_once(": linguist-generated: ")?;
                (!matches!(state, "unset" | "unspecified" | "false")).then(|| path.to_owned())
            })
            .collect();
        assert_eq!(ours, theirs);
        // The order of the questions changes no answer.
        let repo = Repo::discover(&dir).unwrap();
        let mut lookup = repo
            .generated_files(&repo.resolve("HEAD").unwrap())
            .unwrap();
        let mut backwards: Vec<&str> = PATHS
            .iter()
            .rev()
            .copied()
            .filter(|p| lookup.is_generated(p).unwrap())
            .collect();
        backwards.reverse();
        assert_eq!(backwards, ours);
    }

    #[test]
    fn only_the_commit_s_tree_counts() {
        let tmp = build(ATTRIBUTES, &[]);
        let dir = tmp.path().join("r");
        let before = generated(&dir, "HEAD");
        // The working tree, `info/attributes` and a configured global file all say
        // otherwise; none of them is the commit's.
        std::fs::write(dir.join(".gitattributes"), "* linguist-generated\n").unwrap();
        std::fs::write(dir.join("gen/sub/.gitattributes"), "").unwrap();
        std::fs::create_dir_all(dir.join(".git/info")).unwrap();
        std::fs::write(dir.join(".git/info/attributes"), "* -linguist-generated\n").unwrap();
        std::fs::write(dir.join("global"), "* linguist-generated\n").unwrap();
        git(&dir, &["config", "core.attributesFile", "global"]);
        assert_eq!(generated(&dir, "HEAD"), before);
        // A commit without the nested file: its files follow the root file alone.
        git(&dir, &["rm", "-q", "--cached", "gen/sub/.gitattributes"]);
        git(&dir, &["commit", "-qm", "no nested attributes"]);
        let after = generated(&dir, "HEAD");
        assert!(after.contains(&"gen/sub/b.py".to_owned()), "{after:?}");
        assert_eq!(generated(&dir, "HEAD~1"), before);
    }

    #[test]
    fn a_tree_without_attributes_marks_nothing() {
        let tmp = build(
            "set -eu; git init -q -b main r; cd r; mkdir gen; printf 'x\\n' > gen/a.py; \
             git add -A; git commit -qm one",
            &[],
        );
        let repo = Repo::discover(&tmp.path().join("r")).unwrap();
        let head = repo.resolve("HEAD").unwrap();
        let mut lookup = repo.generated_files(&head).unwrap();
        assert!(lookup.lookup.is_none());
        assert!(!lookup.is_generated("gen/a.py").unwrap());
    }

    #[test]
    fn linguist_values_are_read_as_linguist_reads_them() {
        assert!(marks_generated(StateRef::Set));
        assert!(marks_generated(StateRef::Value("true".into())));
        assert!(marks_generated(StateRef::Value("1".into())));
        assert!(!marks_generated(StateRef::Value("false".into())));
        assert!(!marks_generated(StateRef::Unset));
        assert!(!marks_generated(StateRef::Unspecified));
    }
}
