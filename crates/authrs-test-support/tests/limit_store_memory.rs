//! The rate-limit store conformance suite against [`MemoryLimitStore`], the store whose unit
//! tests define the answers: the suite is checked against it before any other store is
//! checked against the suite.

use std::sync::Arc;

use authrs_core::ratelimit::{LimitStore, MemoryLimitStore};

authrs_test_support::limit_store_conformance_tests!(async {
    let store: Arc<dyn LimitStore> = Arc::new(MemoryLimitStore::default());
    store
});
