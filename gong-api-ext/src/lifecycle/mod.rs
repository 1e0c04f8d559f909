//! The erasure lifecycle (feature `lifecycle`): look up what Gong holds about a subject, check
//! the blast radius, erase, and verify later that the data is gone.
//!
//! Gong answers an erase with a `requestId` and nothing else: the deletion "may take several
//! hours", there is no status endpoint, and a "data integrity protection mechanism" refuses
//! abnormal deletions without telling the caller. So the only way to show that a person's data
//! is gone is to look again later. An [`Erasure`] records each step with its time and Gong's
//! request ids:
//!
//! 1. [`Erasure::preview`]: a lookup, kept as the [`Snapshot`] of what Gong held before (counts
//!    per kind, and for a phone number the linked email addresses and matching numbers);
//! 2. [`Erasure::check`]: the blast-radius [`Guard`] compares the snapshot with its thresholds
//!    (more than [`DEFAULT_MAX_OBJECTS`] objects, or a phone number linked to several people)
//!    and holds such subjects back for review unless explicitly allowed;
//! 3. [`Erasure::erase`]: the erase request, unless held back, with Gong's receipt;
//! 4. [`Erasure::verify`], any number of times later: a new lookup, classified as
//!    [`VerifyResult::Clean`], [`StillPresent`](VerifyResult::StillPresent) (with the counts
//!    and the time since the erase was sent) or [`PresentAgain`](VerifyResult::PresentAgain)
//!    (clean once, data back since, as after a CRM re-sync).
//!
//! An address Gong may hold in two forms (an internationalised domain, in Unicode and in
//! Punycode; see [`other_forms`]) is one subject with one request per form: every step above
//! is taken for each form ([`Erasure::forms`]), the guard checks their counts added up, and a
//! verification is clean only when every form is.
//!
//! Every type here is serde-serialisable (camelCase, timestamps in RFC 3339 UTC), so a service
//! can store an erasure between steps and resume it in another process, hours later.
//!
//! ```no_run
//! use gong_api_ext::lifecycle::{Erasure, Guard, VerifyResult};
//! use gong_api_ext::{GongClient, Subject};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = GongClient::from_env()?;
//! let mut erasure = Erasure::new(Subject::parse("jane@example.com")?);
//! erasure.preview(&client).await?;
//! if erasure.check(&Guard::default()).is_held_back() {
//!     println!("held back for review: {}", erasure.guard.as_ref().unwrap());
//!     return Ok(());
//! }
//! erasure.erase(&client).await?;
//! let stored = serde_json::to_string(&erasure)?; // keep it with the request's record
//!
//! // Hours later, perhaps in another process:
//! let mut erasure: Erasure = serde_json::from_str(&stored)?;
//! match erasure.verify(&client).await?.result {
//!     VerifyResult::Clean => println!("gone"),
//!     other => println!("{other}: look again later"),
//! }
//! # Ok(()) }
//! ```

mod forms;
mod guard;
mod operations;
mod snapshot;
mod time;
mod verify;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use forms::{FormErasure, other_forms};
pub use guard::{
    DEFAULT_MAX_LINKED_ADDRESSES, DEFAULT_MAX_OBJECTS, Guard, GuardOutcome, HoldReason,
};
pub use snapshot::Snapshot;
pub use time::Timestamp;
pub use verify::{OVERDUE_AFTER, Verification, VerifyResult};

use crate::client::GongClient;
use crate::error::Error;
use crate::identity::subject::Subject;

/// One subject's erasure, step by step. Store it (it is serde-serialisable) and resume it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Erasure {
    /// Whose data: the normalised subject, serialised as its text.
    pub subject: Subject,
    /// What Gong held before the erase ([`preview`](Self::preview)); `None` when the lookup was
    /// skipped to save quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Snapshot>,
    /// The blast-radius guard's decision ([`check`](Self::check)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<GuardOutcome>,
    /// The erase request Gong accepted ([`erase`](Self::erase)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<EraseRequest>,
    /// Every verification so far, oldest first ([`verify`](Self::verify)).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verifications: Vec<Verification>,
    /// The subject's other address forms Gong may hold separately ([`other_forms`]), each
    /// looked up and erased with it. Empty for most subjects, and in erasures stored before
    /// forms existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<FormErasure>,
}

/// An erase request Gong accepted: its receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EraseRequest {
    /// When Gong answered.
    pub at: Timestamp,
    /// Gong's `requestId`: the only receipt of an erasure.
    pub request_id: String,
}

impl Erasure {
    /// An erasure of `subject` and of its other address forms ([`other_forms`]), with no
    /// step taken yet.
    pub fn new(subject: Subject) -> Self {
        Self {
            forms: other_forms(&subject)
                .into_iter()
                .map(FormErasure::new)
                .collect(),
            subject,
            before: None,
            guard: None,
            request: None,
            verifications: Vec::new(),
        }
    }

    /// Looks the subject up and keeps the answer as [`before`](Self::before), then each other
    /// form (its [`FormErasure::before`]). One call per form. Returns the subject's own answer;
    /// [`before_all`](Self::before_all) adds the forms' up.
    pub async fn preview(&mut self, client: &GongClient) -> Result<&Snapshot, Error> {
        let snapshot = client.snapshot(&self.subject).await?;
        self.before = Some(snapshot);
        for form in &mut self.forms {
            form.before = Some(client.snapshot(&form.subject).await?);
        }
        Ok(self.before.as_ref().expect("set above"))
    }

