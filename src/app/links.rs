//! Where the Markdown comment's `path:line`s link to (SPEC "Reports for people"): the forge
//! of the repository's remote, or `--link-template`, pinned to the compared commits.
//!
//! Which remote: `origin`, else the only remote, else none (several remotes and none of
//! them `origin`: no guess, no links).

use tracing::debug;

use crate::compare::Sides;
use crate::render::{LinkTemplate, Links};

use super::Workspace;

/// The links of the comparison of `sides`: `template` when given, else the forge of the
/// remote's URL. Head-side locations point at the head commit, removed lines at the base
/// the comparison diffs from (where their numbers are: the requested base, or in the commit
/// view the ancestor used). A working-tree head has no commit to point at: no links.
pub fn links(ws: &Workspace, sides: &Sides, template: Option<&LinkTemplate>) -> Links {
    let Some(head) = &sides.head else {
        return Links::none();
    };
    let links = match template {
        Some(t) => Links::template(t.clone(), head),
        None => {
            let Some(remote) = link_remote(ws) else {
                debug!("no links: no remote 'origin' nor a single remote");
                return Links::none();
            };
            let Some(url) = ws.repo.remote_url(&remote) else {
                debug!("no links: remote '{remote}' has no URL with a host");
                return Links::none();
            };
            let links = Links::forge(&url, head);
            match links.forge_kind() {
                Some(forge) => debug!("links to {} from remote '{remote}'", forge.as_str()),
                None => debug!("no links: remote '{remote}' ({url}) is on no forge covgit knows"),
            }
            links
        }
    };
    links.with_base(sides.base.diffed())
}

/// The remote whose forge the links go to: `origin`, else the only one.
fn link_remote(ws: &Workspace) -> Option<String> {
    let names = ws.repo.remote_names();
    if names.iter().any(|n| n == "origin") {
        return Some("origin".to_owned());
    }
    match <[String; 1]>::try_from(names) {
        Ok([only]) => Some(only),
        Err(_) => None,
    }
}
