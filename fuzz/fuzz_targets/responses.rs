//! Decoding every response body type of `gong_api::types` (the success body of each operation
//! and Gong's error body) from arbitrary bytes, as progenitor and gong-api-ext do with
//! `serde_json`: no panic, and a decoded value re-encodes to JSON that decodes to the same
//! JSON. The first byte picks the type. fuzz/run.sh checks that this list names every type the
//! generated client returns.
#![no_main]

use gong_api::types;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T: DeserializeOwned + Serialize>(body: &[u8]) {
    let Ok(value) = serde_json::from_slice::<T>(body) else {
        return;
    };
    let json = serde_json::to_value(&value).expect("a decoded value encodes");
    let again: T = serde_json::from_value(json.clone()).expect("its encoding decodes");
    assert_eq!(serde_json::to_value(&again).expect("encodes again"), json);
}

macro_rules! decoders {
    ($($ty:ident),* $(,)?) => {
        const DECODERS: &[fn(&[u8])] = &[$(round_trip::<types::$ty>),*];
    };
}

decoders!(
    EmailReferencesResponse,
    PhoneReferencesResponse,
    DataDeletionResponse,
    EmailAddressReferences,
    PhoneNumberReferences,
    RequestIdResponse,
    CrmIntegrations,
    DeleteIntegrationResponse,
    CrmRequestStatus,
    ErrorResponse,
);

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    DECODERS[usize::from(selector) % DECODERS.len()](body);
});
