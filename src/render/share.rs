//! What `push`, `pull` and `forget` did, as the one line each says on stderr. The
//! summaries are built by `app` and only read here (app → render, as for `ShowView`).

use std::fmt::Write as _;
use std::io::{self, Write};

use super::note;
use crate::model::{CommitId, Flag, count};

/// What `push` sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSummary {
    /// The remote as named.
    pub remote: String,
    /// Uploads the remote received.
    pub uploads: usize,
    /// Distinct commits among them.
    pub commits: usize,
    /// Uploads not sent because the remote already held a later record of their key.
    pub superseded: usize,
    /// Of those, the keys whose remote record differs from ours (newer, or a tombstone):
    /// commit and flag.
    pub newer_on_remote: Vec<(CommitId, Option<Flag>)>,
    /// Forgotten uploads whose tombstone the remote received.
    pub forgotten: usize,
    /// Pushes refused by concurrent ones before this one went through.
    pub retries: u32,
    /// The remote's data commit afterwards (`None` when nothing is recorded anywhere).
    pub tip: Option<CommitId>,
    /// Uploads of commits only this clone has (baseline snapshots, or commits no longer
    /// here), not sent: no other clone could use them.
    pub kept_local: usize,
}

/// A shared record pull did not import, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRecord {
    /// The commit (short) or the folder as named in the shared tree.
    pub commit: String,
    /// The flag, empty for the unflagged upload.
    pub flag: String,
    /// Why it was skipped, in one sentence.
    pub why: String,
}

/// What `pull` received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullSummary {
    /// The remote as named.
    pub remote: String,
    /// Records read from the remote (new or changed since the last pull).
    pub received: usize,
    /// Uploads stored.
    pub imported: usize,
    /// Distinct commits among the received records.
    pub commits: usize,
    /// Records skipped because this store holds a later record of the key.
    pub kept_local: usize,
    /// Local uploads removed because they were forgotten elsewhere.
    pub removed: usize,
    /// Records skipped because this store forgot their key later.
    pub forgotten: usize,
    /// Records that could not be used (malformed, bad paths, dated in the future); each was
    /// also named in one warning.
    pub skipped: Vec<SkippedRecord>,
    /// The remote's data commit that was read.
    pub tip: CommitId,
}

/// What `forget` removed: the flags of the forgotten uploads (`None`: unflagged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForgetSummary {
    /// The commit whose uploads were forgotten.
    pub commit: CommitId,
    /// The flags of the forgotten uploads (`None`: unflagged).
    pub flags: Vec<Option<Flag>>,
}

/// One line saying what was sent.
pub fn push(out: &mut dyn Write, s: &PushSummary) -> io::Result<()> {
    note::line(out, &pushed(s))
}

/// One line saying what was received.
pub fn pull(out: &mut dyn Write, s: &PullSummary) -> io::Result<()> {
    note::line(out, &pulled(s))
}

/// One line saying which uploads were forgotten and what the next push does.
pub fn forget(out: &mut dyn Write, s: &ForgetSummary) -> io::Result<()> {
    let flags: Vec<String> = s
        .flags
        .iter()
        .map(|f| {
            f.as_ref()
                .map_or_else(|| "no flag".to_owned(), |f| format!("flag {f}"))
        })
        .collect();
    note::line(
        out,
        &format!(
            "forgot {} of {} ({}); `covgit push` removes {} from the remote too",
            count(s.flags.len() as u64, "upload", "uploads"),
            s.commit.short(),
            flags.join(", "),
            if s.flags.len() == 1 { "it" } else { "them" }
        ),
    )
}

fn pulled(s: &PullSummary) -> String {
    if s.received == 0 || s.received == s.skipped.len() {
        return format!(
            "nothing new on {} (refs/covgit/data {})",
            s.remote,
            s.tip.short()
        );
    }
    let mut line = format!(
        "pulled {} of {} from {} (refs/covgit/data {})",
        count(s.imported as u64, "upload", "uploads"),
        count(s.commits as u64, "commit", "commits"),
        s.remote,
        s.tip.short()
    );
    if s.removed > 0 {
        let _ = write!(
            line,
            "; removed {} forgotten on the remote",
            count(s.removed as u64, "upload", "uploads")
        );
    }
    if s.forgotten > 0 {
        let _ = write!(
            line,
            "; left out {} forgotten here",
            count(s.forgotten as u64, "record", "records")
        );
    }
    if !s.skipped.is_empty() {
        let _ = write!(
            line,
            "; skipped {} (see the warning)",
            count(s.skipped.len() as u64, "record", "records")
        );
    }
    if s.kept_local > 0 {
        let _ = write!(
            line,
            "; kept {} recorded later",
            count(s.kept_local as u64, "local record", "local records")
        );
    }
    line
}

fn pushed(s: &PushSummary) -> String {
    let mut line = describe_sent(s);
    if !s.newer_on_remote.is_empty() {
        let n = s.newer_on_remote.len();
        let named: Vec<String> = s
            .newer_on_remote
            .iter()
            .take(5)
            .map(|(c, f)| match f {
                Some(f) => format!("{} ({f})", c.short()),
                None => format!("{} (no flag)", c.short()),
            })
            .collect();
        let more = if n > 5 {
            format!(" and {} more", n - 5)
        } else {
            String::new()
        };
        let _ = write!(
            line,
            "; {} holds a different, newer record of {}{more} (`covgit pull {}` takes it)",
            s.remote,
            named.join(", "),
            s.remote
        );
    }
    if s.kept_local > 0 {
        let _ = write!(
            line,
            "; {} of commits only this clone has (baseline snapshots) kept here",
            count(s.kept_local as u64, "upload", "uploads")
        );
    }
    line
}

