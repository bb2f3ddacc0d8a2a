//! CVSS 3.1 base vectors: parsed, scored with the specification's formulas
//! (https://www.first.org/cvss/v3.1/specification-document, section 7) and banded.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Cvss {
    pub vector: String,
    pub score: f64,
    /// `none`, `low`, `medium`, `high` or `critical` (the specification's rating scale).
    pub rating: String,
}

/// The base metrics' numeric weights.
struct Base {
    av: f64,
    ac: f64,
    pr: f64,
    ui: f64,
    scope_changed: bool,
    c: f64,
    i: f64,
    a: f64,
}

impl Cvss {
    pub fn parse(vector: &str) -> Result<Cvss, String> {
        let base = parse_base(vector.trim())?;
        let score = base_score(&base);
        Ok(Cvss {
            vector: vector.trim().to_string(),
            score,
            rating: rating(score).to_string(),
        })
    }
}

fn parse_base(vector: &str) -> Result<Base, String> {
    let rest = vector
        .strip_prefix("CVSS:3.1/")
        .or_else(|| vector.strip_prefix("CVSS:3.0/"))
        .ok_or_else(|| {
            format!("`{vector}` is not a CVSS 3.x vector (it must start with `CVSS:3.1/`)")
        })?;
    let mut metrics: Vec<(&str, &str)> = Vec::new();
    for part in rest.split('/') {
        let (key, value) = part
            .split_once(':')
            .ok_or_else(|| format!("`{part}` is not a `metric:value` pair"))?;
        if metrics.iter().any(|(k, _)| *k == key) {
            return Err(format!("metric `{key}` is given twice"));
        }
        metrics.push((key, value));
    }
    let get = |key: &str| -> Result<&str, String> {
        metrics
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .ok_or_else(|| format!("base metric `{key}` is missing"))
    };
    let bad = |key: &str, value: &str| format!("`{value}` is not a value of `{key}`");
    let scope_changed = match get("S")? {
        "U" => false,
        "C" => true,
        other => return Err(bad("S", other)),
    };
    let av = match get("AV")? {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        other => return Err(bad("AV", other)),
    };
    let ac = match get("AC")? {
        "L" => 0.77,
        "H" => 0.44,
        other => return Err(bad("AC", other)),
    };
    let pr = match (get("PR")?, scope_changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        (other, _) => return Err(bad("PR", other)),
    };
    let ui = match get("UI")? {
        "N" => 0.85,
        "R" => 0.62,
        other => return Err(bad("UI", other)),
    };
    let cia = |key: &str| -> Result<f64, String> {
        match get(key)? {
            "H" => Ok(0.56),
            "L" => Ok(0.22),
            "N" => Ok(0.0),
            other => Err(bad(key, other)),
        }
    };
    Ok(Base {
        av,
        ac,
        pr,
        ui,
        scope_changed,
        c: cia("C")?,
        i: cia("I")?,
        a: cia("A")?,
    })
}

fn base_score(b: &Base) -> f64 {
    let iss = 1.0 - (1.0 - b.c) * (1.0 - b.i) * (1.0 - b.a);
    let impact = if b.scope_changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * b.av * b.ac * b.pr * b.ui;
    if impact <= 0.0 {
        return 0.0;
    }
    if b.scope_changed {
        round_up((1.08 * (impact + exploitability)).min(10.0))
    } else {
        round_up((impact + exploitability).min(10.0))
    }
}

/// The specification's Roundup (Appendix A): the smallest one-decimal number at
/// least the input, computed on integers so float noise cannot add a tenth.
fn round_up(value: f64) -> f64 {
    // scores are within 0..=10.8, so the product fits an i64 exactly
    #[expect(clippy::cast_possible_truncation, reason = "bounded score")]
    let int_input = (value * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

/// The qualitative rating of a base score.
pub fn rating(score: f64) -> &'static str {
    if score <= 0.0 {
        "none"
    } else if score < 4.0 {
        "low"
    } else if score < 7.0 {
        "medium"
    } else if score < 9.0 {
        "high"
    } else {
        "critical"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_match_the_specification_examples() {
        // values from FIRST's calculator
        for (vector, score) in [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:L/PR:H/UI:R/S:U/C:H/I:L/A:N", 5.2),
            ("CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:N", 2.5),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0.0),
        ] {
            assert_eq!(Cvss::parse(vector).unwrap().score, score, "{vector}");
        }
        assert_eq!(
            Cvss::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
                .unwrap()
                .rating,
            "critical"
        );
    }

    #[test]
    fn rejects_bad_vectors() {
        for bad in [
            "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/garbage",
        ] {
            assert!(Cvss::parse(bad).is_err(), "{bad}");
        }
    }
}
