//! The pre-push hook file: where git looks for it (`core.hooksPath`, else `hooks/` in the
//! common dir), and covgit's block in it.
//!
//! Invariants: covgit owns exactly the lines between its two marker lines. Installing into
//! an existing hook inserts that block right after the `#!` line (before any `exit` the
//! hook may end with) and changes nothing else; uninstalling removes exactly those bytes,
//! so the hook is byte-for-byte what it was. A hook file covgit created holds nothing but
//! its `#!/bin/sh` line, a comment saying covgit made it, and the block; it is deleted whole. A hook in another language than the
//! shell is never edited.
//!
//! A hook path that is a symlink is refused, never written through (a tracked
//! `.githooks/pre-push` could point anywhere), and so is a hook folder reached through a
//! symlink in the work tree (a tracked `.githooks` or `cfg` link); the folders git's own
//! config names outside the work tree, and git's dir, are trusted. The file is replaced by writing a temporary
//! file beside it and renaming it over, with the hook's mode kept: a reader never sees half a
//! hook, and an interrupted install leaves the old one.

use std::path::{Path, PathBuf};

use super::{GitError, Repo};

const BEGIN: &str = "# >>> covgit pre-push hook >>>\n";
const END: &str = "# <<< covgit pre-push hook <<<\n";
/// The end marker when install had to add a newline after a `#!` line that had none;
/// uninstall takes that newline away again.
const END_JOINED: &str = "# <<< covgit pre-push hook (newline added) <<<\n";
/// How a hook file covgit created starts; such a file is deleted whole on uninstall.
const CREATED: &str = "#!/bin/sh\n# This hook was created by `covgit hook install`.\n";
const SHELLS: &[&str] = &["sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"];

/// What `install` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookInstalled {
    /// There was no hook: covgit wrote one.
    Created(PathBuf),
    /// covgit's block was added to the existing hook. `executable` is false when the file
    /// is not executable: git ignores it, and covgit does not change its mode.
    Added {
        /// The hook file.
        path: PathBuf,
        /// Whether the file is executable (git runs only an executable hook).
        executable: bool,
    },
    /// covgit's block was already there and was rewritten (the binary's path may differ).
    Updated {
        /// The hook file.
        path: PathBuf,
        /// Whether the file is executable (git runs only an executable hook).
        executable: bool,
    },
}

/// What `uninstall` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookRemoved {
    /// The hook was covgit's alone and is gone.
    Deleted(PathBuf),
    /// covgit's block was taken out of the hook; the rest is as it was.
    Removed(PathBuf),
    /// No hook, or no covgit block in it.
    NotInstalled(PathBuf),
}

impl Repo {
    /// The folder git runs hooks from: `core.hooksPath` (relative to the work tree root, as
    /// git takes it), else `hooks` in the common git dir.
    pub fn hooks_dir(&self) -> Result<PathBuf, GitError> {
        let configured = self
            .inner
            .config_snapshot()
            .trusted_path("core.hooksPath")
            .map_err(|source| GitError::Read {
                what: "core.hooksPath".to_owned(),
                source,
            })?;
        Ok(match configured {
            Some(p) if p.is_absolute() => p,
            Some(p) => self.workdir().unwrap_or_else(|| self.common_dir()).join(p),
            None => self.common_dir().join("hooks"),
        })
    }

