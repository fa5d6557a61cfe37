//! `covgit gc`: forget recorded commits no ref reaches any more.

use tracing::instrument;

use crate::store::GcOutcome;

use super::{Error, Workspace};

/// Forgets the records of commits that no ref (branch, tag, remote-tracking ref, HEAD or
/// `refs/covgit/*`) reaches, then reclaims the space. `dry_run` only says what would go.
///
/// Refused in a shallow clone: commits past its boundary are not unreachable, only absent,
/// and their records must not be lost.
#[instrument(skip_all)]
pub fn gc(ws: &Workspace, dry_run: bool) -> Result<GcOutcome, Error> {
    if ws.repo.is_shallow() {
        return Err(Error::ShallowGc);
    }
    let reachable = ws.repo.reachable_commits()?;
    let mut store = ws.store_for_read()?;
    Ok(store.gc(|c| reachable.contains(c), dry_run)?)
}
