//! What every journal record of the CLI is stamped with (the Gong host, the operator), and a
//! journal that cannot be used as the command's failure: shared by batches, one-off erasures
//! and verify passes, below each of them.

use gong_api_ext::GongClient;
use gong_privacy::batch::journal::{JournalError, RunRecord};

use crate::cli::args::Cli;
use crate::cli::exit::Failure;

/// `record` with where and by whom the run is done: the Gong host (scheme, host and port
/// only) and the operator.
pub fn run_record(cli: &Cli, client: &GongClient, record: RunRecord) -> RunRecord {
    RunRecord {
        host: gong_host(client),
        operator: cli.operator.clone(),
        ..record
    }
}

/// The Gong host `client` asks: scheme, host and port, without a path or user info.
pub fn gong_host(client: &GongClient) -> Option<String> {
    let url = url::Url::parse(client.base_url()).ok()?;
    let mut host = format!("{}://{}", url.scheme(), url.host_str()?);
    if let Some(port) = url.port() {
        host.push_str(&format!(":{port}"));
    }
    Some(host)
}

/// A journal error as the command's failure: usage for a journal that is locked, newer or not
/// a journal, failed for one that cannot be read or written.
pub fn journal_failure(error: JournalError) -> Failure {
    match error {
        JournalError::Io { .. } => Failure::failed(error.to_string()),
        _ => Failure::usage(error.to_string()),
    }
}
