//! The adapter conformance suite against [`MemoryAdapter`], the reference behaviour.

use std::sync::Arc;

use authrs_core::adapter::{Adapter, MemoryAdapter};

authrs_test_support::adapter_conformance_tests!(async {
    let adapter: Arc<dyn Adapter> = Arc::new(MemoryAdapter::new());
    adapter
});
