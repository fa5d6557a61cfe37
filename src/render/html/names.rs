//! Where each page of a site goes. Paths come from reports and trees, so a page's name is
//! made safe: each path segment keeps ASCII letters, digits, `.`, `_` and `-`, and every
//! other byte is written `~XX` (hex); a segment that is empty or only dots (`..`) is encoded
//! whole, so no page name climbs out of the site or is absolute. A segment ending in `.html`
//! has its last dot encoded, so a folder can never take the name of a page; a trailing dot
//! and the first letter of a Windows device name (`con`, `nul.py`) are encoded too. A name too long
//! for a file system becomes a hash, and two names that differ only in case (one file on
//! macOS or Windows) get a hash suffix.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use super::has_page;
use crate::compare::Comparison;

/// The page of each file that has one, and of each folder.
pub struct Names {
    files: HashMap<String, String>,
    folders: HashMap<String, String>,
}

/// The page that lists every file: the root folder's.
pub const ALL_FILES: &str = "files.html";

/// The longest segment kept as it is, and the longest page path, in bytes.
const MAX_SEGMENT: usize = 120;
const MAX_PATH: usize = 600;

impl Names {
    /// Names the pages of `c`: one per file with changes ([`has_page`]) under `f/`, one per
    /// folder of any file under `d/`.
    pub fn new(c: &Comparison) -> Self {
        let mut taken = HashSet::new();
        taken.insert("index.html".to_owned());
        taken.insert(ALL_FILES.to_owned());
        let mut files = HashMap::new();
        let mut folders = HashMap::new();
        for f in &c.files {
            if has_page(f) && !files.contains_key(&f.path) {
                let name = unique(&mut taken, "f", &f.path);
                files.insert(f.path.clone(), name);
            }
            for folder in super::index::folders_of(&f.path) {
                if folder.is_empty() || folders.contains_key(folder) {
                    continue;
                }
                let name = unique(&mut taken, "d", folder);
                folders.insert(folder.to_owned(), name);
            }
        }
        folders.insert(String::new(), ALL_FILES.to_owned());
        Self { files, folders }
    }

    /// The page of file `path`, if it has one.
    pub fn file(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// The page of `folder` (`""` is the root: [`ALL_FILES`]).
    pub fn folder(&self, folder: &str) -> &str {
        self.folders.get(folder).map_or(ALL_FILES, String::as_str)
    }
}

/// The link from page `from` to page `to` (both site paths).
pub fn rel(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    let mut s = "../".repeat(depth);
    s.push_str(to);
    s
}

/// The page for `path` under `dir`, unique among `taken` even where case is ignored.
fn unique(taken: &mut HashSet<String>, dir: &str, path: &str) -> String {
    let mut name = page(dir, path);
    if taken.contains(&name.to_lowercase()) {
        let stem = name.strip_suffix(".html").unwrap_or(&name).to_owned();
        let mut n = 0u32;
        loop {
            let candidate = format!("{stem}~h{:016x}{n}.html", hash(path));
            if !taken.contains(&candidate.to_lowercase()) {
                name = candidate;
                break;
            }
            n += 1;
        }
    }
    taken.insert(name.to_lowercase());
    name
}

/// `dir/` + `path`'s segments encoded + `.html`; a hash when that would be too long.
pub fn page(dir: &str, path: &str) -> String {
    let encoded: Vec<String> = path.split('/').map(segment).collect();
    if encoded.iter().any(|s| s.len() > MAX_SEGMENT) || path.len() * 3 > MAX_PATH {
        return format!("{dir}/~h{:016x}.html", hash(path));
    }
    format!("{dir}/{}.html", encoded.join("/"))
}

/// One path segment, safe as a file or folder name and in a URL.
fn segment(s: &str) -> String {
    if s.is_empty() {
        return "~".to_owned();
    }
    let all_dots = s.bytes().all(|b| b == b'.');
    let last_dot = if s.to_ascii_lowercase().ends_with(".html") {
        Some(s.len() - 5)
    } else {
        None
    };
    // Windows drops a trailing dot (`a.` would be `a`) and keeps device names (`con`,
    // `nul.py`) for itself: their first byte is encoded.
    let trailing_dot = s.len() - 1;
    let device = {
        let stem = s.split('.').next().unwrap_or_default().to_ascii_lowercase();
        matches!(
            stem.as_str(),
            "con" | "prn" | "aux" | "nul" | "conin$" | "conout$"
        ) || (stem.len() == 4
            && (stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.as_bytes()[3].is_ascii_digit())
    };
    let mut out = String::with_capacity(s.len());
    for (i, b) in s.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
        if keep
            && !(b == b'.' && (all_dots || Some(i) == last_dot || i == trailing_dot))
            && !(device && i == 0)
        {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "~{b:02x}");
        }
    }
    out
}

