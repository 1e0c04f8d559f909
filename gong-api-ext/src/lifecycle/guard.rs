//! The blast-radius guard: subjects whose erasure would reach too far are held back for review.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Snapshot;

/// Above this many objects (emails, calls, meetings, CRM objects, engagement events) a subject
/// is held back for review.
///
/// A person who deals with a company has, in a sales team's Gong, tens of objects: some calls,
/// a thread or two of emails, a lead and a contact. Hundreds usually mean an address many
/// people share or write to (`sales@…`, a support inbox, a colleague's own address) whose
/// erasure would wipe other people's data; Gong's own "data integrity protection mechanism"
/// refuses "an abnormal number of objects" without telling the caller. 200 leaves room for a
/// busy customer contact and stops a shared mailbox.
pub const DEFAULT_MAX_OBJECTS: usize = 200;

/// A phone number linked to more than this many people (distinct email addresses of the leads
/// and contacts that have it) is held back: erasing a number erases every lead and contact
/// with it, so a switchboard or shared mobile would take several people with it.
pub const DEFAULT_MAX_LINKED_ADDRESSES: usize = 1;

/// The thresholds, and whether subjects over them may be erased anyway.
///
/// ```
/// use gong_api_ext::lifecycle::{Guard, DEFAULT_MAX_OBJECTS};
///
/// let guard = Guard::default();
/// assert_eq!(guard.max_objects, DEFAULT_MAX_OBJECTS);
/// let reviewed = Guard { allow: true, ..Guard::default() }; // after a person reviewed them
/// # let _ = reviewed;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Guard {
    /// Hold back a subject with more objects than this ([`DEFAULT_MAX_OBJECTS`]).
    pub max_objects: usize,
    /// Hold back a phone number linked to more people than this
    /// ([`DEFAULT_MAX_LINKED_ADDRESSES`]).
    pub max_linked_addresses: usize,
    /// Erase subjects over the thresholds anyway (recorded as [`GuardOutcome::Allowed`]).
    pub allow: bool,
}

impl Default for Guard {
    fn default() -> Self {
        Self {
            max_objects: DEFAULT_MAX_OBJECTS,
            max_linked_addresses: DEFAULT_MAX_LINKED_ADDRESSES,
            allow: false,
        }
    }
}

impl Guard {
    /// What the guard says about a subject Gong answered `before` for.
    pub fn check(&self, before: &Snapshot) -> GuardOutcome {
        let mut reasons = Vec::new();
        let objects = before.objects();
        if objects > self.max_objects {
            reasons.push(HoldReason::ManyObjects {
                objects,
                max: self.max_objects,
            });
        }
        let people = before.linked_people();
        if people > self.max_linked_addresses {
            reasons.push(HoldReason::SeveralPeople {
                people,
                max: self.max_linked_addresses,
            });
        }
        match (reasons.is_empty(), self.allow) {
            (true, _) => GuardOutcome::Passed,
            (false, false) => GuardOutcome::HeldBack { reasons },
            (false, true) => GuardOutcome::Allowed { reasons },
        }
    }
}

/// The guard's decision about one subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "camelCase")]
pub enum GuardOutcome {
    /// Under every threshold: erased.
    Passed,
    /// Over a threshold: held back for review, not erased.
    HeldBack {
        /// Which thresholds.
        reasons: Vec<HoldReason>,
    },
    /// Over a threshold, and erased because the caller allowed it explicitly.
    Allowed {
        /// Which thresholds.
        reasons: Vec<HoldReason>,
    },
    /// Not looked up first (to save quota): nothing was known to check.
    NoPreview,
}

impl GuardOutcome {
    /// Whether the subject was held back (and not erased).
    pub fn is_held_back(&self) -> bool {
        matches!(self, Self::HeldBack { .. })
    }

    /// The thresholds the subject is over (none when it passed or was not checked).
    pub fn reasons(&self) -> &[HoldReason] {
        match self {
            Self::HeldBack { reasons } | Self::Allowed { reasons } => reasons,
            Self::Passed | Self::NoPreview => &[],
        }
    }
}

impl fmt::Display for GuardOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reasons = || {
            self.reasons()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        };
        match self {
            Self::Passed => f.write_str("under the thresholds"),
            Self::HeldBack { .. } => write!(f, "held back for review: {}", reasons()),
            Self::Allowed { .. } => write!(f, "allowed explicitly: {}", reasons()),
            Self::NoPreview => f.write_str("not checked (no lookup before the erase)"),
        }
    }
}

/// A threshold a subject is over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "camelCase")]
pub enum HoldReason {
    /// More objects than [`Guard::max_objects`].
    ManyObjects {
        /// Objects found.
        objects: usize,
        /// The threshold.
        max: usize,
    },
    /// A phone number linked to more people than [`Guard::max_linked_addresses`].
    SeveralPeople {
        /// Distinct linked email addresses.
        people: usize,
        /// The threshold.
        max: usize,
    },
}

impl fmt::Display for HoldReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ManyObjects { objects, max } => {
                write!(f, "{objects} objects (more than {max})")
            }
            Self::SeveralPeople { people, max } => write!(
                f,
                "the number belongs to {people} people (linked email addresses; more than {max})"
            ),
        }
    }
}
