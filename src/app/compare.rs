//! `covgit compare` and `covgit check`: the sides the command line names (or the working
//! tree), compared through [`super::comparing`], and for check judged against the gates.

use tracing::{instrument, warn};

use crate::config::Config;
use crate::model::{CiStatus, CommitId, Flag};
use crate::store::Store;

use super::comparing::{
    BaseRequest, CheckOptions, CheckOutcome, CompareOptions, CompareOutcome, HeadData,
    compare_with, judge,
};
use super::input::{Against, Check, read_checked};
use super::revisions::{Named, pick_sides};
use super::stores::store_for_read;
use super::worktree::compare_worktree;
use super::{Error, Workspace};

/// The comparison the command line asks for (SPEC "Choosing what to compare"): the head and
/// requested base it names, the head's coverage from the store or `--head-report`; with
/// `worktree`, the working tree against its base.
#[instrument(skip_all)]
pub fn compare(
    ws: &Workspace,
    config: &Config,
    opts: &CompareOptions,
) -> Result<CompareOutcome, Error> {
    if opts.worktree {
        return compare_worktree(ws, config, opts);
    }
    let repo = &ws.repo;
    let named = Named {
        target: opts.target.as_deref(),
        base: opts.base.as_deref(),
        head: opts.head.as_deref(),
        new_coverage: opts.head_report.is_some(),
    };
    let (head, requested, view) = pick_sides(repo, named)?;
    let store = store_for_read(ws)?;
    // Every read below sees one state of the store, whatever CI jobs record meanwhile.
    let _snapshot = store.read_snapshot()?;

    let head_data = match &opts.head_report {
        Some(path) => HeadData::File(read_checked(
            ws,
            repo,
            config,
            &head,
            (path, opts.input_format),
            Check {
                against: Against::Head,
                force: opts.force,
            },
        )?),
        None => {
            check_head(&store, config, &head, opts.flag.as_ref())?;
            HeadData::Store
        }
    };
    let mut outcome = compare_with(
        repo,
        &store,
        config,
        opts,
        (head, head_data),
        BaseRequest::Select { requested, view },
    )?;
    outcome.head_report.clone_from(&opts.head_report);
    Ok(outcome)
}

/// The head must have coverage; a failed CI run is compared all the same, with a warning.
/// A flag it may carry (`[flags] carryforward`) is looked for when the comparison is loaded.
fn check_head(
    store: &Store,
    config: &Config,
    head: &CommitId,
    flag: Option<&Flag>,
) -> Result<(), Error> {
    let carries = flag.is_some_and(|f| config.flags.carryforward.contains(f));
    let info = store
        .commit_info(head)?
        .filter(|i| carries || i.uploads.iter().any(|u| u.merged_for(flag)))
        .ok_or_else(|| Error::NoHeadReport {
            commit: head.clone(),
            flag: flag.cloned(),
        })?;
    if info.ci_status == CiStatus::Failed {
        warn!(
            "CI failed for head commit {}: its coverage may be partial",
            head.short()
        );
    }
    Ok(())
}

/// `compare`, then the gates: flags beat the config.
pub fn check(ws: &Workspace, config: &Config, opts: &CheckOptions) -> Result<CheckOutcome, Error> {
    let compared = compare(ws, config, &opts.compare)?;
    Ok(judge(config, opts, compared))
}
