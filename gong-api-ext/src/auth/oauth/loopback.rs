//! The authorization-code flow for a program on the administrator's own machine (a
//! command-line tool): a one-shot HTTP listener on a loopback address receives Gong's redirect
//! (RFC 8252 §7.3), checks its `state` and hands over the code.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr};

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
        })
    }

    /// The redirect URI to put in the authorization request (with the port actually bound).
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Serves until a request arrives on the redirect path, and returns its code if it
    /// carries `request`'s `state` (otherwise an [`AuthError::Authorization`]). The browser
    /// gets a short page saying whether it worked. Other paths (`/favicon.ico`) get 404s. Wrap
    /// it in a timeout: an administrator who never comes back leaves it waiting.
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
        let server = tokio::spawn(serve(self.listener, self.path, request.clone(), sender));
        let result = received.recv().await;
        server.abort();
        result.unwrap_or_else(|| {
            Err(AuthError::Authorization(
                "the loopback listener stopped before the redirect arrived".into(),
            ))
        })
    }
}

type Outcome = Result<AuthorizationCode, AuthError>;

async fn serve(
    listener: TcpListener,
    path: String,
    request: AuthorizationRequest,
    sender: mpsc::Sender<Outcome>,
) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                let _ = sender
                    .send(Err(AuthError::Authorization(format!(
                        "the loopback listener failed: {e}"
                    ))))
                    .await;
                return;
            }
        };
        let (path, request, sender) = (path.clone(), request.clone(), sender.clone());
        tokio::spawn(async move {
            let service = service_fn(move |incoming: hyper::Request<hyper::body::Incoming>| {
                let response = answer(&path, &request, &sender, incoming.uri());
                async move { Ok::<_, Infallible>(response) }
            });
            // A browser that goes away mid-answer is not our concern.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The page for one browser request; a request on the redirect path is passed on.
fn answer(
    path: &str,
    request: &AuthorizationRequest,
    sender: &mpsc::Sender<Outcome>,
    uri: &hyper::Uri,
) -> hyper::Response<Full<Bytes>> {
    if uri.path() != path {
        return page(404, "Not found.".into());
    }
    let outcome = request.code_from_callback(uri.query().unwrap_or(""));
    let (status, text) = match &outcome {
        Ok(_) => (
            200,
            "Gong authorised the app. You can close this window.".to_owned(),
        ),
        Err(e) => (400, format!("The authorization failed: {e}")),
    };
    if let Err(mpsc::error::TrySendError::Full(_)) = sender.try_send(outcome) {
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
/// let listener = LoopbackListener::bind("http://127.0.0.1:8976/callback").await?;
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
