//! llvm-cov export JSON (`llvm-cov export -format=text`, `"type":
//! "llvm.coverage.json.export"`, versions 2.x and 3.x), also as cargo-llvm-cov `--json`
//! writes it (an extra top-level `cargo_llvm_cov` object, skipped).
//!
//! Per-line counts are derived from each file's `segments` exactly as llvm-cov's own
//! `LineCoverageStats` does for `llvm-cov show` and `-format=lcov`, so a file reads the same
//! as the LCOV export of the same run. A segment `[line, col, count, hasCount, isRegionEntry,
//! isGapRegion]` (5 elements in old exports: no gap flag) starts a region state that lasts
//! until the next one. Walking lines from 1 to the last segment's line, with the *wrapped*
//! segment being the last segment of the previous line that had any:
//! - a line is executable unless its first segment starts a skipped region (no count, region
//!   entry); otherwise it is executable when the wrapped segment has a count, or some segment
//!   starting on it is a counted region entry (gap or not);
//! - its count is the wrapped segment's count, raised to the largest count among the
//!   segments starting on it that are counted, non-gap region entries.
//!
//! Segments are streamed into small typed structs (no generic JSON values) and are sorted by
//! position first, as llvm-cov writes them. `branches` entries `[line, col, endLine, endCol,
//! trueCount, falseCount, ...]` give each tracked line two named branches per condition, named
//! as llvm-cov's LCOV export numbers them (`"k,2k"` true, `"k,2k+1"` false for the k-th
//! condition of the line, in file order); branches on a line that is not executable are
//! dropped, as in the LCOV export. `functions`, `expansions`, `mcdc_records`, `summary` and
//! `totals` are skipped unread. Several `data` elements are merged by summing.
//!
//! A file without `segments` (`-summary-only` exports) is kept with no lines and a warning.
//! Bad records, each skipped with a warning naming the file and the segment or branch (by
//! index; llvm-cov writes the whole export on one line, so the JSON is read without counting
//! lines, at full speed): a segment or branch whose line is 0, above `u32::MAX` or not an integer, whose
//! count is negative, fractional or not a number, or whose flags are not booleans. Refused
//! ([`ParseError::Json`]): broken JSON, no `data` array, a file without `filename`, I/O errors.

use std::collections::BTreeMap;
use std::fmt;
use std::io::BufRead;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::model::{Branches, FileCoverage, LineCoverage, LineNo};

use super::{FileSet, LineOf, Lines, Num, Object, ObjectSeed, show};
use crate::parse::read::Warnings;
use crate::parse::{InputFormat, ParseError, Parsed};

pub(crate) fn read(input: &mut impl BufRead, name: &str) -> Result<Parsed, ParseError> {
    let mut cx = Cx {
        warnings: Warnings::default(),
        files: FileSet::default(),
        budget: MAX_LINES,
    };
    super::deserialize(
        input,
        name,
        InputFormat::LlvmCovJson,
        Lines::Fast,
        |de, line| {
            Object(Root {
                line: &line,
                cx: &mut cx,
            })
            .deserialize(de)
        },
    )?;
    Ok(cx.files.into_parsed(InputFormat::LlvmCovJson, cx.warnings))
}

struct Cx {
    warnings: Warnings,
    files: FileSet,
    /// Lines regions may still fill in ([`MAX_LINES`] for the whole report).
    budget: u64,
}

/// One segment as written; checked when the file is complete.
struct RawSegment([Option<Num>; 6]);

impl<'de> Deserialize<'de> for RawSegment {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawSegment;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a segment array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<RawSegment, A::Error> {
                let mut out: [Option<Num>; 6] = Default::default();
                let mut i = 0;
                while let Some(v) = a.next_element::<Num>()? {
                    if i < out.len() {
                        out[i] = Some(v);
                    }
                    i += 1;
                }
                Ok(RawSegment(out))
            }
        }
        d.deserialize_seq(V)
    }
}

#[derive(Deserialize)]
struct File {
    filename: String,
    segments: Option<Vec<RawSegment>>,
    #[serde(default)]
    branches: Vec<Vec<Num>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    line: LineNo,
    col: u64,
    count: u64,
    has_count: bool,
    entry: bool,
    gap: bool,
}

