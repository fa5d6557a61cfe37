//! Issue 5 end to end: every format records with its paths resolved against the tree, and
//! one upload may mix formats.

use crate::common::{TestRepo, lcov};

#[test]
fn go_import_paths_resolve_through_go_mod_even_beside_a_vendored_copy() {
    let repo = TestRepo::new();
    repo.write("go.mod", "module github.com/acme/widget\n\ngo 1.22\n");
    repo.write("pkg/a.go", "package pkg\n\nfunc A() int {\n\treturn 1\n}\n");
    // A vendored copy with the same tail would win a plain suffix match.
    repo.write("vendor/github.com/acme/widget/pkg/a.go", "package pkg\n");
    repo.commit("go");
    let profile = repo.write_outside(
        "cover.out",
        "mode: count\ngithub.com/acme/widget/pkg/a.go:3.14,5.2 1 4\n",
    );
    let run = repo.covgit(&["record", profile.to_str().unwrap()]).ok();
    assert!(run.stderr.contains("(go, 1 file)"), "{}", run.stderr);
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(show["files"][0]["path"], "pkg/a.go");
    assert_eq!(show["files"][0]["totals"]["lines"], 3);
    assert_eq!(show["unresolved"], serde_json::json!([]));
    assert_eq!(show["uploads"][0]["format"], "go");
}

#[test]
fn jacoco_package_paths_resolve_by_suffix_and_formats_mix_in_one_upload() {
    let repo = TestRepo::new();
    repo.write("src/main/java/com/example/Calc.java", &"x\n".repeat(10));
    repo.write("web/app.js", "a\nb\n");
    repo.commit("java");
    let jacoco = repo.write_outside(
        "jacoco.xml",
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
<report name="demo"><package name="com/example"><sourcefile name="Calc.java">
<line nr="3" mi="0" ci="4" mb="0" cb="0"/>
<line nr="4" mi="0" ci="2" mb="1" cb="1"/>
<line nr="5" mi="3" ci="0" mb="0" cb="0"/>
<counter type="LINE" missed="1" covered="2"/>
</sourcefile></package>
<counter type="LINE" missed="1" covered="2"/></report>
"#,
    );
    let js = repo.write_outside("lcov.info", &lcov(&[("web/app.js", &[(1, 1), (2, 0)])]));
    let run = repo
        .covgit(&["record", jacoco.to_str().unwrap(), js.to_str().unwrap()])
        .ok();
    assert!(
        run.stderr.contains("jacoco.xml (jacoco, 1 file)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("lcov.info (lcov, 1 file)"),
        "{}",
        run.stderr
    );
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(show["uploads"][0]["format"], "jacoco+lcov");
    let paths: Vec<&str> = show["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["src/main/java/com/example/Calc.java", "web/app.js"]);
    let t = &show["files"][0]["totals"];
    assert_eq!(
        (
            t["lines"].as_u64(),
            t["hit"].as_u64(),
            t["partial"].as_u64(),
            t["miss"].as_u64()
        ),
        (Some(3), Some(1), Some(1), Some(1))
    );
    // A wrong override is a clear error naming the file and both formats.
    let run = repo
        .covgit(&["record", "--input-format", "lcov", jacoco.to_str().unwrap()])
        .code(2);
    assert!(
        run.stderr.contains("jacoco.xml") && run.stderr.contains("JaCoCo"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_format_name_is_refused_with_the_names_it_could_be() {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n");
    repo.commit("one");
    let run = repo.covgit(&["compare", "--format", "xml"]).code(2);
    assert!(
        run.stderr
            .contains("unknown format 'xml' (expected text, markdown, json, github or html)"),
        "{}",
        run.stderr
    );
    let run = repo
        .covgit(&["record", "--input-format", "foo", "r.info"])
        .code(2);
    assert!(
        run.stderr.contains(
            "unknown input format 'foo' (expected cobertura, lcov, jacoco, clover, go, \
             coveragepy-json, llvm-cov-json, istanbul or simplecov)"
        ),
        "{}",
        run.stderr
    );
}
