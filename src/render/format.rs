//! The formats `covgit compare` writes and the one entry point that picks a renderer.
//! Only the text format takes the palette: markdown, JSON and GitHub annotations are read by
//! machines or other tools and never carry escape codes.

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use super::style::Palette;
use super::{github, json, markdown, text};
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
}

impl CompareFormat {
    /// Every format.
    pub const ALL: [CompareFormat; 4] = [Self::Text, Self::Markdown, Self::Json, Self::Github];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Markdown => "markdown",
            Self::Json => "json",
            Self::Github => "github",
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
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownFormat::new("format", s, &Self::ALL.map(Self::as_str)))
    }
}

/// Writes the comparison of `sides` in `format`. The palette styles the text format only.
pub fn compare(
    out: &mut dyn Write,
    sides: &Sides,
    c: &Comparison,
    format: CompareFormat,
    palette: &Palette,
) -> io::Result<()> {
    match format {
        CompareFormat::Text => text::compare(out, sides, c, palette),
        CompareFormat::Markdown => markdown::compare(out, sides, c),
        CompareFormat::Json => json::compare(out, sides, c),
        CompareFormat::Github => github::compare(out, c),
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
        let err = "html".parse::<CompareFormat>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown format 'html' (expected text, markdown, json or github)"
        );
    }

    #[test]
    fn only_the_text_format_takes_color() {
        let (sides, c) = (fixtures::pseudo_sides(), fixtures::comparison());
        for f in CompareFormat::ALL {
            let mut colored = Vec::new();
            compare(&mut colored, &sides, &c, f, &Palette::colorized()).unwrap();
            let mut plain = Vec::new();
            compare(&mut plain, &sides, &c, f, &Palette::default()).unwrap();
            assert!(
                !plain.contains(&0x1b),
                "{f} has an escape with the plain palette"
            );
            assert!(!plain.is_empty(), "{f} wrote nothing");
            assert_eq!(colored.contains(&0x1b), f == CompareFormat::Text, "{f}");
        }
    }
}
