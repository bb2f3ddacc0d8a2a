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

/// A vector's base metrics: the impact levels the STRIDE rule reads and the
/// two sub-scores the score and Moat's likelihood and impact come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    /// Confidentiality, integrity and availability impact: 0 none, 1 low, 2 high.
    pub confidentiality: u8,
    pub integrity: u8,
    pub availability: u8,
    pub scope_changed: bool,
    /// The exploitability sub-score, 8.22 x AV x AC x PR x UI (0.12..3.89).
    pub exploitability: f64,
    /// The impact sub-score (0..6.05), 0 when the vector has no impact.
    pub impact: f64,
}

impl Cvss {
    pub fn parse(vector: &str) -> Result<Cvss, String> {
        Ok(Cvss::scored(vector, &Metrics::parse(vector)?))
    }

    /// The score of `vector`, whose metrics are `metrics`.
    pub fn scored(vector: &str, metrics: &Metrics) -> Cvss {
        let score = metrics.base_score();
        Cvss {
            vector: vector.trim().to_string(),
            score,
            rating: rating(score).to_string(),
        }
    }
}

impl Metrics {
    /// Reads a CVSS 3.0 or 3.1 base vector: every base metric once, with a
    /// value the specification defines.
    pub fn parse(vector: &str) -> Result<Metrics, String> {
        parse_base(vector.trim())
    }

    /// The base score (specification, section 7.1).
    pub fn base_score(&self) -> f64 {
        if self.impact <= 0.0 {
            return 0.0;
        }
        if self.scope_changed {
            round_up((1.08 * (self.impact + self.exploitability)).min(10.0))
        } else {
            round_up((self.impact + self.exploitability).min(10.0))
        }
    }
}

fn parse_base(vector: &str) -> Result<Metrics, String> {
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
    let level = |key: &str| -> Result<u8, String> {
        match get(key)? {
            "N" => Ok(0),
            "L" => Ok(1),
            "H" => Ok(2),
            other => Err(bad(key, other)),
        }
    };
    let (c, i, a) = (level("C")?, level("I")?, level("A")?);
    let weight = |level: u8| -> f64 {
        match level {
            2 => 0.56,
            1 => 0.22,
            _ => 0.0,
        }
    };
    let iss = 1.0 - (1.0 - weight(c)) * (1.0 - weight(i)) * (1.0 - weight(a));
    let impact = if scope_changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    Ok(Metrics {
        confidentiality: c,
        integrity: i,
        availability: a,
        scope_changed,
        exploitability: 8.22 * av * ac * pr * ui,
        impact: impact.max(0.0),
    })
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
    fn metrics_give_levels_and_sub_scores() {
        let m = Metrics::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N").unwrap();
        assert_eq!((m.confidentiality, m.integrity, m.availability), (2, 1, 0));
        assert!(!m.scope_changed);
        assert!(
            (m.exploitability - 3.887).abs() < 0.001,
            "{}",
            m.exploitability
        );
        // 6.42 x (1 - 0.44 x 0.78)
        assert!((m.impact - 4.2167).abs() < 0.0001, "{}", m.impact);
        assert_eq!(m.base_score(), 8.2);
        let none = Metrics::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N").unwrap();
        assert_eq!(none.impact, 0.0);
        assert_eq!(none.base_score(), 0.0);
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
            assert!(Metrics::parse(bad).is_err(), "{bad}");
        }
    }
}
