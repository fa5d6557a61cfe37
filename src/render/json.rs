//! The JSON contracts `covgit/compare/2`, `covgit/show/1` and `covgit/log/1` (SPEC), as
//! serialize-only structs separate from the model: renaming a model field never changes the
//! output. Every key is always present (`null` where the SPEC says so), floats are not
//! rounded, SHAs are full. Output is pretty-printed with a trailing newline and never styled.
//! Adding a meaningful field means a new schema version.

use std::io::{self, Write};

use serde::Serialize;

use super::log::LogEntry;
use super::show::ShowView;
use crate::compare::components::ComponentFigures;
use crate::compare::{
    Comparison, FileComparison, HeadSource, LineRun, PatchTotals, Sides, UploadRef,
};
use crate::model::{CiStatus, CommitId, Flag, LineState, Totals};

const COMPARE_SCHEMA: &str = "covgit/compare/2";
const SHOW_SCHEMA: &str = "covgit/show/1";
const LOG_SCHEMA: &str = "covgit/log/1";

#[derive(Serialize)]
struct TotalsDto {
    files: u64,
    lines: u64,
    hit: u64,
    partial: u64,
    miss: u64,
    branches: u64,
    branches_hit: u64,
    coverage: Option<f64>,
}

impl From<&Totals> for TotalsDto {
    fn from(t: &Totals) -> Self {
        TotalsDto {
            files: t.files,
            lines: t.lines,
            hit: t.hit,
            partial: t.partial,
            miss: t.miss,
            branches: t.branches,
            branches_hit: t.branches_hit,
            coverage: t.coverage(),
        }
    }
}

#[derive(Serialize)]
struct PatchDto {
    lines: u64,
    hit: u64,
    partial: u64,
    miss: u64,
    coverage: Option<f64>,
}

impl From<&PatchTotals> for PatchDto {
    fn from(p: &PatchTotals) -> Self {
        PatchDto {
            lines: p.lines,
            hit: p.hit,
            partial: p.partial,
            miss: p.miss,
            coverage: p.coverage(),
        }
    }
}

#[derive(Serialize)]
struct CompareDto<'a> {
    schema: &'static str,
    base: BaseDto<'a>,
    head: HeadDto<'a>,
    uploads: SideUploadsDto<'a>,
    components: Vec<ComponentDto<'a>>,
    totals: CompareTotalsDto,
    patch: PatchDto,
    files: Vec<FileDto<'a>>,
    lines: Vec<RunDto<'a>>,
}

#[derive(Serialize)]
struct BaseDto<'a> {
    requested: &'a str,
    used: &'a str,
    pseudo: bool,
    offsets: bool,
    skipped: Vec<SkippedDto<'a>>,
}

#[derive(Serialize)]
struct SkippedDto<'a> {
    commit: &'a str,
    reason: &'static str,
}

#[derive(Serialize)]
struct HeadDto<'a> {
    commit: Option<&'a str>,
    source: &'static str,
    complete: bool,
    missing_flags: Vec<&'a str>,
}

#[derive(Serialize)]
struct SideUploadsDto<'a> {
    base: Vec<UploadRefDto<'a>>,
    head: Vec<UploadRefDto<'a>>,
}

#[derive(Serialize)]
struct UploadRefDto<'a> {
    flag: Option<&'a str>,
    commit: &'a str,
    carried: bool,
}

impl<'a> From<&'a UploadRef> for UploadRefDto<'a> {
    fn from(u: &'a UploadRef) -> Self {
        UploadRefDto {
            flag: u.flag.as_ref().map(Flag::as_str),
            commit: u.commit.as_str(),
            carried: u.carried,
        }
    }
}

/// A component's figures (SPEC "Flags"): base and head totals, and its patch.
#[derive(Serialize)]
struct ComponentDto<'a> {
    name: &'a str,
    base: TotalsDto,
    head: TotalsDto,
    patch: PatchDto,
}

impl<'a> From<&'a ComponentFigures> for ComponentDto<'a> {
    fn from(c: &'a ComponentFigures) -> Self {
        ComponentDto {
            name: &c.name,
            base: TotalsDto::from(&c.base),
            head: TotalsDto::from(&c.head),
            patch: PatchDto::from(&c.patch),
        }
    }
}

