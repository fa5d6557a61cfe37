use std::path::{Path, PathBuf};

use clap::Args;
use clap::builder::TypedValueParser;
use covgit::app::{self, CompareOptions, CompareOutcome};
use covgit::model::Flag;
use covgit::parse::InputFormat;
use covgit::render::{self, CompareFormat, LinkTemplate};

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};

/// Compare the coverage of two commits, line by line.
///
/// `A..B` (or `A...B`, the same) compares B with the merge-base of A and B; `REV` compares REV with its first
/// parent (or the nearest usable ancestor). With no argument: `<default branch>..HEAD`.
/// `--worktree` compares the files on disk now, with the report just produced.
#[derive(Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub select: Selectors,
    /// text, markdown, json, github, or html (a folder of pages: needs --output DIR).
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = FormatParser::all())]
    pub format: CompareFormat,
    #[command(flatten)]
    pub links: LinkArgs,
    /// With --format html: the folder to write the site into (created if missing; covgit's
    /// files in it are overwritten, nothing else is removed). Entry: DIR/index.html.
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// First pull shared coverage from REMOTE (`covgit pull`).
    #[arg(long, value_name = "REMOTE", num_args = 0..=1, require_equals = true, default_missing_value = "origin")]
    pub pull: Option<String>,
}

/// Where Markdown's `path:line`s link to; shared by `compare` and `check`.
#[derive(Args)]
pub struct LinkArgs {
    /// Link each `path:line` of Markdown to this URL instead of the remote's forge (GitHub,
    /// GitLab, Bitbucket, Gitea/Forgejo): `{path}`, `{sha}`, `{start}`, `{end}`, e.g.
    /// `https://host/{path}?rev={sha}#L{start}-L{end}`.
    #[arg(long, value_name = "URL", value_parser = parse_link_template)]
    pub link_template: Option<LinkTemplate>,
}

impl LinkArgs {
    /// The links of the comparison of `sides`: the template, else the remote's forge.
    pub fn links(&self, ws: &app::Workspace, sides: &covgit::compare::Sides) -> render::Links {
        app::links(ws, sides, self.link_template.as_ref())
    }
}

fn parse_link_template(s: &str) -> Result<LinkTemplate, String> {
    s.parse()
        .map_err(|e: render::LinkTemplateError| e.to_string())
}

/// What to compare; shared by `compare` and `check`.
#[derive(Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each is one independent switch of the command line, as clap reads it"
)]
pub struct Selectors {
    /// `A..B` (or `A...B`, the same: B against the merge-base) or a single revision.
    #[arg(value_name = "A..B|REV")]
    pub target: Option<String>,
    /// Use REV as the base outright.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Use REV as the head outright.
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// Take the head's coverage from this report instead of the store.
    #[arg(long, value_name = "FILE")]
    pub head_report: Option<PathBuf>,
    /// Read --head-report as this format instead of detecting it.
    #[arg(long, value_name = "F", value_parser = super::record::parse_format)]
    pub input_format: Option<InputFormat>,
    /// Compare the head's report even if it cannot describe the head (a tracked line beyond
    /// a file's end, no path found in the head's tree, or every entry skipped); warns.
    #[arg(long)]
    pub force: bool,
    /// Compare only the uploads with this flag.
    #[arg(long, value_name = "NAME", value_parser = super::record::parse_flag)]
    pub flag: Option<Flag>,
    /// Remap a pseudo-base's lines through the pseudo...base diff when they moved.
    #[arg(long)]
    pub allow_offsets: bool,
    /// Never stand in a pseudo-base for an unusable merge-base.
    #[arg(long)]
    pub no_pseudo: bool,
    /// Count moved and reformatted code as removed and added, as the plain line diff has it
    /// (config: `[compare] detect_moves = false`).
    #[arg(long)]
    pub no_moves: bool,
    /// How many ancestors of the requested base to examine for a usable one [default: 50].
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u32>,
    /// The head is the working tree (staged, unstaged and untracked files not ignored), its
    /// coverage from --head-report or the newest usual report file (coverage.xml,
    /// lcov.info, ...); the base is HEAD, or its nearest usable ancestor.
    #[arg(long, conflicts_with_all = ["target", "head"])]
    pub worktree: bool,
    /// With --worktree: compare against the baseline NAME saved by `covgit baseline save`.
    #[arg(
        long,
        value_name = "NAME",
        requires = "worktree",
        conflicts_with = "base"
    )]
    pub baseline: Option<String>,
}

