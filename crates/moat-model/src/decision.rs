//! What a model says about its own risk: the controls it implements in place
//! (`implements:`), the risk decisions it records (`decisions:`), and what the
//! reader could not interpret (`incomplete`). The engine turns these into each
//! threat's status; every item keeps where it came from.

use crate::span::{Location, Span};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A control the model declares as implemented, on the whole model or on one
/// element or flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Implementation {
    /// A catalog control id (`C-S3-001`, or `S3.C12` with a TrustOnCloud catalog).
    pub control: String,
    /// Where it is declared, as a user can open it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The check that found it implemented, for models inferred from
    /// infrastructure code (`moat threats TEMPLATE`); absent when declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_by: Option<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Option<Span>,
}

/// The statuses users know from Threagile's risk tracking.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionStatus {
    Unchecked,
    InDiscussion,
    Accepted,
    InProgress,
    Mitigated,
    FalsePositive,
}

impl DecisionStatus {
    pub const ALL: [DecisionStatus; 6] = [
        DecisionStatus::Unchecked,
        DecisionStatus::InDiscussion,
        DecisionStatus::Accepted,
        DecisionStatus::InProgress,
        DecisionStatus::Mitigated,
        DecisionStatus::FalsePositive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionStatus::Unchecked => "unchecked",
            DecisionStatus::InDiscussion => "in-discussion",
            DecisionStatus::Accepted => "accepted",
            DecisionStatus::InProgress => "in-progress",
            DecisionStatus::Mitigated => "mitigated",
            DecisionStatus::FalsePositive => "false-positive",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the decision closes the threat (it no longer counts for `--fail-on`).
    /// Unchecked, in-discussion and in-progress leave it open.
    pub fn closes(self) -> bool {
        matches!(
            self,
            DecisionStatus::Accepted | DecisionStatus::Mitigated | DecisionStatus::FalsePositive
        )
    }
}

impl std::fmt::Display for DecisionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A recorded risk decision. It selects threats by id or id prefix (`T-S3-001`,
/// `T-GEN`, `T-S3-0*`) and targets by id or name, with `*` and `?` wildcards;
/// no `targets` means every target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Decision {
    pub threats: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    pub status: DecisionStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub justification: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// When it was decided (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_by: Option<String>,
    /// After this day (`YYYY-MM-DD`) the decision no longer holds and the threat is open again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where it was recorded (a `decisions:` entry, a pytm `overrides` finding or `Assumption`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Option<Span>,
}

/// Something the reader could not interpret, so the model may lack elements,
/// flows or attributes the source describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Incomplete {
    /// Why, in words (`call to unknown function \`make_flows\` skipped`).
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// A calendar day, `YYYY-MM-DD`: what `date` and `expires` hold. Comparing the
/// strings of two valid days orders them.
pub fn is_valid_day(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .filter(|b| b.iter().all(u8::is_ascii_digit))
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|s| s.parse::<u32>().ok())
    };
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// The civil day (UTC) `days` after 1970-01-01, as `YYYY-MM-DD`
/// (Howard Hinnant's days-to-civil algorithm).
pub fn day_from_unix_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_checked_on_the_calendar() {
        assert!(is_valid_day("2026-12-07"));
        assert!(is_valid_day("2024-02-29"));
        assert!(!is_valid_day("2026-02-29"));
        assert!(!is_valid_day("2026-13-01"));
        assert!(!is_valid_day("2026-1-01"));
        assert!(!is_valid_day("26-12-07xx"));
    }

    #[test]
    fn unix_days_become_civil_days() {
        assert_eq!(day_from_unix_days(0), "1970-01-01");
        assert_eq!(day_from_unix_days(20_429), "2025-12-07");
        assert_eq!(day_from_unix_days(19_782), "2024-02-29");
    }
}
