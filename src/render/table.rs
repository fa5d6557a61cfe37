//! Aligned columns for the text tables of `show` and `log`: widths from the widest cell,
//! two spaces between columns, no trailing blanks, padding outside the escape codes so
//! colored and plain output line up the same. Cell text is escaped (see `escape.rs`).

use std::io::{self, Write};

use super::escape;
use super::style::Style;

/// One cell: its text, style and alignment.
pub struct Cell {
    text: String,
    style: Style,
    right: bool,
}

impl Cell {
    pub fn left(text: impl Into<String>, style: Style) -> Cell {
        Cell {
            text: shown(text.into()),
            style,
            right: false,
        }
    }

    pub fn right(text: impl Into<String>, style: Style) -> Cell {
        Cell {
            text: shown(text.into()),
            style,
            right: true,
        }
    }

    fn width(&self) -> usize {
        self.text.chars().count()
    }
}

/// A cell's text as it may be printed: cells hold paths, flags and subjects written by
/// others, so control characters show escaped (and the width counts the escapes).
fn shown(text: String) -> String {
    match escape::text(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(o) => o,
    }
}

/// Writes `rows` as aligned columns, each line indented by `indent`.
pub fn write(out: &mut dyn Write, indent: &str, rows: &[Vec<Cell>]) -> io::Result<()> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(Cell::width)
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let Some(last) = row.iter().rposition(|c| !c.text.is_empty()) else {
            writeln!(out)?;
            continue;
        };
        write!(out, "{indent}")?;
        for (i, cell) in row[..=last].iter().enumerate() {
            if i > 0 {
                write!(out, "  ")?;
            }
            let pad = " ".repeat(widths[i] - cell.width());
            if cell.right {
                write!(out, "{pad}{}", cell.style.paint(&cell.text))?;
            } else if i == last {
                write!(out, "{}", cell.style.paint(&cell.text))?;
            } else {
                write!(out, "{}{pad}", cell.style.paint(&cell.text))?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_without_trailing_blanks() {
        let p = Style::PLAIN;
        let rows = vec![
            vec![
                Cell::left("path", p),
                Cell::right("n", p),
                Cell::left("x", p),
            ],
            vec![Cell::left("a", p), Cell::right("100", p), Cell::left("", p)],
        ];
        let mut out = Vec::new();
        write(&mut out, "> ", &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "> path    n  x\n> a     100\n"
        );
    }
}
