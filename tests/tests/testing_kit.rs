//! The testing kit users adopt, tested as they would use it: progenitor's typed mocks
//! (`gong_api::mock`, feature `mock`) driving the SDK and the raw client, together with the
//! request recorder; and every example of the bundled spec decoded by the generated types.

#[path = "testing_kit/spec_examples.rs"]
mod spec_examples;
#[path = "testing_kit/typed_mocks.rs"]
mod typed_mocks;
