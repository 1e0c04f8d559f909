//! Looks up what Gong holds for one data subject, then asks Gong to erase it.
//!
//! ```sh
//! export GONG_ACCESS_KEY=… GONG_ACCESS_KEY_SECRET=… GONG_BASE_URL=https://us-55616.api.gong.io
//! cargo run -p gong-api-ext --example lookup_then_erase -- jane@example.com
//! cargo run -p gong-api-ext --example lookup_then_erase -- "+1 (425) 555-2671" --erase
//! ```
//!
//! Without `--erase` it only looks. The subject is validated before any request is sent.

use gong_api_ext::{GongClient, Subject};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let input = args
        .next()
        .ok_or("usage: lookup_then_erase SUBJECT [--erase]")?;
    let erase = args.next().as_deref() == Some("--erase");

    let subject = Subject::parse(&input)?;
    let client = GongClient::from_env()?;

    let (emails, calls, meetings, crm) = match &subject {
        Subject::Email(email) => {
            let found = client.find_references_by_email(email).await?;
            (
                found.emails.len(),
                found.calls.len(),
                found.meetings.len(),
                found.customer_data.len(),
            )
        }
        Subject::Phone(phone) => {
            let found = client.find_references_by_phone(phone).await?;
            (
                found.emails.len(),
                found.calls.len(),
                found.meetings.len(),
                found.customer_data.len(),
            )
        }
    };
    println!("{subject}: {emails} emails, {calls} calls, {meetings} meetings, {crm} CRM systems");

    if erase {
        let receipt = client.erase(subject).await?;
        println!(
            "erasure requested; keep Gong's requestId: {}",
            receipt.request_id
        );
    } else {
        println!("(dry run: pass --erase to erase)");
    }
    Ok(())
}
