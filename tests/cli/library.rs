//! covgit used as a library, through the public API only (`app`, `config`, `model`, `parse`,
//! `render`): what the binary does, a program can do, and gets the same answer.

use covgit::app::{self, CompareOptions, RecordOptions, Workspace};
use covgit::model::CiStatus;
use covgit::render::{self, CompareFormat, Context};

use crate::common::{TestRepo, lcov};

/// Records two commits and compares them through the library; the JSON matches the binary's
/// `compare --format json` byte for byte.
#[test]
fn library_records_and_compares_like_the_binary() {
    let repo = TestRepo::new();
    repo.write("a.py", "one\ntwo\nthree\n");
    let base = repo.commit("base");
    repo.write("a.py", "one\ntwo\nthree\nfour\n");
    let head = repo.commit("head");

    let ws = Workspace::open(&repo.path(), None).unwrap();
    let config = ws.load_config().unwrap();
    for (commit, lines) in [
        (&base, &[(1, 1), (2, 0), (3, 1)][..]),
        (&head, &[(1, 1), (2, 1), (3, 1), (4, 0)][..]),
    ] {
        let report = repo.write_outside("lcov.info", &lcov(&[("a.py", lines)]));
        let opts = RecordOptions {
            reports: vec![report],
            cwd: repo.path(),
            commit: Some(commit.clone()),
            flag: None,
            ci_status: CiStatus::Passed,
            input_format: None,
            force: false,
        };
        let summary = app::record(&ws, &config, &opts, &()).unwrap();
        assert_eq!(summary.commit.to_string(), *commit);
    }

    let range = format!("{base}..{head}");
    let opts = CompareOptions {
        target: Some(range.clone()),
        ..CompareOptions::default()
    };
    let outcome = app::compare(&ws, &config, &opts).unwrap();
    let mut json = Vec::new();
    render::compare(
        &mut json,
        &outcome.sides,
        &outcome.comparison,
        CompareFormat::Json,
        &Context::plain(),
    )
    .unwrap();

    let cli = repo.covgit(&["compare", &range, "--format", "json"]).ok();
    assert_eq!(String::from_utf8(json).unwrap(), cli.stdout);
    assert_eq!(cli.json()["head"]["commit"], head.as_str());
}

/// The config a library user loads is the one `.covgit.toml` holds.
#[test]
fn workspace_loads_the_config_file() {
    let repo = TestRepo::new();
    repo.write(".covgit.toml", "[paths]\nignore = [\"gen/**\"]\n");
    repo.commit("config");
    let ws = Workspace::open(&repo.path(), None).unwrap();
    let config = ws.load_config().unwrap();
    assert_eq!(config.paths.ignore, vec!["gen/**".to_owned()]);
}
