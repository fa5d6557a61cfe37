//! The store as the read-only use-cases open it, and what makes a commit's coverage usable
//! as a base (SPEC "Parent selection"): with no database yet, the error points at
//! `covgit pull` where a remote shares coverage not pulled here.

use std::time::Duration;

use tracing::warn;

use crate::git::Repo;
use crate::model::{CiStatus, CommitId, Flag, SkipReason, missing_flags};
use crate::store::Store;

use super::carry::Inherit;
use super::{Error, Workspace};

/// The remote that shares coverage not pulled here yet, for hints that would otherwise say
/// `covgit record` in a clone where nothing is recorded (issue 12.16): `origin` when it lists
/// `refs/covgit/data` at a commit other than the one last pulled. `None` when there is no
/// such remote, everything it shares is pulled, or it cannot be asked quickly.
pub(super) fn unpulled_remote(ws: &Workspace) -> Option<String> {
    const REMOTE: &str = "origin";
    (ws.repo.has_remote(REMOTE) && unpulled_coverage(ws, REMOTE)).then(|| REMOTE.to_owned())
}

/// How long a hint may wait for a remote to list its refs.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether `remote` holds shared coverage (`refs/covgit/data`) that was never pulled here,
/// or changed since the last pull. A remote that cannot be reached, or not without asking
/// for credentials, or not within a few seconds, counts as no.
pub(super) fn unpulled_coverage(ws: &Workspace, remote: &str) -> bool {
    let Some(tip) = ws.repo.probe_remote_data(remote, PROBE_TIMEOUT) else {
        return false;
    };
    let pulled = ws
        .repo
        .local_ref(&Repo::tracking_ref(remote))
        .ok()
        .flatten();
    pulled.as_ref() != Some(&tip)
}

/// The store to read; with no database yet, an error that says `covgit pull` where a remote
/// shares coverage, and `covgit record` otherwise.
pub(super) fn store_for_read(ws: &Workspace) -> Result<Store, Error> {
    match ws.store_for_read() {
        Err(Error::NoDatabase { path }) => Err(match unpulled_remote(ws) {
            Some(remote) => Error::NotPulled { path, remote },
            None => Error::NoDatabase { path },
        }),
        other => other,
    }
}

/// Why `c` cannot stand as a base (no report with `flag`, CI failed, an `expected` flag
/// without an upload, CI pending); `None` when it can. A record that cannot be read counts as
/// no report, with a warning. Completeness is judged only when every upload is merged
/// (`flag` is `None`): one flag's coverage needs only that flag. A flag `c` can carry
/// (`inherit`, SPEC "Completeness") counts as one it has: an expected flag it inherits, and,
/// with `flag` a carryforward flag, that flag's coverage in a recorded commit without it.
pub(super) fn usability(
    store: &Store,
    c: &CommitId,
    flag: Option<&Flag>,
    expected: &[Flag],
    inherit: &Inherit<'_>,
) -> Option<SkipReason> {
    let info = match store.commit_info(c) {
        Ok(Some(info)) => info,
        Ok(None) => return Some(SkipReason::NoReport),
        Err(e) => {
            warn!("cannot read the record of {}: {e}", c.short());
            return Some(SkipReason::NoReport);
        }
    };
    let uploads: Vec<_> = info.uploads.iter().filter(|u| u.merged_for(flag)).collect();
    if uploads.is_empty() {
        // Only the carried upload is compared, and it passed by construction.
        return match flag {
            Some(f) if !info.uploads.is_empty() && inherit.can(store, c, f) => None,
            _ => Some(SkipReason::NoReport),
        };
    }
    let status = CiStatus::combine(uploads.iter().map(|u| u.ci_status));
    if status == Some(CiStatus::Failed) {
        return Some(SkipReason::CiFailed);
    }
    if flag.is_none()
        && missing_flags(expected, uploads.iter().filter_map(|u| u.flag.as_ref()))
            .iter()
            .any(|f| !inherit.can(store, c, f))
    {
        return Some(SkipReason::Incomplete);
    }
    match status {
        Some(CiStatus::Passed) => None,
        _ => Some(SkipReason::CiPending),
    }
}

/// The `expected` flags `c` has no upload of, sorted (SPEC "Flags"); none when every upload
/// is not merged (`flag` is `Some`) or `c` has no record (that is "no report", said elsewhere).
pub(super) fn missing_of(
    store: &Store,
    c: &CommitId,
    flag: Option<&Flag>,
    expected: &[Flag],
) -> Result<Vec<Flag>, Error> {
    if flag.is_some() || expected.is_empty() {
        return Ok(Vec::new());
    }
    let Some(info) = store.commit_info(c)? else {
        return Ok(Vec::new());
    };
    Ok(missing_flags(
        expected,
        info.uploads.iter().filter_map(|u| u.flag.as_ref()),
    ))
}
