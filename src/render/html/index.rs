//! `index.html` (what was compared with what, the figures, the files that changed) and the
//! folder pages (`files.html` for the root, `d/…` for each folder): every file of the
//! comparison is a row of its folder's table, and each folder a row of its parent's with its
//! roll-up, so no page lists more than one folder's entries.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io;

use super::SiteWriter;
use super::names::{ALL_FILES, Names, rel};
use super::page::{self, count_cell, delta_cell, percent_cell, sort_header, text};
use crate::compare::{Comparison, FileComparison, LineKind, Sides};
use crate::model::{LineState, Totals};
use crate::render::figures;

/// Every folder `path` lies in, outermost first, without the root: `a/b/c.py` → `a`, `a/b`.
pub fn folders_of(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// The folder a path lies in directly (`""`: the root).
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// A folder's roll-up.
#[derive(Default)]
struct Folder<'a> {
    base: Totals,
    head: Totals,
    /// Files anywhere below it.
    all: u64,
    /// Of those, files with a page (content or coverage changed).
    changed: u64,
    /// Its files, as indexes into `Comparison.files`.
    files: Vec<usize>,
    /// Its folders.
    subs: BTreeSet<&'a str>,
}

/// Per file: lost lines and added lines that miss or are partial.
#[derive(Default, Clone, Copy)]
struct Problems {
    lost: u64,
    uncovered: u64,
}

pub fn write(
    out: &mut dyn SiteWriter,
    sides: &Sides,
    c: &Comparison,
    names: &Names,
) -> io::Result<()> {
    let mut problems: HashMap<&str, Problems> = HashMap::new();
    for r in &c.lines {
        let n = figures::run_len(r);
        match (r.kind, r.to) {
            (LineKind::Lost, _) => problems.entry(&r.path).or_default().lost += n,
            (LineKind::Added, Some(LineState::Miss | LineState::Partial)) => {
                problems.entry(&r.path).or_default().uncovered += n;
            }
            _ => {}
        }
    }
    let folders = roll_up(c);
    let ctx = Rows {
        c,
        names,
        problems: &problems,
        folders: &folders,
    };
    out.write("index.html", index(sides, c, &ctx).as_bytes())?;
    for (name, folder) in &folders {
        for (at, html) in folder_pages(name, folder, &ctx) {
            out.write(&at, html.as_bytes())?;
        }
    }
    Ok(())
}

fn roll_up(c: &Comparison) -> BTreeMap<&str, Folder<'_>> {
    let mut folders: BTreeMap<&str, Folder<'_>> = BTreeMap::new();
    folders.insert("", Folder::default());
    for (i, f) in c.files.iter().enumerate() {
        folders.entry(parent(&f.path)).or_default().files.push(i);
        let changed = super::has_page(f);
        for name in std::iter::once("").chain(folders_of(&f.path)) {
            let folder = folders.entry(name).or_default();
            if let Some(t) = &f.base {
                folder.base.add(t);
            }
            if let Some(t) = &f.head {
                folder.head.add(t);
            }
            folder.all += 1;
            folder.changed += u64::from(changed);
            if !name.is_empty() {
                folders.entry(parent(name)).or_default().subs.insert(name);
            }
        }
    }
    folders
}

/// What the tables of every page need.
struct Rows<'a> {
    c: &'a Comparison,
    names: &'a Names,
    problems: &'a HashMap<&'a str, Problems>,
    folders: &'a BTreeMap<&'a str, Folder<'a>>,
}

/// Changed files the index lists at most, so that it stays well under 1 MB; every file is
/// in its folder's page.
pub const MAX_INDEX_FILES: usize = 2_000;

/// Bytes of table rows a page holds at most, and rows of files a folder page lists at most:
/// past either, the index lists the worst files only and a folder goes on over several
/// pages, so no page nears 1 MB however many files a folder holds or however long their
/// paths are.
const MAX_TABLE_BYTES: usize = 600_000;
pub const MAX_FOLDER_FILES: usize = 1_000;

/// How much worse file `i` got: problem lines first, then the drop in points.
fn worse(rows: &Rows<'_>, i: usize) -> f64 {
    let f = &rows.c.files[i];
    let p = rows
        .problems
        .get(f.path.as_str())
        .copied()
        .unwrap_or_default();
    let drop = f
        .base
        .and_then(|t| t.coverage())
        .zip(f.head.and_then(|t| t.coverage()))
        .map_or(0.0, |(b, h)| b - h);
    (p.lost + p.uncovered) as f64 * 1000.0 + drop
}

