//! `.covgit.toml`: its schema, defaults, and parsing from a string.
//!
//! Owns nothing but the text → settings step; the caller reads the file and decides
//! precedence (a command-line flag beats the file).

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::model::Flag;

/// Why a `.covgit.toml` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Only the line and what was wrong: never the text of the line, which may be anything
    /// (a linked secrets file); a key is named only when it is the offending one.
    /// The file is not valid TOML, or a key is unknown or of the wrong type.
    #[error("{origin} is not valid: line {line}: {what}")]
    Toml {
        /// Where the settings came from, for messages (the file's path).
        origin: String,
        /// The 1-based line of the problem.
        line: usize,
        /// What was wrong there.
        what: String,
    },
    /// A `[paths] fixes` entry without `::`.
    #[error("{origin}: [paths] fixes entry '{entry}' is not of the form 'before::after'")]
    Fix {
        /// Where the settings came from, for messages (the file's path).
        origin: String,
        /// The entry as written.
        entry: String,
    },
    /// `[check] patch_target` is neither `auto` nor a number from 0 to 100.
    #[error(
        "{origin}: [check] patch_target must be a number from 0 to 100 or \"auto\", not {value}"
    )]
    PatchTarget {
        /// Where the settings came from, for messages (the file's path).
        origin: String,
        /// The value as written.
        value: String,
    },
    /// `[check] project_threshold` is negative, NaN or infinite.
    #[error(
        "{origin}: [check] project_threshold must be a finite number of points, 0 or more, not {value}"
    )]
    ProjectThreshold {
        /// Where the settings came from, for messages (the file's path).
        origin: String,
        /// The value given.
        value: f64,
    },
}

/// Every setting, with the SPEC's defaults.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    /// `[compare]`: how a base is chosen and carried to the head.
    pub compare: CompareConfig,
    /// `[check]`: the gates of `covgit check`.
    pub check: CheckConfig,
    /// `[paths]`: how report paths become repository paths.
    pub paths: PathsConfig,
    /// `[components.NAME]`, ordered by name.
    pub components: Vec<ComponentConfig>,
    /// `[flags]`: the uploads a commit expects, and those it may inherit (SPEC "Flags").
    pub flags: FlagsConfig,
}

/// The `[flags]` settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlagsConfig {
    /// `expected`: a commit is complete when each of these flags has an upload; empty, every
    /// commit with an upload is complete.
    pub expected: Vec<Flag>,
    /// `carryforward`: flags a commit without an upload of its own inherits from its nearest
    /// first-parent ancestor with a passed upload of them, remapped through the diff.
    pub carryforward: Vec<Flag>,
}

/// The `[compare]` settings.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareConfig {
    /// In a range, whether an ancestor of an unusable base may stand in for it (a
    /// pseudo-base); `false` makes an unusable base an error (`--no-pseudo`).
    pub allow_pseudo_compare: bool,
    /// Whether a pseudo-base's report may be remapped through a diff that moves its tracked
    /// lines (`--allow-offsets`); `false` stops there with exit 2.
    pub allow_coverage_offsets: bool,
    /// How many first-parent ancestors after the requested base are examined for a usable one.
    pub max_depth: u32,
    /// SPEC "Moved and reformatted code"; `--no-moves` turns it off for one run.
    pub detect_moves: bool,
}

impl Default for CompareConfig {
    fn default() -> Self {
        Self {
            allow_pseudo_compare: true,
            allow_coverage_offsets: false,
            max_depth: 50,
            detect_moves: true,
        }
    }
}

impl Config {
    /// Each component's name and globs, by name.
    pub fn component_globs(&self) -> impl Iterator<Item = (&str, &GlobSet)> {
        self.components.iter().map(|c| (c.name.as_str(), c.globs()))
    }
}

/// `patch_target`: a percentage, or the base's total coverage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PatchTarget {
    /// Patch coverage must reach this percentage, 0 to 100.
    Percent(f64),
    /// Patch coverage must reach the base's total coverage.
    Auto,
}

/// A `patch_target` that is neither a percentage from 0 to 100 nor `auto`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a percentage from 0 to 100 or 'auto'")]
pub struct InvalidPatchTarget(pub String);

