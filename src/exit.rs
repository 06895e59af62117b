//! Exit statuses (DESIGN.md section 6).

/// What a command concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Done; every gate passed.
    Success,
    /// Done; a gate failed.
    GateFailed,
    /// Usage or input error, or a policy failed: the result cannot be trusted.
    Error,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::GateFailed => 1,
            Self::Error => 2,
        }
    }
}
