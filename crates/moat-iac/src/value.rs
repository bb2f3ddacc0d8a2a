//! A field of the Inventory: known with the place that sets it, absent (AWS's
//! default applies; the check that reads it knows which), or unknown with the
//! reason (an intrinsic function that only a deployment resolves).

use moat_source::Span;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Value<T> {
    Known {
        value: T,
        #[serde(skip)]
        span: Span,
    },
    #[default]
    Absent,
    Unknown {
        reason: String,
        #[serde(skip)]
        span: Span,
    },
}

impl<T> Value<T> {
    pub fn known(value: T, span: Span) -> Self {
        Value::Known { value, span }
    }

    pub fn unknown(reason: impl Into<String>, span: Span) -> Self {
        Value::Unknown {
            reason: reason.into(),
            span,
        }
    }

    pub fn get(&self) -> Option<&T> {
        match self {
            Value::Known { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Value::Absent)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown { .. })
    }

    /// Where the value is set (or left unknown); `None` when absent.
    pub fn span(&self) -> Option<Span> {
        match self {
            Value::Known { span, .. } | Value::Unknown { span, .. } => Some(*span),
            Value::Absent => None,
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Value::Unknown { reason, .. } => Some(reason),
            _ => None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Value<U> {
        match self {
            Value::Known { value, span } => Value::Known {
                value: f(value),
                span,
            },
            Value::Absent => Value::Absent,
            Value::Unknown { reason, span } => Value::Unknown { reason, span },
        }
    }

    pub fn as_ref(&self) -> Value<&T> {
        match self {
            Value::Known { value, span } => Value::Known { value, span: *span },
            Value::Absent => Value::Absent,
            Value::Unknown { reason, span } => Value::Unknown {
                reason: reason.clone(),
                span: *span,
            },
        }
    }

    /// The value, or `default` when absent; unknown stays unknown.
    pub fn or_default_value(&self, default: T) -> Result<T, (String, Span)>
    where
        T: Clone,
    {
        match self {
            Value::Known { value, .. } => Ok(value.clone()),
            Value::Absent => Ok(default),
            Value::Unknown { reason, span } => Err((reason.clone(), *span)),
        }
    }
}
