//! Links from a `path:line` of the Markdown comment to the forge that hosts the repository
//! (SPEC "Reports for people"): derived from the remote's URL, pinned to the head commit, or
//! given as `--link-template`.
//!
//! Pure: the caller reads the remote's URL and names the commits (`app::links`). What a URL
//! is built from is checked character by character, so a hostile remote URL or path cannot
//! break the Markdown around a link: the host and the repository's path segments must be
//! plain URL characters (else no links), the file's path is percent-encoded segment by
//! segment, and credentials in the remote's URL are never read into a link.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use super::source::Side;
use crate::model::CommitId;

/// How a `path` and line range become a URL; none by default (plain text).
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// `None`: every location stays plain text.
    to: Option<Target>,
}

#[derive(Debug, Clone)]
struct Target {
    /// How a commit, a path and lines make a URL.
    form: Form,
    /// The head commit's full SHA: where head-side locations point.
    head: String,
    /// The base commit's full SHA, if base-side locations (removed lines) may be linked.
    base: Option<String>,
}

#[derive(Debug, Clone)]
enum Form {
    /// A recognised forge and the repository's web address (`https://github.com/o/r`).
    Forge(Forge, String),
    /// `--link-template`.
    Template(LinkTemplate),
}

/// The forges whose file-at-commit pages covgit knows how to address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forge {
    /// github.com, and GitHub Enterprise hosts named `github.*` or `*.ghe.com`.
    GitHub,
    /// gitlab.com and self-hosted GitLab named `gitlab.*`; subgroups kept.
    GitLab,
    /// bitbucket.org (Bitbucket Server spells its pages otherwise: `--link-template`).
    Bitbucket,
    /// codeberg.org and hosts whose name contains `gitea` or `forgejo`.
    Gitea,
}

impl Links {
    /// No links: every `path:line` stays plain text.
    pub fn none() -> Self {
        Self::default()
    }

    /// Links to the forge that `remote_url` (as `remote.<name>.url` spells it) is on,
    /// pinned to `head`; no links when the URL names no forge covgit recognises (an unknown
    /// host, `file://`, a local path).
    pub fn forge(remote_url: &str, head: &CommitId) -> Self {
        Self {
            to: repository(remote_url).map(|(forge, web)| Target {
                form: Form::Forge(forge, web),
                head: head.as_str().to_owned(),
                base: None,
            }),
        }
    }

    /// Links made by `template`, pinned to `head`.
    pub fn template(template: LinkTemplate, head: &CommitId) -> Self {
        Self {
            to: Some(Target {
                form: Form::Template(template),
                head: head.as_str().to_owned(),
                base: None,
            }),
        }
    }

    /// Lets base-side locations (removed lines, whose numbers are the base's) link to
    /// `base`; without it they stay plain text.
    #[must_use]
    pub fn with_base(mut self, base: &CommitId) -> Self {
        if let Some(to) = &mut self.to {
            to.base = Some(base.as_str().to_owned());
        }
        self
    }

    /// Whether any location gets a link.
    pub fn is_none(&self) -> bool {
        self.to.is_none()
    }

    /// The forge recognised from the remote's URL, if that is where links go.
    pub fn forge_kind(&self) -> Option<Forge> {
        match &self.to.as_ref()?.form {
            Form::Forge(forge, _) => Some(*forge),
            Form::Template(_) => None,
        }
    }

    /// The URL of lines `start..=end` of `path` at the head commit, `None` without a forge.
    pub fn url(&self, path: &str, start: u32, end: u32) -> Option<String> {
        self.url_on(Side::Head, path, start, end)
    }

