//! The one place that makes strings written by others safe to print: paths and flag and
//! format names from reports and trees, commit subjects, what the remote sent.
//!
//! A terminal obeys control characters (ESC retitles a window or clears the screen, BEL
//! rings) and a CI runner obeys lines: GitHub Actions runs any line whose first non-blank
//! characters are `::` as a workflow command (`::error …`, `::add-mask::…`), and `##[` (and
//! Azure's `##vso[`) anywhere in a line. So, for text, logs, warnings and errors alike:
//!
//! - [`text`] shows control characters (C0, DEL, C1), the Unicode line and paragraph
//!   separators and the bidirectional controls of "Trojan source" as visible escapes (`\n`,
//!   `\x1b`, `\u{202e}`), so a data string can never end a line or restyle one, and breaks
//!   `##[` / `##vso[` as `#\x23[`;
//! - [`line()`] is [`text`] for a string that starts a line, which also shows a leading `::`
//!   as `\x3a:`;
//! - [`LineGuard`] applies that last rule to every line a renderer writes, as a safety net
//!   under the tables and lists whose first column is data.
//!
//! Escaping happens before styling: the color codes covgit adds itself are not data.
//! Markdown adds its own rules on top (see `markdown.rs`); JSON escapes by its grammar and
//! `--format github` by GitHub's rules.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// `s` with every character a terminal or CI runner would act on shown as a visible escape;
/// borrowed unchanged when there is none.
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) && !s.contains("##") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(ch) = rest.chars().next() {
        let after = &rest[ch.len_utf8()..];
        if let Some(shown) = visible(ch) {
            out.push_str(&shown);
        } else if ch == '#' && out.ends_with('#') && starts_command(after) {
            // The second `#` of `##[` or `##vso[`: a runner finds those anywhere in a line.
            out.push_str("\\x23");
        } else {
            out.push(ch);
        }
        rest = after;
    }
    Cow::Owned(out)
}

/// The entity of a character that HTML and XML give a meaning (`&`, `<`, `>`, `"`, `'`).
pub fn entity(ch: char) -> Option<&'static str> {
    Some(match ch {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' => "&quot;",
        '\'' => "&#39;",
        _ => return None,
    })
}

/// `s` as HTML or XML text or a quoted attribute value (the HTML site, the trend's SVG and
/// page): [`text`]'s visible escapes, the two Unicode noncharacters XML forbids shown the
/// same way, then [`entity`] for each character markup gives a meaning.
pub fn markup(s: &str) -> Cow<'_, str> {
    let shown = text(s);
    if !shown
        .chars()
        .any(|c| entity(c).is_some() || matches!(c, '\u{fffe}' | '\u{ffff}'))
    {
        return shown;
    }
    let mut out = String::with_capacity(shown.len() + 16);
    for c in shown.chars() {
        match (entity(c), c) {
            (Some(e), _) => out.push_str(e),
            (None, '\u{fffe}') => out.push_str("\\u{fffe}"),
            (None, '\u{ffff}') => out.push_str("\\u{ffff}"),
            (None, c) => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`text`] for a string printed at the start of a line: a leading `::` (after blanks)
/// cannot start a workflow command either.
pub fn line(s: &str) -> Cow<'_, str> {
    let t = text(s);
    match guard_start(t.as_bytes()) {
        Some(at) => Cow::Owned(guarded(&t, at)),
        None => t,
    }
}

/// The visible form of `ch` when it must not be printed as itself.
pub fn visible(ch: char) -> Option<String> {
    if !needs_escape(ch) {
        return None;
    }
    Some(match ch {
        '\n' => "\\n".to_owned(),
        '\r' => "\\r".to_owned(),
        '\t' => "\\t".to_owned(),
        c if u32::from(c) < 0x80 => format!("\\x{:02x}", u32::from(c)),
        c => {
            let mut s = String::new();
            let _ = write!(s, "\\u{{{:x}}}", u32::from(c));
            s
        }
    })
}

/// Control characters, the line and paragraph separators, and the bidi controls
/// (U+202A–U+202E, U+2066–U+2069, and the marks U+200E, U+200F, U+061C).
fn needs_escape(ch: char) -> bool {
    ch.is_control()
        || matches!(
            ch,
            '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{061c}'
        )
}

/// Whether what follows `##` would make a runner read a command.
fn starts_command(after: &str) -> bool {
    after.starts_with('[') || after.starts_with("vso[")
}

/// Where the `::` of a line starts, after blanks and the SGR color codes covgit adds.
/// A blank is any Unicode white space (U+00A0, U+2000–U+200A, U+3000, ...) or U+001C–U+001F:
/// GitHub's runner trims every .NET white space before it looks for `::`.
fn guard_start(line: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        match line.get(i..) {
            Some([0x1b, b'[', rest @ ..]) => {
                let end = rest.iter().position(|b| *b == b'm')?;
                i += 2 + end + 1;
            }
            Some([b':', b':', ..]) => return Some(i),
            Some(rest) => i += leading_blank(rest)?,
            None => return None,
        }
    }
}

/// The length in bytes of the white space character `bytes` starts with, if it does.
fn leading_blank(bytes: &[u8]) -> Option<usize> {
    let len = match bytes.first()? {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    let ch = std::str::from_utf8(bytes.get(..len)?)
        .ok()?
        .chars()
        .next()?;
    // .NET's `char.IsWhiteSpace` also counts the separators U+001C–U+001F.
    (ch.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&ch)).then_some(len)
}

