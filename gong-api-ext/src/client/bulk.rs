//! Bulk erasure (and its lookup-first dry run) for data-subject request queues.
//!
//! Every input yields exactly one outcome, whatever happens: outcomes in = subjects out.
//! Invalid subjects are reported up front and never sent; duplicates (after normalisation) are
//! sent once and reported as duplicates of the first occurrence; the rest run with bounded
//! concurrency, paced by the client's [`RateLimiter`](crate::RateLimiter), so the batch runs at
//! Gong's limit without tripping it.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::future::Future;
use std::sync::{Arc, Mutex};

use futures_util::future::{self, Either};
use futures_util::stream::{self, Stream, StreamExt};
use gong_api::types;
use serde::{Deserialize, Serialize};

use crate::client::GongClient;
use crate::error::{Error, InvalidInput};
use crate::identity::subject::Subject;
use crate::wire::receipt::ErasureReceipt;

/// A progress callback: called after every outcome with the running counts.
pub type ProgressCallback = Arc<dyn Fn(&Progress) + Send + Sync>;

/// How a bulk run behaves.
#[derive(Clone)]
pub struct BulkOptions {
    /// Requests in flight at once. The rate limiter sets the pace; concurrency only has to
    /// hide latency (rate × latency, with margin). Default 8.
    pub concurrency: usize,
    /// Called after every outcome with the running counts.
    pub on_progress: Option<ProgressCallback>,
}

impl Default for BulkOptions {
    fn default() -> Self {
        Self {
            concurrency: 8,
            on_progress: None,
        }
    }
}

impl std::fmt::Debug for BulkOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkOptions")
            .field("concurrency", &self.concurrency)
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}

/// Running counts of a bulk run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Subjects in the input, when known (an iterator's; a stream's is not).
    pub total: Option<usize>,
    /// Sent and accepted by Gong.
    pub done: usize,
    /// Sent and failed.
    pub failed: usize,
    /// Rejected before sending.
    pub invalid: usize,
    /// Repeats of an earlier subject, not sent again.
    pub duplicates: usize,
}

impl Progress {
    /// Outcomes so far.
    pub fn finished(&self) -> usize {
        self.done + self.failed + self.invalid + self.duplicates
    }

    /// Outcomes still to come, when the total is known.
    pub fn remaining(&self) -> Option<usize> {
        self.total.map(|t| t.saturating_sub(self.finished()))
    }
}

/// What happened to one input of a bulk run.
#[derive(Debug)]
pub struct BulkOutcome<T> {
    /// The input's position (0-based).
    pub index: usize,
    /// The input as given.
    pub input: String,
    /// The normalised subject, when the input was valid.
    pub subject: Option<Subject>,
    /// The result.
    pub status: BulkStatus<T>,
}

/// The result for one input.
#[derive(Debug)]
pub enum BulkStatus<T> {
    /// Gong answered: an [`ErasureReceipt`] for erasures, [`ReferenceCounts`] for lookups.
    Done(T),
    /// The same subject (after normalisation) appeared earlier, at `first_index`; it is sent
    /// once.
    Duplicate {
        /// The index of the first occurrence.
        first_index: usize,
    },
    /// Rejected before sending.
    Invalid(InvalidInput),
    /// Sent, and failed.
    Failed(Error),
}

/// One erasure outcome.
pub type ErasureOutcome = BulkOutcome<ErasureReceipt>;
/// One lookup outcome of a dry run.
pub type LookupOutcome = BulkOutcome<ReferenceCounts>;

/// How much Gong holds about one subject.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceCounts {
    /// Email messages.
    pub emails: usize,
    /// Calls.
    pub calls: usize,
    /// Meetings.
    pub meetings: usize,
    /// CRM objects (leads, contacts) across CRM systems.
    pub crm_objects: usize,
    /// Engagement events (email lookups only).
    pub engagement_events: usize,
}

