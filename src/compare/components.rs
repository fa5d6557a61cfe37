//! SPEC "Flags", components: each component's totals for base and head and its patch, summed
//! over the files of a finished [`Comparison`] whose path one of its globs matches.
//!
//! Pure, and run on the final comparison (unchanged files added back), so a component's
//! figures add up from the very file rows that `files` lists.
//!
//! Which path a file is matched by: **each side by its own path**. The base totals take the
//! files whose base path matches (a deleted file by its base path), the head totals, the patch
//! and the `lost` lines the files whose head path matches. A file renamed into a component
//! counts in its head only, one renamed out of it in its base only, one renamed within it in
//! both: each side's figures are what that commit's tree held under the globs, as if the
//! component were measured on each report alone. A file may be in several components.

use globset::GlobSet;

use super::{Comparison, LineKind, PatchTotals};
use crate::model::{LineNo, Totals};

/// One component's figures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComponentFigures {
    /// The component's name, as `[components.NAME]` spells it.
    pub name: String,
    /// Totals of the base files (by base path) in the component.
    pub base: Totals,
    /// Totals of the head files (by head path) in the component.
    pub head: Totals,
    /// The `added` lines of its head files.
    pub patch: PatchTotals,
    /// Its lines whose state fell (`lost`), for the `fail_on_lost` gate.
    pub lost: u64,
    /// The first of them, by head path and line.
    pub first_lost: Option<(String, LineNo)>,
}

impl ComponentFigures {
    /// Head coverage minus base coverage, in points; `None` when either has no lines.
    pub fn delta(&self) -> Option<f64> {
        Some(self.head.coverage()? - self.base.coverage()?)
    }
}

/// The figures of each `(name, globs)` component over `c`, in the order given (the
/// config's: by name).
pub fn figures<'a>(
    c: &Comparison,
    components: impl IntoIterator<Item = (&'a str, &'a GlobSet)>,
) -> Vec<ComponentFigures> {
    components
        .into_iter()
        .map(|(name, globs)| one(c, name, globs))
        .collect()
}

fn one(c: &Comparison, name: &str, globs: &GlobSet) -> ComponentFigures {
    let mut fig = ComponentFigures {
        name: name.to_owned(),
        ..ComponentFigures::default()
    };
    for f in &c.files {
        let base_path = f.base_path.as_deref().unwrap_or(&f.path);
        if let Some(t) = &f.base
            && globs.is_match(base_path)
        {
            fig.base.add(t);
        }
        if globs.is_match(&f.path) {
            if let Some(t) = &f.head {
                fig.head.add(t);
            }
            fig.patch.add(&f.patch);
        }
    }
    // Runs are sorted by path then start, so the first matching one is the first lost line.
    for r in c.lines.iter().filter(|r| r.kind == LineKind::Lost) {
        if globs.is_match(&r.path) {
            fig.lost += u64::from(r.end - r.start) + 1;
            fig.first_lost
                .get_or_insert_with(|| (r.path.clone(), r.start));
        }
    }
    fig
}

#[cfg(test)]
mod tests {
    use globset::{Glob, GlobSetBuilder};

    use super::*;
    use crate::compare::compare;
    use crate::model::{ChangeKind, FileChange};
    use crate::testkit::change;

    use crate::testkit::hits_report as report;

    fn globs(globs: &[&str]) -> GlobSet {
        let mut set = GlobSetBuilder::new();
        for g in globs {
            set.add(Glob::new(g).unwrap());
        }
        set.build().unwrap()
    }

    fn totals(files: u64, lines: u64, hit: u64) -> Totals {
        Totals {
            files,
            lines,
            hit,
            miss: lines - hit,
            ..Totals::default()
        }
    }