#[derive(Serialize)]
struct CompareTotalsDto {
    base: TotalsDto,
    head: TotalsDto,
    delta: Option<f64>,
}

#[derive(Serialize)]
struct FileDto<'a> {
    path: &'a str,
    base_path: Option<&'a str>,
    change: &'static str,
    base: Option<TotalsDto>,
    head: Option<TotalsDto>,
    patch: PatchDto,
    indirect: bool,
}

impl<'a> From<&'a FileComparison> for FileDto<'a> {
    fn from(f: &'a FileComparison) -> Self {
        FileDto {
            path: &f.path,
            base_path: f.base_path.as_deref(),
            change: f.change.as_str(),
            base: f.base.as_ref().map(TotalsDto::from),
            head: f.head.as_ref().map(TotalsDto::from),
            patch: PatchDto::from(&f.patch),
            indirect: f.indirect,
        }
    }
}

#[derive(Serialize)]
struct RunDto<'a> {
    path: &'a str,
    kind: &'static str,
    from: Option<&'static str>,
    to: Option<&'static str>,
    start: u32,
    end: u32,
    base_path: Option<&'a str>,
    base_start: Option<u32>,
}

impl<'a> From<&'a LineRun> for RunDto<'a> {
    fn from(r: &'a LineRun) -> Self {
        RunDto {
            path: &r.path,
            kind: r.kind.as_str(),
            from: r.from.map(LineState::as_str),
            to: r.to.map(LineState::as_str),
            start: r.start,
            end: r.end,
            base_path: r.base_path.as_deref(),
            base_start: r.base_start,
        }
    }
}

#[derive(Serialize)]
struct ShowDto<'a> {
    schema: &'static str,
    commit: &'a str,
    ci_status: &'static str,
    uploads: Vec<UploadDto<'a>>,
    totals: TotalsDto,
    files: Vec<ShowFileDto<'a>>,
    unresolved: &'a [String],
}

#[derive(Serialize)]
struct UploadDto<'a> {
    flag: Option<&'a str>,
    format: &'a str,
}

#[derive(Serialize)]
struct ShowFileDto<'a> {
    path: &'a str,
    totals: TotalsDto,
}

#[derive(Serialize)]
struct LogDto<'a> {
    schema: &'static str,
    commits: Vec<LogCommitDto<'a>>,
}

#[derive(Serialize)]
struct LogCommitDto<'a> {
    commit: &'a str,
    ci_status: &'static str,
    flags: Vec<Option<&'a str>>,
    totals: TotalsDto,
}

fn ci(s: CiStatus) -> &'static str {
    s.as_str()
}

