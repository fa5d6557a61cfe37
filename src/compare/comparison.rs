//! The result of a comparison as plain data, shaped after the `covgit/compare/2` JSON.

use super::components::ComponentFigures;
use crate::model::{CommitId, Flag, LineNo, LineState, RelocationKind, Totals};
use crate::select::BaseChoice;

/// The eight line kinds of SPEC "The comparison".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LineKind {
    /// Same line in both, state rose (miss→partial, miss→hit, partial→hit).
    Gained,
    /// Same line in both, state fell.
    Lost,
    /// Same line in both, untracked in base, tracked in head.
    NowTracked,
    /// Same line in both, tracked in base, untracked in head.
    NoLongerTracked,
    /// A line the diff adds, tracked in head (patch coverage counts these).
    Added,
    /// A line the diff removes, tracked in base.
    Removed,
    /// A line of a moved block, same state on both sides.
    Moved,
    /// A line of a reformatted run, same state on both sides.
    Reformatted,
}

impl LineKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [LineKind; 8] = [
        Self::Gained,
        Self::Lost,
        Self::NowTracked,
        Self::NoLongerTracked,
        Self::Added,
        Self::Removed,
        Self::Moved,
        Self::Reformatted,
    ];

    /// The SPEC's spelling (`now_tracked`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gained => "gained",
            Self::Lost => "lost",
            Self::NowTracked => "now_tracked",
            Self::NoLongerTracked => "no_longer_tracked",
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Moved => "moved",
            Self::Reformatted => "reformatted",
        }
    }

    /// Kinds that exist on both sides (have a `base_start`).
    pub fn on_both_sides(self) -> bool {
        matches!(
            self,
            Self::Gained
                | Self::Lost
                | Self::NowTracked
                | Self::NoLongerTracked
                | Self::Moved
                | Self::Reformatted
        )
    }
}

/// A run of consecutive lines with the same path, kind, from and to. `start`/`end` are head
/// numbers (base numbers for `Removed`, whose `path` is the base path); `base_start` is the
/// base number of `start` for kinds on both sides (consecutive on both sides), else `None`
/// (also for the continuation lines of a reformatted run, listed as `NowTracked`);
/// `base_path` is the base path of the run when it differs from `path` (a rename, or a block
/// moved from another file), else `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRun {
    /// The head path (the base path for `Removed`).
    pub path: String,
    /// What happened to these lines.
    pub kind: LineKind,
    /// The base state; `None` where the base does not track the lines.
    pub from: Option<LineState>,
    /// The head state; `None` where the head does not track the lines.
    pub to: Option<LineState>,
    /// The first line of the run (1-based; see above for which side).
    pub start: LineNo,
    /// The last line of the run, inclusive.
    pub end: LineNo,
    /// The base line of `start`, for kinds on both sides.
    pub base_start: Option<LineNo>,
    /// The base path, when it differs from `path`.
    pub base_path: Option<String>,
}

/// How git changed a file between base and head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileStatus {
    /// Only in head.
    Added,
    /// Only in base.
    Deleted,
    /// Moved to another path (its content may have changed too).
    Renamed,
    /// Same path, different content.
    Modified,
    /// Not in the diff: same path and content on both sides.
    Unchanged,
}

impl FileStatus {
    /// The JSON spelling: `added`, `deleted`, `renamed`, `modified`, `unchanged`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Deleted => "deleted",
            Self::Renamed => "renamed",
            Self::Modified => "modified",
            Self::Unchanged => "unchanged",
        }
    }
}

/// Counts of the `added` lines (patch coverage).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PatchTotals {
    /// Added lines tracked in head.
    pub lines: u64,
    /// Of those, lines whose state is `hit`.
    pub hit: u64,
    /// Of those, lines whose state is `partial`.
    pub partial: u64,
    /// Of those, lines whose state is `miss`.
    pub miss: u64,
}

impl PatchTotals {
    /// `(hit + partial) / lines × 100`; `None` when no added line is tracked.
    pub fn coverage(&self) -> Option<f64> {
        (self.lines > 0).then(|| (self.hit + self.partial) as f64 / self.lines as f64 * 100.0)
    }

    /// Counts one added line of state `s`.
    pub fn count(&mut self, s: LineState) {
        self.lines += 1;
        match s {
            LineState::Hit => self.hit += 1,
            LineState::Partial => self.partial += 1,
            LineState::Miss => self.miss += 1,
        }
    }

    /// Adds `o`'s counts to these (two disjoint sets of added lines).
    pub fn add(&mut self, o: &PatchTotals) {
        self.lines += o.lines;
        self.hit += o.hit;
        self.partial += o.partial;
        self.miss += o.miss;
    }
}

