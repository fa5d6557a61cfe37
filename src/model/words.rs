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
    use super::{count, quoted};

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
