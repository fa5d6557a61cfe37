//! The one integration test binary: covgit run as a user runs it, on real git repositories
//! built by script, real `SQLite` files and real reports.

mod common;

mod carryforward;
mod comment;
mod compare;
mod components;
mod devloop;
mod edges;
mod errors;
mod escaping;
mod expected;
mod formats;
mod generated;
mod headreport;
mod hook;
mod html;
mod library;
mod links;
mod moves;
mod readme;
mod record;
mod reliability;
mod share;
mod site;
mod snapshots;
mod trend;

#[test]
fn every_test_file_is_listed() {
    // A test file that is not declared above would silently never run.
    let here = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli");
    let main = std::fs::read_to_string(format!("{here}/main.rs")).unwrap();
    for entry in std::fs::read_dir(here).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(module) = name.strip_suffix(".rs")
            && module != "main"
        {
            assert!(
                main.contains(&format!("mod {module};")),
                "tests/cli/{name} is not declared in main.rs"
            );
        }
    }
}
