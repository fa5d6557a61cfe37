//! How a count reads next to its noun in every human message (text output, warnings,
//! errors and gate failures), so one thing is always one: `1 line`, `2 lines`.

/// `1 line`, `0 lines`, `2 lines`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::count;

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