    /// The URL of lines `start..=end` of `path` on `side`: the head commit, or the base
    /// commit when [`Links::with_base`] named it. `None` without a forge, or for a path
    /// that is empty or has an empty, `.` or `..` segment.
    pub fn url_on(&self, side: Side, path: &str, start: u32, end: u32) -> Option<String> {
        let to = self.to.as_ref()?;
        let sha = match side {
            Side::Head => &to.head,
            Side::Base => to.base.as_ref()?,
        };
        let path = encode_path(path)?;
        let (start, end) = (start.min(end), start.max(end));
        Some(match &to.form {
            Form::Forge(forge, web) => forge.url(web, sha, &path, start, end),
            Form::Template(t) => t.fill(sha, &path, start, end),
        })
    }

    /// `[text](url)` for lines `start..=end` of `path` on `side`, or `text` alone without
    /// a URL. `text` is Markdown already (escaped by the caller, so it holds no bare `[`
    /// or `]`); the URL is made safe for a link destination (no space, `(`, `)`, `<`, `>`).
    pub fn markdown(&self, side: Side, text: &str, path: &str, start: u32, end: u32) -> String {
        match self.url_on(side, path, start, end) {
            Some(url) => format!("[{text}]({})", destination(&url)),
            None => text.to_owned(),
        }
    }
}

impl Forge {
    /// The page of lines `start..=end` of `path` (encoded) at `sha`, as the forge spells a
    /// line range (a single line has no range).
    fn url(self, web: &str, sha: &str, path: &str, start: u32, end: u32) -> String {
        let lines = match (self, start == end) {
            (Self::GitHub | Self::Gitea | Self::GitLab, true) => format!("L{start}"),
            (Self::GitHub | Self::Gitea, false) => format!("L{start}-L{end}"),
            (Self::GitLab, false) => format!("L{start}-{end}"),
            (Self::Bitbucket, true) => format!("lines-{start}"),
            (Self::Bitbucket, false) => format!("lines-{start}:{end}"),
        };
        let file = match self {
            Self::GitHub => "blob",
            Self::GitLab => "-/blob",
            Self::Bitbucket => "src",
            Self::Gitea => "src/commit",
        };
        format!("{web}/{file}/{sha}/{path}#{lines}")
    }

    /// The forge's name, as a user knows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GitHub => "GitHub",
            Self::GitLab => "GitLab",
            Self::Bitbucket => "Bitbucket",
            Self::Gitea => "Gitea/Forgejo",
        }
    }
}

/// The forge a remote URL is on and the repository's web address (`https://host/o/r`,
/// `http://` and a port kept from an HTTP remote, dropped from an SSH one), from the URL
/// forms git takes: `https://[user[:password]@]host[:port]/o/r[.git][/]`, `http://…`,
/// `ssh://[user@]host[:port]/o/r.git`, `git://host/o/r.git` and scp-like
/// `[user@]host:o/r.git`. `None` for anything else: a local path, `file://`, an unknown
/// host, a path of the wrong depth for its forge, or a character no plain URL has.
fn repository(url: &str) -> Option<(Forge, String)> {
    let url = url.trim();
    let (scheme, authority, path) = if let Some((scheme, rest)) = url.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        if !matches!(
            scheme.as_str(),
            "https" | "http" | "ssh" | "git" | "git+ssh" | "ssh+git"
        ) {
            return None;
        }
        let (authority, path) = rest.split_once('/')?;
        (scheme, authority, path)
    } else {
        // scp-like: a `:` before any `/` (git's rule; with a `/` first it is a local path).
        let (authority, path) = url.split_once(':')?;
        if authority.contains('/') || authority.contains('\\') {
            return None;
        }
        ("ssh".to_owned(), authority, path)
    };
    // Credentials are dropped here, before anything else reads the authority.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        _ => (host_port, None),
    };
    let host = host.to_ascii_lowercase();
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let path = path.trim_matches('/');
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').collect();
    if segments.iter().any(|s| !plain_segment(s)) {
        return None;
    }
    let (forge, host) = forge_of(&host)?;
    let depth_ok = match forge {
        Forge::GitLab => segments.len() >= 2,
        Forge::GitHub | Forge::Bitbucket | Forge::Gitea => segments.len() == 2,
    };
    if !depth_ok {
        return None;
    }
    let web = match (scheme.as_str(), port) {
        // The public forges serve their pages over HTTPS on the usual port; a self-hosted
        // one as its HTTP remote says.
        _ if PUBLIC.contains(&host.as_str()) => format!("https://{host}"),
        ("http" | "https", Some(port)) => format!("{scheme}://{host}:{port}"),
        ("http" | "https", None) => format!("{scheme}://{host}"),
        _ => format!("https://{host}"),
    };
    Some((forge, format!("{web}/{}", segments.join("/"))))
}

