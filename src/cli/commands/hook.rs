use std::io::{IsTerminal, Read};

use clap::{Args, Subcommand};
use covgit::app::{self, HookInstalled, HookRemoved, PrePushOptions, PrePushResult, PushedRef};
use covgit::render;

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};

/// A git pre-push hook that runs `covgit check` before every push.
///
/// The hook checks the working tree, with the newest local report (coverage.xml,
/// lcov.info, ...), against the merge-base of the pushed commit and the remote's default
/// branch, with the gates of [check] in .covgit.toml. A failed gate stops the push; no
/// report (or any other trouble) is a warning and the push goes on. `git push --no-verify`
/// skips it.
#[derive(Args)]
pub struct HookArgs {
    #[command(subcommand)]
    pub action: HookAction,
}

#[derive(Subcommand)]
pub enum HookAction {
    /// Add the hook (to core.hooksPath if set); an existing pre-push hook is kept, covgit's
    /// lines are added after its first line.
    Install,
    /// Remove exactly what install added (deleting the hook if covgit created it).
    Uninstall,
    /// What the installed hook runs: reads git's pushed refs on stdin.
    #[command(hide = true)]
    PrePush {
        /// The remote's name (or URL), as git passes it.
        remote: Option<String>,
        /// The remote's URL, as git passes it.
        url: Option<String>,
    },
}

pub fn run(g: &Global, a: &HookArgs) -> Result<u8, Error> {
    match &a.action {
        HookAction::Install => {
            let (ws, _) = super::open(g)?;
            let exe = std::env::current_exe().map_err(Error::CurrentExe)?;
            let done = app::hook_install(&ws, &exe)?;
            let (path, executable) = match &done {
                HookInstalled::Created(path) => (path, true),
                HookInstalled::Added { path, executable }
                | HookInstalled::Updated { path, executable } => (path, *executable),
            };
            output::with_stderr(|err| {
                if !g.quiet {
                    match &done {
                        HookInstalled::Created(_) => render::hook::created(err, path)?,
                        HookInstalled::Added { .. } => render::hook::added(err, path)?,
                        HookInstalled::Updated { .. } => render::hook::updated(err, path)?,
                    }
                }
                if executable {
                    Ok(())
                } else {
                    render::hook::not_executable(err, path)
                }
            });
            Ok(exit::OK)
        }
        HookAction::Uninstall => {
            let (ws, _) = super::open(g)?;
            let done = app::hook_uninstall(&ws)?;
            if !g.quiet {
                output::with_stderr(|err| match &done {
                    HookRemoved::Deleted(p) => render::hook::deleted(err, p),
                    HookRemoved::Removed(p) => render::hook::removed(err, p),
                    HookRemoved::NotInstalled(p) => render::hook::not_installed(err, p),
                });
            }
            Ok(exit::OK)
        }
        HookAction::PrePush { remote, .. } => Ok(pre_push(g, remote.clone())),
    }
}

/// Runs the check for a push. Only a failed gate stops it (exit 1): any error is a warning,
/// so a missing report or an unrecorded base never keeps anyone from pushing.
fn pre_push(g: &Global, remote: Option<String>) -> u8 {
    let mut stdin = String::new();
    if !std::io::stdin().is_terminal() {
        let _ = std::io::stdin().read_to_string(&mut stdin);
    }
    let mut refs = PushedRef::parse_all(&stdin);
    // The pre-commit framework consumes stdin and says what is pushed in its environment.
    let remote = remote.or_else(|| std::env::var("PRE_COMMIT_REMOTE_NAME").ok());
    if refs.is_empty()
        && let Ok(to) = std::env::var("PRE_COMMIT_TO_REF")
    {
        refs.push(PushedRef {
            local_ref: std::env::var("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_else(|_| to.clone()),
            local: to,
            remote_ref: std::env::var("PRE_COMMIT_REMOTE_BRANCH").unwrap_or_default(),
        });
    }
    let result = super::open(g).and_then(|(ws, config)| {
        Ok(app::pre_push(
            &ws,
            &config,
            &PrePushOptions {
                remote,
                refs,
                cwd: super::cwd(g),
            },
        )?)
    });
    let results = match result {
        Ok(r) => r,
        Err(e) => {
            let why = super::super::error::sentence(&e);
            output::with_stderr(|err| render::hook::not_checked(err, &why));
            return exit::OK;
        }
    };
    let mut failed = false;
    output::with_stderr(|err| {
        for r in &results {
            match r {
                PrePushResult::Skipped { local_ref, reason } => {
                    if !g.quiet {
                        render::hook::skipped(err, local_ref, reason)?;
                    }
                }
                PrePushResult::Checked {
                    local_ref,
                    against,
                    merge_base,
                    outcome,
                } => {
                    failed |= !outcome.verdict.passed();
                    render::hook::checked(
                        err,
                        &render::hook::RefChecked {
                            local_ref,
                            against,
                            base: merge_base,
                            comparison: &outcome.compared.comparison,
                            verdict: &outcome.verdict,
                        },
                        g.quiet,
                    )?;
                }
            }
        }
        if failed {
            render::hook::push_stopped(err)?;
        }
        Ok(())
    });
    if failed { exit::GATE_FAILED } else { exit::OK }
}
