//! Names in the shared layout: a record's tree entry name for its flag, and the escaping
//! of path and flag names that keeps every tree acceptable to git's fsck.

use gix::ObjectId;

use crate::git::GitError;
use crate::model::Flag;

const UNFLAGGED: &str = "@default";

pub(super) fn load_tree(
    repo: &gix::Repository,
    id: Option<ObjectId>,
) -> Result<gix::objs::Tree, GitError> {
    let Some(id) = id else {
        return Ok(gix::objs::Tree::empty());
    };
    let tree = repo.find_tree(id).map_err(|source| GitError::Read {
        what: format!("covgit data tree {id}"),
        source,
    })?;
    tree.decode()
        .map(Into::into)
        .map_err(|source| GitError::Read {
            what: format!("covgit data tree {id}"),
            source,
        })
}

pub(super) fn child(tree: &gix::objs::Tree, name: &str, want_tree: bool) -> Option<ObjectId> {
    tree.entries
        .iter()
        .find(|e| e.filename == name && e.mode.is_tree() == want_tree)
        .map(|e| e.oid)
}

pub(super) fn flag_name(flag: Option<&Flag>) -> String {
    flag.map_or_else(|| UNFLAGGED.to_owned(), |f| escape(f.as_str()))
}

/// The flag a record name stands for: `Ok(None)` is the unflagged upload, `Err` a name no
/// covgit writes.
pub(super) fn parse_flag_name(name: &str) -> Result<Option<Flag>, ()> {
    if name == UNFLAGGED {
        return Ok(None);
    }
    let raw = unescape(name).ok_or(())?;
    Flag::new(&raw).map(Some).map_err(|_| ())
}

/// A tree entry name for `s` that git's fsck accepts and no other string maps to.
pub(super) fn escape(s: &str) -> String {
    if s.is_empty() {
        return "%".to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            '%' => out.push_str("%25"),
            '\0' => out.push_str("%00"),
            '~' => out.push_str("%7E"),
            '/' => out.push_str("%2F"),
            '.' if i == 0 => out.push_str("%2E"),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn unescape(s: &str) -> Option<String> {
    if s == "%" {
        return Some(String::new());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3)?;
        out.push(match code {
            "25" => '%',
            "00" => '\0',
            "7E" => '~',
            "2F" => '/',
            "2E" => '.',
            _ => return None,
        });
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_is_reversible_and_safe_for_fsck() {
        for s in [
            "", "a", ".git", "..", ".", "%", "%25", "a~1", "git~1", "x\0y", "src/a.rs", "a.b.",
            "%2E",
        ] {
            let e = escape(s);
            assert!(
                !e.starts_with('.') && !e.contains(['/', '\0', '~']),
                "{s:?} -> {e}"
            );
            assert!(!e.ends_with('%') || e == "%", "{s:?} -> {e}");
            assert_eq!(unescape(&e).as_deref(), Some(s), "{e}");
        }
        assert_eq!(unescape("%zz"), None);
        assert_eq!(unescape("a%2"), None);
    }

    #[test]
    fn flag_names_round_trip() {
        for f in [
            None,
            Some("unit"),
            Some("a/b"),
            Some(".x"),
            Some("_default"),
        ] {
            let flag = f.map(|f| Flag::new(f).unwrap());
            assert_eq!(parse_flag_name(&flag_name(flag.as_ref())), Ok(flag));
        }
    }
}