fn write_pretty(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// `covgit compare --format json`.
pub fn compare(out: &mut dyn Write, sides: &Sides, c: &Comparison) -> io::Result<()> {
    let dto = CompareDto {
        schema: COMPARE_SCHEMA,
        base: BaseDto {
            requested: sides.base.requested.as_str(),
            used: sides.base.used.as_str(),
            pseudo: sides.base.pseudo,
            offsets: sides.offsets,
            skipped: sides
                .base
                .skipped
                .iter()
                .map(|s| SkippedDto {
                    commit: s.commit.as_str(),
                    reason: s.reason.as_str(),
                })
                .collect(),
        },
        head: HeadDto {
            commit: sides.head.as_ref().map(CommitId::as_str),
            source: match sides.head_source {
                HeadSource::Store => "store",
                HeadSource::File => "file",
            },
            complete: sides.missing_flags.is_empty(),
            missing_flags: sides.missing_flags.iter().map(Flag::as_str).collect(),
        },
        uploads: SideUploadsDto {
            base: sides.uploads.base.iter().map(UploadRefDto::from).collect(),
            head: sides.uploads.head.iter().map(UploadRefDto::from).collect(),
        },
        components: c.components.iter().map(ComponentDto::from).collect(),
        totals: CompareTotalsDto {
            base: TotalsDto::from(&c.base),
            head: TotalsDto::from(&c.head),
            delta: c.delta(),
        },
        patch: PatchDto::from(&c.patch),
        files: c.files.iter().map(FileDto::from).collect(),
        lines: c.lines.iter().map(RunDto::from).collect(),
    };
    write_pretty(out, &dto)
}

/// `covgit show --format json`.
pub fn show(out: &mut dyn Write, v: &ShowView) -> io::Result<()> {
    let dto = ShowDto {
        schema: SHOW_SCHEMA,
        commit: v.commit.as_str(),
        ci_status: ci(v.ci_status),
        uploads: v
            .uploads
            .iter()
            .map(|u| UploadDto {
                flag: u.flag.as_ref().map(Flag::as_str),
                format: &u.format,
            })
            .collect(),
        totals: TotalsDto::from(&v.totals),
        files: v
            .files
            .iter()
            .map(|(path, t)| ShowFileDto {
                path,
                totals: TotalsDto::from(t),
            })
            .collect(),
        unresolved: &v.unresolved,
    };
    write_pretty(out, &dto)
}

/// `covgit log --format json`, newest first as given.
pub fn log(out: &mut dyn Write, entries: &[LogEntry]) -> io::Result<()> {
    let dto = LogDto {
        schema: LOG_SCHEMA,
        commits: entries
            .iter()
            .map(|e| LogCommitDto {
                commit: e.commit.as_str(),
                ci_status: ci(e.ci_status),
                // log/1 has no key to say which are carried: `show/1` lists them too.
                flags: e
                    .flags
                    .iter()
                    .map(|f| f.as_ref().map(Flag::as_str))
                    .chain(e.carried.iter().map(|(f, _)| Some(f.as_str())))
                    .collect(),
                totals: TotalsDto::from(&e.totals),
            })
            .collect(),
    };
    write_pretty(out, &dto)
}

#[cfg(test)]
pub mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::render::fixtures;

    /// `v` is an object with exactly these keys.
    pub fn assert_keys(v: &Value, keys: &[&str]) {
        let mut have: Vec<&str> = v
            .as_object()
            .unwrap_or_else(|| panic!("not an object: {v}"))
            .keys()
            .map(String::as_str)
            .collect();
        have.sort_unstable();
        let mut want = keys.to_vec();
        want.sort_unstable();
        assert_eq!(have, want, "keys of {v}");
    }

    /// A TOTALS object with the counts in `TOTALS_KEYS` order, then `coverage`.
    pub fn assert_totals(v: &Value, counts: [u64; 7], coverage: Option<f64>) {
        assert_keys(v, &TOTALS_KEYS);
        for (key, n) in TOTALS_KEYS.iter().zip(counts) {
            assert_eq!(v[key].as_u64(), Some(n), "{key} of {v}");
        }
        assert_eq!(v["coverage"].as_f64(), coverage, "coverage of {v}");
    }

    const TOTALS_KEYS: [&str; 8] = [
        "files",
        "lines",
        "hit",
        "partial",
        "miss",
        "branches",
        "branches_hit",
        "coverage",
    ];
    const PATCH_KEYS: [&str; 5] = ["lines", "hit", "partial", "miss", "coverage"];
    const FILE_KEYS: [&str; 7] = [
        "path",
        "base_path",
        "change",
        "base",
        "head",
        "patch",
        "indirect",
    ];
    const RUN_KEYS: [&str; 8] = [
        "path",
        "kind",
        "from",
        "to",
        "start",
        "end",
        "base_path",
        "base_start",
    ];

    fn render(sides: &Sides, c: &Comparison) -> (String, Value) {
        let mut out = Vec::new();
        compare(&mut out, sides, c).unwrap();
        let text = String::from_utf8(out).unwrap();
        let v = serde_json::from_str(&text).unwrap();
        (text, v)
    }

    #[test]
    fn compare_json_has_every_key_of_the_schema() {
        let (text, v) = render(&fixtures::pseudo_sides(), &fixtures::comparison());
        assert!(text.starts_with("{\n  \"schema\": \"covgit/compare/2\",\n"));
        assert!(text.ends_with("}\n") && !text.ends_with("}\n\n"));
        assert_keys(
            &v,
            &[
                "schema",
                "base",
                "head",
                "uploads",
                "components",
                "totals",
                "patch",
                "files",
                "lines",
            ],
        );
        assert_eq!(v["schema"], "covgit/compare/2");
        assert_eq!(
            v["base"],
            json!({
                "requested": "2".repeat(40),
                "used": "3".repeat(40),
                "pseudo": true,
                "offsets": true,
                "skipped": [
                    {"commit": "2".repeat(40), "reason": "no-report"},
                    {"commit": "4".repeat(40), "reason": "ci-failed"},
                ],
            })
        );
        assert_eq!(
            v["head"],
            json!({"commit": "1".repeat(40), "source": "store", "complete": true, "missing_flags": []})
        );
        assert_eq!(
            v["uploads"],
            json!({
                "base": [{"flag": "unit", "commit": "3".repeat(40), "carried": false}],
                "head": [
                    {"flag": null, "commit": "1".repeat(40), "carried": false},
                    {"flag": "e2e", "commit": "5".repeat(40), "carried": true},
                ],
            })
        );
        assert_eq!(v["components"], json!([]));
        assert_keys(&v["totals"], &["base", "head", "delta"]);
        assert_totals(&v["totals"]["base"], [5, 8, 6, 0, 2, 4, 2], Some(75.0));
        assert_totals(&v["totals"]["head"], [4, 10, 7, 1, 2, 4, 3], Some(80.0));
        assert_eq!(v["totals"]["delta"].as_f64(), Some(5.0));
        assert_keys(&v["patch"], &PATCH_KEYS);
        assert_eq!(v["patch"]["lines"], 3);
        assert_eq!(v["patch"]["hit"], 2);
        assert_eq!(v["patch"]["partial"], 0);
        assert_eq!(v["patch"]["miss"], 1);
        // Not rounded: 2/3 in full.
        assert_eq!(v["patch"]["coverage"].as_f64(), Some(2.0 / 3.0 * 100.0));
    }

    #[test]
    fn compare_json_files_carry_change_rename_and_missing_sides_as_null() {
        let (_, v) = render(&fixtures::sides(), &fixtures::comparison());
        let files = v["files"].as_array().unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
        assert_eq!(
            paths,
            ["src/a.py", "src/b.py", "src/c.py", "src/d.py", "src/old.py"]
        );
        for f in files {
            assert_keys(f, &FILE_KEYS);
            assert_keys(&f["patch"], &PATCH_KEYS);
        }
        let changes: Vec<&str> = files
            .iter()
            .map(|f| f["change"].as_str().unwrap())
            .collect();
        assert_eq!(
            changes,
            ["modified", "unchanged", "renamed", "unchanged", "deleted"]
        );
        let indirect: Vec<bool> = files
            .iter()
            .map(|f| f["indirect"].as_bool().unwrap())
            .collect();
        assert_eq!(indirect, [false, true, false, false, false]);
        assert!(files[0]["base_path"].is_null());
        assert_eq!(files[2]["base_path"], "src/c_old.py");
        assert_totals(
            &files[0]["base"],
            [1, 3, 2, 0, 1, 0, 0],
            Some(2.0 / 3.0 * 100.0),
        );
        assert_totals(
            &files[0]["head"],
            [1, 7, 4, 1, 2, 0, 0],
            Some(5.0 / 7.0 * 100.0),
        );
        assert_eq!(
            files[0]["patch"],
            json!({"lines": 3, "hit": 2, "partial": 0, "miss": 1, "coverage": 2.0 / 3.0 * 100.0})
        );
        assert_totals(&files[4]["base"], [1, 1, 0, 0, 1, 0, 0], Some(0.0));
        assert!(files[4]["head"].is_null());
        assert_eq!(
            files[4]["patch"],
            json!({"lines": 0, "hit": 0, "partial": 0, "miss": 0, "coverage": null})
        );
        // No pseudo-base: used is requested, nothing skipped.
        assert_eq!(v["base"]["used"], v["base"]["requested"]);
        assert_eq!(v["base"]["pseudo"], false);
        assert_eq!(v["base"]["skipped"], json!([]));
    }

    #[test]
    fn compare_json_runs_spell_kinds_and_states_as_the_spec() {
        let (_, v) = render(&fixtures::sides(), &fixtures::comparison());
        let runs = v["lines"].as_array().unwrap();
        for r in runs {
            assert_keys(r, &RUN_KEYS);
        }
        assert_eq!(
            v["lines"],
            json!([
                {"path": "src/a.py", "kind": "gained", "from": "miss", "to": "hit",
                 "start": 2, "end": 2, "base_path": null, "base_start": 2},
                {"path": "src/a.py", "kind": "added", "from": null, "to": "hit",
                 "start": 10, "end": 11, "base_path": null, "base_start": null},
                {"path": "src/a.py", "kind": "added", "from": null, "to": "miss",
                 "start": 12, "end": 12, "base_path": null, "base_start": null},
                {"path": "src/a.py", "kind": "now_tracked", "from": null, "to": "miss",
                 "start": 20, "end": 20, "base_path": null, "base_start": 18},
                {"path": "src/b.py", "kind": "lost", "from": "hit", "to": "miss",
                 "start": 3, "end": 4, "base_path": null, "base_start": 3},
                {"path": "src/old.py", "kind": "removed", "from": "miss", "to": null,
                 "start": 5, "end": 5, "base_path": null, "base_start": null},
            ])
        );
    }

    #[test]
    fn compare_json_runs_of_moved_code_name_their_origin() {
        let (_, v) = render(&fixtures::sides(), &fixtures::relocated_comparison());
        let runs = v["lines"].as_array().unwrap();
        for r in runs {
            assert_keys(r, &RUN_KEYS);
        }
        let kinds: Vec<&str> = runs.iter().map(|r| r["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            [
                "moved",
                "added",
                "moved",
                "lost",
                "moved",
                "moved",
                "reformatted",
                "now_tracked",
                "gained"
            ]
        );
        assert_eq!(
            runs[0],
            json!({"path": "src/@team|x`.py", "kind": "moved", "from": "hit", "to": "hit",
                   "start": 1, "end": 2, "base_path": "src/old\u{202e}.py", "base_start": 1})
        );
        assert_eq!(
            runs[3],
            json!({"path": "src/b.py", "kind": "lost", "from": "hit", "to": "miss",
                   "start": 12, "end": 14, "base_path": "src/a.py", "base_start": 21})
        );
        // A move within the file: its base path is its path, so null.
        assert_eq!(
            runs[5],
            json!({"path": "src/c.py", "kind": "moved", "from": "hit", "to": "hit",
                   "start": 40, "end": 45, "base_path": null, "base_start": 5})
        );
        assert_eq!(
            runs[6],
            json!({"path": "src/c.py", "kind": "reformatted", "from": "partial", "to": "partial",
                   "start": 60, "end": 60, "base_path": null, "base_start": 58})
        );
        // A continuation line of the reformatted run, tracked only in head.
        assert_eq!(
            runs[7],
            json!({"path": "src/c.py", "kind": "now_tracked", "from": null, "to": "hit",
                   "start": 61, "end": 61, "base_path": null, "base_start": null})
        );
        assert_eq!(v["patch"]["lines"], 1);
    }

    #[test]
    fn compare_json_with_nothing_tracked_has_null_coverage_and_a_file_head() {
        let mut sides = fixtures::sides();
        sides.head = None;
        sides.head_source = HeadSource::File;
        let (_, v) = render(&sides, &fixtures::empty_comparison());
        assert_eq!(
            v["head"],
            json!({"commit": null, "source": "file", "complete": true, "missing_flags": []})
        );
        assert_eq!(v["uploads"], json!({"base": [], "head": []}));
        assert_totals(&v["totals"]["base"], [0; 7], None);
        assert_totals(&v["totals"]["head"], [0; 7], None);
        assert!(v["totals"]["delta"].is_null());
        assert!(v["patch"]["coverage"].is_null());
        assert_eq!(v["files"], json!([]));
        assert_eq!(v["lines"], json!([]));
    }
}