/// The hosts of the public forges.
const PUBLIC: [&str; 4] = ["github.com", "gitlab.com", "bitbucket.org", "codeberg.org"];

/// The forge a host name is on, and the host its pages are served from (the SSH-only
/// hosts `ssh.github.com` and `altssh.gitlab.com`/`altssh.bitbucket.org` serve none).
fn forge_of(host: &str) -> Option<(Forge, String)> {
    let web = |h: &str| h.to_owned();
    Some(match host {
        "github.com" | "www.github.com" | "ssh.github.com" => (Forge::GitHub, web("github.com")),
        "gitlab.com" | "www.gitlab.com" | "altssh.gitlab.com" => (Forge::GitLab, web("gitlab.com")),
        "bitbucket.org" | "www.bitbucket.org" | "altssh.bitbucket.org" => {
            (Forge::Bitbucket, web("bitbucket.org"))
        }
        "codeberg.org" | "www.codeberg.org" => (Forge::Gitea, web("codeberg.org")),
        _ if host.starts_with("github.") || host.ends_with(".ghe.com") => {
            (Forge::GitHub, web(host))
        }
        _ if host.starts_with("gitlab.") => (Forge::GitLab, web(host)),
        _ if host.contains("gitea") || host.contains("forgejo") => (Forge::Gitea, web(host)),
        _ => return None,
    })
}

/// A segment of a repository's path as forges allow it: letters, digits, `-`, `.`, `_`,
/// `~`, not `.` or `..`, not empty.
fn plain_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// `path` with each `/`-separated segment percent-encoded: every byte but ASCII letters,
/// digits, `-`, `.`, `_` and `~` (so spaces, `#`, `?`, `%`, `(`, `)` and non-ASCII are
/// encoded and cannot end the path or the Markdown link), `/` kept. `None` for an empty
/// path or one with an empty, `.` or `..` segment, which no forge page has.
fn encode_path(path: &str) -> Option<String> {
    let mut out = String::with_capacity(path.len());
    for (i, segment) in path.split('/').enumerate() {
        if segment.is_empty() || segment == "." || segment == ".." {
            return None;
        }
        if i > 0 {
            out.push('/');
        }
        for b in segment.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                out.push(char::from(b));
            } else {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    Some(out)
}

/// `url` as a Markdown link destination: the characters that would end it or confuse a
/// renderer (whitespace, `(`, `)`, `<`, `>`, `\`, `` ` ``, `"`, `[`, `]`, controls,
/// non-ASCII) percent-encoded; the rest as it is.
fn destination(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for ch in url.chars() {
        if ch.is_ascii_graphic() && !"()<>\\`\"[]{}|^".contains(ch) {
            out.push(ch);
        } else {
            let mut buf = [0; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// `--link-template`: a URL with the placeholders `{path}` (required; percent-encoded per
/// segment), `{sha}` (the full commit SHA), `{start}` and `{end}` (the first and last line;
/// equal for one line), for a forge covgit does not recognise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTemplate {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Path,
    Sha,
    Start,
    End,
}

/// Why a `--link-template` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTemplateError {
    /// Not an `http://` or `https://` URL with a host.
    NotHttp,
    /// A `{name}` that is not one of the four placeholders.
    UnknownPlaceholder(String),
    /// A `{` never closed, or a `}` never opened.
    UnbalancedBrace,
    /// No `{path}`: every link would go to the same page.
    NoPath,
    /// A space or control character, which a URL cannot hold.
    Whitespace,
}

impl fmt::Display for LinkTemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotHttp => write!(
                f,
                "the link template must be an http:// or https:// URL with a host, such as 'https://host/{{path}}?rev={{sha}}#L{{start}}-L{{end}}'"
            ),
            Self::UnknownPlaceholder(name) => write!(
                f,
                "the link template has an unknown placeholder '{{{}}}' (expected {{path}}, {{sha}}, {{start}} or {{end}})",
                super::escape::text(name)
            ),
            Self::UnbalancedBrace => write!(
                f,
                "the link template has a '{{' or '}}' that is not part of a placeholder ({{path}}, {{sha}}, {{start}} or {{end}})"
            ),
            Self::NoPath => write!(
                f,
                "the link template has no {{path}} placeholder, so every link would lead to the same page"
            ),
            Self::Whitespace => write!(
                f,
                "the link template holds a space or control character, which a URL cannot hold (write a space as %20)"
            ),
        }
    }
}

