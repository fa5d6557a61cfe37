//! The repository and the store a command works on.

use std::path::{Path, PathBuf};

use crate::git::Repo;
use crate::store::{Store, StoreError};

use super::Error;

/// The repository found from `-C DIR` (or the current folder) and the database path from
/// `--db` / `COVGIT_DB`, else `covgit/covgit.db` inside git's common dir.
pub struct Workspace {
    pub repo: Repo,
    pub db_path: PathBuf,
}

impl Workspace {
    pub fn open(dir: &Path, db: Option<PathBuf>) -> Result<Self, Error> {
        let repo = Repo::discover(dir)?;
        let db_path = db.unwrap_or_else(|| repo.common_dir().join("covgit").join("covgit.db"));
        Ok(Self { repo, db_path })
    }

    /// The repository's work tree root (where `.covgit.toml` lives), if it has one.
    pub fn root(&self) -> Option<PathBuf> {
        self.repo.workdir()
    }

    /// Opens the store for writing, creating its folder and file when missing.
    pub fn store_for_write(&self) -> Result<Store, Error> {
        if let Some(parent) = self.db_path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|source| Error::DbFolder {
                path: parent.to_owned(),
                source,
            })?;
        }
        Ok(Store::open(&self.db_path)?)
    }

    /// Opens the store for reading only (so a read-only store works); a missing database is
    /// an error that says to record first. An older schema is upgraded first when it can be.
    pub fn store_for_read(&self) -> Result<Store, Error> {
        self.must_exist()?;
        match Store::open_read_only(&self.db_path) {
            Err(outdated @ StoreError::Outdated { .. }) => match Store::open(&self.db_path) {
                Ok(upgraded) => Ok(upgraded),
                Err(StoreError::ReadOnly { .. }) => Err(outdated.into()),
                Err(e) => Err(e.into()),
            },
            other => Ok(other?),
        }
    }

    /// Opens an existing store to change what it holds (`mark`, `gc`); a missing database is
    /// an error that says to record first, a read-only one an error naming it.
    pub fn store_to_change(&self) -> Result<Store, Error> {
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