    /// Adds covgit's block to the pre-push hook, creating the hook when there is none. The
    /// block runs `covgit` from git's `PATH`, else `exe` (the installing binary's path,
    /// already quoted for the shell); when neither exists it says so in one line and lets
    /// the push go.
    pub fn install_pre_push(&self, exe: &str) -> Result<HookInstalled, GitError> {
        let path = self.hooks_dir()?.join("pre-push");
        self.refuse_linked_hooks_dir(&path)?;
        let io = |source| GitError::Hook {
            path: path.clone(),
            source,
        };
        let Some((existing, mode)) = read_hook(&path)? else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            replace(
                &path,
                format!("{CREATED}{}", block(exe, false)).as_bytes(),
                None,
            )
            .map_err(io)?;
            return Ok(HookInstalled::Created(path));
        };
        if let Some(interpreter) = foreign_interpreter(&existing) {
            return Err(GitError::ForeignHook { path, interpreter });
        }
        let executable = is_executable(mode);
        let (text, outcome) = match remove_block(&existing) {
            Some(without) if without == CREATED.as_bytes() => (
                format!("{CREATED}{}", block(exe, false)).into_bytes(),
                HookInstalled::Updated {
                    path: path.clone(),
                    executable,
                },
            ),
            Some(without) => (
                insert_block(&without, exe),
                HookInstalled::Updated {
                    path: path.clone(),
                    executable,
                },
            ),
            None => (
                insert_block(&existing, exe),
                HookInstalled::Added {
                    path: path.clone(),
                    executable,
                },
            ),
        };
        replace(&path, &text, Some(mode)).map_err(io)?;
        Ok(outcome)
    }

    /// Takes covgit's block out of the pre-push hook, deleting the file if covgit made it.
    pub fn uninstall_pre_push(&self) -> Result<HookRemoved, GitError> {
        let path = self.hooks_dir()?.join("pre-push");
        self.refuse_linked_hooks_dir(&path)?;
        let io = |source| GitError::Hook {
            path: path.clone(),
            source,
        };
        let Some((existing, mode)) = read_hook(&path)? else {
            return Ok(HookRemoved::NotInstalled(path));
        };
        let Some(without) = remove_block(&existing) else {
            return Ok(HookRemoved::NotInstalled(path));
        };
        if without == CREATED.as_bytes() {
            std::fs::remove_file(&path).map_err(io)?;
            return Ok(HookRemoved::Deleted(path));
        }
        replace(&path, &without, Some(mode)).map_err(io)?;
        Ok(HookRemoved::Removed(path))
    }
}

impl Repo {
    /// Refuses a hook folder reached through a symlink in the work tree. What git's own
    /// config says is trusted (an absolute `core.hooksPath`, or one that climbs out with
    /// `..`: the user wrote it), and so is git's dir; the work tree is not: a tracked
    /// `.githooks -> ../elsewhere` would have covgit create and edit files outside the
    /// repository. So every folder of `hook`'s path that lies in the work tree (and not in
    /// git's dir) must be a real folder, checked before anything is created, and a folder
    /// meant to be in the work tree must still be there once resolved.
    fn refuse_linked_hooks_dir(&self, hook: &Path) -> Result<(), GitError> {
        let Some(workdir) = self.workdir() else {
            return Ok(());
        };
        let dir = hook.parent().unwrap_or(hook);
        let git_dirs = [self.inner.git_dir().to_owned(), self.common_dir()];
        let trusted = |p: &Path| git_dirs.iter().any(|g| p.starts_with(g));
        if trusted(dir) || !dir.starts_with(&workdir) {
            return Ok(());
        }
        let mut prefix = workdir.clone();
        for part in dir.strip_prefix(&workdir).unwrap_or(dir).components() {
            prefix.push(part);
            // Out of the work tree through a `..` of the config's: the user's own folders.
            if trusted(&prefix) || !normalize(&prefix).starts_with(&workdir) {
                break;
            }
            match std::fs::symlink_metadata(&prefix) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(GitError::HookSymlink {
                        target: std::fs::read_link(&prefix).unwrap_or_default(),
                        path: prefix,
                    });
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
                Err(source) => {
                    return Err(GitError::Hook {
                        path: prefix,
                        source,
                    });
                }
            }
        }
        // No link on the way, so `..` means what it says: where the folder lands lexically.
        let lexical = normalize(dir);
        if !lexical.starts_with(&workdir) || trusted(&lexical) {
            return Ok(());
        }
        let inside = |real: &Path| {
            std::iter::once(&workdir)
                .chain(&git_dirs)
                .filter_map(|d| d.canonicalize().ok())
                .any(|d| real.starts_with(d))
        };
        if let Some(real) = canonical_existing(&lexical)
            && !inside(&real)
        {
            return Err(GitError::HookSymlink {
                path: dir.to_owned(),
                target: real,
            });
        }
        Ok(())
    }
}

