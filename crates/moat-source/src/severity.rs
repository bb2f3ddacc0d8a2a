//! Severity, shared by the catalog's threats and the template checks so a
//! finding's severity can be derived from the threats it leaves open.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Severity, lowest first so `>=` means "at least as severe".
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Reads `high`, `High`, ` HIGH `.
    pub fn parse(text: &str) -> Option<Self> {
        let lower = text.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|s| s.as_str() == lower)
    }

    /// One level up (critical stays critical).
    pub fn raised(self) -> Severity {
        self.shifted(1)
    }

    /// One level down (info stays info).
    pub fn lowered(self) -> Severity {
        self.shifted(-1)
    }

    /// `by` levels up (or down when negative), kept within info..=critical.
    pub fn shifted(self, by: i32) -> Severity {
        let index = (self as i32 + by).clamp(0, Self::ALL.len() as i32 - 1);
        Self::ALL[index as usize]
    }

    /// Severity from likelihood and impact (each 1-5), documented in docs/catalog.md:
    /// the product 1..25 falls in bands 1-2 info, 3-5 low, 6-11 medium, 12-19 high, 20-25 critical.
    pub fn from_risk(likelihood: u8, impact: u8) -> Self {
        match u16::from(likelihood) * u16::from(impact) {
            0..=2 => Severity::Info,
            3..=5 => Severity::Low,
            6..=11 => Severity::Medium,
            12..=19 => Severity::High,
            _ => Severity::Critical,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Severity;

    #[test]
    fn shifts_stay_in_range() {
        assert_eq!(Severity::Critical.raised(), Severity::Critical);
        assert_eq!(Severity::Info.lowered(), Severity::Info);
        assert_eq!(Severity::Low.shifted(2), Severity::High);
        assert_eq!(Severity::High.shifted(-3), Severity::Info);
        assert_eq!(Severity::parse(" High "), Some(Severity::High));
        assert_eq!(Severity::parse("severe"), None);
    }
}
