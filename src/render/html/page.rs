//! What every page shares: the document around its body, HTML escaping, and the cells that
//! show coverage figures.

use std::fmt::Write as _;

use super::names::rel;
use crate::model::Totals;
use crate::render::escape;
use crate::render::figures;

/// A whole page at site path `at`, titled `title` (escaped here), around `body` (HTML).
pub fn document(at: &str, title: &str, body: &str) -> String {
    let mut s = String::with_capacity(body.len() + 600);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <title>{}</title>\n<link rel=\"stylesheet\" href=\"{}\">\n\
         <script src=\"{}\" defer></script>\n</head>\n<body>\n",
        text(title),
        rel(at, "covgit.css"),
        rel(at, "covgit.js"),
    );
    s.push_str(body);
    s.push_str("</body>\n</html>\n");
    s
}

/// A string from a report, a tree or the command line, as HTML text or an attribute value
/// ([`escape::markup`], owned: pages are built of owned pieces).
pub fn text(s: &str) -> String {
    escape::markup(s).into_owned()
}

/// `s` with the five characters HTML gives a meaning escaped; nothing else changed.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_html(&mut out, s);
    out
}

fn push_html(out: &mut String, s: &str) {
    for ch in s.chars() {
        match escape::entity(ch) {
            Some(e) => out.push_str(e),
            None => out.push(ch),
        }
    }
}

/// Characters of one line a page shows at most: a minified file's one line of megabytes
/// would otherwise make its page as large.
pub const MAX_LINE_CHARS: usize = 500;

/// A line of a file's text as HTML: tabs kept, every other control or bidi character shown
/// as a marked visible escape (so "Trojan source" cannot reorder what a reviewer reads); past
/// [`MAX_LINE_CHARS`] characters, how many more there are.
pub fn code(line: &str) -> String {
    let mut out = String::with_capacity(line.len().min(MAX_LINE_CHARS) + 8);
    let mut chars = line.chars();
    for ch in chars.by_ref().take(MAX_LINE_CHARS) {
        match escape::visible(ch) {
            Some(shown) if ch != '\t' => {
                let _ = write!(out, "<span class=\"esc\">{}</span>", html(&shown));
            }
            _ => push_html(&mut out, ch.encode_utf8(&mut [0; 4])),
        }
    }
    let more = chars.count();
    if more > 0 {
        let _ = write!(
            out,
            "<span class=\"more\">… {} more</span>",
            figures::count(more as u64, "character", "characters")
        );
    }
    out
}

/// A coverage cell (right-aligned by the stylesheet, as every figure column): the percent, sortable by its value (`data-v`, empty when nothing is
/// tracked).
pub fn percent_cell(t: Option<&Totals>) -> String {
    let c = t.and_then(Totals::coverage);
    match c {
        Some(v) => format!("<td data-v=\"{v:.4}\">{}</td>", figures::percent(c)),
        None => "<td data-v=\"\">–</td>".to_owned(),
    }
}

/// A change-in-points cell with an arrow as well as a colour: `▲ +1.20`, `▼ -0.40`.
pub fn delta_cell(d: Option<f64>) -> String {
    let (class, arrow) = match figures::direction(d) {
        Some(true) => (" class=\"up\"", "▲ "),
        Some(false) => (" class=\"down\"", "▼ "),
        None => ("", ""),
    };
    let v = d.map_or_else(String::new, |d| format!("{d:.4}"));
    format!(
        "<td{class} data-v=\"{v}\">{arrow}{}</td>",
        figures::delta(d)
    )
}

/// A count cell, sortable.
pub fn count_cell(n: u64) -> String {
    if n == 0 {
        "<td data-v=\"0\"></td>".to_owned()
    } else {
        format!("<td data-v=\"{n}\">{n}</td>")
    }
}

/// A sortable column header: the contract the browser test and readers rely on is a
/// `<button data-sort="KEY">` inside the `th`.
pub fn sort_header(key: &str, label: &str, numeric: bool) -> String {
    let class = if numeric { " class=\"num\"" } else { "" };
    format!("<th{class}><button type=\"button\" data-sort=\"{key}\">{label}</button></th>")
}
