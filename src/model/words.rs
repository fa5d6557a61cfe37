//! Words of every human message (text output, warnings, errors and gate failures): how a
//! count reads next to its noun, so one thing is always one (`1 line`, `2 lines`), and how
//! a string written by others is quoted in one bounded line.

/// `1 line`, `0 lines`, `2 lines`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A format name (`--format`, `--input-format`) that is none of the names covgit knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} '{name}' (expected {expected})")]
pub struct UnknownFormat {
    /// What was named: `format`, `input format`.
    pub kind: &'static str,
    /// The name as typed.
    pub name: String,
    /// The known names, as `a, b or c`.
    pub expected: String,
}

impl UnknownFormat {
    /// `name` is none of `known`, the names of a `kind` of format.
    pub fn new(kind: &'static str, name: &str, known: &[&str]) -> Self {
        let expected = match known.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        };
        Self {
            kind,
            name: name.to_owned(),
            expected,
        }
    }
}

/// `s` for quoting in a one-line message: control characters as visible escapes (`\n`,
/// `\u{1b}`) and cut at `max` characters with `…`. Names and paths others wrote (reports,
/// the remote's shared data) go through it so a message stays one bounded line.
pub fn quoted(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{UnknownFormat, count, quoted};

    #[test]
    fn an_unknown_format_lists_the_known_names() {
        let e = UnknownFormat::new("format", "xml", &["text", "json", "github"]);
        assert_eq!(
            e.to_string(),
            "unknown format 'xml' (expected text, json or github)"
        );
        let e = UnknownFormat::new("input format", "x", &["lcov"]);
        assert_eq!(e.to_string(), "unknown input format 'x' (expected lcov)");
    }

    #[test]
    fn quoted_escapes_and_cuts() {
        assert_eq!(quoted("a\nb\x1b", 10), "a\\nb\\u{1b}");
        assert_eq!(quoted("abcdef", 3), "abc…");
        assert_eq!(quoted("abc", 3), "abc");
    }

    #[test]
    fn one_thing_is_one() {
        assert_eq!(count(1, "line", "lines"), "1 line");
        assert_eq!(count(0, "line", "lines"), "0 lines");
        assert_eq!(
            count(2, "unresolved path", "unresolved paths"),
            "2 unresolved paths"
        );
    }
}