impl ReferenceCounts {
    /// Counts an email lookup's answer.
    pub fn of_email(r: &types::EmailAddressReferences) -> Self {
        Self {
            emails: r.emails.len(),
            calls: r.calls.len(),
            meetings: r.meetings.len(),
            crm_objects: r.customer_data.iter().map(|c| c.objects.len()).sum(),
            engagement_events: r.customer_engagement.len(),
        }
    }

    /// Counts a phone lookup's answer.
    pub fn of_phone(r: &types::PhoneNumberReferences) -> Self {
        Self {
            emails: r.emails.len(),
            calls: r.calls.len(),
            meetings: r.meetings.len(),
            crm_objects: r.customer_data.iter().map(|c| c.objects.len()).sum(),
            engagement_events: 0,
        }
    }

    /// Whether Gong holds anything at all.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Self) {
        self.emails += other.emails;
        self.calls += other.calls;
        self.meetings += other.meetings;
        self.crm_objects += other.crm_objects;
        self.engagement_events += other.engagement_events;
    }
}

/// A dry run's summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LookupSummary {
    /// The run's counts.
    pub progress: Progress,
    /// Subjects Gong holds something about.
    pub subjects_with_data: usize,
    /// Everything found, added up.
    pub totals: ReferenceCounts,
}

impl LookupSummary {
    /// Summarises lookup outcomes.
    pub fn of(outcomes: &[LookupOutcome]) -> Self {
        let mut summary = Self::default();
        summary.progress.total = Some(outcomes.len());
        for outcome in outcomes {
            count(&mut summary.progress, &outcome.status);
            if let BulkStatus::Done(counts) = &outcome.status {
                summary.totals.add(counts);
                summary.subjects_with_data += usize::from(!counts.is_empty());
            }
        }
        summary
    }
}

fn count<T>(progress: &mut Progress, status: &BulkStatus<T>) {
    match status {
        BulkStatus::Done(_) => progress.done += 1,
        BulkStatus::Failed(_) => progress.failed += 1,
        BulkStatus::Invalid(_) => progress.invalid += 1,
        BulkStatus::Duplicate { .. } => progress.duplicates += 1,
    }
}

impl GongClient {
    /// Erases every subject (email addresses and phone numbers, kind detected per input),
    /// yielding one [`ErasureOutcome`] per input as it completes.
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    /// use gong_api_ext::{BulkOptions, BulkStatus, GongClient};
    ///
    /// # async fn run() -> Result<(), gong_api_ext::Error> {
    /// let client = GongClient::from_env()?;
    /// let subjects = ["jane@example.com", "+1 425 555 2671", "not a subject"];
    /// let mut outcomes = client.erase_many(subjects, BulkOptions::default());
    /// while let Some(outcome) = outcomes.next().await {
    ///     match outcome.status {
    ///         BulkStatus::Done(receipt) => println!("{}: {}", outcome.input, receipt.request_id),
    ///         other => println!("{}: {other:?}", outcome.input),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn erase_many<I>(
        &self,
        subjects: I,
        options: BulkOptions,
    ) -> impl Stream<Item = ErasureOutcome> + Send + 'static
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let (inputs, total) = owned_inputs(subjects);
        self.erase_stream(inputs, Some(total), options)
    }

    /// [`erase_many`](Self::erase_many) over a stream of inputs (e.g. read from a queue);
    /// `total`, when known, feeds [`Progress::remaining`].
    pub fn erase_stream(
        &self,
        subjects: impl Stream<Item = String> + Send + 'static,
        total: Option<usize>,
        options: BulkOptions,
    ) -> impl Stream<Item = ErasureOutcome> + Send + 'static {
        run(
            self.clone(),
            subjects,
            total,
            options,
            "erase",
            |client, subject| async move { client.erase(subject).await },
        )
    }

    /// The dry run: looks every subject up instead of erasing it, with the same validation,
    /// deduplication, pacing and one-outcome-per-input guarantee. Summarise with
    /// [`LookupSummary::of`].
    pub fn lookup_many<I>(
        &self,
        subjects: I,
        options: BulkOptions,
    ) -> impl Stream<Item = LookupOutcome> + Send + 'static
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let (inputs, total) = owned_inputs(subjects);
        self.lookup_stream(inputs, Some(total), options)
    }

    /// [`lookup_many`](Self::lookup_many) over a stream of inputs; `total`, when known, feeds
    /// [`Progress::remaining`].
    pub fn lookup_stream(
        &self,
        subjects: impl Stream<Item = String> + Send + 'static,
        total: Option<usize>,
        options: BulkOptions,
    ) -> impl Stream<Item = LookupOutcome> + Send + 'static {
        run(
            self.clone(),
            subjects,
            total,
            options,
            "lookup",
            |client, subject| async move { client.count_references(&subject).await },
        )
    }

    /// How much Gong holds about one subject.
    pub async fn count_references(&self, subject: &Subject) -> Result<ReferenceCounts, Error> {
        Ok(match subject {
            Subject::Email(e) => {
                ReferenceCounts::of_email(&self.find_references_by_email(e).await?)
            }
            Subject::Phone(p) => {
                ReferenceCounts::of_phone(&self.find_references_by_phone(p).await?)
            }
        })
    }
}