/// FNV-1a, 64 bits: a stable name for a path (the same in every run and version).
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_names_stay_inside_the_site_and_are_url_safe() {
        assert_eq!(page("f", "src/a.py"), "f/src/a.py.html");
        assert_eq!(
            page("f", "../../etc/passwd"),
            "f/~2e~2e/~2e~2e/etc/passwd.html"
        );
        assert_eq!(page("f", "/abs/x.c"), "f/~/abs/x.c.html");
        assert_eq!(page("f", "a/./b"), "f/a/~2e/b.html");
        assert_eq!(
            page("f", "<script>\"x\" y%.py"),
            "f/~3cscript~3e~22x~22~20y~25.py.html"
        );
        assert_eq!(page("f", "~.py"), "f/~7e.py.html");
        assert_eq!(page("f", "caf\u{e9}.py"), "f/caf~c3~a9.py.html");
        // A folder named like a page never clashes with the page of a file.
        assert_eq!(page("f", "x.py.html/y"), "f/x.py~2ehtml/y.html");
        for p in ["../x", "a/../../b", "/", "", "..", "a//b", "\\..\\x"] {
            let name = page("f", p);
            assert!(name.starts_with("f/"), "{name}");
            assert!(
                name.split('/')
                    .all(|s| !s.is_empty() && s.chars().any(|c| c != '.')),
                "{p:?} -> {name}"
            );
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/._-~".contains(&b)),
                "{name}"
            );
        }
    }

    #[test]
    fn names_windows_keeps_for_itself_are_encoded() {
        assert_eq!(page("f", "src./a.py"), "f/src~2e/a.py.html");
        assert_eq!(page("f", "con"), "f/~63on.html");
        assert_eq!(page("f", "lib/NUL.py"), "f/lib/~4eUL.py.html");
        assert_eq!(page("f", "com1.c"), "f/~63om1.c.html");
        assert_eq!(page("f", "console.py"), "f/console.py.html");
        assert_eq!(page("f", "com10.c"), "f/com10.c.html");
    }

    #[test]
    fn long_paths_become_hashes_and_case_clashes_get_a_suffix() {
        let long = "a".repeat(300);
        let name = page("f", &format!("src/{long}.py"));
        assert!(name.starts_with("f/~h") && name.len() < 40, "{name}");
        assert_ne!(name, page("f", &format!("src/{long}.rs")));

        let mut taken = HashSet::new();
        let a = unique(&mut taken, "f", "src/A.py");
        let b = unique(&mut taken, "f", "src/a.py");
        assert_eq!(a, "f/src/A.py.html");
        assert!(b.starts_with("f/src/a.py~h"), "{b}");
        assert!(b.to_ascii_lowercase().ends_with(".html"), "{b}");
    }

    #[test]
    fn links_climb_as_deep_as_the_page_is() {
        assert_eq!(rel("index.html", "f/a.html"), "f/a.html");
        assert_eq!(rel("f/src/a.html", "covgit.css"), "../../covgit.css");
    }
}