/// `auto`, or a percentage from 0 to 100 with an optional `%` (`80`, `72.5%`): how
/// `--patch-target` spells it, and how `.covgit.toml` spells `auto`.
impl std::str::FromStr for PatchTarget {
    type Err = InvalidPatchTarget;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "auto" {
            return Ok(Self::Auto);
        }
        match s.trim_end_matches('%').parse::<f64>() {
            Ok(p) if valid_patch_target(p) => Ok(Self::Percent(p)),
            _ => Err(InvalidPatchTarget(s.to_owned())),
        }
    }
}

/// The `[check]` gates.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckConfig {
    /// Patch coverage below this fails.
    pub patch_target: PatchTarget,
    /// Points (percentage points, 0 or more) the total coverage may drop before it fails.
    pub project_threshold: f64,
    /// Whether any `lost` line fails.
    pub fail_on_lost: bool,
}

impl Default for CheckConfig {
    fn default() -> Self {
        Self {
            patch_target: PatchTarget::Auto,
            project_threshold: 0.0,
            fail_on_lost: false,
        }
    }
}

/// The `[paths]` settings.
#[derive(Debug, Clone, PartialEq)]
pub struct PathsConfig {
    /// `before::after` prefix rewrites, in order.
    pub fixes: Vec<(String, String)>,
    /// Globs of repository paths left out of every report.
    pub ignore: Vec<String>,
    /// Leave out the files the recorded commit's `.gitattributes` mark `linguist-generated`.
    pub generated: bool,
}

impl Default for PathsConfig {
    fn default() -> Self {
        Self {
            fixes: Vec::new(),
            ignore: Vec::new(),
            generated: true,
        }
    }
}

/// `[components.NAME]` (SPEC "Flags"): a named group of paths with its own totals and patch
/// and, optionally, its own gates. A key left out is no gate at all: neither `[check]` nor
/// the command line's gate options apply to a component.
#[derive(Debug, Clone)]
pub struct ComponentConfig {
    /// Letters, digits, `-` and `_` (see [`valid_component_name`]).
    pub name: String,
    /// Globs of repository paths, spelled as `[paths] ignore` spells them; never empty.
    pub paths: Vec<String>,
    /// The component's own patch gate; `None`: no such gate.
    pub patch_target: Option<PatchTarget>,
    /// The points the component's total may drop; `None`: no such gate.
    pub project_threshold: Option<f64>,
    /// Whether any `lost` line of the component fails; `None`: no such gate.
    pub fail_on_lost: Option<bool>,
    /// `paths`, compiled.
    globs: GlobSet,
}

impl ComponentConfig {
    /// A component with no gates of its own; `Err` names the first glob that does not parse.
    pub fn new(name: &str, paths: Vec<String>) -> Result<Self, globset::Error> {
        let globs = compile(&paths)?;
        Ok(Self {
            name: name.to_owned(),
            paths,
            patch_target: None,
            project_threshold: None,
            fail_on_lost: None,
            globs,
        })
    }

    /// `paths` as one set: a path is in the component when any glob matches it.
    pub fn globs(&self) -> &GlobSet {
        &self.globs
    }
}

/// The compiled globs follow from `paths`, so they are left out.
impl PartialEq for ComponentConfig {
    fn eq(&self, o: &Self) -> bool {
        (
            &self.name,
            &self.paths,
            self.patch_target,
            self.project_threshold,
            self.fail_on_lost,
        ) == (
            &o.name,
            &o.paths,
            o.patch_target,
            o.project_threshold,
            o.fail_on_lost,
        )
    }
}

fn compile(globs: &[String]) -> Result<GlobSet, globset::Error> {
    let mut set = GlobSetBuilder::new();
    for g in globs {
        set.add(Glob::new(g)?);
    }
    set.build()
}

