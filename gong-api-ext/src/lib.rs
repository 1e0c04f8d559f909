//! The Gong data-privacy SDK.