impl std::error::Error for LinkTemplateError {}

impl FromStr for LinkTemplate {
    type Err = LinkTemplateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(LinkTemplateError::Whitespace);
        }
        let lower = s.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .ok_or(LinkTemplateError::NotHttp)?;
        // A link names its host: `https:///…` and `https://{path}` do not.
        let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if host_end == 0 || rest.starts_with('{') {
            return Err(LinkTemplateError::NotHttp);
        }
        let mut parts = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err(LinkTemplateError::UnbalancedBrace);
            }
            let after = &rest[open + 1..];
            let close = after
                .find(['{', '}'])
                .filter(|&i| after[i..].starts_with('}'))
                .ok_or(LinkTemplateError::UnbalancedBrace)?;
            let part = match &after[..close] {
                "path" => Part::Path,
                "sha" => Part::Sha,
                "start" => Part::Start,
                "end" => Part::End,
                name => return Err(LinkTemplateError::UnknownPlaceholder(name.to_owned())),
            };
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            parts.push(part);
            rest = &after[close + 1..];
        }
        let text = rest.to_owned();
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        if !parts.contains(&Part::Path) {
            return Err(LinkTemplateError::NoPath);
        }
        Ok(Self { parts })
    }
}

impl LinkTemplate {
    /// The template with its placeholders filled; `path` is encoded already.
    fn fill(&self, sha: &str, path: &str, start: u32, end: u32) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Path => out.push_str(path),
                Part::Sha => out.push_str(sha),
                Part::Start => out.push_str(&start.to_string()),
                Part::End => out.push_str(&end.to_string()),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
    const BASE: &str = "fedcba9876543210fedcba9876543210fedcba98";

    fn sha() -> CommitId {
        CommitId::new(SHA).unwrap()
    }

    fn link(remote: &str, path: &str, start: u32, end: u32) -> Option<String> {
        Links::forge(remote, &sha()).url(path, start, end)
    }

    #[test]
    fn no_links_by_default() {
        assert!(Links::none().is_none());
        assert_eq!(Links::none().url("a.py", 1, 2), None);
        assert_eq!(
            Links::none().markdown(Side::Head, "a.py:1", "a.py", 1, 1),
            "a.py:1"
        );
    }

    #[test]
    fn github_links_pin_the_head_and_spell_ranges_l10_l12() {
        for remote in [
            "https://github.com/o/r",
            "https://github.com/o/r.git",
            "https://github.com/o/r/",
            "https://github.com/o/r.git/",
            "https://GitHub.com/o/r.git",
            "http://github.com/o/r.git",
            "ssh://git@github.com/o/r.git",
            "ssh://git@ssh.github.com:443/o/r.git",
            "git@github.com:o/r.git",
            "git@github.com:o/r",
            "github.com:o/r.git",
            "git://github.com/o/r.git",
            "  https://github.com/o/r.git\n",
        ] {
            assert_eq!(
                link(remote, "src/a.py", 10, 12).as_deref(),
                Some(format!("https://github.com/o/r/blob/{SHA}/src/a.py#L10-L12").as_str()),
                "{remote}"
            );
        }
        assert_eq!(
            link("git@github.com:o/r.git", "a.py", 7, 7).unwrap(),
            format!("https://github.com/o/r/blob/{SHA}/a.py#L7")
        );
        assert_eq!(
            Links::forge("git@github.com:o/r.git", &sha()).forge_kind(),
            Some(Forge::GitHub)
        );
    }

