//! What happened to one attempt ([`Outcome`]): read off the wire, before any policy. The retry
//! classifier and strategy (`policy::retry`) decide what to do about it.

use reqwest::StatusCode;

/// One attempt's outcome, as much of it as retry decisions need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A response arrived, its body read whole (and, for a success, carrying Gong's
    /// `requestId`).
    Status(StatusCode),
    /// The connection could not be made: the request was never sent.
    ConnectFailed,
    /// The request timed out before a response arrived: it may have reached Gong.
    TimedOut,
    /// Another transport failure after the request may have left (a reset before the status
    /// line).
    TransportFailed,
    /// A response arrived but its body could not be used: it broke off (the connection closed
    /// or stalled past the timeout while it was read), or a success's body was not JSON or
    /// carried no `requestId`. Gong may have acted on the request.
    BrokenAnswer(StatusCode),
    /// A response the SDK refuses outright: a redirect, an answer from another URL than the
    /// one asked, a body over the size cap. Never retried.
    Refused(StatusCode),
}

impl Outcome {
    /// Whether Gong may have acted on the request although no usable success came back: a
    /// timeout, a broken connection, a 5xx/408, or a success whose body could not be used.
    /// (A 409 answered to a *later* attempt of a CRM delete then means the first one was
    /// registered.)
    pub fn is_ambiguous(self) -> bool {
        match self {
            Self::Status(s) => s.is_server_error() || s == StatusCode::REQUEST_TIMEOUT,
            Self::BrokenAnswer(s) => s.is_success() || Self::Status(s).is_ambiguous(),
            Self::Refused(s) => s.is_success(),
            Self::TimedOut | Self::TransportFailed => true,
            Self::ConnectFailed => false,
        }
    }

    /// The status of the response, when one arrived.
    pub fn status(self) -> Option<StatusCode> {
        match self {
            Self::Status(s) | Self::BrokenAnswer(s) | Self::Refused(s) => Some(s),
            Self::ConnectFailed | Self::TimedOut | Self::TransportFailed => None,
        }
    }
}
