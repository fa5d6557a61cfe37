//! SPEC `[paths] generated`: the files the recorded commit's own `.gitattributes` mark
//! `linguist-generated` are left out of its report, like `[paths] ignore`, unless
//! `generated = false`. Only resolved paths are asked about: an unresolved path is no file
//! of the commit, so no attribute of its tree applies to it.

use std::collections::BTreeSet;

use crate::config::Config;
use crate::git::{GeneratedFiles, Repo};
use crate::model::{CommitId, Report};

use super::Error;

/// Leaves the generated files out of the reports of one commit, remembering which.
pub(crate) struct LeaveOutGenerated<'r> {
    /// `None` with `[paths] generated = false`.
    lookup: Option<GeneratedFiles<'r>>,
    left_out: BTreeSet<String>,
}

impl<'r> LeaveOutGenerated<'r> {
    /// Reads `commit`'s attribute files (not at all when the config keeps generated code).
    pub(crate) fn new(repo: &'r Repo, config: &Config, commit: &CommitId) -> Result<Self, Error> {
        let lookup = if config.paths.generated {
            Some(repo.generated_files(commit)?)
        } else {
            None
        };
        Ok(Self {
            lookup,
            left_out: BTreeSet::new(),
        })
    }

    /// Removes the generated files from `report`.
    pub(crate) fn apply(&mut self, report: &mut Report) -> Result<(), Error> {
        let Some(lookup) = &mut self.lookup else {
            return Ok(());
        };
        let mut generated = Vec::new();
        for path in report.files.keys() {
            if !report.unresolved.contains(path) && lookup.is_generated(path)? {
                generated.push(path.clone());
            }
        }
        for path in generated {
            report.files.remove(&path);
            self.left_out.insert(path);
        }
        Ok(())
    }

    /// How many distinct files were left out, over every report given to [`Self::apply`].
    pub(crate) fn count(&self) -> usize {
        self.left_out.len()
    }
}