impl Segment {
    fn check(raw: &RawSegment) -> Result<Segment, String> {
        let [line, col, count, has_count, entry, gap] = &raw.0;
        let flag = |v: &Option<Num>, what: &str, default: Option<bool>| match (v, default) {
            (Some(Num::Bool(b)), _) => Ok(*b),
            (None, Some(d)) => Ok(d),
            (Some(v), _) => Err(format!("{what} {v} is not true or false")),
            (None, None) => Err(format!("it has no {what} flag")),
        };
        let line = line.as_ref().ok_or("it is empty")?;
        let line = line
            .line()
            .map_err(|why| format!("line number {line} ({why})"))?;
        let col = col.as_ref().and_then(|c| c.count().ok()).unwrap_or(0);
        let count = count.as_ref().ok_or("it has no count")?;
        let count = count
            .count()
            .map_err(|why| format!("count {count} ({why})"))?;
        Ok(Segment {
            line,
            col,
            count,
            has_count: flag(has_count, "hasCount", None)?,
            entry: flag(entry, "isRegionEntry", None)?,
            gap: flag(gap, "isGapRegion", Some(false))?,
        })
    }
}

/// The most lines regions may fill in, over all files of one report; beyond it the data is
/// not from a real run (regions spanning billions of lines would only make a huge list, and
/// a per-file limit alone let a 3 KB export of 30 files fill 2 GB).
const MAX_LINES: u64 = 10_000_000;

/// llvm-cov's per-line counts (`LineCoverageIterator` from line 1 + `LineCoverageStats`).
/// `budget` is what is left of [`MAX_LINES`] for the report; lines filled in between
/// segments are taken from it.
fn line_counts(
    segs: &[Segment],
    budget: &mut u64,
    mut warn: impl FnMut(String),
) -> Vec<(LineNo, u64)> {
    let mut out = Vec::new();
    let mut wrapped: Option<&Segment> = None;
    let mut line: u64 = 1;
    let mut i = 0;
    while i < segs.len() {
        let next = u64::from(segs[i].line);
        if line < next {
            if let Some(w) = wrapped.filter(|w| w.has_count) {
                if next - line > *budget {
                    warn(format!(
                        "a region covers lines {line} to {}, beyond {MAX_LINES} lines in the \
                         report; those lines are skipped",
                        next - 1
                    ));
                } else {
                    *budget -= next - line;
                    out.extend((line..next).map(|l| (l as LineNo, w.count)));
                }
            }
            line = next;
        }
        let start = i;
        while i < segs.len() && u64::from(segs[i].line) == line {
            i += 1;
        }
        let here = &segs[start..i];
        let starts_region = |s: &&Segment| !s.gap && s.has_count && s.entry;
        let skipped = here.first().is_some_and(|s| !s.has_count && s.entry);
        // A region starting here (entry with a count) maps the line whatever else holds.
        let mapped = (!skipped && wrapped.is_some_and(|w| w.has_count))
            || here.iter().any(|s| s.entry && s.has_count);
        if mapped {
            let mut count = wrapped.map_or(0, |w| w.count);
            for s in here.iter().filter(starts_region) {
                count = count.max(s.count);
            }
            out.push((line as LineNo, count));
        }
        wrapped = here.last().or(wrapped);
        line += 1;
    }
    out
}

/// Branches per line, named as llvm-cov's LCOV export numbers them.
fn branches(
    raw: &[Vec<Num>],
    mut warn: impl FnMut(String),
) -> BTreeMap<LineNo, BTreeMap<String, u64>> {
    let mut out: BTreeMap<LineNo, BTreeMap<String, u64>> = BTreeMap::new();
    let mut checked = Vec::with_capacity(raw.len());
    for (i, b) in raw.iter().enumerate() {
        let field = |k: usize| b.get(k).unwrap_or(&Num::Null);
        let parsed = field(0)
            .line()
            .map_err(|why| format!("line number {} ({why})", field(0)))
            .and_then(|line| {
                let t = field(4)
                    .count()
                    .map_err(|why| format!("true count {} ({why})", field(4)))?;
                let f = field(5)
                    .count()
                    .map_err(|why| format!("false count {} ({why})", field(5)))?;
                Ok((line, t, f))
            });
        match parsed {
            Ok(v) => checked.push(v),
            Err(why) => warn(format!("branch #{i} skipped: {why}")),
        }
    }
    // llvm-cov groups a file's branches by start line, keeping their order within a line.
    checked.sort_by_key(|(line, _, _)| *line);
    for (line, t, f) in checked {
        let names = out.entry(line).or_default();
        // Two names per branch so far on this line.
        let k = names.len() / 2;
        names.insert(format!("{k},{}", 2 * k), t);
        names.insert(format!("{k},{}", 2 * k + 1), f);
    }
    out
}

