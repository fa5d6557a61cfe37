//! LCOV tracefiles (`.info`, `.lcov`): a record runs from `SF:path` to `end_of_record`.
//!
//! Read line by line into one reused buffer; numbers are parsed from bytes. What counts:
//! - `DA:line,count[,checksum]`: a tracked line. The same line twice in one record is summed
//!   (coverlet and Firefox's JavaScript coverage repeat lines); several records of one path are merged by
//!   summing hits ([`LineCoverage::merge_sum`]) and taking the union of branches.
//! - `BRDA:line,block,branch,taken` (`-` = 0): a branch named `"block,branch"`. The line
//!   field is before the first comma and `taken` after the last, so block and branch ids
//!   may hold anything but the first comma (coverage.py's `jump to line 6`, lcov 2's
//!   expressions). The same name twice on a line is summed.
//! - `BA:line,state` (Bazel): a branch named `ba#k`, `k` counting the `BA` records of that
//!   line in the record; state 2 = taken (count 1), 0 or 1 = not taken (count 0).
//! - Branches on a line with no `DA` are dropped without a warning: Istanbul writes them on
//!   function declaration lines that are not statements (a default parameter), and an
//!   untracked line has no state to make partial.
//! - `TN`, `VER`, `FN`, `FNDA`, `FNL`, `FNA`, `FNF`, `FNH`, `LF`, `LH`, `BRF`, `BRH`, `MCDC`,
//!   `MCF`, `MCH` are read and ignored: summaries are often wrong, so totals are recomputed
//!   from `DA`. A record with `LF` > 0 but no `DA` (summary-only output) gives a file with no
//!   lines plus a warning.
//!
//! Bad records, each skipped with a warning naming the report line: a `DA`/`BRDA`/`BA` whose
//! line number is 0, above `u32::MAX` or not a number; a `DA` without a count or with a
//! negative, fractional or non-numeric count (integral floats such as `1.0` or `1e+0` are
//! accepted); a `BRDA` with fewer than four fields or a bad count; a `BA` state other than
//! 0, 1, 2; lines that are not `KEY:value` (`removed`) or have an unknown key; detail lines
//! outside a record; an empty `SF:`. A record that is not closed by `end_of_record` (a new
//! `SF:` or the end of the file comes first) is kept, with a warning. Refused as a whole: a
//! file with no `SF:` at all, an `SF:` path that is not UTF-8, I/O errors.

use std::collections::HashMap;
use std::io::BufRead;

use crate::model::{Branches, FileCoverage, LineCoverage, LineNo};

use crate::parse::error::{MAX_PATH_BYTES, path_too_long};
use crate::parse::lines::{MAX_LINE_BYTES, read_line};
use crate::parse::numbers::{self, BadNumber};
use crate::parse::read::Warnings;
use crate::parse::{InputFormat, ParseError, Parsed};

/// The record being read.
#[derive(Default)]
struct Record {
    /// `None` between records, or for an `SF:` that was skipped (empty path).
    path: Option<String>,
    open: bool,
    sf_line: u64,
    lines: Vec<(LineNo, LineCoverage)>,
    branches: Vec<(LineNo, String, u64)>,
    /// BA records seen per line, to name them `ba#k`.
    ba_seen: HashMap<LineNo, u32>,
    summary_lines_found: u64,
}

struct Files {
    files: Vec<(String, FileCoverage)>,
    index: HashMap<String, usize>,
}