/// The inputs of an iterator as an owned stream, and how many there are.
fn owned_inputs<I>(subjects: I) -> (impl Stream<Item = String> + Send + 'static, usize)
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    let inputs: Vec<String> = subjects
        .into_iter()
        .map(|s| s.as_ref().to_owned())
        .collect();
    let total = inputs.len();
    (stream::iter(inputs), total)
}

/// The shared engine: validate, deduplicate, run with bounded concurrency, count.
fn run<T, F, Fut>(
    client: GongClient,
    inputs: impl Stream<Item = String> + Send + 'static,
    total: Option<usize>,
    options: BulkOptions,
    what: &'static str,
    operation: F,
) -> impl Stream<Item = BulkOutcome<T>> + Send + 'static
where
    T: Send + 'static,
    F: Fn(GongClient, Subject) -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
{
    let mut first_seen: HashMap<Subject, usize> = HashMap::new();
    let progress = Arc::new(Mutex::new(Progress {
        total,
        ..Progress::default()
    }));
    let on_progress = options.on_progress.clone();
    inputs
        .enumerate()
        .map(move |(index, input)| {
            let outcome = |subject, status| BulkOutcome {
                index,
                input: input.clone(),
                subject,
                status,
            };
            let subject = match Subject::parse(&input) {
                Ok(subject) => subject,
                Err(invalid) => {
                    return Either::Left(future::ready(outcome(
                        None,
                        BulkStatus::Invalid(invalid),
                    )));
                }
            };
            match first_seen.entry(subject.clone()) {
                Entry::Occupied(first) => Either::Left(future::ready(outcome(
                    Some(subject),
                    BulkStatus::Duplicate {
                        first_index: *first.get(),
                    },
                ))),
                Entry::Vacant(slot) => {
                    slot.insert(index);
                    let call = operation(client.clone(), subject.clone());
                    Either::Right(async move {
                        let status = match call.await {
                            Ok(value) => BulkStatus::Done(value),
                            Err(error) => BulkStatus::Failed(error),
                        };
                        BulkOutcome {
                            index,
                            input,
                            subject: Some(subject),
                            status,
                        }
                    })
                }
            }
        })
        .buffer_unordered(options.concurrency.max(1))
        .inspect(move |outcome| {
            let snapshot = {
                let mut p = progress.lock().expect("progress lock");
                count(&mut p, &outcome.status);
                *p
            };
            tracing::info!(
                what,
                index = outcome.index,
                done = snapshot.done,
                failed = snapshot.failed,
                invalid = snapshot.invalid,
                duplicates = snapshot.duplicates,
                remaining = snapshot.remaining(),
                "bulk progress"
            );
            if let Some(callback) = &on_progress {
                callback(&snapshot);
            }
        })
}
