//! The site's two local assets. No font, image or script from elsewhere: the pages open from
//! disk with the network off. Colours follow the reader's light or dark preference and are
//! never the only sign: every state has a letter, every kind a word, a change an arrow.

/// `covgit.css`: system monospace for code, a light and a dark scheme.
pub const CSS: &str = r#":root {
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --head: #f6f8fa;
  --hit: #dbeafe; --hit-fg: #0b4a8b; --miss: #ffe3c2; --miss-fg: #8a3a00;
  --partial: #fff3b0; --partial-fg: #6b5300;
  --add: #eef6ff; --del: #f5f0ff; --lost: #ffd7c2; --gained: #d9ecff;
  --current: #7c3aed; --up: #0b5cad; --down: #b34700; --link: #0b5cad;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #30363d; --head: #161b22;
    --hit: #0f2f57; --hit-fg: #a5d0ff; --miss: #4a2600; --miss-fg: #ffc58f;
    --partial: #4a3d00; --partial-fg: #ffe27a;
    --add: #0f1d2e; --del: #1d1530; --lost: #5a2a10; --gained: #0f2f57;
    --current: #b794f6; --up: #79b8ff; --down: #ffab70; --link: #79b8ff;
  }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 0 1.5rem 2rem; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
a { color: var(--link); }
nav { padding: .6rem 0; border-bottom: 1px solid var(--line); color: var(--muted); }
h1 { font-size: 1.35rem; margin: 1rem 0 .5rem; word-break: break-all; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
code, kbd, .c, .n, .st { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
kbd { border: 1px solid var(--line); border-radius: 3px; padding: 0 .3em; }
.big { font-size: 1.05rem; }
.warn { border-left: 4px solid var(--down); padding: .4rem .8rem; background: var(--head); }
.up { color: var(--up); } .down { color: var(--down); }
dl.sides { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.sides dt { font-weight: 600; } dl.sides dd { margin: 0; } dl.sides ul { margin: 0; padding-left: 1.2rem; }
table { border-collapse: collapse; margin: .4rem 0; }
th, td { padding: .15rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { background: var(--head); position: sticky; top: 0; }
.num, table.figures td, #files td:nth-child(n+3), #folders td:nth-child(n+2) {
  text-align: right; font-variant-numeric: tabular-nums; }
th button { font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
th button::after { content: " ↕"; color: var(--muted); }
th[aria-sort="ascending"] button::after { content: " ▲"; color: var(--fg); }
th[aria-sort="descending"] button::after { content: " ▼"; color: var(--fg); }
#files td:first-child, #folders td:first-child { word-break: break-all; }
ul.runs { columns: 2 28rem; padding-left: 1.2rem; }
.kind { font-size: .85em; padding: 0 .3em; border-radius: 3px; background: var(--head); }
.kind.k-lost, .problem-run .kind { background: var(--lost); }
.kind.k-gained { background: var(--gained); }
table.diff { width: 100%; table-layout: auto; }
table.diff td { border: 0; padding: 0 .45rem; white-space: pre; }
table.diff .c { width: 100%; white-space: pre-wrap; word-break: break-all; tab-size: 4; }
table.diff .n { color: var(--muted); text-align: right; user-select: none; }
table.diff .m, table.diff .k { color: var(--muted); font-size: .85em; user-select: none; }
.st { text-align: center; font-size: .85em; font-weight: 700; user-select: none; }
.s-hit { background: var(--hit); color: var(--hit-fg); }
.s-miss { background: var(--miss); color: var(--miss-fg); }
.s-partial { background: var(--partial); color: var(--partial-fg); }
.s-none { color: var(--muted); font-weight: 400; }
tr.add .c { background: var(--add); }
tr.del .c { background: var(--del); }
tr.k-lost .c, tr.problem .c { background: var(--lost); }
tr.k-gained .c { background: var(--gained); }
tr.problem .k { color: var(--down); font-weight: 700; }
tr.problem .k::before { content: "⚠ "; }
tr.current { outline: 2px solid var(--current); outline-offset: -2px; }
tr.gap td, tr.note td { color: var(--muted); font-family: system-ui, sans-serif; font-size: .9em;
  background: var(--head); padding: .1rem .6rem; white-space: normal; }
.esc { color: var(--down); border: 1px dotted var(--down); }
.more { color: var(--muted); font-family: system-ui, sans-serif; font-size: .85em; padding-left: .4em; }
:target { outline: 2px solid var(--current); outline-offset: -2px; }
footer { margin-top: 2rem; color: var(--muted); font-size: .9em; }
"#;

/// `covgit.js`: sorts the tables whose headers hold a `button[data-sort]` (toggling
/// ascending and descending, with `aria-sort` on the `th`), and moves between the problem
/// lines of a file page with `j` and `k`. The pages read the same without it.
pub const JS: &str = r##""use strict";
(function () {
  function key(cell) {
    if (!cell) return "";
    var v = cell.getAttribute("data-v");
    return v === null ? cell.textContent.trim() : v;
  }
  function compare(a, b, numeric) {
    if (a === "" && b === "") return 0;
    if (a === "") return 1;
    if (b === "") return -1;
    if (numeric) return parseFloat(a) - parseFloat(b);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var buttons = table.querySelectorAll("thead th button[data-sort]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.addEventListener("click", function () {
        var th = button.closest("th");
        var column = Array.prototype.indexOf.call(th.parentNode.children, th);
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var numeric = th.classList.contains("num");
        Array.prototype.forEach.call(th.parentNode.children, function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (x, y) {
          var a = key(x.cells[column]), b = key(y.cells[column]);
          if (a === "" || b === "") return compare(a, b, numeric);
          var d = compare(a, b, numeric);
          if (d === 0) return compare(x.getAttribute("data-path") || "", y.getAttribute("data-path") || "", false);
          return ascending ? d : -d;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  var problems = document.querySelectorAll(".problem");
  if (!problems.length) return;
  var current = -1;
  for (var i = 0; i < problems.length; i++) {
    if ("#" + problems[i].id === location.hash) current = i;
  }
  function go(i) {
    if (i < 0 || i >= problems.length) return;
    if (current >= 0) problems[current].classList.remove("current");
    current = i;
    var el = problems[i];
    el.classList.add("current");
    location.hash = el.id;
    el.scrollIntoView({ block: "center" });
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (e.key === "j") go(current + 1);
    else if (e.key === "k") go(current < 0 ? 0 : current - 1);
  });
})();
"##;
