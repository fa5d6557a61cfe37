//! Test-only generator of random line diffs, expanded both into hunks and into the explicit
//! old <-> new alignment they stand for (the brute-force oracle of `offset` and `compare`).

use proptest::prelude::*;

use crate::model::{Hunk, LineNo};

/// One step of an alignment: `Equal(n)` keeps n lines, `Change(del, ins)` replaces `del` old
/// lines by `ins` new ones.
#[derive(Debug, Clone, Copy)]
pub enum Op {
    Equal(u32),
    Change(u32, u32),
}

/// A random diff of one file as a list of steps.
#[derive(Debug, Clone)]
pub struct Ops(pub Vec<Op>);

/// The expansion of [`Ops`]: the hunks git would give and the explicit maps, indexed by line
/// number - 1.
#[derive(Debug, Clone)]
pub struct Alignment {
    pub hunks: Vec<Hunk>,
    pub old_to_new: Vec<Option<LineNo>>,
    pub new_to_old: Vec<Option<LineNo>>,
}

impl Ops {
    pub fn expand(&self) -> Alignment {
        let mut a = Alignment {
            hunks: Vec::new(),
            old_to_new: Vec::new(),
            new_to_old: Vec::new(),
        };
        for op in &self.0 {
            let (o, n) = (a.old_to_new.len() as u32, a.new_to_old.len() as u32);
            match *op {
                Op::Equal(k) => {
                    for i in 1..=k {
                        a.old_to_new.push(Some(n + i));
                        a.new_to_old.push(Some(o + i));
                    }
                }
                Op::Change(del, ins) => {
                    a.old_to_new.extend((0..del).map(|_| None));
                    a.new_to_old.extend((0..ins).map(|_| None));
                    // Adjacent changes form one hunk, as git would print them.
                    match a.hunks.last_mut() {
                        Some(h)
                            if h.old_start + h.old_len == o + 1
                                && h.new_start + h.new_len == n + 1 =>
                        {
                            h.old_len += del;
                            h.new_len += ins;
                        }
                        _ => a.hunks.push(Hunk {
                            old_start: o + 1,
                            old_len: del,
                            new_start: n + 1,
                            new_len: ins,
                        }),
                    }
                }
            }
        }
        a
    }

    pub fn old_len(&self) -> u32 {
        self.0
            .iter()
            .map(|op| match *op {
                Op::Equal(k) | Op::Change(k, _) => k,
            })
            .sum()
    }

    pub fn new_len(&self) -> u32 {
        self.0
            .iter()
            .map(|op| match *op {
                Op::Equal(k) | Op::Change(_, k) => k,
            })
            .sum()
    }
}

/// Up to `steps` random steps; changes have at least one line on some side.
pub fn alignment(steps: usize) -> impl Strategy<Value = Ops> {
    let op = prop_oneof![
        (1u32..8).prop_map(Op::Equal),
        (0u32..4, 0u32..4)
            .prop_filter("a change changes something", |(d, i)| d + i > 0)
            .prop_map(|(d, i)| Op::Change(d, i)),
    ];
    prop::collection::vec(op, 0..steps).prop_map(Ops)
}
