//! Reading one attempt's answer before anything decodes it: redirects refused, the body read
//! whole under a size cap, and a success checked for Gong's receipt.
//!
//! This happens in the executor rather than in progenitor's decoder so that one place both
//! enforces the cap and sees a broken answer as what it is: a 200 whose body broke off or
//! carries no `requestId` is retried like a 5xx (erasing twice is harmless; the retry brings
//! the receipt). A good answer is handed on rebuilt from the bytes read, and decodes as before.
//!
//! A refused or broken answer that ends the call travels to the typed layer inside a
//! `reqwest::Error` (the executor's return type; reqwest has no public constructor, so the
//! error is made by reading a body that fails with a [`Fault`]). `GongClient` finds the `Fault`
//! in the error's source chain; users of the raw client see its message.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::FutureExt;
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{StatusCode, Url};
use serde::Deserialize;

use crate::error::AnswerFault;
use crate::wire::excerpt::{self, Sensitive};
use crate::wire::outcome::Outcome;

/// One attempt, read.
#[derive(Debug)]
pub(crate) enum Attempt {
    /// A usable answer (any status), rebuilt around its body, read whole.
    Answer(reqwest::Response),
    /// No response arrived: connection refused, timeout, reset before the status line.
    Failed(reqwest::Error),
    /// A response arrived and was refused, or its body could not be used.
    Fault(Fault),
}

impl Attempt {
    /// What the retry classifier needs to know.
    pub(crate) fn outcome(&self) -> Outcome {
        match self {
            Self::Answer(response) => Outcome::Status(response.status()),
            Self::Failed(e) if e.is_connect() => Outcome::ConnectFailed,
            Self::Failed(e) if e.is_timeout() => Outcome::TimedOut,
            Self::Failed(_) => Outcome::TransportFailed,
            Self::Fault(fault) => match fault.kind {
                FaultKind::Broken { .. } => Outcome::BrokenAnswer(fault.status),
                FaultKind::Redirect { .. }
                | FaultKind::Elsewhere { .. }
                | FaultKind::TooLarge { .. } => Outcome::Refused(fault.status),
            },
        }
    }

    /// The response headers, when a response arrived.
    pub(crate) fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Self::Answer(response) => Some(response.headers()),
            Self::Fault(fault) => Some(&fault.headers),
            Self::Failed(_) => None,
        }
    }

    /// The executor's result for the raw client.
    pub(crate) fn into_result(self) -> reqwest::Result<reqwest::Response> {
        match self {
            Self::Answer(response) => Ok(response),
            Self::Failed(e) => Err(e),
            Self::Fault(fault) => Err(fault.into_reqwest_error()),
        }
    }
}

/// An answer the SDK would not read as Gong's.
#[derive(Debug)]
pub(crate) struct Fault {
    /// The answer's status.
    pub status: StatusCode,
    /// Its headers (`Retry-After`, `x-traceid`).
    pub headers: HeaderMap,
    /// What was wrong.
    pub kind: FaultKind,
}

#[derive(Debug)]
pub(crate) enum FaultKind {
    /// A 3xx; `location` is shown without its query.
    Redirect { location: Option<String> },
    /// The HTTP client followed a redirect: the answer came from `url`.
    Elsewhere { url: String },
    /// The body is larger than `limit` bytes.
    TooLarge { limit: usize },
    /// The body broke off or, for a success, is not Gong's answer.
    Broken {
        fault: AnswerFault,
        /// The transport error that broke it off, without its URL.
        source: Option<reqwest::Error>,
    },
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status;
        match &self.kind {
            FaultKind::Redirect { location } => write!(
                f,
                "refused a {status} redirect to {}: redirects are never followed",
                location.as_deref().unwrap_or("(no Location header)")
            ),
            FaultKind::Elsewhere { url } => write!(
                f,
                "refused an answer from {url}, not the URL requested: the HTTP client followed a redirect"
            ),
            FaultKind::TooLarge { limit } => {
                write!(
                    f,
                    "the {status} answer is larger than the {limit}-byte limit"
                )
            }
            FaultKind::Broken { fault, .. } => write!(f, "{fault} ({status})"),
        }
    }
}

impl std::error::Error for Fault {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            FaultKind::Broken {
                source: Some(source),
                ..
            } => Some(source),
            _ => None,
        }
    }
}

impl Fault {
    /// Wraps the fault in a `reqwest::Error`, the only error the executor can return: a
    /// response whose body fails with the fault is read, and fails at once.
    fn into_reqwest_error(self) -> reqwest::Error {
        let body = reqwest::Body::wrap(FailingBody(Some(self)));
        reqwest::Response::from(http::Response::new(body))
            .bytes()
            .now_or_never()
            .expect("a failing body fails at once")
            .expect_err("the body yields only the fault")
            // The placeholder URL of a response made by hand says nothing.
            .without_url()
    }