    /// An api file gains two lines (one hit); an auth file loses a line's coverage; an api
    /// file is deleted; one is renamed out of api into libs/shared; a web file is added.
    fn comparison() -> Comparison {
        let base = report(&[
            ("services/api/a.py", &[1, 1, 0, 0]),
            ("libs/auth/t.py", &[1, 0]),
            ("web/x.js", &[1]),
            ("services/api/old.py", &[1, 1]),
            ("services/api/moved.py", &[1, 0]),
        ]);
        let head = report(&[
            ("services/api/a.py", &[1, 1, 0, 0, 1, 0]),
            ("libs/auth/t.py", &[0, 0]),
            ("web/x.js", &[1]),
            ("libs/shared/moved.py", &[1, 0]),
            ("web/new.js", &[0, 0]),
        ]);
        let changes: [FileChange; 4] = [
            change(
                Some("services/api/a.py"),
                Some("services/api/a.py"),
                ChangeKind::Modified,
                &[(4, 0, 5, 2)],
            ),
            change(
                Some("services/api/old.py"),
                None,
                ChangeKind::Deleted,
                &[(1, 2, 1, 0)],
            ),
            change(
                Some("services/api/moved.py"),
                Some("libs/shared/moved.py"),
                ChangeKind::Renamed,
                &[],
            ),
            change(None, Some("web/new.js"), ChangeKind::Added, &[(1, 0, 1, 2)]),
        ];
        compare(&base, &head, &changes)
    }

    #[test]
    fn overlapping_components_each_count_a_shared_file() {
        let c = comparison();
        let (api, libs, web, none) = (
            globs(&["services/api/**", "libs/auth/**"]),
            globs(&["libs/**"]),
            globs(&["web/**"]),
            globs(&["docs/**"]),
        );
        let figs = figures(
            &c,
            [
                ("api", &api),
                ("libs", &libs),
                ("web", &web),
                ("none", &none),
            ],
        );
        let names: Vec<&str> = figs.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["api", "libs", "web", "none"]);

        // api: base a.py, t.py, old.py and moved.py (by its base path); head a.py and t.py.
        let api = &figs[0];
        assert_eq!(api.base, totals(4, 10, 6));
        assert_eq!(api.head, totals(2, 8, 3));
        assert_eq!(
            api.patch,
            PatchTotals {
                lines: 2,
                hit: 1,
                partial: 0,
                miss: 1
            }
        );
        assert_eq!(api.lost, 1);
        assert_eq!(api.first_lost, Some(("libs/auth/t.py".to_owned(), 1)));
        assert_eq!(api.base.coverage(), Some(60.0));
        assert_eq!(api.delta(), Some(37.5 - 60.0));

        // libs shares t.py (and its lost line) with api, and has moved.py in its head only.
        let libs = &figs[1];
        assert_eq!(libs.base, totals(1, 2, 1));
        assert_eq!(libs.head, totals(2, 4, 1));
        assert_eq!(libs.patch, PatchTotals::default());
        assert_eq!(libs.lost, 1);

        // web: the added file is all patch, nothing in the base.
        let web = &figs[2];
        assert_eq!(web.base, totals(1, 1, 1));
        assert_eq!(web.head, totals(2, 3, 1));
        assert_eq!((web.patch.lines, web.patch.hit, web.patch.miss), (2, 0, 2));
        assert_eq!((web.lost, web.first_lost.clone()), (0, None));

        // Globs that match nothing give empty figures: no coverage, no delta.
        let none = &figs[3];
        assert_eq!((none.base, none.head, none.patch), Default::default());
        assert_eq!((none.base.coverage(), none.delta()), (None, None));
    }

    #[test]
    fn a_file_renamed_within_a_component_counts_on_both_sides() {
        let c = comparison();
        let services = globs(&["services/**"]);
        let shared = globs(&["**/moved.py"]);
        let figs = figures(&c, [("services", &services), ("moved", &shared)]);
        // services: the renamed file left it, so its base holds it and its head does not.
        assert_eq!(figs[0].base, totals(3, 8, 5));
        assert_eq!(figs[0].head, totals(1, 6, 3));
        // A glob both paths match counts the file on both sides.
        assert_eq!(figs[1].base, totals(1, 2, 1));
        assert_eq!(figs[1].head, totals(1, 2, 1));
        assert_eq!(figs[1].delta(), Some(0.0));
    }

    #[test]
    fn the_figures_of_one_component_matching_everything_are_the_project_totals() {
        let c = comparison();
        let all = globs(&["**"]);
        let [fig] = figures(&c, [("all", &all)]).try_into().unwrap();
        assert_eq!((fig.base, fig.head, fig.patch), (c.base, c.head, c.patch));
        assert!(figures(&c, []).is_empty());
    }
}