/// One file of either report. `path` is the head path (the base path when deleted).
#[derive(Debug, Clone, PartialEq)]
pub struct FileComparison {
    /// The head path (the base path when deleted).
    pub path: String,
    /// The base path when it differs (a rename), else `None`.
    pub base_path: Option<String>,
    /// How git changed the file.
    pub change: FileStatus,
    /// The file's totals in the base report; `None` when the base report does not list it.
    pub base: Option<Totals>,
    /// The file's totals in the head report; `None` when the head report does not list it.
    pub head: Option<Totals>,
    /// Counts of the file's added lines.
    pub patch: PatchTotals,
    /// Content unchanged but some lines gained, lost, now or no longer tracked.
    pub indirect: bool,
}

/// The comparison of two reports through a diff.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparison {
    /// Totals of the base report compared (the approximate one when offsets applied).
    pub base: Totals,
    /// Totals of the head report.
    pub head: Totals,
    /// Counts of every added line.
    pub patch: PatchTotals,
    /// Every file of either report, sorted by path.
    pub files: Vec<FileComparison>,
    /// Every run of changed lines, sorted by path, then line.
    pub lines: Vec<LineRun>,
    /// Every moved block and reformatted run recognised, for one summary line each; sorted by
    /// head path, then head line.
    pub relocated: Vec<RelocatedBlock>,
    /// Each configured component's figures (SPEC "Flags"), in the config's order; set by the
    /// caller with [`super::components::figures`] once the comparison is final, empty when
    /// no component is configured.
    pub components: Vec<ComponentFigures>,
}

/// A moved block or reformatted run as readers see it: "48 lines moved from src/a.py:10-57,
/// coverage kept".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelocatedBlock {
    /// A block moved as it is, or a run reformatted.
    pub kind: RelocationKind,
    /// Head path and lines `start..=end`.
    pub path: String,
    /// The first head line.
    pub start: LineNo,
    /// The last head line, inclusive.
    pub end: LineNo,
    /// Base path and lines `base_start..=base_end` (the base path even when it equals `path`).
    pub base_path: String,
    /// The first base line.
    pub base_start: LineNo,
    /// The last base line, inclusive.
    pub base_end: LineNo,
    /// Head lines of the block tracked on either side.
    pub tracked: u64,
    /// Of those, the lines whose state fell (`lost`) or that are no longer tracked.
    pub worse: u64,
    /// Of those, the lines whose state rose (`gained`) or that are now tracked.
    pub better: u64,
}

impl Comparison {
    /// Head coverage minus base coverage, in points; `None` when either has no lines.
    pub fn delta(&self) -> Option<f64> {
        Some(self.head.coverage()? - self.base.coverage()?)
    }
}

/// Where the head's coverage came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadSource {
    /// From the store: the head commit's recorded uploads.
    Store,
    /// From a report file (`--head-report`, or the working tree's report).
    File,
}

/// What was compared with what: the base choice and the head, for renderers.
#[derive(Debug, Clone, PartialEq)]
pub struct Sides {
    /// The base requested, the one whose report was used, whether it is a pseudo-base and
    /// the commits passed over (SPEC "Parent selection").
    pub base: BaseChoice,
    /// The pseudo-base report was remapped.
    pub offsets: bool,
    /// `None` when the head is the working tree.
    pub head: Option<CommitId>,
    /// Where the head's coverage came from.
    pub head_source: HeadSource,
    /// For a working-tree head: which kinds of changes beyond HEAD it holds.
    pub worktree: Option<WorktreeChanges>,
    /// The uploads whose coverage each side's report merges (JSON `uploads`).
    pub uploads: SideUploads,
    /// The `[flags] expected` flags the head has no upload of, sorted (SPEC "Flags"); empty
    /// when the head is complete, or completeness does not apply (a head read from a file,
    /// one `--flag` only).
    pub missing_flags: Vec<Flag>,
}

/// The uploads merged into the base and the head report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SideUploads {
    /// The uploads merged into the base report.
    pub base: Vec<UploadRef>,
    /// The uploads merged into the head report.
    pub head: Vec<UploadRef>,
}

/// One upload a side's report merges: its flag (`None` for an upload recorded without
/// `--flag`), the commit it was recorded for, and whether it was carried forward from that
/// ancestor (SPEC "Flags").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRef {
    /// The upload's flag; `None` for an upload recorded without `--flag`.
    pub flag: Option<Flag>,
    /// The commit the upload was recorded for.
    pub commit: CommitId,
    /// Whether it was carried forward from that ancestor, for want of one of the side's own.
    pub carried: bool,
}

/// What a working-tree head holds beyond HEAD, in files per kind of change (a file both
/// staged and edited again counts in both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WorktreeChanges {
    /// Files with staged changes.
    pub staged: usize,
    /// Files with changes not staged.
    pub unstaged: usize,
    /// Untracked files that are not ignored.
    pub untracked: usize,
}