pub(crate) fn read(input: &mut impl BufRead, name: &str) -> Result<Parsed, ParseError> {
    let mut warnings = Warnings::default();
    let mut files = Files {
        files: Vec::new(),
        index: HashMap::new(),
    };
    let mut rec = Record::default();
    let mut buf = Vec::with_capacity(256);
    let mut line_no: u64 = 0;
    let mut saw_sf = false;
    loop {
        buf.clear();
        let n = read_line(input, &mut buf, MAX_LINE_BYTES)
            .map_err(|e| e.at(name, line_no + 1, "LCOV"))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let mut line = buf.trim_ascii();
        if line_no == 1 {
            line = line
                .strip_prefix(b"\xEF\xBB\xBF")
                .unwrap_or(line)
                .trim_ascii();
        }
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        let Some(colon) = line.iter().position(|&c| c == b':') else {
            rec.end_or_garbage(line, line_no, &mut files, &mut warnings);
            continue;
        };
        let (key, value) = (&line[..colon], &line[colon + 1..]);
        match key {
            b"SF" => {
                saw_sf = true;
                rec.start(value, line_no, name, &mut files, &mut warnings)?;
            }
            b"DA" | b"BRDA" | b"BA" if !rec.open => {
                warnings.push(Some(line_no), || {
                    format!("{} outside an SF: record; skipped", show(key))
                });
            }
            b"DA" => rec.da(value, line_no, &mut warnings),
            b"BRDA" => rec.brda(value, line_no, &mut warnings),
            b"BA" => rec.ba(value, line_no, &mut warnings),
            b"LF" => {
                if let Ok(n) = numbers::count(value) {
                    rec.summary_lines_found = rec.summary_lines_found.saturating_add(n);
                }
            }
            b"TN" | b"VER" | b"FN" | b"FNDA" | b"FNL" | b"FNA" | b"FNF" | b"FNH" | b"LH"
            | b"BRF" | b"BRH" | b"MCDC" | b"MCF" | b"MCH" => {}
            _ => warnings.push(Some(line_no), || {
                format!("unknown LCOV record '{}'; skipped", show(line))
            }),
        }
    }
    if rec.open {
        let path = rec.path.clone().unwrap_or_default();
        warnings.push(Some(rec.sf_line), || {
            format!("the last record ('{path}') has no end_of_record; kept")
        });
        rec.finish(&mut files, &mut warnings);
    }
    if !saw_sf {
        return Err(ParseError::NoLcovRecords {
            name: name.to_owned(),
        });
    }
    Ok(Parsed {
        format: InputFormat::Lcov,
        sources: Vec::new(),
        files: files.files,
        warnings: warnings.finish(),
    })
}

/// A report line for a message: lossy UTF-8, cut to a readable length.
fn show(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.into_owned(),
    }
}

fn bad_line(what: &str, raw: &[u8], why: BadNumber) -> String {
    format!(
        "{what} with line number '{}' skipped: {why}",
        show(numbers::trim(raw))
    )
}

impl Record {
    /// `SF:path`: closes a record left open (with a warning) and opens the next.
    fn start(
        &mut self,
        value: &[u8],
        line_no: u64,
        name: &str,
        files: &mut Files,
        warnings: &mut Warnings,
    ) -> Result<(), ParseError> {
        if self.open {
            let path = self.path.clone().unwrap_or_default();
            warnings.push(Some(self.sf_line), || {
                format!("the record for '{path}' has no end_of_record before line {line_no}; kept")
            });
            self.finish(files, warnings);
        }
        let path = std::str::from_utf8(value.trim_ascii()).map_err(|_| ParseError::NotUtf8 {
            name: name.to_owned(),
            line: line_no,
        })?;
        self.open = true;
        self.sf_line = line_no;
        if path.len() > MAX_PATH_BYTES {
            warnings.push(Some(line_no), || path_too_long(path.as_bytes()));
            self.path = None;
        } else if path.is_empty() {
            warnings.push(Some(line_no), || {
                "SF: with an empty path; its record is skipped".to_owned()
            });
            self.path = None;
        } else {
            self.path = Some(path.to_owned());
        }
        Ok(())
    }

    /// A line without a colon: `end_of_record`, or garbage.
    fn end_or_garbage(&mut self, line: &[u8], line_no: u64, files: &mut Files, w: &mut Warnings) {
        if line != b"end_of_record" {
            w.push(Some(line_no), || {
                format!("'{}' is not an LCOV KEY:value line; skipped", show(line))
            });
        } else if self.open {
            self.finish(files, w);
        } else {
            w.push(Some(line_no), || {
                "end_of_record without a preceding SF: record; ignored".to_owned()
            });
        }
    }

    fn da(&mut self, value: &[u8], at: u64, w: &mut Warnings) {
        let mut fields = value.splitn(3, |&c| c == b',');
        let raw_line = fields.next().unwrap_or_default();
        let line = match numbers::line_no(raw_line) {
            Ok(l) => l,
            Err(why) => return w.push(Some(at), || bad_line("DA", raw_line, why)),
        };
        let Some(raw_count) = fields.next() else {
            return w.push(Some(at), || {
                format!("DA for line {line} has no count; skipped")
            });
        };
        match numbers::count(raw_count) {
            Ok(hits) => self.lines.push((line, LineCoverage::new(hits))),
            Err(why) => w.push(Some(at), || {
                format!(
                    "DA for line {line} has count '{}'; skipped: {why}",
                    show(numbers::trim(raw_count))
                )
            }),
        }
    }

