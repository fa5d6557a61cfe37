//! Line numbers and execution counts read straight from report bytes, without allocating.
//!
//! Both parsers share these rules, so a value means the same in every format:
//! - a line number is a decimal integer from 1 to `u32::MAX`; `0`, larger values, signs,
//!   fractions and words (`undefined`, `null`) are refused ([`BadNumber`]);
//! - a count (hits, branch taken) is a non-negative integer. Digits beyond `u64::MAX`
//!   saturate (the line still ran). A float is accepted when it is integral (`1.0`, `1e+0`,
//!   `1.0e+19`) and refused otherwise (`0.5`, `NaN`, `inf`); a negative value is refused.

use std::fmt;

use crate::model::LineNo;

/// Why a field is not a usable line number or count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadNumber {
    Missing,
    NotANumber,
    Zero,
    TooLarge,
    Negative,
    NotIntegral,
}

impl fmt::Display for BadNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Missing => "it is missing",
            Self::NotANumber => "it is not a number",
            Self::Zero => "line numbers start at 1",
            Self::TooLarge => "it is larger than 4294967295",
            Self::Negative => "it is negative",
            Self::NotIntegral => "it is not a whole number",
        })
    }
}

pub(crate) fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

/// A 1-based line number.
pub(crate) fn line_no(raw: &[u8]) -> Result<LineNo, BadNumber> {
    let b = trim(raw);
    if b.is_empty() {
        return Err(BadNumber::Missing);
    }
    let mut n: u64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return Err(if c == b'-' {
                BadNumber::Negative
            } else {
                BadNumber::NotANumber
            });
        }
        n = n * 10 + u64::from(c - b'0');
        if n > u64::from(u32::MAX) {
            return Err(BadNumber::TooLarge);
        }
    }
    match n {
        0 => Err(BadNumber::Zero),
        n => Ok(n as LineNo),
    }
}

/// An execution count.
pub(crate) fn count(raw: &[u8]) -> Result<u64, BadNumber> {
    let b = trim(raw);
    if b.is_empty() {
        return Err(BadNumber::Missing);
    }
    if b.iter().all(u8::is_ascii_digit) {
        let mut n: u64 = 0;
        for &c in b {
            n = n.saturating_mul(10).saturating_add(u64::from(c - b'0'));
        }
        return Ok(n);
    }
    float_count(b)
}

#[cold]
fn float_count(b: &[u8]) -> Result<u64, BadNumber> {
    // Only number-like spellings go to the float parser, so words such as "inf", "NaN" or
    // "infinity" (which `f64::from_str` would take) are refused here.
    let numberish = b
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        && b.iter().any(u8::is_ascii_digit);
    let Some(v) = numberish
        .then(|| std::str::from_utf8(b).ok()?.parse::<f64>().ok())
        .flatten()
    else {
        return Err(BadNumber::NotANumber);
    };
    if v < 0.0 && v != 0.0 {
        Err(BadNumber::Negative)
    } else if v.fract() != 0.0 {
        Err(BadNumber::NotIntegral)
    } else if v >= 18_446_744_073_709_551_615.0 {
        Ok(u64::MAX)
    } else {
        Ok(v as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_are_1_to_u32_max() {
        assert_eq!(line_no(b"1"), Ok(1));
        assert_eq!(line_no(b" 42 "), Ok(42));
        assert_eq!(line_no(b"4294967295"), Ok(u32::MAX));
        assert_eq!(line_no(b"4294967296"), Err(BadNumber::TooLarge));
        assert_eq!(
            line_no(b"99999999999999999999999"),
            Err(BadNumber::TooLarge)
        );
        assert_eq!(line_no(b"0"), Err(BadNumber::Zero));
        assert_eq!(line_no(b""), Err(BadNumber::Missing));
        assert_eq!(line_no(b"-3"), Err(BadNumber::Negative));
        for bad in [&b"undefined"[..], b"null", b"=", b"1.0", b"1e3", b"0x10"] {
            assert_eq!(line_no(bad), Err(BadNumber::NotANumber), "{bad:?}");
        }
    }

    #[test]
    fn counts_are_non_negative_integers() {
        assert_eq!(count(b"0"), Ok(0));
        assert_eq!(count(b"8589934592"), Ok(1 << 33));
        assert_eq!(count(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(count(b"99999999999999999999999"), Ok(u64::MAX));
        assert_eq!(count(b"1.0"), Ok(1));
        assert_eq!(count(b"1e+0"), Ok(1));
        assert_eq!(count(b"1.0e+19"), Ok(10_000_000_000_000_000_000));
        assert_eq!(count(b"1e30"), Ok(u64::MAX));
        assert_eq!(count(b"-0"), Ok(0));
        assert_eq!(count(b"-3"), Err(BadNumber::Negative));
        assert_eq!(count(b"-1.5"), Err(BadNumber::Negative));
        assert_eq!(count(b"0.5"), Err(BadNumber::NotIntegral));
        assert_eq!(count(b""), Err(BadNumber::Missing));
        for bad in [
            &b"NaN"[..],
            b"inf",
            b"-inf",
            b"infinity",
            b"1+e0",
            b"skipped",
            b"=",
            b"-",
        ] {
            assert_eq!(count(bad), Err(BadNumber::NotANumber), "{bad:?}");
        }
    }
}