fn index(sides: &Sides, c: &Comparison, rows: &Rows<'_>) -> String {
    let at = "index.html";
    let head = head_name(sides);
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<header><h1>Coverage of {head} against <code title=\"{}\">{}</code></h1></header>\n<main>",
        sides.base.requested,
        sides.base.requested.short()
    );
    if !sides.missing_flags.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"warn\" role=\"alert\">⚠ {}</p>",
            text(&crate::render::check::incomplete_warning(
                &sides.missing_flags
            ))
        );
    }
    compared(&mut b, sides);
    totals(&mut b, c);
    components(&mut b, c);

    let mut changed: Vec<usize> = (0..c.files.len())
        .filter(|&i| super::has_page(&c.files[i]))
        .collect();
    let _ = writeln!(
        b,
        "<section>\n<h2>Files that changed ({} of {})</h2>\n<p><a href=\"{ALL_FILES}\">All {} by folder →</a></p>",
        changed.len(),
        c.files.len(),
        figures::count(c.files.len() as u64, "file", "files"),
    );
    if changed.is_empty() {
        b.push_str("<p>No file's content or coverage changed.</p>\n");
    }
    let mut html: HashMap<usize, String> = changed
        .iter()
        .map(|&i| (i, file_row(at, &c.files[i], rows, true)))
        .collect();
    let bytes: usize = html.values().map(String::len).sum();
    if changed.len() > MAX_INDEX_FILES || bytes > MAX_TABLE_BYTES {
        // The worst first: most problem lines, then the largest drop.
        let all = changed.len();
        changed.sort_by(|&x, &y| worse(rows, y).total_cmp(&worse(rows, x)));
        let mut bytes = 0;
        let kept = changed
            .iter()
            .take(MAX_INDEX_FILES)
            .take_while(|i| {
                bytes += html[*i].len();
                bytes <= MAX_TABLE_BYTES
            })
            .count()
            .max(1);
        changed.truncate(kept);
        changed.sort_unstable();
        let _ = writeln!(
            b,
            "<p class=\"warn\">The {} with the most lost and uncovered added lines are listed here; another {} changed: their folders list them.</p>",
            figures::count(kept as u64, "file", "files"),
            figures::count((all - kept) as u64, "file", "files"),
        );
    }
    let listed: Vec<String> = changed.iter().filter_map(|i| html.remove(i)).collect();
    files_table(&mut b, &listed);
    b.push_str("</section>\n");
    kinds(&mut b, c);
    if let Some(root) = rows.folders.get("")
        && !root.subs.is_empty()
    {
        b.push_str("<section>\n<h2>Folders</h2>\n");
        folders_table(&mut b, at, root, rows);
        b.push_str("</section>\n");
    }
    b.push_str(KEYS_NOTE);
    b.push_str("</main>\n");
    page::document(at, "covgit: coverage comparison", &b)
}

const KEYS_NOTE: &str = "<footer><p>States: <span class=\"st s-hit\">H</span> hit, \
<span class=\"st s-partial\">P</span> partial (branches taken/total), \
<span class=\"st s-miss\">M</span> miss, <span class=\"st s-none\">·</span> untracked. \
Written by covgit; opens from disk, no network.</p></footer>\n";

fn head_name(sides: &Sides) -> String {
    match &sides.head {
        Some(h) => format!("<code title=\"{h}\">{}</code>", h.short()),
        None => match &sides.worktree {
            Some(changes) => format!(
                "the working tree ({})",
                text(&crate::render::worktree::changes(changes))
            ),
            None => "the working tree".to_owned(),
        },
    }
}