    fn brda(&mut self, value: &[u8], at: u64, w: &mut Warnings) {
        let first = value.iter().position(|&c| c == b',');
        let last = value.iter().rposition(|&c| c == b',');
        let (Some(first), Some(last)) = (first, last) else {
            return w.push(Some(at), || {
                format!("BRDA:{} has fewer than 4 fields; skipped", show(value))
            });
        };
        let ids = value.get(first + 1..last).unwrap_or_default();
        if !ids.contains(&b',') {
            return w.push(Some(at), || {
                format!("BRDA:{} has fewer than 4 fields; skipped", show(value))
            });
        }
        let raw_line = &value[..first];
        let line = match numbers::line_no(raw_line) {
            Ok(l) => l,
            Err(why) => return w.push(Some(at), || bad_line("BRDA", raw_line, why)),
        };
        let raw_taken = numbers::trim(&value[last + 1..]);
        let taken = if raw_taken == b"-" {
            0
        } else {
            match numbers::count(raw_taken) {
                Ok(n) => n,
                Err(why) => {
                    return w.push(Some(at), || {
                        format!(
                            "BRDA for line {line} has taken count '{}'; skipped: {why}",
                            show(raw_taken)
                        )
                    });
                }
            }
        };
        let name = String::from_utf8_lossy(ids).into_owned();
        self.branches.push((line, name, taken));
    }

    fn ba(&mut self, value: &[u8], at: u64, w: &mut Warnings) {
        let mut fields = value.splitn(2, |&c| c == b',');
        let raw_line = fields.next().unwrap_or_default();
        let line = match numbers::line_no(raw_line) {
            Ok(l) => l,
            Err(why) => return w.push(Some(at), || bad_line("BA", raw_line, why)),
        };
        let raw_state = numbers::trim(fields.next().unwrap_or_default());
        let taken = match raw_state {
            b"0" | b"1" => 0,
            b"2" => 1,
            _ => {
                return w.push(Some(at), || {
                    format!(
                        "BA for line {line} has state '{}' (expected 0, 1 or 2); skipped",
                        show(raw_state)
                    )
                });
            }
        };
        let k = self.ba_seen.entry(line).or_insert(0);
        let name = format!("ba#{k}");
        *k += 1;
        self.branches.push((line, name, taken));
    }

