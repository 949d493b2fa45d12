//! Test helpers shared by the authrs crates.
