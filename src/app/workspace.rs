//! The repository and the store a command works on.

use std::path::{Path, PathBuf};

use tracing::debug;

use crate::config::Config;
use crate::git::Repo;
use crate::store::{Store, StoreError};

use super::Error;

/// The config file's name, at the work tree root.
pub const CONFIG_FILE: &str = ".covgit.toml";

/// The most of `.covgit.toml` covgit reads; a real one is a few hundred bytes.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The repository found from `-C DIR` (or the current folder) and the database path from
/// `--db` / `COVGIT_DB`, else `covgit/covgit.db` inside git's common dir.
pub struct Workspace {
    pub(crate) repo: Repo,
    pub(crate) db_path: PathBuf,
}

impl Workspace {
    /// Finds the repository from `dir` (git's discovery, upwards) and takes `db` as the database path, else `covgit/covgit.db` inside git's common dir; opens nothing else.
    pub fn open(dir: &Path, db: Option<PathBuf>) -> Result<Self, Error> {
        let repo = Repo::discover(dir)?;
        let db_path = db.unwrap_or_else(|| repo.common_dir().join("covgit").join("covgit.db"));
        Ok(Self { repo, db_path })
    }

    /// The repository's work tree root (where `.covgit.toml` lives), if it has one.
    pub fn root(&self) -> Option<PathBuf> {
        self.repo.workdir()
    }

    /// Reads `.covgit.toml` from the work tree root, the defaults when there is none (or no
    /// work tree). SPEC "Hostile and careless input": only a regular file, or a symlink whose
    /// target is a regular file inside the work tree (not in git's own folder), is read, and at
    /// most `MAX_CONFIG_BYTES` (1 MiB) of it; anything else is refused without reading it.
    pub fn load_config(&self) -> Result<Config, Error> {
        let Some(root) = self.root() else {
            return Ok(Config::default());
        };
        let path = root.join(CONFIG_FILE);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => return Err(Error::ReadConfig { path, source }),
        };
        let target = if meta.file_type().is_symlink() {
            self.link_target_inside(&root, &path)?
        } else if meta.is_file() {
            path.clone()
        } else {
            return Err(Error::ConfigNotAFile { path });
        };
        let read = |source| Error::ReadConfig {
            path: path.clone(),
            source,
        };
        let file = std::fs::File::open(&target).map_err(read)?;
        if !file.metadata().map_err(read)?.is_file() {
            return Err(Error::ConfigNotAFile { path });
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, MAX_CONFIG_BYTES + 1),
            &mut bytes,
        )
        .map_err(read)?;
        if bytes.len() as u64 > MAX_CONFIG_BYTES {
            return Err(Error::ConfigTooLarge {
                path,
                limit: MAX_CONFIG_BYTES,
            });
        }
        let text =
            String::from_utf8(bytes).map_err(|_| Error::ConfigNotUtf8 { path: path.clone() })?;
        Ok(Config::parse(&text, &path.display().to_string())?)
    }

    /// Where the link `path` leads, when that is inside the work tree `root` and outside git's
    /// folder; otherwise the refusal naming the link and its target.
    fn link_target_inside(&self, root: &Path, path: &Path) -> Result<PathBuf, Error> {
        let points_to = std::fs::read_link(path).unwrap_or_default();
        let refuse = || Error::ConfigLink {
            link: path.to_owned(),
            target: points_to.clone(),
        };
        let target = std::fs::canonicalize(path).map_err(|_| refuse())?;
        let root = std::fs::canonicalize(root).map_err(|_| refuse())?;
        let git_dirs = [root.join(".git"), self.repo.common_dir()];
        let in_git = git_dirs
            .iter()
            .filter_map(|d| std::fs::canonicalize(d).ok())
            .any(|d| target.starts_with(d));
        if !target.starts_with(&root) || in_git {
            return Err(refuse());
        }
        Ok(target)
    }

    /// Opens the store for writing, creating its folder and file when missing.
    pub(crate) fn store_for_write(&self) -> Result<Store, Error> {
        if let Some(parent) = self.db_path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|cause| Error::DbFolder {
                path: parent.to_owned(),
                cause,
            })?;
        }
        Ok(Store::open(&self.db_path)?)
    }

    /// Opens the store for reading only (so a read-only store works); a missing database is
    /// an error that says to record first. An older schema is upgraded first when it can be;
    /// one that cannot be (a read-only mount) is read as it is when it is recent enough.
    pub(crate) fn store_for_read(&self) -> Result<Store, Error> {
        self.must_exist()?;
        let store = match Store::open_read_only(&self.db_path) {
            Err(outdated @ StoreError::Outdated { .. }) => {
                return match Store::open(&self.db_path) {
                    Ok(upgraded) => Ok(upgraded),
                    Err(StoreError::ReadOnly { .. }) => Err(outdated.into()),
                    Err(e) => Err(e.into()),
                };
            }
            other => other?,
        };
        if !store.is_outdated()? {
            return Ok(store);
        }
        match Store::open(&self.db_path) {
            Ok(upgraded) => Ok(upgraded),
            Err(StoreError::ReadOnly { .. }) => {
                debug!(
                    db = %self.db_path.display(),
                    "reading an older, read-only schema as it is: a commit's files count may include files with no tracked line"
                );
                Ok(store)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Opens an existing store to change what it holds (`mark`, `gc`); a missing database is
    /// an error that says to record first, a read-only one an error naming it.
    pub(crate) fn store_to_change(&self) -> Result<Store, Error> {
        self.must_exist()?;
        Ok(Store::open(&self.db_path)?)
    }

    fn must_exist(&self) -> Result<(), Error> {
        if self.db_path.exists() {
            Ok(())
        } else {
            Err(Error::NoDatabase {
                path: self.db_path.clone(),
            })
        }
    }
}
