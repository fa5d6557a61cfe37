//! The formats `covgit compare`, `show` and `log` write, and the entry points that pick a
//! renderer for each. Only the text format takes the palette: markdown, JSON and GitHub
//! annotations are read by machines or other tools and never carry escape codes.

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use super::links::Links;
use super::log::LogEntry;
use super::show::ShowView;
use super::source::{NoSource, Source};
use super::style::Palette;
use super::{github, json, log as log_text, markdown, show as show_text, text};
use crate::compare::{Comparison, Sides};
use crate::model::UnknownFormat;

/// `--format` of `covgit compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareFormat {
    /// Plain text for a terminal, colored when the palette says so.
    Text,
    /// GitHub-flavoured Markdown, for a pull request comment.
    Markdown,
    /// The `covgit/compare/2` JSON document.
    Json,
    /// GitHub Actions `::warning` annotations: one per run of added lines not covered or of lines that lost coverage.
    Github,
    /// A static site of pages in a folder ([`super::html::site`]), not one stream.
    Html,
}

impl CompareFormat {
    /// Whether the format is styled by a palette: text only.
    pub fn styled(self) -> bool {
        self == Self::Text
    }

    /// Whether the format is a folder of pages (`--output DIR`) rather than one stream.
    pub fn is_site(self) -> bool {
        self == Self::Html
    }

    /// Every format.
    pub const ALL: [CompareFormat; 5] = [
        Self::Text,
        Self::Markdown,
        Self::Json,
        Self::Github,
        Self::Html,
    ];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Markdown => "markdown",
            Self::Json => "json",
            Self::Github => "github",
            Self::Html => "html",
        }
    }
}

impl fmt::Display for CompareFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CompareFormat {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        by_name(&Self::ALL, Self::as_str, s)
    }
}

/// The format of `all` whose name (`as_str`) is `s`, exactly as `--format` takes it.
fn by_name<F: Copy>(all: &[F], as_str: fn(F) -> &'static str, s: &str) -> Result<F, UnknownFormat> {
    all.iter()
        .copied()
        .find(|&f| as_str(f) == s)
        .ok_or_else(|| {
            let known: Vec<&str> = all.iter().map(|&f| as_str(f)).collect();
            UnknownFormat::new("format", s, &known)
        })
}

/// What a comparison's outputs need beyond the comparison: the palette (text only), the
/// files' source for the code they show, and the forge links of Markdown.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// Styles the text format only.
    pub palette: &'a Palette,
    /// The compared files' lines; [`NoSource`] shows no code.
    pub source: &'a dyn Source,
    /// Where a `path:line` links to in Markdown.
    pub links: &'a Links,
}

impl Context<'static> {
    /// Plain, no source and no links: what a library caller or a test gets by default.
    pub fn plain() -> Self {
        static PALETTE: std::sync::OnceLock<Palette> = std::sync::OnceLock::new();
        static LINKS: std::sync::OnceLock<Links> = std::sync::OnceLock::new();
        Context {
            palette: PALETTE.get_or_init(Palette::default),
            source: &NoSource,
            links: LINKS.get_or_init(Links::none),
        }
    }
}

/// Writes the comparison of `sides` in `format`. The HTML format is a folder of pages, not a
/// stream: it is refused here (`InvalidInput`); [`super::html::site`] writes it.
pub fn compare(
    out: &mut dyn Write,
    sides: &Sides,
    c: &Comparison,
    format: CompareFormat,
    ctx: &Context<'_>,
) -> io::Result<()> {
    match format {
        CompareFormat::Text => text::compare(out, sides, c, ctx),
        CompareFormat::Markdown => markdown::compare(out, sides, c, ctx),
        CompareFormat::Json => json::compare(out, sides, c),
        CompareFormat::Github => github::compare(out, c),
        CompareFormat::Html => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the html format is a folder of pages: write it with render::html::site",
        )),
    }
}

/// `--format` of `covgit show` and `covgit log`: what one commit holds, or the recorded
/// history, as text or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryFormat {
    /// For people, in a terminal.
    Text,
    /// The fixed `covgit/show/1` or `covgit/log/1` schema.
    Json,
}

impl QueryFormat {
    /// Whether the format is styled by a palette: text only.
    pub fn styled(self) -> bool {
        self == Self::Text
    }

    /// Every format.
    pub const ALL: [QueryFormat; 2] = [Self::Text, Self::Json];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
        }
    }
}