    #[test]
    fn gitlab_links_keep_subgroups_and_spell_ranges_l10_12() {
        for remote in [
            "https://gitlab.com/group/sub/repo.git",
            "ssh://git@gitlab.com/group/sub/repo.git",
            "git@gitlab.com:group/sub/repo.git",
            "https://gitlab.com/group/sub/repo",
        ] {
            assert_eq!(
                link(remote, "lib/x.rb", 10, 12).unwrap(),
                format!("https://gitlab.com/group/sub/repo/-/blob/{SHA}/lib/x.rb#L10-12"),
                "{remote}"
            );
        }
        assert_eq!(
            link("git@gitlab.com:g/r.git", "x.rb", 3, 3).unwrap(),
            format!("https://gitlab.com/g/r/-/blob/{SHA}/x.rb#L3")
        );
        // Self-hosted: recognised by its name; an SSH port is not the web server's, an
        // HTTPS one is.
        assert_eq!(
            link("ssh://git@gitlab.example.com:2222/a/b/c.git", "x", 1, 2).unwrap(),
            format!("https://gitlab.example.com/a/b/c/-/blob/{SHA}/x#L1-2")
        );
        assert_eq!(
            link("https://gitlab.example.com:8443/a/b.git", "x", 1, 2).unwrap(),
            format!("https://gitlab.example.com:8443/a/b/-/blob/{SHA}/x#L1-2")
        );
        assert_eq!(
            link("http://gitlab.internal/a/b.git", "x", 1, 1).unwrap(),
            format!("http://gitlab.internal/a/b/-/blob/{SHA}/x#L1")
        );
    }

    #[test]
    fn bitbucket_links_spell_ranges_lines_10_12() {
        for remote in [
            "git@bitbucket.org:o/r.git",
            "https://user@bitbucket.org/o/r.git",
            "ssh://git@bitbucket.org/o/r",
        ] {
            assert_eq!(
                link(remote, "src/a.py", 10, 12).unwrap(),
                format!("https://bitbucket.org/o/r/src/{SHA}/src/a.py#lines-10:12"),
                "{remote}"
            );
        }
        assert_eq!(
            link("git@bitbucket.org:o/r.git", "a.py", 4, 4).unwrap(),
            format!("https://bitbucket.org/o/r/src/{SHA}/a.py#lines-4")
        );
    }

    #[test]
    fn gitea_and_forgejo_links_spell_ranges_l10_l12() {
        for (remote, web) in [
            ("https://codeberg.org/o/r.git", "https://codeberg.org/o/r"),
            ("git@codeberg.org:o/r.git", "https://codeberg.org/o/r"),
            (
                "https://gitea.example.com/o/r",
                "https://gitea.example.com/o/r",
            ),
            (
                "ssh://git@forgejo.example.org:2222/o/r.git",
                "https://forgejo.example.org/o/r",
            ),
            (
                "https://git.mygitea.net/o/r.git",
                "https://git.mygitea.net/o/r",
            ),
        ] {
            assert_eq!(
                link(remote, "a.go", 10, 12).unwrap(),
                format!("{web}/src/commit/{SHA}/a.go#L10-L12"),
                "{remote}"
            );
            assert_eq!(
                link(remote, "a.go", 5, 5).unwrap(),
                format!("{web}/src/commit/{SHA}/a.go#L5"),
            );
        }
    }

