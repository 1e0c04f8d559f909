//! Where requests go: the base URL (checked and normalised once: `https`, or `http` to a
//! loopback mock; no credentials, query or fragment) and the transport's defaults. Below every
//! layer that needs a URL checked (auth, the quota stores, the client builder).

use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;

use crate::error::Error;

/// Gong's default API host. Each company also has its own (e.g. `https://us-55616.api.gong.io`).
pub const DEFAULT_BASE_URL: &str = "https://api.gong.io";
/// The default per-attempt timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default connect timeout of the HTTP client this crate builds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default cap on an answer's body: 8 MiB. Gong's answers are small (an erasure's is a
/// `requestId`); a lookup lists one entry of a few hundred bytes per email, call and CRM object
/// that references the subject, so 8 MiB holds tens of thousands of them.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// The `User-Agent` every request carries (after any product set with
/// [`GongClientBuilder::user_agent_product`]).
pub const USER_AGENT: &str = concat!("gong-api-ext/", env!("CARGO_PKG_VERSION"));

/// `https://host[:port][/prefix]` -> `https://host[:port][/prefix]/v2`, refusing what would
/// send credentials in clear or to the wrong place.
pub(crate) fn normalize_base_url(input: &str) -> Result<String, Error> {
    let shown = without_userinfo(input);
    let bad = |why: &str| Err(Error::Config(format!("base URL {shown:?}: {why}")));
    let url = match parse_secure_url(input) {
        Ok(url) => url,
        Err(why) => return bad(&why),
    };
    if url.host().is_none() {
        return bad("no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return bad("credentials belong in basic_auth(..), not in the URL");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return bad("a query or fragment is not allowed");
    }
    let path = url.path().trim_end_matches('/');
    let path = if path.ends_with("/v2") {
        path.to_owned()
    } else {
        format!("{path}/v2")
    };
    Ok(format!("{}{path}", url.origin().ascii_serialization()))
}

/// Parses a URL credentials may be sent to: `https`, or plain `http` to a loopback host (a
/// local mock).
pub(crate) fn parse_secure_url(input: &str) -> Result<Url, String> {
    let url = Url::parse(input.trim()).map_err(|e| format!("not a URL ({e})"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err("plain http is refused except for loopback hosts; use https".into()),
        other => Err(format!("scheme {other:?} is not https")),
    }
}

/// `scheme://user:secret@host…` -> `scheme://***@host…`, so a secret pasted into a base URL
/// never reaches an error message. Works on text that does not parse as a URL too.
fn without_userinfo(input: &str) -> String {
    let Some(start) = input.find("://").map(|i| i + 3) else {
        return input.to_owned();
    };
    let authority_end = input[start..]
        .find(['/', '?', '#'])
        .map_or(input.len(), |i| start + i);
    match input[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &input[..start], &input[start + at..]),
        None => input.to_owned(),
    }
}

pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}
