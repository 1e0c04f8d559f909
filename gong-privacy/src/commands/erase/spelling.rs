//! Saying how a subject was written when what is sent differs (`user@ⓐcme.io` is sent as
//! `user@acme.io`): the user confirms the address that will be erased, not the one typed.

use gong_api_ext::Subject;
use gong_privacy::batch::input::BatchInput;
use gong_privacy::batch::run::Plan;

/// How many such rows the plan lists before it only counts.
const LISTED: usize = 20;

/// `user@acme.io (written as user@ⓐcme.io)`, or the subject alone.
pub fn subject(subject: &Subject) -> String {
    match subject.written_as() {
        Some(written) => format!("{subject} (written as {written})"),
        None => subject.to_string(),
    }
}

/// The plan's lines for the subjects to send whose domain is sent mapped, one per line with
/// `FILE:LINE:`; empty when there are none.
pub fn list(source: &str, input: &BatchInput, plan: &Plan) -> String {
    let rows: Vec<_> = plan
        .to_send
        .iter()
        .chain(&plan.already_erased)
        .filter_map(|&i| {
            let row = &input.rows[i];
            let subject = row.subject.as_ref().ok()?;
            Some((row.line, subject, subject.written_as()?))
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let count = match rows.len() {
        1 => "1 address".to_owned(),
        n => format!("{n} addresses"),
    };
    let mut text =
        format!("\n  {count} sent as IDNA maps the domain (the mapped form is what mail reaches):");
    for (line, subject, written) in rows.iter().take(LISTED) {
        text.push_str(&format!(
            "\n    {source}:{line}: {subject}, written as {written}"
        ));
    }
    if rows.len() > LISTED {
        text.push_str(&format!("\n    … and {} more", rows.len() - LISTED));
    }
    text
}
