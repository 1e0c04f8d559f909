//! The authorization-code flow for a program on the administrator's own machine (a
//! command-line tool): a one-shot HTTP listener on a loopback address receives Gong's redirect
//! (RFC 8252 §7.3), checks its `state` and hands over the code.
//!
//! A redirect with another `state` (a stale browser tab, a link someone else started, a page
//! probing the port) is refused with an error page and does not end the wait: otherwise any
//! web page could cancel a login by sending the browser to the loopback port.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use reqwest::Url;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::app::{AuthorizationCode, AuthorizationRequest, OAuthApp};
use super::store::TokenStore;
use super::token::TokenSet;
use crate::auth::AuthError;

/// A listener for Gong's redirect back, on a loopback address.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    redirect_uri: String,
    path: String,
    timeout: Option<Duration>,
}

impl LoopbackListener {
    /// Listens where `redirect_uri` points: `http://127.0.0.1:PORT/PATH`, `http://[::1]:…` or
    /// `http://localhost:…` (bound on 127.0.0.1). Port 0 picks a free port, reflected in
    /// [`redirect_uri`](Self::redirect_uri); Gong only redirects to a URI registered with the
    /// app, so register the one you use.
    pub async fn bind(redirect_uri: &str) -> Result<Self, AuthError> {
        let bad = |why: &str| AuthError::Config(format!("redirect URI {redirect_uri:?}: {why}"));
        let mut url = Url::parse(redirect_uri.trim()).map_err(|e| bad(&e.to_string()))?;
        if url.scheme() != "http" || !crate::wire::endpoint::is_loopback(&url) {
            return Err(bad(
                "a loopback listener needs http://127.0.0.1, [::1] or localhost",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("no query or fragment allowed"));
        }
        let ip = match url.host() {
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
            _ => IpAddr::V4(Ipv4Addr::LOCALHOST),
        };
        let port = url.port_or_known_default().unwrap_or(80);
        let listener = TcpListener::bind((ip, port))
            .await
            .map_err(|e| bad(&format!("cannot listen on {ip} port {port}: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| bad(&format!("no local address: {e}")))?
            .port();
        url.set_port(Some(port))
            .map_err(|()| bad("cannot carry a port"))?;
        Ok(Self {
            listener,
            path: url.path().to_owned(),
            redirect_uri: url.into(),
            timeout: None,
        })
    }

    /// Waits at most `wait` for the redirect carrying the request's `state` (default: no
    /// limit): then [`wait_for_code`](Self::wait_for_code) fails with an
    /// [`AuthError::Authorization`] that says how many redirects with another state it
    /// refused meanwhile.
    pub fn timeout(mut self, wait: Duration) -> Self {
        self.timeout = Some(wait);
        self
    }

    /// The redirect URI to put in the authorization request (with the port actually bound).
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Serves until a request carrying `request`'s `state` arrives on the redirect path, and
    /// returns its code (or an [`AuthError::Authorization`] if it says the administrator
    /// declined). A request with another or no `state` gets a 400 page and the wait goes on.
    /// The browser gets a short page saying whether it worked; other paths (`/favicon.ico`)
    /// get 404s. Set a [`timeout`](Self::timeout) (or wrap it in one): an administrator who
    /// never comes back leaves it waiting.
    pub async fn wait_for_code(
        self,
        request: &AuthorizationRequest,
    ) -> Result<AuthorizationCode, AuthError> {
        if request.redirect_uri() != self.redirect_uri {
            return Err(AuthError::Config(format!(
                "the authorization request redirects to {:?}, not to this listener ({:?})",
                request.redirect_uri(),
                self.redirect_uri
            )));
        }
        let (sender, mut received) = mpsc::channel(1);
        let refused = Arc::new(AtomicUsize::new(0));
        let callback = Callback {
            path: self.path,
            request: request.clone(),
            sender,
            refused: refused.clone(),
        };
        let server = tokio::spawn(serve(self.listener, callback));
        let result = match self.timeout {
            Some(wait) => tokio::time::timeout(wait, received.recv()).await.ok(),
            None => Some(received.recv().await),
        };
        server.abort();
        match result {
            Some(Some(outcome)) => outcome,
            Some(None) => Err(AuthError::Authorization(
                "the loopback listener stopped before the redirect arrived".into(),
            )),
            None => Err(AuthError::RedirectTimeout {
                waited: self.timeout.unwrap_or_default(),
                refused: refused.load(Ordering::Relaxed),
            }),
        }
    }
}

/// What the server needs to answer a browser request on the redirect path.
#[derive(Clone)]
struct Callback {
    path: String,
    request: AuthorizationRequest,
    sender: mpsc::Sender<Outcome>,
    /// Redirects refused for their `state`.
    refused: Arc<AtomicUsize>,
}

type Outcome = Result<AuthorizationCode, AuthError>;

async fn serve(listener: TcpListener, callback: Callback) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                let _ = callback
                    .sender
                    .send(Err(AuthError::Authorization(format!(
                        "the loopback listener failed: {e}"
                    ))))
                    .await;
                return;
            }
        };
        let callback = callback.clone();
        tokio::spawn(async move {
            let service = service_fn(move |incoming: hyper::Request<hyper::body::Incoming>| {
                let response = answer(&callback, incoming.uri());
                async move { Ok::<_, Infallible>(response) }
            });
            // A browser that goes away mid-answer is not our concern.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The page for one browser request; a request on the redirect path with the request's
/// `state` is passed on, one with another is refused and counted.
fn answer(callback: &Callback, uri: &hyper::Uri) -> hyper::Response<Full<Bytes>> {
    if uri.path() != callback.path {
        return page(404, "Not found.".into());
    }
    let query = uri.query().unwrap_or("");
    if !callback.request.carries_state(query) {
        callback.refused.fetch_add(1, Ordering::Relaxed);
        tracing::warn!("refused a redirect to the loopback listener with another state");
        return page(
            400,
            "This redirect does not belong to the login that is waiting (its state differs: a \
             stale browser tab, or a link the login did not print). Nothing was done; the login \
             is still waiting: open the link it printed."
                .into(),
        );
    }
    let outcome = callback.request.code_from_callback(query);
    let (status, text) = match &outcome {
        Ok(_) => (
            200,
            "Gong authorised the app. You can close this window.".to_owned(),
        ),
        Err(e) => (400, format!("The authorization failed: {e}")),
    };
    if let Err(mpsc::error::TrySendError::Full(_)) = callback.sender.try_send(outcome) {
        return page(409, "An authorization was already received.".into());
    }
    page(status, text)
}

fn page(status: u16, text: String) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .header("cache-control", "no-store")
        .body(Full::new(Bytes::from(text)))
        .expect("a static response is valid")
}

/// The whole authorization-code flow on this machine: builds the authorization request for
/// `scopes` with the listener's redirect URI, passes its URL to `show` (print it, open a
/// browser), waits for the redirect, exchanges the code and saves the tokens in `store`
/// (under its lock) before returning them.
///
/// ```no_run
/// use gong_api_ext::oauth::{self, FileTokenStore, LoopbackListener, OAuthApp, scopes};
///
/// # async fn run() -> Result<(), gong_api_ext::AuthError> {
/// let app = OAuthApp::new("CLIENT_ID", "CLIENT_SECRET")?;
/// let listener = LoopbackListener::bind("http://127.0.0.1:8976/callback")
///     .await?
///     .timeout(std::time::Duration::from_secs(600));
/// let store = FileTokenStore::new("gong-tokens.json");
/// let tokens = oauth::authorize_via_loopback(&app, scopes::ALL, listener, &store, |url| {
///     println!("Open this page as a Gong technical administrator:\n{url}");
/// })
/// .await?;
/// println!("authorised for {}", tokens.api_base_url());
/// # Ok(()) }
/// ```
pub async fn authorize_via_loopback(
    app: &OAuthApp,
    scopes: &[&str],
    listener: LoopbackListener,
    store: &dyn TokenStore,
    show: impl FnOnce(&Url),
) -> Result<TokenSet, AuthError> {
    let request = app.authorization_request(scopes, listener.redirect_uri())?;
    show(request.url());
    let code = listener.wait_for_code(&request).await?;
    let tokens = app.exchange_code(&code, request.redirect_uri()).await?;
    let _lock = store.lock().await?;
    store.save(&tokens).await?;
    tracing::info!(
        api_base_url = tokens.api_base_url(),
        scopes = %tokens.scopes().join(" "),
        "Gong authorised the app; tokens stored"
    );
    Ok(tokens)
}

#[cfg(test)]
mod tests;