impl Selectors {
    pub fn options(&self) -> CompareOptions {
        CompareOptions {
            target: self.target.clone(),
            base: self.base.clone(),
            head: self.head.clone(),
            head_report: self.head_report.clone(),
            input_format: self.input_format,
            flag: self.flag.clone(),
            allow_offsets: self.allow_offsets.then_some(true),
            no_pseudo: self.no_pseudo,
            max_depth: self.max_depth,
            worktree: self.worktree,
            baseline: self.baseline.clone(),
            detect_moves: self.no_moves.then_some(false),
            cwd: None,
            force: self.force,
        }
    }

    /// The options, with the folder covgit runs in for report discovery.
    pub fn options_in(&self, g: &Global) -> CompareOptions {
        CompareOptions {
            cwd: Some(super::cwd(g)),
            ..self.options()
        }
    }
}

/// Says on stderr what a working-tree head held and which report gave its coverage.
pub fn note_worktree(g: &Global, outcome: &CompareOutcome) {
    if g.quiet {
        return;
    }
    if let Some(changes) = &outcome.sides.worktree {
        output::with_stderr(|err| {
            render::worktree::head(err, changes, outcome.head_report.as_deref())
        });
    }
}

fn parse_format(s: &str) -> Result<CompareFormat, String> {
    s.parse().map_err(|e| format!("{e}"))
}

/// `--format` of `compare` and `check`: help lists the names (`[possible values: ...]`), and
/// a name that is none of them gets covgit's own message, which names the ones it could be.
/// `check` lists only the formats it prints ([`FormatParser::streams`]); it still reads
/// `html`, to say which command writes the site.
#[derive(Clone)]
pub struct FormatParser {
    sites: bool,
}

impl FormatParser {
    /// Every format: `compare`'s.
    pub fn all() -> Self {
        Self { sites: true }
    }

    /// The formats written to stdout: `check`'s.
    pub fn streams() -> Self {
        Self { sites: false }
    }
}

impl TypedValueParser for FormatParser {
    type Value = CompareFormat;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<CompareFormat, clap::Error> {
        parse_format.parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            CompareFormat::ALL
                .into_iter()
                .filter(|f| self.sites || !f.is_site())
                .map(|f| clap::builder::PossibleValue::new(f.as_str())),
        ))
    }
}

pub fn run(g: &Global, a: &CompareArgs) -> Result<u8, Error> {
    let site = site_dir(a.format, a.output.as_deref())?;
    let (ws, config) = super::open(g)?;
    if let Some(remote) = &a.pull {
        match app::pull(&ws, remote) {
            Ok(p) if !g.quiet => output::with_stderr(|err| render::share::pull(err, &p)),
            Ok(_) => {}
            // The first pull request opened before the default branch ever pushed: compare
            // with what is recorded here (an unrecorded base then says so itself).
            Err(e @ app::Error::NoSharedCoverage { .. }) => {
                tracing::warn!("{e}; comparing with local coverage only");
            }
            Err(e) => return Err(e.into()),
        }
    }
    let outcome = app::compare(&ws, &config, &a.select.options_in(g))?;
    note_worktree(g, &outcome);
    let palette = output::palette(a.format.styled());
    let source = app::sources(&ws, &outcome.sides);
    let links = a.links.links(&ws, &outcome.sides);
    let ctx = render::Context {
        palette: &palette,
        source: &source,
        links: &links,
    };
    if let Some(dir) = site {
        let detail = &outcome.detail;
        let coverage = render::html::Lines {
            base: &detail.base,
            head: &detail.head,
            changes: &detail.changes,
        };
        let written = output::write_site(dir, |w| {
            render::html::site(w, &outcome.sides, &outcome.comparison, &coverage, &ctx)
        })?;
        if !g.quiet {
            output::with_stderr(|err| render::html::written(err, &written, dir));
        }
        return Ok(exit::OK);
    }
    output::with_stdout(|out| {
        render::compare(out, &outcome.sides, &outcome.comparison, a.format, &ctx)
    })
    .map_err(Error::Output)?;
    Ok(exit::OK)
}

/// The folder a site format writes into; `None` for a format that writes to stdout. A site
/// needs a folder and `-` is not one; a stream format takes no `--output` (redirect stdout).
fn site_dir(format: CompareFormat, output: Option<&Path>) -> Result<Option<&Path>, Error> {
    match (format.is_site(), output) {
        (true, None) => Err(Error::SiteNeedsOutput { format }),
        (true, Some(dir)) if dir.as_os_str() == "-" => Err(Error::SiteNotStdout { format }),
        (true, Some(dir)) => Ok(Some(dir)),
        (false, Some(dir)) => Err(Error::OutputNotSite {
            format,
            dir: dir.to_owned(),
        }),
        (false, None) => Ok(None),
    }
}