fn describe_sent(s: &PushSummary) -> String {
    if s.uploads == 0 && s.forgotten == 0 {
        let newer = s.newer_on_remote.len();
        return match (&s.tip, s.superseded) {
            (None, _) => format!("nothing to push to {}: no coverage recorded", s.remote),
            (Some(_), 0) => format!("nothing to push: {} has every recorded upload", s.remote),
            (Some(_), n) if n == newer => format!("nothing pushed to {}", s.remote),
            (Some(_), n) if n - newer == 1 => format!(
                "nothing to push: {} already has this upload or a later record of it",
                s.remote
            ),
            (Some(_), n) => format!(
                "nothing to push: {} already has these {} uploads or later records of them",
                s.remote,
                n - newer
            ),
        };
    }
    if s.uploads == 0 {
        let tip = s.tip.as_ref().map_or("", |t| t.short());
        return format!(
            "removed {} from {} (refs/covgit/data {tip})",
            count(s.forgotten as u64, "forgotten upload", "forgotten uploads"),
            s.remote
        );
    }
    let tip = s.tip.as_ref().map_or("", |t| t.short());
    let mut line = format!(
        "pushed {} of {} to {} (refs/covgit/data {tip})",
        count(s.uploads as u64, "upload", "uploads"),
        count(s.commits as u64, "commit", "commits"),
        s.remote
    );
    if s.forgotten > 0 {
        let _ = write!(
            line,
            "; removed {}",
            count(s.forgotten as u64, "forgotten upload", "forgotten uploads")
        );
    }
    if s.superseded > s.newer_on_remote.len() {
        let _ = if s.superseded - s.newer_on_remote.len() == 1 {
            write!(
                line,
                "; 1 upload skipped, the remote has a later record of it"
            )
        } else {
            write!(
                line,
                "; {} uploads skipped, the remote has later records of them",
                s.superseded - s.newer_on_remote.len()
            )
        };
    }
    if s.retries > 0 {
        let _ = write!(
            line,
            "; merged with concurrent pushes {}",
            count(u64::from(s.retries), "time", "times")
        );
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::sha;

    fn said(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn pushed_to(remote: &str) -> PushSummary {
        PushSummary {
            remote: remote.into(),
            uploads: 2,
            commits: 1,
            superseded: 0,
            newer_on_remote: Vec::new(),
            forgotten: 0,
            retries: 0,
            tip: Some(sha('a')),
            kept_local: 0,
        }
    }

    #[test]
    fn push_says_what_was_sent_and_what_the_remote_holds_newer() {
        assert_eq!(
            said(|o| push(o, &pushed_to("origin"))),
            "pushed 2 uploads of 1 commit to origin (refs/covgit/data aaaaaaa)\n"
        );
        let s = PushSummary {
            uploads: 1,
            superseded: 2,
            newer_on_remote: vec![(sha('b'), Some(Flag::new("unit").unwrap()))],
            retries: 1,
            ..pushed_to("origin")
        };
        assert_eq!(
            said(|o| push(o, &s)),
            "pushed 1 upload of 1 commit to origin (refs/covgit/data aaaaaaa); 1 upload skipped, \
             the remote has a later record of it; merged with concurrent pushes 1 time; origin \
             holds a different, newer record of bbbbbbb (unit) (`covgit pull origin` takes it)\n"
        );
        let nothing = PushSummary {
            uploads: 0,
            tip: None,
            ..pushed_to("origin")
        };
        assert_eq!(
            said(|o| push(o, &nothing)),
            "nothing to push to origin: no coverage recorded\n"
        );
    }

    #[test]
    fn a_remote_name_cannot_break_the_line() {
        assert_eq!(
            said(|o| push(o, &pushed_to("::error::x\ny"))),
            "pushed 2 uploads of 1 commit to ::error::x\\ny (refs/covgit/data aaaaaaa)\n"
        );
    }

    #[test]
    fn pull_and_forget_name_counts_with_their_nouns() {
        let s = PullSummary {
            remote: "origin".into(),
            received: 3,
            imported: 1,
            commits: 1,
            kept_local: 1,
            removed: 0,
            forgotten: 2,
            skipped: Vec::new(),
            tip: sha('c'),
        };
        assert_eq!(
            said(|o| pull(o, &s)),
            "pulled 1 upload of 1 commit from origin (refs/covgit/data ccccccc); left out 2 \
             records forgotten here; kept 1 local record recorded later\n"
        );
        let f = ForgetSummary {
            commit: sha('d'),
            flags: vec![None, Some(Flag::new("unit").unwrap())],
        };
        assert_eq!(
            said(|o| forget(o, &f)),
            "forgot 2 uploads of ddddddd (no flag, flag unit); `covgit push` removes them from \
             the remote too\n"
        );
    }
}