    /// The fault carried by a `reqwest::Error` the executor returned, if any.
    pub(crate) fn find(error: &reqwest::Error) -> Option<&Fault> {
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(e) = current {
            if let Some(fault) = e.downcast_ref::<Fault>() {
                return Some(fault);
            }
            current = e.source();
        }
        None
    }
}

/// A body whose only frame is an error.
struct FailingBody(Option<Fault>);

impl http_body::Body for FailingBody {
    type Data = Bytes;
    type Error = Fault;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Fault>>> {
        Poll::Ready(self.get_mut().0.take().map(Err))
    }
}

/// How an answer is read.
pub(crate) struct Reader<'a> {
    /// The URL the request went to; an answer from another is refused.
    pub sent: &'a Url,
    /// The body size cap, in bytes.
    pub limit: usize,
    /// What excerpts and locations must not show.
    pub sensitive: &'a Sensitive,
}

impl Reader<'_> {
    /// Reads `response`: refuses redirects and answers from elsewhere, reads the body up to the
    /// cap, and checks a success's body for a `requestId`.
    pub(crate) async fn read(&self, mut response: reqwest::Response) -> Attempt {
        let status = response.status();
        let fault = |response: &reqwest::Response, kind| {
            Attempt::Fault(Fault {
                status,
                headers: response.headers().clone(),
                kind,
            })
        };
        if status.is_redirection() {
            let location = response
                .headers()
                .get(LOCATION)
                .map(|value| self.location_text(value.as_bytes()));
            return fault(&response, FaultKind::Redirect { location });
        }
        if response.url() != self.sent {
            let url = excerpt::url_text(response.url(), self.sensitive);
            return fault(&response, FaultKind::Elsewhere { url });
        }
        let too_large = FaultKind::TooLarge { limit: self.limit };
        let declared = response.content_length().unwrap_or(0);
        if declared > self.limit as u64 {
            return fault(&response, too_large);
        }
        let mut body = Vec::with_capacity(declared as usize);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) if body.len() + chunk.len() > self.limit => {
                    return fault(&response, too_large);
                }
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) => {
                    let broken = if e.is_timeout() {
                        AnswerFault::Stalled
                    } else {
                        AnswerFault::ConnectionClosed
                    };
                    let kind = FaultKind::Broken {
                        fault: broken,
                        source: Some(e.without_url()),
                    };
                    return fault(&response, kind);
                }
            }
        }
        if status.is_success()
            && let Err(broken) = check_receipt(&body, self.sensitive)
        {
            let kind = FaultKind::Broken {
                fault: broken,
                source: None,
            };
            return fault(&response, kind);
        }
        let body = Bytes::from(body);
        if status.is_success() {
            crate::wire::trace::record_success_body(&body);
        }
        let mut answer = http::Response::new(body);
        *answer.status_mut() = status;
        *answer.version_mut() = response.version();
        *answer.headers_mut() = std::mem::take(response.headers_mut());
        Attempt::Answer(reqwest::Response::from(answer))
    }

    /// A `Location` value, resolved against the request, for an error message.
    fn location_text(&self, value: &[u8]) -> String {
        match std::str::from_utf8(value)
            .ok()
            .and_then(|v| self.sent.join(v.trim()).ok())
        {
            Some(url) => excerpt::url_text(&url, self.sensitive),
            None => "(an unreadable Location header)".to_owned(),
        }
    }
}

/// Every Gong answer carries a `requestId` (gong-reference.md); a success without one, or
/// whose body is not a JSON object, is not Gong's answer.
fn check_receipt(body: &[u8], sensitive: &Sensitive) -> Result<(), AnswerFault> {
    #[derive(Deserialize)]
    struct Receipt {
        #[serde(rename = "requestId")]
        request_id: Option<serde_json::Value>,
    }
    let not_json = || AnswerFault::NotJson {
        excerpt: excerpt::excerpt(body, sensitive),
    };
    // serde reads a struct from a JSON array too; Gong's answers are objects.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(not_json());
    }
    match serde_json::from_slice::<Receipt>(body) {
        Ok(Receipt {
            request_id: Some(serde_json::Value::String(id)),
        }) if !id.trim().is_empty() => Ok(()),
        Ok(_) => Err(AnswerFault::NoRequestId),
        Err(e) if e.is_eof() => Err(AnswerFault::Truncated),
        Err(e) if e.is_syntax() => Err(not_json()),
        // Valid JSON that is not one receipt (e.g. `requestId` given twice).
        Err(_) => Err(AnswerFault::NoRequestId),
    }
}

#[cfg(test)]
mod tests;
