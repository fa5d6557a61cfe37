//! Why parent selection passed over a commit (SPEC "Parent selection").

use serde::{Deserialize, Serialize};

use super::CommitId;

/// The reason a commit was not usable as a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// No upload is recorded for the commit (for the flags asked).
    NoReport,
    /// The commit's CI status is `failed`.
    CiFailed,
    /// The commit's CI status is `pending`.
    CiPending,
}

impl SkipReason {
    /// The SPEC's spelling: `no-report`, `ci-failed`, `ci-pending`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoReport => "no-report",
            Self::CiFailed => "ci-failed",
            Self::CiPending => "ci-pending",
        }
    }
}

/// A commit passed over, with its reason, in walk order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The commit passed over.
    pub commit: CommitId,
    /// Why it was passed over.
    pub reason: SkipReason,
}