    #[test]
    fn github_enterprise_is_recognised_by_its_host_name() {
        assert_eq!(
            link("git@github.example.com:o/r.git", "a", 1, 2).unwrap(),
            format!("https://github.example.com/o/r/blob/{SHA}/a#L1-L2")
        );
        assert_eq!(
            link("https://octo.ghe.com/o/r.git", "a", 1, 1).unwrap(),
            format!("https://octo.ghe.com/o/r/blob/{SHA}/a#L1")
        );
    }

    #[test]
    fn credentials_in_a_remote_url_never_reach_a_link() {
        for remote in [
            "https://user:s3cret@github.com/o/r.git",
            "https://x-access-token:s3cret@github.com/o/r",
            "https://s3cret@github.com/o/r.git",
            "https://oauth2:s3cret@gitlab.com/o/r.git",
            "https://user:s3cret@codeberg.org/o/r.git",
            "https://user:s3cret@bitbucket.org/o/r.git",
            "https://user:p@ss:s3cret@github.com/o/r.git",
        ] {
            let links = Links::forge(remote, &sha());
            let url = links.url("a.py", 1, 2).expect(remote);
            assert!(!url.contains("s3cret") && !url.contains('@'), "{url}");
            assert!(!format!("{links:?}").contains("s3cret"), "{links:?}");
        }
    }

    #[test]
    fn unknown_hosts_local_paths_and_odd_urls_give_no_links() {
        for remote in [
            "https://example.com/o/r.git",
            "git@example.com:o/r.git",
            "file:///srv/git/r.git",
            "/srv/git/r.git",
            "../r.git",
            "./github.com:o/r.git",
            "C:\\repos\\r",
            "r",
            "",
            "https://github.com/o",
            "https://github.com/o/r/extra",
            "https://bitbucket.org/scm/o/r.git",
            "https://gitlab.com/r.git",
            "https://github.com/o/r)](javascript:x",
            "https://github.com/o/r%20x",
            "https://github.com/o/../r",
            "https://gith\u{fc}b.com/o/r",
            "ftp://github.com/o/r.git",
            "https://[::1]/o/r.git",
            "ext::ssh -i key github.com o/r",
        ] {
            assert!(Links::forge(remote, &sha()).is_none(), "{remote:?}");
        }
        // Query and fragment are not part of the repository.
        assert!(link("https://github.com/o/r.git?x=1", "a", 1, 1).is_some());
    }

    #[test]
    fn paths_are_percent_encoded_per_segment() {
        assert_eq!(
            link(
                "git@github.com:o/r.git",
                "dir with space/a#b?c%d(e).py",
                1,
                1
            )
            .unwrap(),
            format!(
                "https://github.com/o/r/blob/{SHA}/dir%20with%20space/a%23b%3Fc%25d%28e%29.py#L1"
            )
        );
        assert_eq!(
            link("git@github.com:o/r.git", "src/café/ü.rs", 1, 1).unwrap(),
            format!("https://github.com/o/r/blob/{SHA}/src/caf%C3%A9/%C3%BC.rs#L1")
        );
        assert_eq!(
            link("git@github.com:o/r.git", "a-b_c.d~e/F9", 1, 1).unwrap(),
            format!("https://github.com/o/r/blob/{SHA}/a-b_c.d~e/F9#L1")
        );
        for odd in ["", "/abs", "a//b", "a/../b", "./a", "a/"] {
            assert_eq!(link("git@github.com:o/r.git", odd, 1, 1), None, "{odd}");
        }
    }

    #[test]
    fn base_side_locations_link_only_to_a_named_base() {
        let links = Links::forge("git@github.com:o/r.git", &sha());
        assert_eq!(links.url_on(Side::Base, "a.py", 1, 1), None);
        let links = links.with_base(&CommitId::new(BASE).unwrap());
        assert_eq!(
            links.url_on(Side::Base, "a.py", 1, 1).unwrap(),
            format!("https://github.com/o/r/blob/{BASE}/a.py#L1")
        );
        assert_eq!(
            links.url_on(Side::Head, "a.py", 1, 1).unwrap(),
            format!("https://github.com/o/r/blob/{SHA}/a.py#L1")
        );
        assert!(Links::none().with_base(&sha()).is_none());
    }

