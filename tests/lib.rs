//! Workspace-level tests live in `tests/tests/`: request-shape snapshots of every operation
//! (`request_shapes.rs`) and the Prism contract lane (`contract.rs`).
