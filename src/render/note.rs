//! The lines commands say on stderr (what was recorded, pushed, removed; why a check
//! failed): one sentence per line, escaped whole as [`escape::line`] does, because they
//! quote paths, flags, refs and remotes that must never end the line early or start one a
//! CI runner would obey.

use std::io::{self, Write};

use super::escape;

/// Writes `s` as one escaped line.
pub(super) fn line(out: &mut dyn Write, s: &str) -> io::Result<()> {
    writeln!(out, "{}", escape::line(s))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_note_is_one_line_whatever_it_quotes() {
        let mut out = Vec::new();
        super::line(&mut out, "::error::pushed to 'a\nb'").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\\x3a:error::pushed to 'a\\nb'\n"
        );
    }
}