    #[test]
    fn a_markdown_link_cannot_be_broken_by_its_url() {
        let t: LinkTemplate = "https://h/x(y)/{path}?a=<b>&rev={sha}#L{start}"
            .parse()
            .unwrap();
        let links = Links::template(t, &sha());
        assert_eq!(
            links.markdown(Side::Head, "a b\\_c.py:3", "a b_c (1).py", 3, 3),
            format!(
                "[a b\\_c.py:3](https://h/x%28y%29/a%20b_c%20%281%29.py?a=%3Cb%3E&rev={SHA}#L3)"
            )
        );
        assert_eq!(
            destination("a b(c)[d]`e\"\\f"),
            "a%20b%28c%29%5Bd%5D%60e%22%5Cf"
        );
    }

    #[test]
    fn a_template_fills_its_placeholders() {
        let t: LinkTemplate = "https://code.example/{path}?rev={sha}#L{start}-L{end}"
            .parse()
            .unwrap();
        let links = Links::template(t, &sha()).with_base(&CommitId::new(BASE).unwrap());
        assert_eq!(
            links.url("src/a b.py", 10, 12).unwrap(),
            format!("https://code.example/src/a%20b.py?rev={SHA}#L10-L12")
        );
        assert_eq!(
            links.url_on(Side::Base, "a.py", 4, 4).unwrap(),
            format!("https://code.example/a.py?rev={BASE}#L4-L4")
        );
        assert_eq!(links.forge_kind(), None);
        // Repeated placeholders and none but {path} are fine; HTTP too.
        let t: LinkTemplate = "http://h:8080/{path}/{path}".parse().unwrap();
        assert_eq!(
            Links::template(t, &sha()).url("a", 1, 2).unwrap(),
            "http://h:8080/a/a"
        );
    }

    #[test]
    fn a_bad_template_is_refused_saying_why() {
        let err = |s: &str| s.parse::<LinkTemplate>().unwrap_err();
        assert_eq!(
            err("https://h/{path}#L{line}"),
            LinkTemplateError::UnknownPlaceholder("line".into())
        );
        assert_eq!(
            err("https://h/blob/{sha}#L{start}"),
            LinkTemplateError::NoPath
        );
        assert_eq!(err("https://h/{path"), LinkTemplateError::UnbalancedBrace);
        assert_eq!(
            err("https://h/{{path}}"),
            LinkTemplateError::UnbalancedBrace
        );
        assert_eq!(err("https://h/path}"), LinkTemplateError::UnbalancedBrace);
        for not_http in [
            "ftp://h/{path}",
            "javascript:alert(1)//{path}",
            "file:///{path}",
            "/local/{path}",
            "https:///{path}",
            "https://{path}",
            "{path}",
        ] {
            assert_eq!(err(not_http), LinkTemplateError::NotHttp, "{not_http}");
        }
        assert_eq!(err("https://h/{path} x"), LinkTemplateError::Whitespace);
        assert_eq!(err("https://h/{path}\n"), LinkTemplateError::Whitespace);
        assert_eq!(
            err("https://h/{pa\u{1b}th}").to_string(),
            LinkTemplateError::Whitespace.to_string()
        );
        for e in [
            err("https://h/{path}#L{line}"),
            err("https://h/"),
            err("https://h/{path"),
            err("ftp://h/{path}"),
            err("https://h/ {path}"),
        ] {
            let said = e.to_string();
            assert!(said.starts_with("the link template "), "{said}");
            assert!(!said.contains('\n') && !said.ends_with('.'), "{said}");
        }
        assert_eq!(
            err("https://h/{path}#L{line}").to_string(),
            "the link template has an unknown placeholder '{line}' (expected {path}, {sha}, {start} or {end})"
        );
        assert!("HTTPS://h/{path}".parse::<LinkTemplate>().is_ok());
    }
}