fn add_file(file: File, at: Option<u64>, cx: &mut Cx) {
    let path = file.filename;
    let w = &mut cx.warnings;
    let Some(raw) = file.segments else {
        w.push(at, || {
            format!(
                "'{}' has no segments (a -summary-only export?); it is kept with no lines",
                show(&path)
            )
        });
        cx.files.add(&path, FileCoverage::default());
        return;
    };
    let mut segs = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        match Segment::check(r) {
            Ok(s) => segs.push(s),
            Err(why) => w.push(at, || {
                format!("'{}': segment #{i} skipped: {why}", show(&path))
            }),
        }
    }
    drop(raw);
    segs.sort_by_key(|s| (s.line, s.col));
    let counts = line_counts(&segs, &mut cx.budget, |m| {
        w.push(at, || format!("'{}': {m}", show(&path)));
    });
    let mut br = branches(&file.branches, |m| {
        w.push(at, || format!("'{}': {m}", show(&path)));
    });
    let entries = counts
        .into_iter()
        .map(|(n, hits)| {
            let mut c = LineCoverage::new(hits);
            if let Some(named) = br.remove(&n) {
                c.branches = Some(Branches::Named(named.into_iter().collect()));
            }
            (n, c)
        })
        .collect();
    cx.files.add_entries(&path, entries);
}

struct Root<'a> {
    line: &'a LineOf,
    cx: &'a mut Cx,
}

impl<'de> ObjectSeed<'de> for Root<'_> {
    const EXPECTING: &'static str = "an llvm-cov export object with \"data\"";
    fn visit<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        super::required_key(map, "data", |map| {
            map.next_value_seed(Level {
                line: self.line,
                cx: &mut *self.cx,
                depth: Depth::Data,
            })
        })
    }
}

#[derive(Clone, Copy)]
enum Depth {
    /// `data`: an array of exports.
    Data,
    /// One export: an object whose `files` is read.
    Export,
    /// `files`: an array of file entries.
    Files,
}

struct Level<'a> {
    line: &'a LineOf,
    cx: &'a mut Cx,
    depth: Depth,
}

impl<'de> DeserializeSeed<'de> for Level<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self.depth {
            Depth::Data | Depth::Files => d.deserialize_seq(self),
            Depth::Export => d.deserialize_map(self),
        }
    }
}

