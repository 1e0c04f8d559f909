//! A raw HTTP/1.1 server on loopback, for answers a mock server cannot give: bodies that break
//! off, resets after the status line, stalls, endless streams. It runs on its own thread and
//! runtime (like wiremock), so it serves tests on tokio's paused clock and synchronous tests
//! that wait for a child process alike.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct RawRequest {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header lines, lowercased names.
    pub headers: Vec<(String, String)>,
}

impl RawRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How the server answers one request. Every connection is closed after its answer.
pub enum Reply {
    /// These bytes, then a normal close.
    Bytes(Vec<u8>),
    /// These bytes, then a reset (RST): the connection breaks after what was sent.
    Reset(Vec<u8>),
    /// Nothing, for this long; then the connection is closed.
    Stall(Duration),
    /// These bytes, then a stall of this long with the connection open.
    BytesThenStall(Vec<u8>, Duration),
    /// A 200 with a chunked JSON-ish body of `total` bytes, written as fast as the client
    /// reads, until it is all sent or the client goes away. Nothing is held in memory.
    Stream { total: u64 },
}

type Handler = dyn Fn(&RawRequest) -> Reply + Send + Sync;

pub struct RawServer {
    port: u16,
    requests: Arc<Mutex<Vec<RawRequest>>>,
    /// Bytes written by `Reply::Stream` answers.
    streamed: Arc<Mutex<u64>>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl RawServer {
    pub fn start(handler: impl Fn(&RawRequest) -> Reply + Send + Sync + 'static) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let streamed = Arc::new(Mutex::new(0));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let (shutdown, mut stop) = oneshot::channel::<()>();
        let (log, bytes) = (requests.clone(), streamed.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                port_tx.send(listener.local_addr().unwrap().port()).unwrap();
                loop {
                    tokio::select! {
                        _ = &mut stop => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let (handler, log, bytes) = (handler.clone(), log.clone(), bytes.clone());
                            tokio::spawn(async move {
                                let _ = serve(stream, &*handler, &log, &bytes).await;
                            });
                        }
                    }
                }
            });
            // Dropping the runtime cancels stalled connections.
        });
        Self {
            port: port_rx.recv().unwrap(),
            requests,
            streamed,
            shutdown: Some(shutdown),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// Body bytes `Reply::Stream` answers have written.
    pub fn streamed(&self) -> u64 {
        *self.streamed.lock().unwrap()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        if let Some(stop) = self.shutdown.take() {
            let _ = stop.send(());
        }
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: &Handler,
    log: &Mutex<Vec<RawRequest>>,
    streamed: &Mutex<u64>,
) -> io::Result<()> {
    let Some(request) = read_head(&mut stream).await? else {
        return Ok(());
    };
    log.lock().unwrap().push(request.clone());
    match handler(&request) {
        Reply::Bytes(bytes) => {
            stream.write_all(&bytes).await?;
            stream.shutdown().await?;
        }
        Reply::Reset(bytes) => {
            stream.write_all(&bytes).await?;
            stream.flush().await?;
            // A zero linger makes the close a reset, at once (no blocking: the deprecation
            // is about non-zero lingers).
            #[allow(deprecated)]
            stream.set_linger(Some(Duration::ZERO))?;
            drop(stream);
        }
        Reply::Stall(duration) => tokio::time::sleep(duration).await,
        Reply::BytesThenStall(bytes, duration) => {
            stream.write_all(&bytes).await?;
            stream.flush().await?;
            tokio::time::sleep(duration).await;
        }
        Reply::Stream { total } => {
            stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
                )
                .await?;
            let piece =
                br#"{"id":"0123456789abcdef0123456789abcdef","sentTime":"2026-11-24T00:00:00Z"},"#;
            let mut chunk = Vec::with_capacity(64 * 1024);
            while chunk.len() + piece.len() <= 64 * 1024 {
                chunk.extend_from_slice(piece);
            }
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(&chunk);
            framed.extend_from_slice(b"\r\n");
            let mut sent = 0u64;
            while sent < total {
                stream.write_all(&framed).await?;
                sent += chunk.len() as u64;
                *streamed.lock().unwrap() += chunk.len() as u64;
            }
            stream.write_all(b"0\r\n\r\n").await?;
        }
    }
    Ok(())
}

/// Reads a request head (Gong's requests have no body).
async fn read_head(stream: &mut TcpStream) -> io::Result<Option<RawRequest>> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(None);
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_owned();
    let target = first.next().unwrap_or("").to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Some(RawRequest {
        method,
        target,
        headers,
    }))
}

/// A complete HTTP/1.1 answer with a `Content-Length`.
pub fn http(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    http_declaring(status, headers, body, body.len())
}

/// An answer that declares `length` body bytes, whatever `body` holds (a shorter body is cut
/// off when the connection closes).
pub fn http_declaring(
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    length: usize,
) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status)).into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!("content-length: {length}\r\nconnection: close\r\n\r\n").as_bytes(),
    );
    out.extend_from_slice(body);
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A JSON answer.
pub fn json(status: u16, body: &str) -> Vec<u8> {
    http(
        status,
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
}