fn guarded(s: &str, at: usize) -> String {
    format!("{}\\x3a{}", &s[..at], &s[at + 1..])
}

/// A writer that passes whole lines through, showing a `::` that would start one as
/// `\x3a:`. Call [`LineGuard::finish`] to write a last line without a newline.
pub struct LineGuard<'a> {
    inner: &'a mut dyn Write,
    pending: Vec<u8>,
}

impl<'a> LineGuard<'a> {
    /// A guard writing to `inner`.
    pub fn new(inner: &'a mut dyn Write) -> Self {
        Self {
            inner,
            pending: Vec::new(),
        }
    }

    /// Writes what is left of the last line.
    pub fn finish(mut self) -> io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        self.emit(&rest)
    }

    fn emit(&mut self, line: &[u8]) -> io::Result<()> {
        match guard_start(line) {
            Some(at) => {
                self.inner.write_all(&line[..at])?;
                self.inner.write_all(b"\\x3a")?;
                self.inner.write_all(&line[at + 1..])
            }
            None => self.inner.write_all(line),
        }
    }
}

impl Write for LineGuard<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while let Some(end) = self.pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            self.emit(&line)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Runs `f` with its output going through a [`LineGuard`] over `out`.
pub fn guard_lines(
    out: &mut dyn Write,
    f: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut guard = LineGuard::new(out);
    f(&mut guard)?;
    guard.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_controls_and_noncharacters_are_escaped() {
        assert_eq!(markup("plain"), "plain");
        assert!(matches!(markup("plain"), Cow::Borrowed(_)));
        assert_eq!(
            markup(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(markup("a\x1b]0;t\x07\nb"), "a\\x1b]0;t\\x07\\nb");
        assert_eq!(
            markup("\u{202e}x\u{fffe}\u{ffff}"),
            "\\u{202e}x\\u{fffe}\\u{ffff}"
        );
        assert_eq!(markup("]]> <!-- -->"), "]]&gt; &lt;!-- --&gt;");
    }

    #[test]
    fn control_and_bidi_characters_become_visible_escapes() {
        assert_eq!(text("src/a.py"), "src/a.py");
        assert!(matches!(text("src/a.py"), Cow::Borrowed(_)));
        assert_eq!(
            text("a\n::error file=app.py,line=1::owned"),
            "a\\n::error file=app.py,line=1::owned"
        );
        assert_eq!(
            text("t\x1b]0;pwned\x07\r\t\x7f"),
            "t\\x1b]0;pwned\\x07\\r\\t\\x7f"
        );
        assert_eq!(text("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(
            text("x\u{202e}y\u{2066}z\u{2028}"),
            "x\\u{202e}y\\u{2066}z\\u{2028}"
        );
        // Printable non-ASCII stays as it is.
        assert_eq!(text("café/данные.py → ok"), "café/данные.py → ok");
    }

    #[test]
    fn runner_commands_anywhere_in_a_line_are_broken() {
        assert_eq!(text("a##[add-mask]x"), "a#\\x23[add-mask]x");
        assert_eq!(
            text("##vso[task.setvariable]"),
            "#\\x23vso[task.setvariable]"
        );
        assert_eq!(text("## heading #1"), "## heading #1");
    }

    #[test]
    fn a_line_cannot_start_a_workflow_command() {
        assert_eq!(line("::add-mask::x"), "\\x3a:add-mask::x");
        assert_eq!(line("  ::error::x"), "  \\x3a:error::x");
        assert_eq!(line("a ::error::x"), "a ::error::x");
        assert_eq!(line(":x"), ":x");
        assert_eq!(line("::\n"), "\\x3a:\\n");
    }

    #[test]
    fn a_unicode_blank_before_the_colons_does_not_hide_a_workflow_command() {
        for blank in [
            "\u{a0}", "\u{1680}", "\u{2000}", "\u{200a}", "\u{202f}", "\u{205f}", "\u{3000}",
        ] {
            let raw = format!("{blank}::error::x");
            let shown = line(&raw);
            assert!(
                !shown.trim_start().starts_with("::") && shown.contains("\\x3a:error::x"),
                "{blank:?} -> {shown:?}"
            );
        }
        assert_eq!(
            line("\u{3000} \u{a0}::error::x"),
            "\u{3000} \u{a0}\\x3a:error::x"
        );
        assert_eq!(line("\u{3000}a::b"), "\u{3000}a::b");
        let mut out = Vec::new();
        guard_lines(&mut out, |w| {
            w.write_all("ok\n\u{2003}".as_bytes())?;
            w.write_all(b"\x1b[34m::warning\x1b[0m\n\xe3\x80::x\n\x1c\x0b\xc2\x85::y\n")
        })
        .unwrap();
        assert_eq!(
            out,
            b"ok\n\xe2\x80\x83\x1b[34m\\x3a:warning\x1b[0m\n\xe3\x80::x\n\x1c\x0b\xc2\x85\\x3a:y\n"
        );
    }

    #[test]
    fn the_guard_checks_every_line_whole_even_when_written_in_pieces() {
        let mut out = Vec::new();
        guard_lines(&mut out, |w| {
            w.write_all(b"ok\n  :")?;
            w.write_all(b":error::x\n\x1b[34m::warning\x1b[0m\n")?;
            w.write_all(b"a::b\n::last")
        })
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ok\n  \\x3a:error::x\n\x1b[34m\\x3a:warning\x1b[0m\na::b\n\\x3a:last"
        );
    }
}