/// A component's name: 1 to 64 ASCII letters, digits, `-` or `_`, so that it reads the same
/// in every output and in a gate's name (`component api: patch_target`).
pub fn valid_component_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    compare: RawCompare,
    #[serde(default)]
    check: RawCheck,
    #[serde(default)]
    paths: RawPaths,
    #[serde(default)]
    components: BTreeMap<Spanned<String>, RawComponent>,
    #[serde(default)]
    flags: RawFlags,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFlags {
    #[serde(default)]
    expected: Vec<Spanned<String>>,
    #[serde(default)]
    carryforward: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
struct RawComponent {
    paths: Spanned<Vec<Spanned<String>>>,
    patch_target: Option<Spanned<toml::Value>>,
    project_threshold: Option<Spanned<f64>>,
    fail_on_lost: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCompare {
    allow_pseudo_compare: Option<bool>,
    allow_coverage_offsets: Option<bool>,
    max_depth: Option<u32>,
    detect_moves: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    patch_target: Option<toml::Value>,
    project_threshold: Option<f64>,
    fail_on_lost: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPaths {
    #[serde(default)]
    fixes: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    generated: Option<bool>,
}

impl Config {
    /// Parses the text of a `.covgit.toml`; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let raw: Raw = toml::from_str(text).map_err(|e| ConfigError::Toml {
            origin: origin.to_owned(),
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            what: describe(&e),
        })?;
        let d = Config::default();
        let patch_target = match raw.check.patch_target {
            None => d.check.patch_target,
            Some(value) => patch_target(&value).ok_or_else(|| ConfigError::PatchTarget {
                origin: origin.to_owned(),
                value: value.to_string(),
            })?,
        };
        if let Some(t) = raw.check.project_threshold
            && !valid_project_threshold(t)
        {
            return Err(ConfigError::ProjectThreshold {
                origin: origin.to_owned(),
                value: t,
            });
        }
        let mut fixes = Vec::new();
        for entry in raw.paths.fixes {
            match entry.split_once("::") {
                Some((before, after)) if !before.is_empty() => {
                    fixes.push((before.to_owned(), after.to_owned()));
                }
                _ => {
                    return Err(ConfigError::Fix {
                        origin: origin.to_owned(),
                        entry,
                    });
                }
            }
        }
        let components = raw
            .components
            .into_iter()
            .map(|(name, c)| component(text, origin, &name, c))
            .collect::<Result<_, _>>()?;
        let expected = flag_list(text, origin, "expected", raw.flags.expected)?;
        let carryforward = flag_list(text, origin, "carryforward", raw.flags.carryforward)?;
        Ok(Config {
            compare: CompareConfig {
                allow_pseudo_compare: raw
                    .compare
                    .allow_pseudo_compare
                    .unwrap_or(d.compare.allow_pseudo_compare),
                allow_coverage_offsets: raw
                    .compare
                    .allow_coverage_offsets
                    .unwrap_or(d.compare.allow_coverage_offsets),
                max_depth: raw.compare.max_depth.unwrap_or(d.compare.max_depth),
                detect_moves: raw.compare.detect_moves.unwrap_or(d.compare.detect_moves),
            },
            check: CheckConfig {
                patch_target,
                project_threshold: raw
                    .check
                    .project_threshold
                    .unwrap_or(d.check.project_threshold),
                fail_on_lost: raw.check.fail_on_lost.unwrap_or(d.check.fail_on_lost),
            },
            paths: PathsConfig {
                fixes,
                ignore: raw.paths.ignore,
                generated: raw.paths.generated.unwrap_or(d.paths.generated),
            },
            components,
            flags: FlagsConfig {
                expected,
                carryforward,
            },
        })
    }
}

/// A `[flags]` list of flag names, each valid, without repeats (kept in the order written);
/// an error names the line and the key, never the value.
fn flag_list(
    text: &str,
    origin: &str,
    key: &str,
    names: Vec<Spanned<String>>,
) -> Result<Vec<Flag>, ConfigError> {
    let mut flags: Vec<Flag> = Vec::new();
    for name in names {
        let flag = Flag::new(name.get_ref()).map_err(|_| ConfigError::Toml {
            origin: origin.to_owned(),
            line: line_of(text, name.span().start),
            what: format!(
                "[flags] {key} must list flag names: 1 to 100 letters, digits, '-', '_', '.' or '/'"
            ),
        })?;
        if !flags.contains(&flag) {
            flags.push(flag);
        }
    }
    Ok(flags)
}

