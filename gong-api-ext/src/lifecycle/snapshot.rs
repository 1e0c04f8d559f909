//! [`Snapshot`]: what one lookup found.

use std::collections::BTreeSet;

use gong_api::types;
use serde::{Deserialize, Serialize};

use super::Timestamp;
use crate::client::bulk::ReferenceCounts;

/// What Gong held about a subject at one moment: one lookup's answer, counted.
///
/// Counts are kept, not the objects themselves: what was erased is not copied into the audit
/// record. The linked email addresses of a phone lookup are kept, because reviewing a number
/// held back as shared needs them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// When Gong answered.
    pub at: Timestamp,
    /// Gong's `requestId` of the lookup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Objects per kind.
    pub counts: ReferenceCounts,
    /// Phone lookups: the email addresses of the people (leads, contacts) with this number.
    /// Erasing the number erases each of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked_email_addresses: Vec<String>,
    /// Phone lookups: the numbers Gong matched to the one asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matching_phone_numbers: Vec<String>,
    /// Entries in lists of the answer this crate does not know (Gong "may add fields to the
    /// JSON output without warning"): counted, so that a new kind of data never reads as gone.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub other: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Snapshot {
    /// An email lookup's answer, received `at`.
    pub fn of_email(r: &types::EmailAddressReferences, at: Timestamp) -> Self {
        Self {
            at,
            request_id: r.request_id.clone(),
            counts: ReferenceCounts::of_email(r),
            linked_email_addresses: Vec::new(),
            matching_phone_numbers: Vec::new(),
            other: unknown_entries(&r.extra),
        }
    }

    /// A phone lookup's answer, received `at`.
    pub fn of_phone(r: &types::PhoneNumberReferences, at: Timestamp) -> Self {
        Self {
            at,
            request_id: r.request_id.clone(),
            counts: ReferenceCounts::of_phone(r),
            linked_email_addresses: r.email_addresses.clone(),
            matching_phone_numbers: r.matching_phone_numbers.clone(),
            other: unknown_entries(&r.extra),
        }
    }

    /// Objects Gong holds: every count, plus entries of lists this crate does not know.
    pub fn objects(&self) -> usize {
        let c = &self.counts;
        c.emails + c.calls + c.meetings + c.crm_objects + c.engagement_events + self.other
    }

    /// Distinct people a phone number is linked to, by their email addresses (case ignored).
    pub fn linked_people(&self) -> usize {
        self.linked_email_addresses
            .iter()
            .map(|a| a.trim().to_lowercase())
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// Whether Gong returned nothing at all: no object, no linked address or number.
    pub fn is_empty(&self) -> bool {
        self.objects() == 0
            && self.linked_email_addresses.is_empty()
            && self.matching_phone_numbers.is_empty()
    }
}

/// Entries of the arrays among fields the typed answer does not know.
fn unknown_entries(extra: &serde_json::Map<String, serde_json::Value>) -> usize {
    extra
        .values()
        .filter_map(serde_json::Value::as_array)
        .map(Vec::len)
        .sum()
}