    /// Closes the record: builds its coverage and merges it into `files`.
    fn finish(&mut self, files: &mut Files, w: &mut Warnings) {
        let path = self.path.take();
        let mut lines = std::mem::take(&mut self.lines);
        let mut branches = std::mem::take(&mut self.branches);
        let summary = std::mem::take(&mut self.summary_lines_found);
        self.ba_seen.clear();
        self.open = false;
        let Some(path) = path else { return };
        if lines.is_empty() && summary > 0 {
            w.push(Some(self.sf_line), || {
                format!(
                    "the record for '{path}' has only summary lines (LF:{summary}) and no DA \
                     lines; its lines are not tracked"
                )
            });
        }
        lines.sort_by_key(|(n, _)| *n);
        let mut merged: Vec<(LineNo, LineCoverage)> = Vec::with_capacity(lines.len());
        for (n, cov) in lines {
            match merged.last_mut() {
                Some((last, prev)) if *last == n => prev.merge_sum(&cov),
                _ => merged.push((n, cov)),
            }
        }
        branches.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mut i = 0;
        while i < branches.len() {
            let line = branches[i].0;
            let mut j = i;
            let mut named: Vec<(String, u64)> = Vec::new();
            while j < branches.len() && branches[j].0 == line {
                let (_, name, n) = &mut branches[j];
                match named.last_mut() {
                    Some((prev, sum)) if prev == name => *sum = sum.saturating_add(*n),
                    _ => named.push((std::mem::take(name), *n)),
                }
                j += 1;
            }
            if let Ok(k) = merged.binary_search_by_key(&line, |(n, _)| *n) {
                merged[k].1.branches = Some(Branches::Named(named));
            }
            i = j;
        }
        let cov = FileCoverage::from_entries(merged, LineCoverage::merge_sum);
        if let Some(&k) = files.index.get(&path) {
            files.files[k].1.merge_sum(&cov);
        } else {
            files.index.insert(path.clone(), files.files.len());
            files.files.push((path, cov));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineState;

    const BAD: &str = "TN:t
SF:src/a.c
DA:1,5
DA:0,1
DA:4294967296,1
DA:2,-3
DA:3,undefined
DA:4,NaN
DA:5
DA:6,1.0
DA:7,1e+0
DA:8,0.5
DA:9,8589934592
DA:9,8589934592
DA:10,1,abcdef==
BRDA:10,0,0,-
BRDA:10,0,1,3
BRDA:10,0,1,2
BRDA:10,e0,a, b == c,1
BRDA:11,0,0,1
BRDA:10,0
BRDA:10,0,2,-1
BA:1,3
garbage line
XY:1
end_of_record
DA:1,1
SF:src/b.c
DA:1,0
SF:src/a.c
DA:1,1
LF:1
end_of_record
SF:
DA:1,1
end_of_record
SF:src/c.c
LF:3
LH:3
end_of_record
SF:src/d.c
DA:1,1";

    fn parse_str(s: &str) -> Parsed {
        read(&mut s.as_bytes(), "t.info").unwrap()
    }

    #[test]
    fn each_bad_record_is_skipped_with_a_warning_naming_its_line() {
        let p = parse_str(BAD);
        let got: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "line 4: DA with line number '0' skipped: line numbers start at 1",
                "line 5: DA with line number '4294967296' skipped: it is larger than 4294967295",
                "line 6: DA for line 2 has count '-3'; skipped: it is negative",
                "line 7: DA for line 3 has count 'undefined'; skipped: it is not a number",
                "line 8: DA for line 4 has count 'NaN'; skipped: it is not a number",
                "line 9: DA for line 5 has no count; skipped",
                "line 12: DA for line 8 has count '0.5'; skipped: it is not a whole number",
                "line 21: BRDA:10,0 has fewer than 4 fields; skipped",
                "line 22: BRDA for line 10 has taken count '-1'; skipped: it is negative",
                "line 23: BA for line 1 has state '3' (expected 0, 1 or 2); skipped",
                "line 24: 'garbage line' is not an LCOV KEY:value line; skipped",
                "line 25: unknown LCOV record 'XY:1'; skipped",
                "line 27: DA outside an SF: record; skipped",
                "line 28: the record for 'src/b.c' has no end_of_record before line 30; kept",
                "line 34: SF: with an empty path; its record is skipped",
                "line 37: the record for 'src/c.c' has only summary lines (LF:3) and no DA \
                 lines; its lines are not tracked",
                "line 41: the last record ('src/d.c') has no end_of_record; kept",
            ]
        );
        let names: Vec<&str> = p.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["src/a.c", "src/b.c", "src/c.c", "src/d.c"]);
        let a = &p.files[0].1;
        let tracked: Vec<(LineNo, u64)> = a.lines().iter().map(|(n, c)| (*n, c.hits)).collect();
        // Line 1: 5 + 1 from the second record of src/a.c. Line 9 is summed past 32 bits.
        assert_eq!(
            tracked,
            [(1, 6), (6, 1), (7, 1), (9, 17_179_869_184), (10, 1)]
        );
        let l10 = a.get(10).unwrap();
        assert_eq!(
            l10.branches,
            Some(Branches::Named(vec![
                ("0,0".into(), 0),
                ("0,1".into(), 5),
                ("e0,a, b == c".into(), 1),
            ]))
        );
        assert_eq!(l10.state(), LineState::Partial);
        assert!(
            a.get(11).is_none(),
            "a branch on an untracked line is dropped"
        );
        assert_eq!(p.files[1].1.len(), 1);
        assert!(p.files[2].1.is_empty());
        assert_eq!(p.files[3].1.get(1).unwrap().hits, 1);
    }

    #[test]
    fn records_of_one_path_sum_hits_and_unite_branches() {
        let p = parse_str(
            "SF:x.c\nDA:3,1\nBRDA:3,0,0,1\nBRDA:3,0,1,0\nend_of_record\n\
             SF:x.c\nDA:3,2\nDA:4,0\nBRDA:3,0,1,-\nBRDA:3,1,0,4\nend_of_record\n",
        );
        assert!(p.warnings.is_empty());
        assert_eq!(p.files.len(), 1);
        let f = &p.files[0].1;
        assert_eq!(f.get(3).unwrap().hits, 3);
        assert_eq!(
            f.get(3).unwrap().branches.as_ref().unwrap().counts(),
            (2, 3)
        );
        assert_eq!(f.get(4).unwrap().hits, 0);
    }

    #[test]
    fn windows_line_ends_blank_lines_comments_and_a_bom_are_fine() {
        let p = parse_str(
            "\u{feff}TN:\r\n# a comment\r\nSF:C:\\x\\y.cpp \r\n\r\nDA:1,1\r\nend_of_record \r\n",
        );
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        assert_eq!(p.files[0].0, "C:\\x\\y.cpp");
        assert_eq!(p.files[0].1.len(), 1);
    }

    #[test]
    fn a_file_without_sf_is_refused() {
        let e = read(&mut &b"TN:x\nDA:1,1\n"[..], "t.info").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'t.info' has no SF: record; expected an LCOV tracefile"
        );
        let e = read(&mut &b"SF:\xff\xfe.c\nDA:1,1\n"[..], "u.info").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'u.info' line 1: the source path is not valid UTF-8"
        );
    }
}