/// A `patch_target` value of the file: TOML numbers are numbers, so a quoted one is a string,
/// and the one string allowed is `auto`.
fn patch_target(value: &toml::Value) -> Option<PatchTarget> {
    match value {
        toml::Value::String(s) if s.parse() == Ok(PatchTarget::Auto) => Some(PatchTarget::Auto),
        toml::Value::Integer(i) if (0..=100).contains(i) => Some(PatchTarget::Percent(*i as f64)),
        toml::Value::Float(f) if valid_patch_target(*f) => Some(PatchTarget::Percent(*f)),
        _ => None,
    }
}

/// Checks one `[components.NAME]` table; an error names its line and key, never a value
/// (a glob that does not parse is named by its place in the list and its line).
fn component(
    text: &str,
    origin: &str,
    name: &Spanned<String>,
    raw: RawComponent,
) -> Result<ComponentConfig, ConfigError> {
    let at = |span: std::ops::Range<usize>, what: String| ConfigError::Toml {
        origin: origin.to_owned(),
        line: line_of(text, span.start),
        what,
    };
    if !valid_component_name(name.get_ref()) {
        let shown: String = name.get_ref().chars().take(64).collect();
        return Err(at(
            name.span(),
            format!(
                "component name `{}` must be 1 to 64 letters, digits, '-' or '_'",
                shown.escape_debug()
            ),
        ));
    }
    let key = format!("[components.{}]", name.get_ref());
    let paths_span = raw.paths.span();
    let globs = raw.paths.into_inner();
    if globs.is_empty() {
        return Err(at(
            paths_span,
            format!("{key} paths must list at least one glob"),
        ));
    }
    for (i, g) in globs.iter().enumerate() {
        if let Err(e) = Glob::new(g.get_ref()) {
            return Err(at(
                g.span(),
                format!("{key} paths: glob {} is not valid: {}", i + 1, e.kind()),
            ));
        }
    }
    let paths: Vec<String> = globs.into_iter().map(Spanned::into_inner).collect();
    let mut c = ComponentConfig::new(name.get_ref(), paths).map_err(|e| {
        at(
            paths_span.clone(),
            format!("{key} paths are not valid: {}", e.kind()),
        )
    })?;
    if let Some(t) = raw.patch_target {
        c.patch_target = Some(patch_target(t.get_ref()).ok_or_else(|| {
            at(
                t.span(),
                format!("{key} patch_target must be a number from 0 to 100 or \"auto\""),
            )
        })?);
    }
    if let Some(t) = raw.project_threshold {
        if !valid_project_threshold(*t.get_ref()) {
            return Err(at(
                t.span(),
                format!("{key} project_threshold must be a finite number of points, 0 or more"),
            ));
        }
        c.project_threshold = Some(t.into_inner());
    }
    c.fail_on_lost = raw.fail_on_lost;
    Ok(c)
}

/// The 1-based line of byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    1 + text.bytes().take(offset).filter(|&b| b == b'\n').count()
}

/// `patch_target` as a percentage: 0 to 100 (NaN is not in the range).
pub fn valid_patch_target(p: f64) -> bool {
    (0.0..=100.0).contains(&p)
}

/// `project_threshold`: points the total may drop, finite and not negative (NaN is refused).
pub fn valid_project_threshold(t: f64) -> bool {
    t.is_finite() && t >= 0.0
}

/// The key a wrong value was given for, as a user reads it in the file (`[flags] expected`,
/// `[components.api] paths`, a top-level `flags`); `None` when toml names none. toml keeps
/// the key path private and prints it only in its long form without the input (a last line
/// `in` followed by the dotted path in backticks), so it is read from there; each part at most
/// 64 characters, escaped.
fn offending_key(e: &toml::de::Error) -> Option<String> {
    let mut bare = e.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    let path = shown
        .strip_prefix(e.message())?
        .strip_prefix("\nin `")?
        .strip_suffix("`\n")?;
    let part = |p: &str| {
        p.chars()
            .take(64)
            .collect::<String>()
            .escape_debug()
            .to_string()
    };
    Some(match path.rsplit_once('.') {
        Some((table, key)) => format!("[{}] {}", part(table), part(key)),
        None => part(path),
    })
}

