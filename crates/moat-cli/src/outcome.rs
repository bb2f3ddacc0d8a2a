//! How a command ended, and the exit code that says so: the one place exit
//! codes are decided (docs: README, "Exit codes").

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done; nothing at or above `--fail-on` is open.
    Ok,
    /// Open threats at or above `--fail-on`.
    ThreatsAtOrAboveThreshold,
    /// A check failed: evaluation cases that do not match their expectation.
    Failed,
    /// A usage or input error (with `--strict`, a warning too).
    InputError,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::ThreatsAtOrAboveThreshold | Outcome::Failed => 1,
            Outcome::InputError => 2,
        }
    }
}
