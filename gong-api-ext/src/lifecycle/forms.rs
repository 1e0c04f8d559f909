//! The other forms of a subject's address that Gong may hold separately, erased with it.
//!
//! Gong stores the addresses it sees in mail headers and CRM records as written there, and
//! matches a lookup or an erasure against what it stored. An internationalised domain is
//! written in two forms: Unicode (`jürgen@münchen.de`, internationalised mail, RFC 6532) and
//! Punycode (`jürgen@xn--mnchen-3ya.de`, older systems). Both can hold the same person's data,
//! so an [`Erasure`](super::Erasure) of one looks up and erases the other too: one subject, one
//! request per form.
//!
//! Which forms, and why no others:
//!
//! - **Email, internationalised domain**: the domain's other IDNA form (the only other
//!   spelling of the same address that a mail system could have written: the domain is
//!   lower-cased and mapped already, see [`EmailAddress`](crate::EmailAddress)).
//! - **Email, local part**: none. Its case and dots are the receiving system's to interpret;
//!   `Jane` and `jane` may be two mailboxes, and erasing a guess could erase someone else.
//! - **Phone numbers**: none. They are sent in E.164, the one canonical form, and Gong matches
//!   spellings itself (its answer's `matchingPhoneNumbers` lists the numbers it matched).

use serde::{Deserialize, Serialize};

use super::{EraseRequest, Snapshot};
use crate::identity::subject::Subject;

/// One more form of the subject's address: its lookup and its erasure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormErasure {
    /// The form, serialised as its text.
    pub subject: Subject,
    /// What Gong held for this form before the erase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Snapshot>,
    /// The erase request of this form Gong accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<EraseRequest>,
}

impl FormErasure {
    /// A form with no step taken yet.
    pub fn new(subject: Subject) -> Self {
        Self {
            subject,
            before: None,
            request: None,
        }
    }
}

/// The other forms of `subject` that Gong may hold separately (see the module's docs): the
/// domain's other IDNA form of an internationalised email address, nothing otherwise.
///
/// ```
/// use gong_api_ext::Subject;
/// use gong_api_ext::lifecycle::other_forms;
///
/// let forms = other_forms(&Subject::parse("jürgen@münchen.de")?);
/// assert_eq!(forms[0].as_str(), "jürgen@xn--mnchen-3ya.de");
/// assert!(other_forms(&Subject::parse("jane@example.com")?).is_empty());
/// assert!(other_forms(&Subject::parse("+14155550123")?).is_empty());
/// # Ok::<(), gong_api_ext::InvalidInput>(())
/// ```
pub fn other_forms(subject: &Subject) -> Vec<Subject> {
    match subject {
        // The other form is an address of its own: it parses (the length limit counts the
        // ASCII form, the same for both). One that did not would be dropped, never guessed.
        Subject::Email(email) => email
            .other_domain_form()
            .and_then(|other| Subject::parse(&other).ok())
            .into_iter()
            .collect(),
        Subject::Phone(_) => Vec::new(),
    }
}

/// The snapshots of every form as one: the counts added up (what the guard checks and a
/// verification classifies), the first form's time and requestId.
pub(super) fn combined<'a>(mut snapshots: impl Iterator<Item = &'a Snapshot>) -> Option<Snapshot> {
    let mut total = snapshots.next()?.clone();
    for s in snapshots {
        total.counts.add(&s.counts);
        total.other += s.other;
        total
            .linked_email_addresses
            .extend(s.linked_email_addresses.iter().cloned());
        total
            .matching_phone_numbers
            .extend(s.matching_phone_numbers.iter().cloned());
    }
    Some(total)
}