    /// What Gong held before the erase for every form of the subject, the counts added up;
    /// `None` until every form was looked up.
    pub fn before_all(&self) -> Option<Snapshot> {
        let forms: Option<Vec<&Snapshot>> = self.forms.iter().map(|f| f.before.as_ref()).collect();
        forms::combined(std::iter::once(self.before.as_ref()?).chain(forms?))
    }

    /// Applies `guard` to what every form held before ([`before_all`](Self::before_all)) and
    /// keeps its decision as [`guard`](Self::guard). Without a preview the decision is
    /// [`GuardOutcome::NoPreview`]: nothing was known to check.
    pub fn check(&mut self, guard: &Guard) -> &GuardOutcome {
        let outcome = match self.before_all() {
            Some(before) => guard.check(&before),
            None => GuardOutcome::NoPreview,
        };
        self.guard.insert(outcome)
    }

    /// Sends the erase request of the subject, then of each other form, unless the guard held
    /// the subject back: then nothing is sent and `Ok(None)` is returned. One call per form
    /// not erased yet (a form with a receipt is not sent again, so an erasure stored after a
    /// failure resumes with the forms left). Returns the subject's own receipt; each form's is
    /// its [`FormErasure::request`]. Call [`check`](Self::check) first; an erasure that was
    /// never checked is sent as [`GuardOutcome::NoPreview`] when it has no preview, and checked
    /// with the default [`Guard`] when it has one.
    pub async fn erase(&mut self, client: &GongClient) -> Result<Option<&EraseRequest>, Error> {
        if self.guard.is_none() {
            self.check(&Guard::default());
        }
        if self.guard.as_ref().is_some_and(GuardOutcome::is_held_back) {
            return Ok(None);
        }
        if self.request.is_none() {
            let receipt = client.erase(self.subject.clone()).await?;
            self.request = Some(EraseRequest {
                at: Timestamp::now(),
                request_id: receipt.request_id,
            });
        }
        for form in self.forms.iter_mut().filter(|f| f.request.is_none()) {
            let receipt = client.erase(form.subject.clone()).await?;
            form.request = Some(EraseRequest {
                at: Timestamp::now(),
                request_id: receipt.request_id,
            });
        }
        Ok(self.request.as_ref())
    }

    /// The calls [`run`](Self::run) makes for a subject of one form when none is retried: 2
    /// with the preview (the lookup and the erase), 1 without. What a batch reserves of the
    /// daily budget before it starts a subject (see
    /// [`BudgetGate`](crate::policy::quota::BudgetGate)); [`calls_of`](Self::calls_of) counts
    /// every form.
    pub const fn calls(preview: bool) -> u32 {
        if preview { 2 } else { 1 }
    }

    /// The calls [`run`](Self::run) makes for `subject` and its other forms when none is
    /// retried: [`calls`](Self::calls) per form.
    pub fn calls_of(subject: &Subject, preview: bool) -> u32 {
        let forms = u32::try_from(other_forms(subject).len()).unwrap_or(u32::MAX - 1);
        Self::calls(preview).saturating_mul(forms + 1)
    }

    /// The steps up to the erase in one call: [`preview`](Self::preview) (when `preview`),
    /// [`check`](Self::check) with `guard`, then [`erase`](Self::erase) unless held back. Two
    /// calls with the preview, one without. On an error the steps done so far stay recorded
    /// (a failed erase keeps its lookup).
    pub async fn run(
        &mut self,
        client: &GongClient,
        guard: &Guard,
        preview: bool,
    ) -> Result<Option<&EraseRequest>, Error> {
        if preview {
            self.preview(client).await?;
        }
        self.check(guard);
        self.erase(client).await
    }

    /// Looks the subject and each other form up again and records what the lookups say about
    /// the erasure, their counts added up (see [`Verification::classify`]): clean only when
    /// every form is. One call per form. A failed lookup records nothing: the error is
    /// returned, and [`Verification::failed`] makes a record of it if you want one.
    pub async fn verify(&mut self, client: &GongClient) -> Result<&Verification, Error> {
        let mut found = vec![client.snapshot(&self.subject).await?];
        for form in &self.forms {
            found.push(client.snapshot(&form.subject).await?);
        }
        let found = forms::combined(found.iter()).expect("one lookup at least");
        let sent = self.request.as_ref().map(|r| r.at);
        let verification = Verification::classify(found, sent, &self.verifications);
        self.verifications.push(verification);
        Ok(self.verifications.last().expect("pushed above"))
    }

    /// The latest verification, if any.
    pub fn latest_verification(&self) -> Option<&Verification> {
        self.verifications.last()
    }
}

impl GongClient {
    /// Looks `subject` up and keeps what the answer says about the lifecycle: counts per kind,
    /// linked addresses and numbers, and Gong's `requestId` (feature `lifecycle`). One call.
    pub async fn snapshot(&self, subject: &Subject) -> Result<Snapshot, Error> {
        Ok(match subject {
            Subject::Email(e) => {
                Snapshot::of_email(&self.find_references_by_email(e).await?, Timestamp::now())
            }
            Subject::Phone(p) => {
                Snapshot::of_phone(&self.find_references_by_phone(p).await?, Timestamp::now())
            }
        })
    }
}