/// What a TOML error says, without any text of the file beyond the offending key: serde's
/// messages quote the wrong value (`invalid type: string "…"`), which may be a secret.
fn describe(e: &toml::de::Error) -> String {
    let msg = e.message().lines().next().unwrap_or_default();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let key: String = rest
            .split('`')
            .next()
            .unwrap_or_default()
            .chars()
            .take(64)
            .collect();
        return format!("unknown key `{}`", key.escape_debug());
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or_default();
        return format!("missing key `{}`", key.escape_debug());
    }
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            let what = match rest.rsplit_once(", expected ") {
                Some((_, expected)) if !expected.contains(['"', '\'']) => {
                    format!(
                        "wrong {}, expected {expected}",
                        prefix
                            .trim_end_matches([':', ' '])
                            .trim_start_matches("invalid ")
                    )
                }
                _ => prefix.trim_end_matches([':', ' ']).to_owned(),
            };
            return match offending_key(e) {
                Some(key) => format!("{key}: {what}"),
                None => what,
            };
        }
    }
    // The parser's own descriptions are fixed text ("invalid key", "expected `=`"); anything
    // else is cut at its first quote, so no value of the file comes through.
    let cut = msg.split(['"', '\'']).next().unwrap_or_default();
    cut.chars()
        .take(200)
        .collect::<String>()
        .escape_debug()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_the_spec_defaults() {
        let c = Config::parse("", "x").unwrap();
        assert_eq!(c, Config::default());
        assert!(c.compare.allow_pseudo_compare);
        assert!(!c.compare.allow_coverage_offsets);
        assert_eq!(c.compare.max_depth, 50);
        assert!(c.compare.detect_moves);
        assert_eq!(c.check.patch_target, PatchTarget::Auto);
        assert!(c.paths.generated);
    }

    #[test]
    fn every_key_is_read() {
        let c = Config::parse(
            r#"
[compare]
allow_pseudo_compare = false
allow_coverage_offsets = true
max_depth = 7
detect_moves = false
[check]
patch_target = 80
project_threshold = 0.5
fail_on_lost = true
[paths]
fixes = ["build/src/::src/"]
ignore = ["tests/**"]
generated = false
"#,
            "x",
        )
        .unwrap();
        assert!(!c.compare.allow_pseudo_compare);
        assert!(c.compare.allow_coverage_offsets);
        assert_eq!(c.compare.max_depth, 7);
        assert!(!c.compare.detect_moves);
        assert_eq!(c.check.patch_target, PatchTarget::Percent(80.0));
        assert!((c.check.project_threshold - 0.5).abs() < f64::EPSILON);
        assert!(c.check.fail_on_lost);
        assert_eq!(
            c.paths.fixes,
            [("build/src/".to_owned(), "src/".to_owned())]
        );
        assert_eq!(c.paths.ignore, ["tests/**"]);
        assert!(!c.paths.generated);
    }

    #[test]
    fn mistakes_are_named() {
        let e = Config::parse("[compare]\nmax_dept = 3\n", ".covgit.toml").unwrap_err();
        assert!(e.to_string().contains(".covgit.toml"), "{e}");
        let e = Config::parse("[paths]\nfixes = [\"nocolons\"]\n", "c").unwrap_err();
        assert!(e.to_string().contains("nocolons"), "{e}");
        let e = Config::parse("[check]\npatch_target = \"high\"\n", "c").unwrap_err();
        assert!(e.to_string().contains("high"), "{e}");
        let e = Config::parse("[paths]\ngenerated = \"no\"\n", "c").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c is not valid: line 2: [paths] generated: wrong type, expected a boolean"
        );
        let e = Config::parse("[compare]\n\ndetect_moves = \"no\"\n", "c").unwrap_err();
        let e = e.to_string();
        assert!(
            e.contains("line 3") && e.contains("expected a boolean"),
            "{e}"
        );
    }

    #[test]
    fn patch_targets_are_auto_or_a_percentage() {
        assert_eq!("auto".parse(), Ok(PatchTarget::Auto));
        assert_eq!("80".parse(), Ok(PatchTarget::Percent(80.0)));
        assert_eq!("72.5%".parse(), Ok(PatchTarget::Percent(72.5)));
        for bad in ["", "high", "101", "-1", "NaN", "inf", "Auto"] {
            let e = bad.parse::<PatchTarget>().unwrap_err().to_string();
            assert_eq!(
                e,
                format!("'{bad}' is not a percentage from 0 to 100 or 'auto'")
            );
        }
        // In the file a number is a TOML number; a quoted one is refused as before.
        assert!(Config::parse("[check]\npatch_target = \"80\"\n", "c").is_err());
    }

    #[test]
    fn no_error_quotes_the_file() {
        let secret = "TOKEN_hunter2";
        for text in [
            format!("AWS_KEY={secret}\0HOME=/root\0"),
            format!("[compare]\nmax_depth = \"{secret}\"\n"),
            format!("[check]\nfail_on_lost = \"{secret}\"\n"),
            format!("[paths]\nignore = \"{secret}\"\n"),
            format!("[check]\nproject_threshold = [\"{secret}\"]\n"),
            format!("x = \"\"\"\n{secret}\n"),
            format!("\n\n{secret}\n"),
        ] {
            let e = Config::parse(&text, ".covgit.toml")
                .unwrap_err()
                .to_string();
            assert!(!e.contains("hunter2"), "{e}");
            assert!(e.contains(".covgit.toml") && e.contains("line "), "{e}");
            assert_eq!(e.lines().count(), 1, "{e}");
        }
        let e = Config::parse("\n\n[compare]\nmax_dept = 3\n", "c").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c is not valid: line 4: unknown key `max_dept`"
        );
    }

    #[test]
    fn numbers_out_of_range_are_refused() {
        for bad in ["nan", "-nan", "inf", "-inf", "-0.5", "-1"] {
            let e = Config::parse(&format!("[check]\nproject_threshold = {bad}\n"), "c")
                .unwrap_err()
                .to_string();
            assert!(e.contains("project_threshold"), "{bad}: {e}");
            let e = Config::parse(&format!("[check]\npatch_target = {bad}\n"), "c")
                .unwrap_err()
                .to_string();
            assert!(e.contains("patch_target"), "{bad}: {e}");
        }
        for bad in ["100.5", "101", "inf"] {
            assert!(Config::parse(&format!("[check]\npatch_target = {bad}\n"), "c").is_err());
        }
        let c = Config::parse(
            "[check]\nproject_threshold = 0.0\npatch_target = 100\n",
            "c",
        )
        .unwrap();
        assert_eq!(c.check.patch_target, PatchTarget::Percent(100.0));
    }

    #[test]
    fn components_are_read_in_name_order_with_their_own_gates() {
        let c = Config::parse(
            r#"
[check]
patch_target = 50
[components.web]
paths = ["web/**"]
[components.api]
paths = ["services/api/**", "libs/auth/**"]
patch_target = 90
project_threshold = 1.5
fail_on_lost = true
[components.core-lib_2]
paths = ["core/*.py"]
patch_target = "auto"
"#,
            "c",
        )
        .unwrap();
        let names: Vec<&str> = c.components.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["api", "core-lib_2", "web"]);
        let api = &c.components[0];
        assert_eq!(api.paths, ["services/api/**", "libs/auth/**"]);
        assert_eq!(api.patch_target, Some(PatchTarget::Percent(90.0)));
        assert_eq!(api.project_threshold, Some(1.5));
        assert_eq!(api.fail_on_lost, Some(true));
        assert!(api.globs().is_match("libs/auth/token.py"));
        assert!(!api.globs().is_match("web/app.js"));
        assert_eq!(c.components[1].patch_target, Some(PatchTarget::Auto));
        // A key left out is no gate; [check] stays the project's.
        let web = &c.components[2];
        assert_eq!(
            (web.patch_target, web.project_threshold, web.fail_on_lost),
            (None, None, None)
        );
        assert_eq!(c.check.patch_target, PatchTarget::Percent(50.0));
        assert!(Config::parse("", "c").unwrap().components.is_empty());
    }

    #[test]
    fn carryforward_lists_flag_names_and_refuses_others() {
        let c = Config::parse("[flags]\ncarryforward = [\"e2e\", \"unit\"]\n", "c").unwrap();
        let names: Vec<&str> = c.flags.carryforward.iter().map(Flag::as_str).collect();
        assert_eq!(names, ["e2e", "unit"]);
        assert!(
            Config::parse("", "c")
                .unwrap()
                .flags
                .carryforward
                .is_empty()
        );
        let e = Config::parse(
            "[flags]\ncarryforward = [\n  \"ok\",\n  \"bad name\"]\n",
            "c",
        );
        assert_eq!(
            e.unwrap_err().to_string(),
            "c is not valid: line 4: [flags] carryforward must list flag names: 1 to 100 \
             letters, digits, '-', '_', '.' or '/'"
        );
        let e = Config::parse("[flags]\ncarryforward = \"e2e\"\n", "c").unwrap_err();
        assert!(e.to_string().starts_with("c is not valid: line 2:"), "{e}");
    }

    #[test]
    fn malformed_components_are_refused_naming_line_and_key() {
        let cases = [
            (
                "[components.api]\npatch_target = 90\n",
                "c is not valid: line 1: missing key `paths`",
            ),
            (
                "[components.api]\npaths = []\n",
                "c is not valid: line 2: [components.api] paths must list at least one glob",
            ),
            (
                "[components.api]\npaths = [\"ok/**\",\n  \"src/[a\"]\n",
                "c is not valid: line 3: [components.api] paths: glob 2 is not valid: unclosed character class; missing ']'",
            ),
            (
                "[components.api]\npaths = [\"a/**\"]\npatch_targte = 90\n",
                "c is not valid: line 3: unknown key `patch_targte`",
            ),
            (
                "[components.\"my api\"]\npaths = [\"a/**\"]\n",
                "c is not valid: line 1: component name `my api` must be 1 to 64 letters, digits, '-' or '_'",
            ),
            (
                "\n[components.api.v2]\npaths = [\"a/**\"]\n",
                "c is not valid: line 2: unknown key `v2`",
            ),
            (
                "[components.api]\npaths = [\"a/**\"]\npatch_target = 120\n",
                "c is not valid: line 3: [components.api] patch_target must be a number from 0 to 100 or \"auto\"",
            ),
            (
                "[components.api]\npaths = [\"a/**\"]\n\nproject_threshold = -1\n",
                "c is not valid: line 4: [components.api] project_threshold must be a finite number of points, 0 or more",
            ),
            (
                "[components.api]\npaths = [\"a/**\"]\nproject_threshold = nan\n",
                "c is not valid: line 3: [components.api] project_threshold must be a finite number of points, 0 or more",
            ),
            (
                "[components.api]\npaths = [\"a/**\"]\nfail_on_lost = \"yes\"\n",
                "c is not valid: line 3: [components.api] fail_on_lost: wrong type, expected a boolean",
            ),
            (
                "[components.api]\npaths = \"a/**\"\n",
                "c is not valid: line 2: [components.api] paths: wrong type, expected a sequence",
            ),
            (
                "[components]\napi = 3\n",
                "c is not valid: line 2: [components] api: wrong type, expected a table",
            ),
        ];
        for (text, want) in cases {
            let e = Config::parse(text, "c").unwrap_err().to_string();
            assert_eq!(e, want, "{text}");
        }
        // No value of the file is quoted, a name no more than its first 64 characters.
        let secret = "TOKEN_hunter2";
        for text in [
            format!("[components.api]\npaths = [\"{secret}[\"]\n"),
            format!("[components.api]\npaths = [\"a\"]\npatch_target = \"{secret}\"\n"),
            format!("[components.api]\npaths = [\"a\"]\nfail_on_lost = \"{secret}\"\n"),
        ] {
            let e = Config::parse(&text, "c").unwrap_err().to_string();
            assert!(!e.contains("hunter2") && e.contains("line "), "{e}");
        }
        let long = "x".repeat(500);
        let e = Config::parse(&format!("[components.{long}]\npaths = [\"a\"]\n"), "c")
            .unwrap_err()
            .to_string();
        assert!(e.len() < 200, "{e}");
    }

    #[test]
    fn expected_flags_are_read_once_each_in_order() {
        let c = Config::parse(
            "[flags]\nexpected = [\"unit\", \"e2e\", \"unit\", \"integ/a.b\"]\n",
            "c",
        )
        .unwrap();
        let names: Vec<&str> = c.flags.expected.iter().map(Flag::as_str).collect();
        assert_eq!(names, ["unit", "e2e", "integ/a.b"]);
        assert!(Config::parse("", "c").unwrap().flags.expected.is_empty());
    }

    #[test]
    fn every_flags_components_and_generated_key_names_itself_and_its_line_when_malformed() {
        for (text, want) in [
            (
                "[flags]\nexpected = \"unit\"\n",
                "line 2: [flags] expected: wrong type, expected a sequence",
            ),
            (
                "[flags]\ncarryforward = [\"e2e\", 3]\n",
                "line 2: [flags] carryforward: wrong type, expected a string",
            ),
            (
                "[flags]\n\nexpected = [\"unit\", \"e2e\\u001b[31m\"]\n",
                "line 3: [flags] expected must list flag names",
            ),
            (
                "[components.api]\npaths = []\n",
                "line 2: [components.api] paths must list at least one glob",
            ),
            (
                "[components.api]\npaths = [\"a/{b\"]\n",
                "line 2: [components.api] paths: glob 1 is not valid",
            ),
            (
                "[components.api]\npaths = [\"a/**\"]\npatch_target = 101\n",
                "line 3: [components.api] patch_target must be a number from 0 to 100",
            ),
            (
                "[components.api]\npaths = [\"a/**\"]\npatch_target = nan\n",
                "line 3: [components.api] patch_target must be a number from 0 to 100",
            ),
            (
                "[components.api]\npaths = [\"a/**\"]\npatch_target = -inf\n",
                "line 3: [components.api] patch_target must be a number from 0 to 100",
            ),
            (
                "[components.api]\npaths = [\"a/**\"]\nproject_threshold = inf\n",
                "line 3: [components.api] project_threshold must be a finite number",
            ),
            (
                "[paths]\ngenerated = \"yes\"\n",
                "line 2: [paths] generated: wrong type, expected a boolean",
            ),
            (
                "[paths]\ngenerated = 1\n",
                "line 2: [paths] generated: wrong type, expected a boolean",
            ),
        ] {
            let e = Config::parse(text, "c").unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("c is not valid: {want}")),
                "{text:?}: {e}"
            );
            assert_eq!(e.lines().count(), 1, "{e}");
            assert!(!e.contains('\x1b') && !e.contains("yes"), "{e}");
        }
        // A carried flag that no job is expected to upload is fine.
        let c = Config::parse(
            "[flags]\nexpected = [\"unit\"]\ncarryforward = [\"nightly\"]\n",
            "c",
        )
        .unwrap();
        assert_eq!(c.flags.carryforward, [Flag::new("nightly").unwrap()]);
    }

    #[test]
    fn malformed_expected_flags_are_refused_naming_line_and_key() {
        for (text, line, what) in [
            (
                "[flags]\nexpected = [\"unit\",\n  \"e 2 e\"]\n",
                3,
                "[flags] expected",
            ),
            ("[flags]\nexpected = [\"\"]\n", 2, "[flags] expected"),
            (
                "[flags]\nexpected = \"unit\"\n",
                2,
                "[flags] expected: wrong type",
            ),
            (
                "[flags]\nexpected = [1]\n",
                2,
                "[flags] expected: wrong type",
            ),
            (
                "[flags]\nexpectd = [\"unit\"]\n",
                2,
                "unknown key `expectd`",
            ),
        ] {
            let msg = Config::parse(text, "c.toml").unwrap_err().to_string();
            assert!(
                msg.contains(&format!("line {line}")) && msg.contains(what),
                "{text:?}: {msg}"
            );
            assert!(!msg.contains("e 2 e"), "{msg}");
        }
    }
}