impl<'de> Visitor<'de> for Level<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.depth {
            Depth::Data => "an array of exports",
            Depth::Export => "an export object",
            Depth::Files => "an array of files",
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self.depth {
            Depth::Data => {
                while seq
                    .next_element_seed(Level {
                        line: self.line,
                        cx: &mut *self.cx,
                        depth: Depth::Export,
                    })?
                    .is_some()
                {}
            }
            _ => loop {
                let at = self.line.get();
                let Some(file) = seq.next_element::<File>()? else {
                    break;
                };
                add_file(file, at, self.cx);
            },
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "files" {
                map.next_value_seed(Level {
                    line: self.line,
                    cx: &mut *self.cx,
                    depth: Depth::Files,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineState;

    fn seg(line: LineNo, col: u64, count: u64, has_count: bool, entry: bool, gap: bool) -> Segment {
        Segment {
            line,
            col,
            count,
            has_count,
            entry,
            gap,
        }
    }

    fn counts(segs: &[Segment]) -> Vec<(LineNo, u64)> {
        let mut budget = MAX_LINES;
        line_counts(segs, &mut budget, |m| panic!("{m}"))
    }

    #[test]
    fn lines_follow_llvm_line_coverage_stats() {
        // fn at line 2..6 entered 3 times; an `if` body on line 4 run once; a gap region
        // from line 4's `}` to line 5; a skipped region on line 8.
        let segs = [
            seg(2, 1, 3, true, true, false),
            seg(4, 5, 1, true, true, false),
            seg(4, 10, 3, true, false, true),
            seg(5, 1, 3, true, false, false),
            seg(6, 2, 0, false, false, false),
            seg(8, 1, 0, false, true, false),
            seg(9, 1, 0, false, false, false),
        ];
        assert_eq!(
            counts(&segs),
            [(2, 3), (3, 3), (4, 3), (5, 3), (6, 3)],
            "line 4: max of wrapped (3) and the entry (1); line 6: wrapped by line 5"
        );
        // A line whose only segment is a gap entry with a count is still mapped.
        let segs = [
            seg(1, 1, 0, false, false, false),
            seg(2, 3, 7, true, true, true),
            seg(2, 9, 0, false, false, false),
        ];
        assert_eq!(counts(&segs), [(2, 0)]);
    }

    #[test]
    fn a_region_over_billions_of_lines_is_skipped_with_a_warning() {
        let segs = [
            seg(1, 1, 1, true, true, false),
            seg(4_000_000_000, 1, 0, false, false, false),
        ];
        let mut warned = Vec::new();
        let mut budget = MAX_LINES;
        let out = line_counts(&segs, &mut budget, |m| warned.push(m));
        assert_eq!(
            out,
            [(1, 1), (4_000_000_000, 1)],
            "the last line is wrapped by line 1"
        );
        assert_eq!(
            warned,
            [
                "a region covers lines 2 to 3999999999, beyond 10000000 lines in the report; \
              those lines are skipped"
            ]
        );
    }

    #[test]
    fn a_file_reads_with_branches_named_like_the_lcov_export() {
        let text = r#"{"data":[{"files":[{"filename":"/a.c","branches":[
            [3,9,3,14,1,0,0,0,4],[2,5,2,9,0,0,0,0,4],[3,20,3,25,2,2,0,0,4]],
            "segments":[[1,1,2,true,true,false],[3,30,0,false,false,false]]}]}],
            "type":"llvm.coverage.json.export","version":"2.0.1"}"#;
        let p = read(&mut text.as_bytes(), "x.json").unwrap();
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let f = &p.files[0].1;
        assert_eq!(f.len(), 3);
        let l3 = f.get(3).unwrap();
        assert_eq!(
            l3.branches,
            Some(Branches::Named(vec![
                ("0,0".into(), 1),
                ("0,1".into(), 0),
                ("1,2".into(), 2),
                ("1,3".into(), 2)
            ]))
        );
        assert_eq!(l3.state(), LineState::Partial);
        assert_eq!(
            f.get(2).unwrap().branches.as_ref().unwrap().counts(),
            (0, 2)
        );
    }

    #[test]
    fn bad_segments_warn_and_summary_only_files_are_empty() {
        let text = "{\"data\":[{\"files\":[\n{\"filename\":\"/a.c\",\"segments\":[[0,1,1,true,true,false],\
                    [1,1,-1,true,true,false],[1,1,\"x\",true,true],[1,1,1,1,true],[2,1,5,true,true],\
                    [3,1,0,false,false]]},\n{\"filename\":\"/b.c\",\"summary\":{}}]}]}";
        let p = read(&mut text.as_bytes(), "x.json").unwrap();
        let w: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            w,
            [
                "'/a.c': segment #0 skipped: line number 0 (line numbers start at 1)",
                "'/a.c': segment #1 skipped: count -1 (it is negative)",
                "'/a.c': segment #2 skipped: count \"x\" (it is not a number)",
                "'/a.c': segment #3 skipped: hasCount 1 is not true or false",
                "'/b.c' has no segments (a -summary-only export?); it is kept with no lines",
            ]
        );
        assert_eq!(p.files[0].1.lines()[0], (2, LineCoverage::new(5)));
        assert!(p.files[1].1.is_empty());
        let e = read(
            &mut &b"{\"type\":\"llvm.coverage.json.export\"}"[..],
            "y.json",
        )
        .unwrap_err();
        assert!(matches!(e, ParseError::Json { .. }), "{e}");
    }

    /// Found while fuzzing (issue 6): the limit was per file, so 30 files of one region over
    /// ten million lines each (3 KB of JSON) filled 300 million lines, over 2 GB. The limit
    /// is now the report's.
    #[test]
    fn the_line_limit_holds_for_the_whole_report_not_each_file() {
        let file = |i: u32| {
            format!(
                r#"{{"filename":"f{i}.c","segments":[[1,1,1,true,true,false],[6000000,1,0,false,false,false]]}}"#
            )
        };
        let files: Vec<String> = (0..3).map(file).collect();
        let json = format!(r#"{{"data":[{{"files":[{}]}}]}}"#, files.join(","));
        let p = read(&mut json.as_bytes(), "big.json").unwrap();
        let total: usize = p.files.iter().map(|(_, f)| f.lines().len()).sum();
        assert_eq!(
            total,
            6_000_000 + 2 + 2,
            "f0 whole; f1 and f2 only their segment lines"
        );
        let w: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].contains("'f1.c': a region covers lines 2 to 5999999, beyond 10000000"));
    }
}
