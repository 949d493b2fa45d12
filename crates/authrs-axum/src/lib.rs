//! authrs-axum (being written).