/// `path` with `.` and `..` taken away without asking the file system.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The real path of `path`'s deepest existing ancestor (itself included), with the parts
/// that do not exist yet appended.
fn canonical_existing(path: &Path) -> Option<PathBuf> {
    let mut missing = Vec::new();
    let mut at = path;
    loop {
        if let Ok(real) = at.canonicalize() {
            return Some(missing.iter().rev().fold(real, |p, m| p.join(m)));
        }
        missing.push(at.file_name()?.to_owned());
        at = at.parent()?;
    }
}

/// The hook's bytes and mode, `None` when there is no hook. A symlink is refused, dangling
/// or not, without reading what it points to.
fn read_hook(path: &Path) -> Result<Option<(Vec<u8>, u32)>, GitError> {
    let io = |source| GitError::Hook {
        path: path.to_owned(),
        source,
    };
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(GitError::HookSymlink {
            path: path.to_owned(),
            target: std::fs::read_link(path).unwrap_or_default(),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    Ok(Some((bytes, mode_of(&meta))))
}

/// Writes `bytes` to a new file beside `path` and renames it over `path`: the hook is either
/// the old one or the new one, never a mix, and the rename replaces a link put there since it
/// was read instead of writing through it. `mode` is the old hook's; a new hook is 0755.
fn replace(path: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "pre-push".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.covgit-{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        set_mode(&tmp, mode.unwrap_or(0o755))?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// covgit's lines. They run `covgit` from `PATH` first, then `exe` (the binary that
/// installed them, quoted for the shell), so an upgrade elsewhere or a cleaned build folder
/// does not break the hook; when neither exists they print one line saying the check was
/// skipped and let the push go. covgit reads the pushed refs on stdin; they are kept in a
/// temporary file and handed back to the rest of the hook afterwards. git's arguments
/// follow `--`, so a remote named like an option stays an argument. Only a failed gate
/// (exit 1) stops the push; an error lets it go on. Every command whose failure is
/// expected is guarded with `||`, so a hook that runs under `sh -e` (`#!/bin/sh -e`, or
/// `set -e` before the block) neither stops at a missing covgit nor at its error exit,
/// and the user's own lines after the block still run. Only an absolute path from `PATH`
/// is taken: an empty `PATH` entry or `.` makes `command -v` answer a relative `covgit`,
/// which would run a file committed in the repository being pushed.
fn block(exe: &str, joined: bool) -> String {
    let end = if joined { END_JOINED } else { END };
    format!(
        "{BEGIN}\
# Added by `covgit hook install`; `covgit hook uninstall` removes these lines.
covgit_bin=$(command -v covgit 2>/dev/null) || covgit_bin=
case $covgit_bin in /*) ;; *) covgit_bin= ;; esac
[ -x \"$covgit_bin\" ] || covgit_bin={exe}
if [ -x \"$covgit_bin\" ]; then
  covgit_refs=$(mktemp) && cat >\"$covgit_refs\" && {{
    covgit_status=0
    \"$covgit_bin\" hook pre-push -- \"$@\" <\"$covgit_refs\" || covgit_status=$?
    exec <\"$covgit_refs\"
    rm -f \"$covgit_refs\"
    [ \"$covgit_status\" -ne 1 ] || exit 1
  }}
else
  printf 'covgit: coverage not checked: covgit is not on PATH and '\\''%s'\\'' does not exist; install covgit, or run `covgit hook install` again\\n' {exe} >&2
fi
{end}"
    )
}

/// The hook with covgit's block after its `#!` line (at the top when it has none).
fn insert_block(hook: &[u8], exe: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(hook.len() + 512);
    if hook.starts_with(b"#!") {
        match hook.iter().position(|&b| b == b'\n') {
            Some(nl) => {
                out.extend_from_slice(&hook[..=nl]);
                out.extend_from_slice(block(exe, false).as_bytes());
                out.extend_from_slice(&hook[nl + 1..]);
            }
            None => {
                out.extend_from_slice(hook);
                out.push(b'\n');
                out.extend_from_slice(block(exe, true).as_bytes());
            }
        }
    } else {
        out.extend_from_slice(block(exe, false).as_bytes());
        out.extend_from_slice(hook);
    }
    out
}

/// The hook without covgit's block, or `None` when it has none.
fn remove_block(hook: &[u8]) -> Option<Vec<u8>> {
    let start = find(hook, BEGIN.as_bytes())?;
    // A marker counts only at the start of a line.
    if start > 0 && hook[start - 1] != b'\n' {
        return None;
    }
    let rest = &hook[start..];
    let (end, joined) = match (
        find(rest, END.as_bytes()),
        find(rest, END_JOINED.as_bytes()),
    ) {
        (Some(e), _) => (start + e + END.len(), false),
        (None, Some(e)) => (start + e + END_JOINED.len(), true),
        (None, None) => return None,
    };
    let cut = if joined && start > 0 {
        start - 1
    } else {
        start
    };
    let mut out = hook[..cut].to_vec();
    out.extend_from_slice(&hook[end..]);
    Some(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The interpreter of a `#!` line that is not a POSIX-style shell (`python3`, `node`, ...).
fn foreign_interpreter(hook: &[u8]) -> Option<String> {
    let first = hook.split(|&b| b == b'\n').next()?;
    let line = String::from_utf8_lossy(first.strip_prefix(b"#!")?).into_owned();
    let mut words = line.split_whitespace();
    let program = words.next()?;
    let base = Path::new(program)
        .file_name()?
        .to_string_lossy()
        .into_owned();
    let name = if base == "env" {
        words.find(|w| !w.starts_with('-'))?.to_owned()
    } else {
        base
    };
    (!SHELLS.contains(&name.as_str())).then_some(name)
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(_: &std::fs::Metadata) -> u32 {
    0o755
}

/// Whether git would run a hook with this mode (it needs the owner's execute bit).
fn is_executable(mode: u32) -> bool {
    mode & 0o100 != 0
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CMD: &str = "'/opt/covgit'";

    #[test]
    fn insert_then_remove_gives_back_every_byte() {
        for hook in [
            &b"#!/bin/sh\necho hi\nexit 0\n"[..],
            b"#!/usr/bin/env bash\r\nset -e\r\n",
            b"#!/bin/sh",
            b"#!/bin/sh\n",
            b"echo no shebang\n",
            b"",
            b"#!/bin/zsh\n# >>> covgit pre-push hook >>> in a comment of the user's\n",
        ] {
            let with = insert_block(hook, CMD);
            assert_ne!(with, hook);
            assert!(find(&with, CMD.as_bytes()).is_some());
            assert_eq!(remove_block(&with).as_deref(), Some(hook), "{hook:?}");
        }
    }

    #[test]
    fn the_block_goes_after_the_shebang_so_a_final_exit_cannot_skip_it() {
        let with = insert_block(b"#!/bin/sh\necho old\nexit 0\n", CMD);
        let text = String::from_utf8(with).unwrap();
        assert!(text.starts_with("#!/bin/sh\n# >>> covgit pre-push hook >>>\n"));
        assert!(text.ends_with("# <<< covgit pre-push hook <<<\necho old\nexit 0\n"));
    }

    #[test]
    fn a_hook_without_the_block_has_nothing_to_remove() {
        assert_eq!(remove_block(b"#!/bin/sh\necho hi\n"), None);
        // A begin marker without its end is not covgit's block.
        assert_eq!(remove_block(BEGIN.as_bytes()), None);
    }

    #[test]
    fn only_shell_hooks_are_edited() {
        assert_eq!(foreign_interpreter(b"#!/bin/sh\n"), None);
        assert_eq!(foreign_interpreter(b"#!/usr/bin/env bash\n"), None);
        assert_eq!(foreign_interpreter(b"#!/bin/bash -e\n"), None);
        assert_eq!(foreign_interpreter(b"echo no shebang\n"), None);
        assert_eq!(
            foreign_interpreter(b"#!/usr/bin/env python3\nprint()\n").as_deref(),
            Some("python3")
        );
        assert_eq!(
            foreign_interpreter(b"#!/usr/bin/node\n").as_deref(),
            Some("node")
        );
    }

    #[test]
    fn the_block_is_valid_shell() {
        let script = format!("{CREATED}{}", block("true", false));
        let out = std::process::Command::new("sh")
            .arg("-n")
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[cfg(test)]
mod repo_tests {
    use super::*;
    use crate::git::fixture::{build, git};

    #[test]
    fn hooks_go_where_git_runs_them() {
        let dir = build("git init -q -b main .", &[]);
        let repo = Repo::discover(dir.path()).unwrap();
        assert_eq!(
            repo.hooks_dir().unwrap().canonicalize().unwrap(),
            dir.path().join(".git/hooks").canonicalize().unwrap()
        );
        git(dir.path(), &["config", "core.hooksPath", ".githooks"]);
        let repo = Repo::discover(dir.path()).unwrap();
        assert_eq!(
            repo.hooks_dir().unwrap(),
            repo.workdir().unwrap().join(".githooks")
        );
        // Created where git looks, executable, and deleted whole on uninstall.
        let made = repo.install_pre_push("true").unwrap();
        let path = repo.workdir().unwrap().join(".githooks/pre-push");
        assert_eq!(made, HookInstalled::Created(path.clone()));
        assert_eq!(
            repo.install_pre_push("true").unwrap(),
            HookInstalled::Updated {
                path: path.clone(),
                executable: true
            }
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o111,
                0o111
            );
        }
        assert_eq!(
            repo.uninstall_pre_push().unwrap(),
            HookRemoved::Deleted(path.clone())
        );
        assert!(!path.exists());
        assert_eq!(
            repo.uninstall_pre_push().unwrap(),
            HookRemoved::NotInstalled(path.clone())
        );
        std::fs::write(&path, "#!/usr/bin/env python3\n").unwrap();
        assert!(matches!(
            repo.install_pre_push("true"),
            Err(GitError::ForeignHook { .. })
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"#!/usr/bin/env python3\n");
    }
}

#[cfg(all(test, unix))]
mod unix_tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::git::fixture::{build, git};

    fn repo_with_hooks_path() -> (tempfile::TempDir, Repo, PathBuf) {
        let dir = build("git init -q -b main repo", &[]);
        git(
            &dir.path().join("repo"),
            &["config", "core.hooksPath", ".githooks"],
        );
        let repo = Repo::discover(&dir.path().join("repo")).unwrap();
        let hook = repo.workdir().unwrap().join(".githooks/pre-push");
        std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
        (dir, repo, hook)
    }

    #[test]
    fn a_hook_that_is_a_symlink_is_refused_and_its_target_left_alone() {
        let (dir, repo, hook) = repo_with_hooks_path();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "#!/bin/sh\necho mine\n").unwrap();
        std::os::unix::fs::symlink("../../victim", &hook).unwrap();
        for result in [
            repo.install_pre_push(CMD).map(|_| ()),
            repo.uninstall_pre_push().map(|_| ()),
        ] {
            match result {
                Err(e @ GitError::HookSymlink { .. }) => {
                    let text = e.to_string();
                    assert!(text.contains("is a symlink to '../../victim'"), "{text}");
                }
                other => panic!("expected HookSymlink, got {other:?}"),
            }
        }
        assert_eq!(std::fs::read(&victim).unwrap(), b"#!/bin/sh\necho mine\n");

        // A dangling link creates nothing where it points.
        std::fs::remove_file(&hook).unwrap();
        std::os::unix::fs::symlink("../../nowhere", &hook).unwrap();
        assert!(matches!(
            repo.install_pre_push(CMD),
            Err(GitError::HookSymlink { .. })
        ));
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn a_rewritten_hook_keeps_its_mode_and_leaves_no_temporary_file() {
        let (_dir, repo, hook) = repo_with_hooks_path();
        std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o750)).unwrap();
        let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
        let before = inode(&hook);
        assert_eq!(
            repo.install_pre_push(CMD).unwrap(),
            HookInstalled::Added {
                path: hook.clone(),
                executable: true
            }
        );
        // Replaced by rename, not rewritten in place.
        assert_ne!(inode(&hook), before);
        assert_eq!(
            std::fs::metadata(&hook).unwrap().permissions().mode() & 0o7777,
            0o750
        );
        repo.uninstall_pre_push().unwrap();
        assert_eq!(std::fs::read(&hook).unwrap(), b"#!/bin/sh\nexit 0\n");
        assert_eq!(
            std::fs::metadata(&hook).unwrap().permissions().mode() & 0o7777,
            0o750
        );
        let names: Vec<_> = std::fs::read_dir(hook.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["pre-push"]);
    }

    #[test]
    fn a_hook_git_does_not_run_is_said_to_be_not_executable() {
        let (_dir, repo, hook) = repo_with_hooks_path();
        std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            repo.install_pre_push(CMD).unwrap(),
            HookInstalled::Added {
                path: hook.clone(),
                executable: false
            }
        );
        // covgit does not decide for the user: the mode stays as it was.
        assert_eq!(
            std::fs::metadata(&hook).unwrap().permissions().mode() & 0o7777,
            0o644
        );
    }

    /// A repository whose `core.hooksPath` is `hooks_path`, with the links `links`
    /// (path in the work tree, target) and an empty `victim` folder beside it.
    fn linked(hooks_path: &str, links: &[(&str, &str)]) -> (tempfile::TempDir, Repo) {
        let dir = build("git init -q -b main repo && mkdir victim", &[]);
        let work = dir.path().join("repo");
        git(&work, &["config", "core.hooksPath", hooks_path]);
        for (link, target) in links {
            let at = work.join(link);
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(target, at).unwrap();
        }
        let repo = Repo::discover(&work).unwrap();
        (dir, repo)
    }

    #[test]
    fn a_hook_folder_reached_through_a_link_in_the_work_tree_is_refused() {
        for (hooks_path, link, target) in [
            (".githooks", ".githooks", "../victim"),
            ("cfg/hooks", "cfg", "../victim"),
            ("cfg/hooks", "cfg/hooks", "../../victim"),
        ] {
            let (dir, repo) = linked(hooks_path, &[(link, target)]);
            let victim = dir.path().join("victim");
            for result in [
                repo.install_pre_push(CMD).map(|_| ()),
                repo.uninstall_pre_push().map(|_| ()),
            ] {
                match result {
                    Err(e @ GitError::HookSymlink { .. }) => {
                        let text = e.to_string();
                        let named = dir.path().join("repo").join(link);
                        assert!(
                            text.contains(&format!(
                                "'{}' is a symlink to '{target}'",
                                named.display()
                            )),
                            "{text}"
                        );
                    }
                    other => panic!("{hooks_path}: expected HookSymlink, got {other:?}"),
                }
            }
            let left: Vec<_> = std::fs::read_dir(&victim).unwrap().collect();
            assert!(left.is_empty(), "{hooks_path}: {left:?}");
        }
    }

    #[test]
    fn hook_folders_that_git_config_names_are_trusted() {
        // An absolute core.hooksPath the user set, reached through their own link.
        let (dir, _) = linked(".githooks", &[]);
        let shared = dir.path().join("shared");
        std::os::unix::fs::symlink(dir.path().join("victim"), &shared).unwrap();
        let work = dir.path().join("repo");
        git(
            &work,
            &["config", "core.hooksPath", shared.to_str().unwrap()],
        );
        let repo = Repo::discover(&work).unwrap();
        assert!(matches!(
            repo.install_pre_push(CMD),
            Ok(HookInstalled::Created(_))
        ));
        assert!(dir.path().join("victim/pre-push").is_file());
        // One that climbs out of the work tree with `..`.
        git(&work, &["config", "core.hooksPath", "../beside"]);
        let repo = Repo::discover(&work).unwrap();
        assert!(matches!(
            repo.install_pre_push(CMD),
            Ok(HookInstalled::Created(_))
        ));
        assert!(dir.path().join("beside/pre-push").is_file());
        // git's own hooks folder, even when the user made it a link.
        git(&work, &["config", "--unset", "core.hooksPath"]);
        let hooks = work.join(".git/hooks");
        std::fs::remove_dir_all(&hooks).unwrap();
        std::fs::create_dir(dir.path().join("mine")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("mine"), &hooks).unwrap();
        let repo = Repo::discover(&work).unwrap();
        assert!(matches!(
            repo.install_pre_push(CMD),
            Ok(HookInstalled::Created(_))
        ));
        assert!(dir.path().join("mine/pre-push").is_file());
    }

    const CMD: &str = "'/opt/covgit'";
}