/// How the two sides were chosen (SPEC "Parent selection", "Flags").
fn compared(b: &mut String, sides: &Sides) {
    b.push_str("<section>\n<h2>Compared</h2>\n<dl class=\"sides\">\n");
    let _ = write!(b, "<dt>Head</dt><dd>{}", head_name(sides));
    if sides.head_source == crate::compare::HeadSource::File {
        b.push_str(", coverage from a report file");
    }
    b.push_str("</dd>\n");
    let base = &sides.base;
    let _ = write!(
        b,
        "<dt>Base</dt><dd><code title=\"{}\">{}</code>",
        base.requested,
        base.requested.short()
    );
    if let Some(name) = &sides.baseline {
        let _ = write!(b, " (baseline <code>{}</code>)", text(name));
    }
    if base.used != base.requested {
        let how = if base.pseudo {
            "had no usable coverage; pseudo-base"
        } else {
            "had no usable coverage; compared with its ancestor"
        };
        let _ = write!(
            b,
            " {how} <code title=\"{}\">{}</code>",
            base.used,
            base.used.short()
        );
        if base.pseudo {
            b.push_str(" stands in for it");
        }
    }
    if sides.offsets {
        b.push_str(", its coverage remapped through their diff (offsets)");
    }
    b.push_str("</dd>\n");
    if !base.skipped.is_empty() {
        b.push_str("<dt>Skipped</dt><dd><ul>");
        for s in &base.skipped {
            let _ = write!(
                b,
                "<li><code title=\"{}\">{}</code>: {}</li>",
                s.commit,
                s.commit.short(),
                s.reason.as_str()
            );
        }
        b.push_str("</ul></dd>\n");
    }
    let carried = figures::carried(sides);
    if !carried.is_empty() {
        b.push_str("<dt>Carried</dt><dd><ul>");
        for (side, flag, origin) in carried {
            let _ = write!(
                b,
                "<li>{side}: <code>{}</code> from <code>{origin}</code></li>",
                text(&flag)
            );
        }
        b.push_str("</ul></dd>\n");
    }
    b.push_str("</dl>\n</section>\n");
}

fn totals(b: &mut String, c: &Comparison) {
    b.push_str("<section>\n<h2>Totals</h2>\n<table class=\"figures\">\n<thead><tr><th></th><th class=\"num\">Coverage</th><th class=\"num\">Files</th><th class=\"num\">Lines</th><th class=\"num\">Hit</th><th class=\"num\">Partial</th><th class=\"num\">Miss</th><th class=\"num\">Branches taken</th></tr></thead>\n<tbody>\n");
    for (name, t) in [("Base", &c.base), ("Head", &c.head)] {
        let _ = writeln!(
            b,
            "<tr><th scope=\"row\">{name}</th>{}<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}/{}</td></tr>",
            percent_cell(Some(t)),
            t.files,
            t.lines,
            t.hit,
            t.partial,
            t.miss,
            t.branches_hit,
            t.branches
        );
    }
    b.push_str("</tbody>\n</table>\n");
    let _ = writeln!(
        b,
        "<p class=\"big\">Total: {} → {} <span class=\"{}\">({})</span></p>",
        figures::percent(c.base.coverage()),
        figures::percent(c.head.coverage()),
        match figures::direction(c.delta()) {
            Some(true) => "up",
            Some(false) => "down",
            None => "",
        },
        arrowed(c.delta()),
    );
    let patch = if c.patch.lines == 0 {
        "no tracked lines added".to_owned()
    } else {
        format!(
            "{} ({}/{} covered: {} hit, {} partial, {} miss)",
            figures::percent(c.patch.coverage()),
            c.patch.hit + c.patch.partial,
            figures::count(c.patch.lines, "added line", "added lines"),
            c.patch.hit,
            c.patch.partial,
            c.patch.miss,
        )
    };
    let _ = writeln!(b, "<p class=\"big\">Patch: {patch}</p>\n</section>");
}

fn arrowed(d: Option<f64>) -> String {
    match figures::direction(d) {
        Some(true) => format!("▲ {}", figures::delta(d)),
        Some(false) => format!("▼ {}", figures::delta(d)),
        None => figures::delta(d),
    }
}

/// The count of each line kind, in lines and runs.
fn kinds(b: &mut String, c: &Comparison) {
    let mut counts = [(0u64, 0u64); LineKind::ALL.len()];
    for r in &c.lines {
        if let Some(i) = LineKind::ALL.iter().position(|k| *k == r.kind) {
            counts[i].0 += figures::run_len(r);
            counts[i].1 += 1;
        }
    }
    b.push_str(
        "<section>\n<h2>Lines by kind</h2>\n<table class=\"figures kinds\">\n<thead><tr><th></th>",
    );
    for kind in LineKind::ALL {
        let _ = write!(
            b,
            "<th class=\"num k-{}\">{}</th>",
            kind.as_str(),
            kind.as_str().replace('_', " ")
        );
    }
    b.push_str("</tr></thead>\n<tbody>\n<tr><th scope=\"row\">lines</th>");
    for (lines, _) in counts {
        let _ = write!(b, "<td>{lines}</td>");
    }
    b.push_str("</tr>\n<tr><th scope=\"row\">runs</th>");
    for (_, runs) in counts {
        let _ = write!(b, "<td>{runs}</td>");
    }
    b.push_str("</tr>\n</tbody>\n</table>\n</section>\n");
}

