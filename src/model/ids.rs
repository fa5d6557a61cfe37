//! Commit ids, upload flags and CI status.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a string is not a valid id, flag or status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidId {
    /// Not a full 40-digit hexadecimal commit id (the string given).
    #[error("'{0}' is not a full 40-digit hexadecimal commit id")]
    Commit(String),
    /// Not a valid flag name (the string given).
    #[error("flag '{0}' must be 1 to 100 characters of letters, digits, '-', '_', '.' or '/'")]
    Flag(String),
    /// Not one of `passed`, `failed`, `pending` (the string given).
    #[error("CI status '{0}' is not one of passed, failed, pending")]
    CiStatus(String),
}

/// A full commit SHA-1, 40 lowercase hex digits. Our own newtype so that no stage but `git`
/// needs gix.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommitId(String);

impl CommitId {
    /// Validates and lowercases `hex`.
    pub fn new(hex: &str) -> Result<Self, InvalidId> {
        if hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Self(hex.to_ascii_lowercase()))
        } else {
            Err(InvalidId::Commit(hex.to_owned()))
        }
    }

    /// The 40 lowercase hexadecimal digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 7 digits, as git abbreviates in messages.
    pub fn short(&self) -> &str {
        &self.0[..7]
    }
}

impl fmt::Display for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CommitId {
    type Error = InvalidId;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<CommitId> for String {
    fn from(c: CommitId) -> Self {
        c.0
    }
}

impl FromStr for CommitId {
    type Err = InvalidId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// The name of an upload (`--flag unit`). An upload without a flag has `Option<Flag>::None`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Flag(String);

impl Flag {
    /// The flag `name`, when it is 1 to 100 characters of ASCII letters, digits, `-`, `_`, `.` or `/`.
    pub fn new(name: &str) -> Result<Self, InvalidId> {
        let ok = !name.is_empty()
            && name.len() <= 100
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
        if ok {
            Ok(Self(name.to_owned()))
        } else {
            Err(InvalidId::Flag(name.to_owned()))
        }
    }

    /// The flag's name as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Flag {
    type Error = InvalidId;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<Flag> for String {
    fn from(f: Flag) -> Self {
        f.0
    }
}

impl FromStr for Flag {
    type Err = InvalidId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// The CI status of an upload or a commit (SPEC "Words").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CiStatus {
    /// The CI run passed: the commit's coverage may serve as a base.
    Passed,
    /// The CI run failed: never used as a base.
    Failed,
    /// The CI run has not finished: not used as a base until it is marked passed.
    Pending,
}

impl CiStatus {
    /// The SPEC's spelling: `passed`, `failed`, `pending`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Pending => "pending",
        }
    }

    /// The status of a commit from the statuses of its uploads: failed if any failed, else
    /// pending if any is pending, else passed. `None` when there is no upload.
    pub fn combine(statuses: impl IntoIterator<Item = CiStatus>) -> Option<CiStatus> {
        statuses.into_iter().fold(None, |acc, s| {
            Some(match (acc, s) {
                (Some(Self::Failed), _) | (_, Self::Failed) => Self::Failed,
                (Some(Self::Pending), _) | (_, Self::Pending) => Self::Pending,
                _ => Self::Passed,
            })
        })
    }
}

impl fmt::Display for CiStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CiStatus {
    type Err = InvalidId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "passed" => Ok(Self::Passed),
            "failed" => Ok(Self::Failed),
            "pending" => Ok(Self::Pending),
            other => Err(InvalidId::CiStatus(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_ids_are_full_lowercase_hex() {
        let c = CommitId::new(&"AB".repeat(20)).unwrap();
        assert_eq!(c.as_str(), "ab".repeat(20));
        assert_eq!(c.short(), "abababa");
        assert!(CommitId::new("abc").is_err());
        assert!(CommitId::new(&"g".repeat(40)).is_err());
    }

    #[test]
    fn flags_reject_empty_and_odd_characters() {
        assert!(Flag::new("unit").is_ok());
        assert!(Flag::new("py3.11/linux").is_ok());
        assert!(Flag::new("").is_err());
        assert!(Flag::new("a b").is_err());
    }

    #[test]
    fn ci_status_combines_failed_over_pending_over_passed() {
        use CiStatus::{Failed, Passed, Pending};
        assert_eq!(CiStatus::combine([]), None);
        assert_eq!(CiStatus::combine([Passed, Passed]), Some(Passed));
        assert_eq!(CiStatus::combine([Passed, Pending]), Some(Pending));
        assert_eq!(CiStatus::combine([Pending, Failed, Passed]), Some(Failed));
        assert_eq!("pending".parse::<CiStatus>(), Ok(Pending));
        assert!("ok".parse::<CiStatus>().is_err());
    }
}
