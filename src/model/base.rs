//! Why parent selection passed over a commit (SPEC "Parent selection").

use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

use super::{CommitId, Flag};

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
    /// With `[flags] expected`: a flag expected has no upload yet (SPEC "Flags").
    Incomplete,
}

impl SkipReason {
    /// The SPEC's spelling: `no-report`, `ci-failed`, `ci-pending`, `incomplete`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoReport => "no-report",
            Self::CiFailed => "ci-failed",
            Self::CiPending => "ci-pending",
            Self::Incomplete => "incomplete",
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

/// The `expected` flags (SPEC "Flags") that a commit with uploads of `have` lacks, sorted by
/// name; empty when it is complete. `have` is every flag the commit has an upload of, its own
/// or carried (an upload without a flag satisfies none).
pub fn missing_flags<'a>(expected: &[Flag], have: impl IntoIterator<Item = &'a Flag>) -> Vec<Flag> {
    let have: BTreeSet<&Flag> = have.into_iter().collect();
    let missing: BTreeSet<&Flag> = expected.iter().filter(|f| !have.contains(f)).collect();
    missing.into_iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(names: &[&str]) -> Vec<Flag> {
        names.iter().map(|n| Flag::new(n).unwrap()).collect()
    }

    #[test]
    fn missing_flags_are_the_expected_ones_without_an_upload_sorted() {
        let expected = flags(&["unit", "integration", "e2e"]);
        assert_eq!(
            missing_flags(&expected, &flags(&["integration"])),
            flags(&["e2e", "unit"])
        );
        assert_eq!(
            missing_flags(&expected, &flags(&[])),
            flags(&["e2e", "integration", "unit"])
        );
        assert!(missing_flags(&expected, &flags(&["e2e", "unit", "integration", "x"])).is_empty());
        assert!(missing_flags(&[], &flags(&[])).is_empty());
    }
}
