//! Servers that redirect, for the no-redirect guarantees of the library and the CLI.

use wiremock::matchers::{any, method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::json;

/// The redirect statuses a client could follow.
pub const STATUSES: [u16; 4] = [301, 302, 307, 308];

/// What a followed redirect would find: a false receipt and a false "nothing found".
pub async fn elsewhere() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(
            r#"{"requestId":"false-receipt","emails":[],"calls":[]}"#,
        ))
        .mount(&server)
        .await;
    server
}

/// One redirecting server.
pub struct Case {
    pub status: u16,
    pub same_host: bool,
    pub server: MockServer,
    /// Where it points, as an error should show it: resolved, without the query.
    pub location: String,
}

/// For each status, a server that points to itself and one that points to `elsewhere` (by
/// another host name). Each answers the email lookup like Gong, requests to `/moved/…` with a
/// false receipt, and everything else (the erasures, the phone lookup) with the redirect,
/// whose `Location` carries the subject in its query.
pub async fn cases(elsewhere: &MockServer) -> Vec<Case> {
    let other_host = format!("http://localhost:{}", elsewhere.address().port());
    let mut cases = Vec::new();
    for status in STATUSES {
        for same_host in [true, false] {
            let server = MockServer::start().await;
            let base = if same_host {
                server.uri()
            } else {
                other_host.clone()
            };
            Mock::given(path_regex("^/moved/"))
                .respond_with(json(r#"{"requestId":"false-receipt","emails":[]}"#))
                .with_priority(1)
                .mount(&server)
                .await;
            Mock::given(method("GET"))
                .and(path("/v2/data-privacy/data-for-email-address"))
                .respond_with(json(r#"{"requestId":"look-1","emails":[{"id":"a"}]}"#))
                .with_priority(2)
                .mount(&server)
                .await;
            Mock::given(any())
                .respond_with(ResponseTemplate::new(status).insert_header(
                    "Location",
                    format!("{base}/moved/erase?emailAddress=victim%40example.com#frag"),
                ))
                .mount(&server)
                .await;
            cases.push(Case {
                status,
                same_host,
                server,
                location: format!("{base}/moved/erase"),
            });
        }
    }
    cases
}