impl fmt::Display for QueryFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for QueryFormat {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        by_name(&Self::ALL, Self::as_str, s)
    }
}

/// `--format` of `covgit log`: the [`QueryFormat`]s, and the coverage trend as one SVG
/// chart (on stdout) or as an HTML page with the chart and a table of the commits (written
/// into a folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogFormat {
    /// One line per recorded commit.
    Text,
    /// The fixed `covgit/log/1` schema.
    Json,
    /// The trend chart, a standalone SVG document.
    Svg,
    /// The trend chart and a table of the commits, `index.html` of a folder.
    Html,
}

impl LogFormat {
    /// Every format.
    pub const ALL: [LogFormat; 4] = [Self::Text, Self::Json, Self::Svg, Self::Html];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
            Self::Svg => "svg",
            Self::Html => "html",
        }
    }

    /// The list's own formats, written by [`log`]; `None` for the trend's.
    pub fn query(self) -> Option<QueryFormat> {
        match self {
            Self::Text => Some(QueryFormat::Text),
            Self::Json => Some(QueryFormat::Json),
            Self::Svg | Self::Html => None,
        }
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LogFormat {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        by_name(&Self::ALL, Self::as_str, s)
    }
}

/// Writes one commit's report in `format`. The palette styles the text format only.
pub fn show(
    out: &mut dyn Write,
    v: &ShowView,
    format: QueryFormat,
    palette: &Palette,
) -> io::Result<()> {
    match format {
        QueryFormat::Text => show_text::text(out, v, palette),
        QueryFormat::Json => json::show(out, v),
    }
}

/// Writes the recorded commits (newest first) in `format`. The palette styles the text
/// format only.
pub fn log(
    out: &mut dyn Write,
    entries: &[LogEntry],
    format: QueryFormat,
    palette: &Palette,
) -> io::Result<()> {
    match format {
        QueryFormat::Text => log_text::text(out, entries, palette),
        QueryFormat::Json => json::log(out, entries),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;

    #[test]
    fn format_names_round_trip_and_unknown_ones_are_named() {
        for f in CompareFormat::ALL {
            assert_eq!(f.as_str().parse::<CompareFormat>(), Ok(f));
        }
        let err = "svg".parse::<CompareFormat>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown format 'svg' (expected text, markdown, json, github or html)"
        );
    }

    #[test]
    fn query_format_names_round_trip_and_unknown_ones_are_named() {
        for f in QueryFormat::ALL {
            assert_eq!(f.as_str().parse::<QueryFormat>(), Ok(f));
        }
        let err = "markdown".parse::<QueryFormat>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown format 'markdown' (expected text or json)"
        );
    }

    #[test]
    fn log_format_names_round_trip_and_only_text_and_json_are_query_formats() {
        for f in LogFormat::ALL {
            assert_eq!(f.as_str().parse::<LogFormat>(), Ok(f));
            assert_eq!(
                f.query().map(QueryFormat::as_str),
                QueryFormat::ALL
                    .iter()
                    .map(|q| q.as_str())
                    .find(|q| *q == f.as_str())
            );
        }
        let err = "png".parse::<LogFormat>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown format 'png' (expected text, json, svg or html)"
        );
    }

    #[test]
    fn only_the_text_format_takes_color() {
        let (sides, c) = (fixtures::pseudo_sides(), fixtures::comparison());
        for f in CompareFormat::ALL.into_iter().filter(|f| !f.is_site()) {
            let mut colored = Vec::new();
            let palette = Palette::colorized();
            let ctx = Context {
                palette: &palette,
                ..Context::plain()
            };
            compare(&mut colored, &sides, &c, f, &ctx).unwrap();
            let mut plain = Vec::new();
            compare(&mut plain, &sides, &c, f, &Context::plain()).unwrap();
            assert!(
                !plain.contains(&0x1b),
                "{f} has an escape with the plain palette"
            );
            assert!(!plain.is_empty(), "{f} wrote nothing");
            assert_eq!(colored.contains(&0x1b), f == CompareFormat::Text, "{f}");
        }
    }

    #[test]
    fn the_html_site_is_not_a_stream() {
        let (sides, c) = (fixtures::pseudo_sides(), fixtures::comparison());
        let mut out = Vec::new();
        let err =
            compare(&mut out, &sides, &c, CompareFormat::Html, &Context::plain()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(out.is_empty());
    }
}
