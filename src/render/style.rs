//! The palette: semantic styles named after the SPEC's words (`hit`, `miss`, `lost`, ...),
//! never after colors.
//!
//! [`Palette::default`] is plain: painting with it writes the text unchanged, with no escape
//! byte at all. [`Palette::colorized`] is opt-in; the caller (the binary, which alone knows
//! about terminals and `NO_COLOR`) decides. Colors are plain ANSI SGR codes: eight named
//! colors and bold/dim are all covgit needs, so no color crate is pulled in.

use std::fmt;

use crate::compare::LineKind;
use crate::model::{CiStatus, LineState};

/// One style: the parameters of an ANSI SGR sequence (`"1;31"`), or nothing (plain).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style(Option<&'static str>);

impl Style {
    /// No styling at all.
    pub const PLAIN: Style = Style(None);

    /// A style from SGR parameters, e.g. `"32"` (green) or `"1;31"` (bold red).
    pub const fn sgr(params: &'static str) -> Style {
        Style(Some(params))
    }

    /// `text` wrapped in this style's escape sequence (unchanged when plain).
    pub fn paint<T: fmt::Display>(self, text: T) -> Painted<T> {
        Painted { style: self, text }
    }
}

/// Text with a style, written by its `Display`. Width and fill options do not apply: pad
/// the text before painting it.
#[derive(Debug, Clone, Copy)]
pub struct Painted<T> {
    style: Style,
    text: T,
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.style.0 {
            Some(params) => write!(f, "\x1b[{params}m{}\x1b[0m", self.text),
            None => write!(f, "{}", self.text),
        }
    }
}

/// The styles renderers use, by meaning. Default: every style plain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Palette {
    /// A line or file state `hit`, a passed CI status.
    pub hit: Style,
    /// A `miss` state, a failed CI status.
    pub miss: Style,
    /// A `partial` state, a pending CI status.
    pub partial: Style,
    /// Coverage that rose: `gained` lines, a positive delta.
    pub gained: Style,
    /// Coverage that fell: `lost` lines, a negative delta.
    pub lost: Style,
    /// `added` lines.
    pub added: Style,
    /// `removed` lines.
    pub removed: Style,
    /// File paths and locations.
    pub path: Style,
    /// Headings and labels.
    pub header: Style,
    /// Secondary information: commit ids, `now_tracked`/`no_longer_tracked`, notes.
    pub dim: Style,
}

impl Palette {
    /// The terminal palette, for callers that decided color is wanted.
    pub fn colorized() -> Palette {
        Palette {
            hit: Style::sgr("32"),
            miss: Style::sgr("31"),
            partial: Style::sgr("33"),
            gained: Style::sgr("1;32"),
            lost: Style::sgr("1;31"),
            added: Style::sgr("36"),
            removed: Style::sgr("35"),
            path: Style::sgr("34"),
            header: Style::sgr("1"),
            dim: Style::sgr("2"),
        }
    }

    /// The style of a line state.
    pub fn state(&self, s: LineState) -> Style {
        match s {
            LineState::Hit => self.hit,
            LineState::Partial => self.partial,
            LineState::Miss => self.miss,
        }
    }

    /// The style of a line kind's heading.
    pub fn kind(&self, k: LineKind) -> Style {
        match k {
            LineKind::Gained => self.gained,
            LineKind::Lost => self.lost,
            LineKind::Added => self.added,
            LineKind::Removed => self.removed,
            LineKind::NowTracked
            | LineKind::NoLongerTracked
            | LineKind::Moved
            | LineKind::Reformatted => self.dim,
        }
    }

    /// The style of a CI status: passed like `hit`, failed like `miss`, pending like `partial`.
    pub fn ci_status(&self, s: CiStatus) -> Style {
        match s {
            CiStatus::Passed => self.hit,
            CiStatus::Failed => self.miss,
            CiStatus::Pending => self.partial,
        }
    }

    /// The style of a coverage change in points: up is `gained`, down is `lost`, a change
    /// that rounds to zero is plain.
    pub fn delta(&self, d: Option<f64>) -> Style {
        match super::figures::direction(d) {
            Some(true) => self.gained,
            Some(false) => self.lost,
            None => Style::PLAIN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_palette_writes_text_unchanged() {
        let p = Palette::default();
        assert_eq!(p.lost.paint("x").to_string(), "x");
        assert_eq!(p.state(LineState::Miss).paint(12).to_string(), "12");
    }

    #[test]
    fn colorized_styles_wrap_text_in_sgr_codes() {
        let p = Palette::colorized();
        assert_eq!(p.miss.paint("miss").to_string(), "\x1b[31mmiss\x1b[0m");
        assert_eq!(p.delta(Some(-0.5)), p.lost);
        assert_eq!(p.delta(Some(0.0)), Style::PLAIN);
        assert_eq!(p.delta(None), Style::PLAIN);
        assert_eq!(p.ci_status(CiStatus::Pending), p.partial);
        assert_eq!(p.kind(LineKind::NowTracked), p.dim);
    }
}