fn components(b: &mut String, c: &Comparison) {
    if c.components.is_empty() {
        return;
    }
    b.push_str("<section>\n<h2>Components</h2>\n<table class=\"figures\">\n<thead><tr><th>Component</th><th class=\"num\">Base</th><th class=\"num\">Head</th><th class=\"num\">Δ</th><th class=\"num\">Patch</th></tr></thead>\n<tbody>\n");
    for k in &c.components {
        let d = k.head.coverage().zip(k.base.coverage()).map(|(h, b)| h - b);
        let _ = writeln!(
            b,
            "<tr><th scope=\"row\">{}</th>{}{}{}<td class=\"num\">{}</td></tr>",
            text(&k.name),
            percent_cell(Some(&k.base)),
            percent_cell(Some(&k.head)),
            delta_cell(d),
            figures::percent(k.patch.coverage()),
        );
    }
    b.push_str("</tbody>\n</table>\n</section>\n");
}

/// The sortable table of `files` (indexes into the comparison's): `<table id="files">`, a
/// `<tr data-path>` per file and an `<a class="file">` to its page when it has one.
fn files_table(b: &mut String, files: &[String]) {
    if files.is_empty() {
        return;
    }
    b.push_str("<table id=\"files\" class=\"sortable\">\n<thead><tr>");
    for (key, label, numeric) in [
        ("path", "File", false),
        ("change", "Change", false),
        ("base", "Base", true),
        ("head", "Head", true),
        ("delta", "Δ", true),
        ("patch", "Patch", true),
        ("lost", "Lost", true),
        ("uncovered", "Uncovered added", true),
    ] {
        b.push_str(&sort_header(key, label, numeric));
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    for row in files {
        b.push_str(row);
    }
    b.push_str("</tbody>\n</table>\n");
}

/// A file's row of a files table on page `at`: its path whole or its name only.
fn file_row(at: &str, f: &FileComparison, rows: &Rows<'_>, full_path: bool) -> String {
    let shown = if full_path {
        f.path.as_str()
    } else {
        f.path.rsplit_once('/').map_or(f.path.as_str(), |(_, n)| n)
    };
    let name = match rows.names.file(&f.path) {
        Some(p) => format!(
            "<a class=\"file\" href=\"{}\">{}</a>",
            rel(at, p),
            text(shown)
        ),
        None => format!("<span class=\"file\">{}</span>", text(shown)),
    };
    let renamed = f
        .base_path
        .as_deref()
        .map(|p| format!(" <small>from {}</small>", text(p)))
        .unwrap_or_default();
    let change = if f.indirect {
        "indirect".to_owned()
    } else {
        f.change.as_str().to_owned()
    };
    let delta = f
        .head
        .and_then(|t| t.coverage())
        .zip(f.base.and_then(|t| t.coverage()))
        .map(|(h, b)| h - b);
    let problems = rows
        .problems
        .get(f.path.as_str())
        .copied()
        .unwrap_or_default();
    let patch = match f.patch.coverage() {
        Some(v) => format!("<td data-v=\"{v:.4}\">{}</td>", figures::percent(Some(v))),
        None => "<td data-v=\"\"></td>".to_owned(),
    };
    format!(
        "<tr data-path=\"{}\"><td>{name}{renamed}</td><td>{change}</td>{}{}{}{patch}{}{}</tr>\n",
        text(&f.path),
        percent_cell(f.base.as_ref()),
        percent_cell(f.head.as_ref()),
        delta_cell(delta),
        count_cell(problems.lost),
        count_cell(problems.uncovered),
    )
}

/// The sortable table of a folder's folders, each with its roll-up.
fn folders_table(b: &mut String, at: &str, folder: &Folder<'_>, rows: &Rows<'_>) {
    b.push_str("<table id=\"folders\" class=\"sortable\">\n<thead><tr>");
    for (key, label, numeric) in [
        ("path", "Folder", false),
        ("files", "Files", true),
        ("changed", "Changed", true),
        ("base", "Base", true),
        ("head", "Head", true),
        ("delta", "Δ", true),
    ] {
        b.push_str(&sort_header(key, label, numeric));
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    for &name in &folder.subs {
        let Some(sub) = rows.folders.get(name) else {
            continue;
        };
        let d = sub
            .head
            .coverage()
            .zip(sub.base.coverage())
            .map(|(h, b)| h - b);
        let _ = writeln!(
            b,
            "<tr data-path=\"{}/\"><td><a class=\"folder\" href=\"{}\">{}/</a></td>{}{}{}{}{}</tr>",
            text(name),
            rel(at, rows.names.folder(name)),
            text(name.rsplit_once('/').map_or(name, |(_, n)| n)),
            count_cell(sub.all),
            count_cell(sub.changed),
            percent_cell(Some(&sub.base)),
            percent_cell(Some(&sub.head)),
            delta_cell(d),
        );
    }
    b.push_str("</tbody>\n</table>\n");
}

/// The pages of a folder: one, or several when its files are too many for one
/// ([`MAX_FOLDER_FILES`], [`MAX_TABLE_BYTES`]): the first at the folder's name, the next
/// beside it as `NAME~p2.html`, … (`~p` is never part of an encoded name), each linking the
/// others. Every page lies in the same folder, so a row's links are the same on each.
fn folder_pages(name: &str, folder: &Folder<'_>, rows: &Rows<'_>) -> Vec<(String, String)> {
    let first = rows.names.folder(name);
    let html: Vec<String> = folder
        .files
        .iter()
        .map(|&i| file_row(first, &rows.c.files[i], rows, false))
        .collect();
    let mut parts: Vec<&[String]> = Vec::new();
    let mut rest = html.as_slice();
    while !rest.is_empty() {
        let mut bytes = 0;
        let n = rest
            .iter()
            .take(MAX_FOLDER_FILES)
            .take_while(|r| {
                bytes += r.len();
                bytes <= MAX_TABLE_BYTES
            })
            .count()
            .max(1);
        let (part, tail) = rest.split_at(n);
        parts.push(part);
        rest = tail;
    }
    if parts.is_empty() {
        parts.push(&[]);
    }
    let stem = first.strip_suffix(".html").unwrap_or(first);
    let names: Vec<String> = (1..=parts.len())
        .map(|k| {
            if k == 1 {
                first.to_owned()
            } else {
                format!("{stem}~p{k}.html")
            }
        })
        .collect();
    parts
        .iter()
        .enumerate()
        .map(|(k, part)| {
            let at = &names[k];
            let pager = if names.len() == 1 {
                String::new()
            } else {
                let mut p = format!(
                    "<p class=\"pager\">{} in {} pages:",
                    figures::count(folder.files.len() as u64, "file", "files"),
                    names.len()
                );
                for (j, other) in names.iter().enumerate() {
                    if j == k {
                        let _ = write!(p, " <strong>{}</strong>", j + 1);
                    } else {
                        let _ = write!(p, " <a href=\"{}\">{}</a>", rel(at, other), j + 1);
                    }
                }
                p.push_str(" (a column sorts the rows of its page)</p>\n");
                p
            };
            (
                at.clone(),
                folder_page(at, name, folder, rows, part, k == 0, &pager),
            )
        })
        .collect()
}

fn folder_page(
    at: &str,
    name: &str,
    folder: &Folder<'_>,
    rows: &Rows<'_>,
    files: &[String],
    first: bool,
    pager: &str,
) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<nav><a href=\"{}\">Comparison</a> / ",
        rel(at, "index.html")
    );
    if name.is_empty() {
        b.push_str("All files");
    } else {
        let _ = write!(b, "<a href=\"{}\">All files</a>", rel(at, ALL_FILES));
        for f in folders_of(name).chain(std::iter::once(name)) {
            let last = f.rsplit_once('/').map_or(f, |(_, n)| n);
            if f == name {
                let _ = write!(b, " / {}", text(last));
            } else {
                let _ = write!(
                    b,
                    " / <a href=\"{}\">{}</a>",
                    rel(at, rows.names.folder(f)),
                    text(last)
                );
            }
        }
    }
    b.push_str("</nav>\n<main>\n");
    let title = if name.is_empty() {
        "All files".to_owned()
    } else {
        format!("{}/", text(name))
    };
    let d = folder
        .head
        .coverage()
        .zip(folder.base.coverage())
        .map(|(h, b)| h - b);
    let _ = writeln!(
        b,
        "<h1>{title}</h1>\n<p class=\"big\">{}, {} changed: {} → {} ({})</p>",
        figures::count(folder.all, "file", "files"),
        folder.changed,
        figures::percent(folder.base.coverage()),
        figures::percent(folder.head.coverage()),
        arrowed(d)
    );
    if first && !folder.subs.is_empty() {
        b.push_str("<h2>Folders</h2>\n");
        folders_table(&mut b, at, folder, rows);
    }
    if !files.is_empty() {
        b.push_str("<h2>Files</h2>\n");
        b.push_str(pager);
        files_table(&mut b, files);
    }
    b.push_str("</main>\n");
    let title = if name.is_empty() {
        "covgit: all files".to_owned()
    } else {
        format!("covgit: {name}/")
    };
    page::document(at, &title, &b)
}
