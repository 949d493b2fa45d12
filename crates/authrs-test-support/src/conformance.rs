//! The adapter conformance suite: one named check per rule of
//! [`authrs_core::adapter::Adapter`], run unchanged against every back end.
//!
//! A back end's test file expands the suite into `#[tokio::test]` functions with
//! [`adapter_conformance_tests!`](crate::adapter_conformance_tests), giving it an expression
//! that produces a fresh, empty store each time it is evaluated:
//!
//! ```
//! use std::sync::Arc;
//! use authrs_core::adapter::{Adapter, MemoryAdapter};
//!
//! authrs_test_support::adapter_conformance_tests!(async {
//!     let adapter: Arc<dyn Adapter> = Arc::new(MemoryAdapter::new());
//!     adapter
//! });
//! # fn main() {}
//! ```
//!
//! The test file's crate needs `tokio` (with `macros` and `rt-multi-thread`) as a
//! dev-dependency. Each check panics with a message saying which rule broke.

use std::sync::Arc;

pub use authrs_core::adapter::Adapter;
use authrs_core::adapter::{
    AdapterAccount, AdapterError, AdapterSession, AdapterUser, Authenticator, AuthenticatorUse,
    NewUser, SessionOrigin, Timestamp, VerificationToken,
};
use authrs_core::audit::{AuditEvent, AuditFilter, AuditKind};
use authrs_core::user::ProviderType;

/// Expands into one `#[tokio::test]` per conformance check, each calling the check of the
/// same name in [`conformance`](crate::conformance) with a fresh adapter.
///
/// The argument is an expression of a future yielding `Arc<dyn Adapter>` on a fresh, empty
/// store (usually an `async { … }` block); it is evaluated once per test.
#[macro_export]
macro_rules! adapter_conformance_tests {
    ($fresh_adapter:expr $(,)?) => {
        $crate::adapter_conformance_tests!(@each $fresh_adapter;
            creates_and_reads_users_by_id_and_email,
            duplicate_email_is_a_typed_error,
            update_user_replaces_fields_and_refuses_a_taken_email,
            links_accounts_and_finds_users_by_account,
            duplicate_account_link_is_a_typed_error,
            update_account_replaces_tokens_and_keeps_the_owner,
            link_account_for_a_missing_user_is_user_not_found,
            unlink_account_reports_whether_it_removed_one,
            sessions_round_trip_with_millisecond_expiry,
            create_session_for_a_missing_user_is_user_not_found,
            duplicate_session_token_is_refused_not_overwritten,
            update_session_expiry_and_missing_session,
            delete_session_returns_it_once,
            sessions_keep_where_they_started_and_are_listed_per_user,
            update_user_profile_sets_only_name_and_image,
            delete_user_sessions_signs_out_everywhere,
            delete_expired_sweeps_sessions_and_tokens,
            verification_token_needs_identifier_and_hash_together,
            verification_token_is_single_use,
            find_verification_token_reads_without_spending,
            verification_token_single_use_under_20_concurrent_attempts,
            delete_verification_tokens_clears_one_identifier,
            delete_user_cascades_accounts_sessions_password,
            delete_user_with_tokens_takes_their_pending_tokens,
            password_hash_set_get_clear_and_missing_user,
            create_user_stores_a_password_hash_in_the_same_step,
            sessions_valid_after_stamp_round_trips,
            audit_events_round_trip_latest_first_per_user,
            audit_events_outlive_their_user_until_swept,
            the_audit_sweep_takes_a_backlog_of_many_batches,
            two_factor_enrolments_round_trip_and_go_with_their_user,
            totp_steps_and_recovery_codes_are_spent_once_under_20_concurrent_attempts,
            authenticators_round_trip_and_go_with_their_user,
            authenticator_counters_move_forward_once_under_20_concurrent_uses,
        );
    };
    (@each $fresh_adapter:expr; $($check:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $check() {
                let adapter: ::std::sync::Arc<dyn $crate::conformance::Adapter> =
                    $fresh_adapter.await;
                $crate::conformance::$check(adapter).await;
            }
        )+
    };
}

/// Milliseconds that are not whole seconds, so a back end that rounds to seconds (or to
/// anything coarser than a millisecond) fails.
const EXPIRES: Timestamp = Timestamp::from_millis(1_800_000_000_123);
/// 9999-12-31T23:59:59.999Z: far-future expiries must survive too.
const LAST_MILLI_OF_9999: Timestamp = Timestamp::from_millis(253_402_300_799_999);

fn new_user(email: Option<&str>) -> NewUser {
    NewUser {
        name: Some("Ada Lovelace".to_owned()),
        email: email.map(str::to_owned),
        email_verified: Some(Timestamp::from_millis(1_700_000_000_007)),
        image: Some("https://example.com/ada.png".to_owned()),
        password_hash: None,
    }
}

async fn create_user(adapter: &Arc<dyn Adapter>, email: &str) -> AdapterUser {
    adapter
        .create_user(new_user(Some(email)))
        .await
        .unwrap_or_else(|e| panic!("create_user({email}) failed: {e}"))
}

fn session(token: &str, user_id: &str, expires: Timestamp) -> AdapterSession {
    AdapterSession {
        session_token: token.to_owned(),
        user_id: user_id.to_owned(),
        expires,
    }
}

fn token(identifier: &str, token_hash: &str, expires: Timestamp) -> VerificationToken {
    VerificationToken {
        identifier: identifier.to_owned(),
        token_hash: token_hash.to_owned(),
        expires,
    }
}

/// An account with every optional field set, so a column that is not stored shows.
fn full_account(user_id: &str, provider: &str, provider_account_id: &str) -> AdapterAccount {
    AdapterAccount {
        refresh_token: Some(format!("refresh-{provider}-{provider_account_id}")),
        access_token: Some(format!("access-{provider}-{provider_account_id}")),
        expires_at: Some(1_800_000_123),
        token_type: Some("bearer".to_owned()),
        scope: Some("openid email profile".to_owned()),
        id_token: Some("eyJhbGciOiJSUzI1NiJ9.e30.sig".to_owned()),
        session_state: Some("state-1".to_owned()),
        ..AdapterAccount::new(user_id, ProviderType::Oidc, provider, provider_account_id)
    }
}

async fn get_session(adapter: &Arc<dyn Adapter>, token: &str) -> Option<AdapterSession> {
    adapter
        .get_session_and_user(token)
        .await
        .expect("get_session_and_user")
        .map(|(session, _)| session)
}

/// Users are stored with every field and found by id and by email; missing ones are `None`;
/// users without an email do not collide with each other.
pub async fn creates_and_reads_users_by_id_and_email(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    assert_eq!(ada.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(ada.email.as_deref(), Some("ada@example.com"));
    assert_eq!(
        ada.email_verified,
        Some(Timestamp::from_millis(1_700_000_000_007))
    );
    assert_eq!(ada.image.as_deref(), Some("https://example.com/ada.png"));

    assert_eq!(adapter.get_user(&ada.id).await.unwrap(), Some(ada.clone()));
    assert_eq!(
        adapter.get_user_by_email("ada@example.com").await.unwrap(),
        Some(ada.clone())
    );
    assert_eq!(adapter.get_user("no-such-id").await.unwrap(), None);
    assert_eq!(
        adapter
            .get_user_by_email("nobody@example.com")
            .await
            .unwrap(),
        None
    );
    // Emails are compared exactly: the caller normalises them.
    assert_eq!(
        adapter.get_user_by_email("ADA@example.com").await.unwrap(),
        None
    );

    let first = adapter.create_user(NewUser::default()).await.unwrap();
    let second = adapter.create_user(NewUser::default()).await.unwrap();
    assert_ne!(first.id, second.id, "ids must be unique");
    assert_ne!(first.id, ada.id, "ids must be unique");
    let stored = adapter.get_user(&first.id).await.unwrap().unwrap();
    assert_eq!(stored, first);
    assert_eq!(stored.name, None);
    assert_eq!(stored.email, None);
    assert_eq!(stored.email_verified, None);
}

/// A second user with a taken email is [`AdapterError::DuplicateEmail`]; the first stays.
pub async fn duplicate_email_is_a_typed_error(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let mut other = new_user(Some("ada@example.com"));
    other.name = Some("Impostor".to_owned());
    assert_eq!(
        adapter.create_user(other).await,
        Err(AdapterError::DuplicateEmail)
    );
    assert_eq!(
        adapter.get_user_by_email("ada@example.com").await.unwrap(),
        Some(ada)
    );
}

/// `update_user` replaces every field, refuses an email another user has (leaving both users
/// as they were) and reports a missing user.
pub async fn update_user_replaces_fields_and_refuses_a_taken_email(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let grace = create_user(&adapter, "grace@example.com").await;

    let renamed = AdapterUser {
        id: ada.id.clone(),
        name: Some("Countess of Lovelace".to_owned()),
        email: Some("countess@example.com".to_owned()),
        email_verified: Some(Timestamp::from_millis(1_750_000_000_999)),
        image: None,
    };
    assert_eq!(
        adapter.update_user(renamed.clone()).await,
        Ok(renamed.clone())
    );
    assert_eq!(
        adapter.get_user(&ada.id).await.unwrap(),
        Some(renamed.clone())
    );
    assert_eq!(
        adapter.get_user_by_email("ada@example.com").await.unwrap(),
        None,
        "the old email must be free"
    );
    assert_eq!(
        adapter
            .get_user_by_email("countess@example.com")
            .await
            .unwrap(),
        Some(renamed.clone())
    );

    let stealing = AdapterUser {
        email: Some("countess@example.com".to_owned()),
        name: Some("changed".to_owned()),
        ..grace.clone()
    };
    assert_eq!(
        adapter.update_user(stealing).await,
        Err(AdapterError::DuplicateEmail)
    );
    assert_eq!(
        adapter.get_user(&grace.id).await.unwrap(),
        Some(grace.clone())
    );
    assert_eq!(adapter.get_user(&ada.id).await.unwrap(), Some(renamed));

    // Keeping one's own email is not a collision; clearing it is allowed.
    let same_email = AdapterUser {
        name: Some("Grace Hopper".to_owned()),
        ..grace.clone()
    };
    assert_eq!(
        adapter.update_user(same_email.clone()).await,
        Ok(same_email)
    );
    let no_email = AdapterUser {
        email: None,
        ..grace.clone()
    };
    assert_eq!(adapter.update_user(no_email.clone()).await, Ok(no_email));
    assert_eq!(
        adapter
            .get_user_by_email("grace@example.com")
            .await
            .unwrap(),
        None
    );

    let missing = AdapterUser {
        id: "no-such-id".to_owned(),
        ..grace
    };
    assert_eq!(
        adapter.update_user(missing).await,
        Err(AdapterError::UserNotFound)
    );
    assert_eq!(adapter.get_user("no-such-id").await.unwrap(), None);
}

/// Linked accounts lead back to their user and are listed with every field, sorted by
/// provider then provider account id.
pub async fn links_accounts_and_finds_users_by_account(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let grace = create_user(&adapter, "grace@example.com").await;
    let google = full_account(&ada.id, "google", "g-1");
    let github = AdapterAccount::new(&ada.id, ProviderType::Oauth, "github", "42");
    adapter.link_account(google.clone()).await.unwrap();
    adapter.link_account(github.clone()).await.unwrap();

    assert_eq!(
        adapter.get_user_by_account("google", "g-1").await.unwrap(),
        Some(ada.clone())
    );
    assert_eq!(
        adapter.get_user_by_account("github", "42").await.unwrap(),
        Some(ada.clone())
    );
    assert_eq!(
        adapter.get_user_by_account("github", "g-1").await.unwrap(),
        None,
        "provider and provider account id go together"
    );
    assert_eq!(
        adapter.get_user_by_account("google", "42").await.unwrap(),
        None
    );

    assert_eq!(
        adapter.list_accounts(&ada.id).await.unwrap(),
        vec![github, google]
    );
    assert_eq!(adapter.list_accounts(&grace.id).await.unwrap(), vec![]);

    for kind in [
        ProviderType::Credentials,
        ProviderType::Email,
        ProviderType::Oauth,
    ] {
        let account = AdapterAccount::new(&grace.id, kind, kind.as_str(), "grace");
        adapter.link_account(account.clone()).await.unwrap();
        assert!(
            adapter
                .list_accounts(&grace.id)
                .await
                .unwrap()
                .contains(&account),
            "an account of type {kind:?} must round-trip"
        );
    }
}

/// `update_account` replaces the token fields of one account (found by provider and provider
/// account id) and never moves it to another user; a missing account is `false`.
pub async fn update_account_replaces_tokens_and_keeps_the_owner(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let grace = create_user(&adapter, "grace@example.com").await;
    adapter
        .link_account(full_account(&ada.id, "google", "g-1"))
        .await
        .unwrap();
    let mut rotated = AdapterAccount::new(&grace.id, ProviderType::Oidc, "google", "g-1");
    rotated.access_token = Some("access-2".into());
    rotated.refresh_token = Some("refresh-2".into());
    rotated.expires_at = Some(1_900_000_000);
    assert_eq!(adapter.update_account(rotated.clone()).await, Ok(true));
    let stored = adapter.list_accounts(&ada.id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].access_token.as_deref(), Some("access-2"));
    assert_eq!(stored[0].refresh_token.as_deref(), Some("refresh-2"));
    assert_eq!(stored[0].expires_at, Some(1_900_000_000));
    assert_eq!(stored[0].id_token, None, "every token field is replaced");
    assert_eq!(stored[0].user_id, ada.id, "the owner does not change");
    assert_eq!(adapter.list_accounts(&grace.id).await.unwrap(), vec![]);
    let missing = AdapterAccount::new(&ada.id, ProviderType::Oidc, "google", "nobody");
    assert_eq!(adapter.update_account(missing).await, Ok(false));
}

/// Linking a provider account that is linked already is [`AdapterError::DuplicateAccount`],
/// also for another user; the first link stays.
pub async fn duplicate_account_link_is_a_typed_error(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let mallory = create_user(&adapter, "mallory@example.com").await;
    adapter
        .link_account(full_account(&ada.id, "github", "42"))
        .await
        .unwrap();

    assert_eq!(
        adapter
            .link_account(full_account(&mallory.id, "github", "42"))
            .await,
        Err(AdapterError::DuplicateAccount)
    );
    assert_eq!(
        adapter
            .link_account(AdapterAccount::new(
                &ada.id,
                ProviderType::Oauth,
                "github",
                "42"
            ))
            .await,
        Err(AdapterError::DuplicateAccount)
    );
    assert_eq!(
        adapter.get_user_by_account("github", "42").await.unwrap(),
        Some(ada.clone())
    );
    assert_eq!(adapter.list_accounts(&mallory.id).await.unwrap(), vec![]);
    assert_eq!(
        adapter.list_accounts(&ada.id).await.unwrap(),
        vec![full_account(&ada.id, "github", "42")],
        "the first link must not be overwritten"
    );

    // The same id at another provider is another account.
    adapter
        .link_account(full_account(&mallory.id, "gitlab", "42"))
        .await
        .unwrap();
}

/// Linking an account to a user that does not exist is [`AdapterError::UserNotFound`] and
/// stores nothing.
pub async fn link_account_for_a_missing_user_is_user_not_found(adapter: Arc<dyn Adapter>) {
    assert_eq!(
        adapter
            .link_account(full_account("no-such-id", "github", "42"))
            .await,
        Err(AdapterError::UserNotFound)
    );
    assert_eq!(
        adapter.get_user_by_account("github", "42").await.unwrap(),
        None
    );
    assert_eq!(adapter.list_accounts("no-such-id").await.unwrap(), vec![]);
}

/// `unlink_account` removes exactly the named account and says whether there was one.
pub async fn unlink_account_reports_whether_it_removed_one(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    adapter
        .link_account(full_account(&ada.id, "github", "42"))
        .await
        .unwrap();
    adapter
        .link_account(full_account(&ada.id, "google", "42"))
        .await
        .unwrap();

    assert_eq!(adapter.unlink_account("github", "43").await, Ok(false));
    assert_eq!(adapter.unlink_account("github", "42").await, Ok(true));
    assert_eq!(adapter.unlink_account("github", "42").await, Ok(false));
    assert_eq!(
        adapter.get_user_by_account("github", "42").await.unwrap(),
        None
    );
    assert_eq!(
        adapter.list_accounts(&ada.id).await.unwrap(),
        vec![full_account(&ada.id, "google", "42")]
    );
    assert_eq!(
        adapter.get_user(&ada.id).await.unwrap(),
        Some(ada),
        "unlinking keeps the user"
    );
}

/// Sessions come back with their user and the exact expiry, to the millisecond, including
/// far-future ones; an unknown token is `None`.
pub async fn sessions_round_trip_with_millisecond_expiry(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let expiries = [
        EXPIRES,
        Timestamp::from_millis(1_700_000_000_001),
        Timestamp::from_millis(1_700_000_000_999),
        Timestamp::from_millis(1),
        LAST_MILLI_OF_9999,
    ];
    for (i, expires) in expiries.into_iter().enumerate() {
        let stored = session(&format!("hash-{i}"), &ada.id, expires);
        adapter.create_session(stored.clone()).await.unwrap();
        assert_eq!(
            adapter.get_session_and_user(&stored.session_token).await,
            Ok(Some((stored, ada.clone()))),
            "expiry {} ms must round-trip",
            expires.as_millis()
        );
    }
    assert_eq!(adapter.get_session_and_user("hash-unknown").await, Ok(None));
}

/// A session for a user that does not exist is [`AdapterError::UserNotFound`].
pub async fn create_session_for_a_missing_user_is_user_not_found(adapter: Arc<dyn Adapter>) {
    assert_eq!(
        adapter
            .create_session(session("hash-1", "no-such-id", EXPIRES))
            .await,
        Err(AdapterError::UserNotFound)
    );
    assert_eq!(adapter.get_session_and_user("hash-1").await, Ok(None));
}

/// A session token that exists is [`AdapterError::DuplicateSession`]: the stored session keeps
/// its user and expiry (no upsert of session ids).
pub async fn duplicate_session_token_is_refused_not_overwritten(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let mallory = create_user(&adapter, "mallory@example.com").await;
    let original = session("hash-1", &ada.id, EXPIRES);
    adapter.create_session(original.clone()).await.unwrap();

    assert_eq!(
        adapter
            .create_session(session("hash-1", &mallory.id, LAST_MILLI_OF_9999))
            .await,
        Err(AdapterError::DuplicateSession)
    );
    assert_eq!(
        adapter
            .create_session(session("hash-1", &ada.id, LAST_MILLI_OF_9999))
            .await,
        Err(AdapterError::DuplicateSession)
    );
    assert_eq!(
        adapter.get_session_and_user("hash-1").await,
        Ok(Some((original, ada)))
    );
}

/// `update_session_expiry` sets the expiry and returns the session; a missing session is
/// `None` and is not created.
pub async fn update_session_expiry_and_missing_session(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    adapter
        .create_session(session("hash-1", &ada.id, EXPIRES))
        .await
        .unwrap();
    adapter
        .create_session(session("hash-2", &ada.id, EXPIRES))
        .await
        .unwrap();

    let later = Timestamp::from_millis(EXPIRES.as_millis() + 86_400_001);
    assert_eq!(
        adapter.update_session_expiry("hash-1", later).await,
        Ok(Some(session("hash-1", &ada.id, later)))
    );
    assert_eq!(
        get_session(&adapter, "hash-1").await,
        Some(session("hash-1", &ada.id, later))
    );
    assert_eq!(
        get_session(&adapter, "hash-2").await,
        Some(session("hash-2", &ada.id, EXPIRES)),
        "only the named session changes"
    );

    assert_eq!(
        adapter.update_session_expiry("hash-3", later).await,
        Ok(None)
    );
    assert_eq!(get_session(&adapter, "hash-3").await, None);
}

/// `create_session_from` keeps where and when a session started; `list_user_sessions` lists
/// a user's sessions (only theirs), the latest to expire first, with that origin (empty for a
/// session stored without one); a deleted session leaves the list.
pub async fn sessions_keep_where_they_started_and_are_listed_per_user(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let grace = create_user(&adapter, "grace@example.com").await;
    let created = Timestamp::from_millis(EXPIRES.as_millis() - 86_400_000);
    let phone = SessionOrigin::new(
        created,
        Some("Mozilla/5.0 (iPhone) Safari/604.1 \u{00e9}"),
        Some("203.0.113.77".parse().unwrap()),
    );
    assert_eq!(phone.client_network.as_deref(), Some("203.0.113.0/24"));
    let later = Timestamp::from_millis(EXPIRES.as_millis() + 1);
    adapter
        .create_session_from(session("ada-phone", &ada.id, later), &phone)
        .await
        .unwrap();
    adapter
        .create_session(session("ada-old", &ada.id, EXPIRES))
        .await
        .unwrap();
    let laptop = SessionOrigin::new(created, None, Some("2001:db8:1:2:3:4:5:6".parse().unwrap()));
    assert_eq!(laptop.client_network.as_deref(), Some("2001:db8:1:2::/64"));
    adapter
        .create_session_from(session("grace-1", &grace.id, later), &laptop)
        .await
        .unwrap();
    assert_eq!(
        adapter
            .create_session_from(session("ada-phone", &ada.id, later), &phone)
            .await,
        Err(AdapterError::DuplicateSession)
    );
    assert_eq!(
        adapter
            .create_session_from(session("x", "no-such-id", later), &phone)
            .await,
        Err(AdapterError::UserNotFound)
    );

    let listed = adapter.list_user_sessions(&ada.id, 100).await.unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0].session_token, "ada-phone");
    assert_eq!(listed[0].expires, later);
    assert_eq!(listed[0].origin, phone);
    assert_eq!(listed[1].session_token, "ada-old");
    assert_eq!(listed[1].origin, SessionOrigin::default());
    // The hot read is unchanged by the origin.
    assert_eq!(
        get_session(&adapter, "ada-phone").await,
        Some(session("ada-phone", &ada.id, later))
    );

    adapter.delete_session("ada-phone").await.unwrap();
    let listed = adapter.list_user_sessions(&ada.id, 100).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].session_token, "ada-old");
    assert!(
        adapter
            .list_user_sessions("no-such-id", 100)
            .await
            .unwrap()
            .is_empty()
    );
    // The limit keeps the latest to expire.
    adapter
        .create_session_from(session("ada-phone", &ada.id, later), &phone)
        .await
        .unwrap();
    let first = adapter.list_user_sessions(&ada.id, 1).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].session_token, "ada-phone");

    // All but one go; nobody else's.
    assert_eq!(
        adapter
            .delete_user_sessions_except(&ada.id, "ada-phone")
            .await,
        Ok(1)
    );
    let left = adapter.list_user_sessions(&ada.id, 100).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].session_token, "ada-phone");
    assert_eq!(
        adapter
            .list_user_sessions(&grace.id, 100)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// `update_user_profile` sets the name and picture only; the address and its verification
/// stay; a missing user is `UserNotFound`.
pub async fn update_user_profile_sets_only_name_and_image(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let verified = Timestamp::from_millis(1_700_000_000_000);
    adapter
        .update_user(AdapterUser {
            email_verified: Some(verified),
            ..ada.clone()
        })
        .await
        .unwrap();
    adapter
        .update_user_profile(
            &ada.id,
            Some("Ada Lovelace"),
            Some("https://example.com/a.png"),
        )
        .await
        .unwrap();
    let stored = adapter.get_user(&ada.id).await.unwrap().unwrap();
    assert_eq!(stored.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(stored.image.as_deref(), Some("https://example.com/a.png"));
    assert_eq!(stored.email, ada.email);
    assert_eq!(stored.email_verified, Some(verified));
    adapter
        .update_user_profile(&ada.id, None, None)
        .await
        .unwrap();
    let cleared = adapter.get_user(&ada.id).await.unwrap().unwrap();
    assert_eq!((cleared.name, cleared.image), (None, None));
    assert_eq!(
        adapter
            .update_user_profile("no-such-id", Some("x"), None)
            .await,
        Err(AdapterError::UserNotFound)
    );
}

/// `delete_user_with_tokens` removes the user (with accounts, sessions, password) and the
/// tokens of the identifiers named, and nobody else's.
pub async fn delete_user_with_tokens_takes_their_pending_tokens(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let grace = create_user(&adapter, "grace@example.com").await;
    for (identifier, hash) in [
        (format!("password-reset:{}", ada.id), "a1"),
        ("ada@example.com".to_owned(), "a2"),
        (format!("password-reset:{}", grace.id), "g1"),
    ] {
        adapter
            .create_verification_token(VerificationToken {
                identifier,
                token_hash: hash.into(),
                expires: EXPIRES,
            })
            .await
            .unwrap();
    }
    adapter
        .create_session(session("ada-1", &ada.id, EXPIRES))
        .await
        .unwrap();
    let identifiers = [
        format!("password-reset:{}", ada.id),
        "ada@example.com".to_owned(),
    ];
    adapter
        .delete_user_with_tokens(&ada.id, &identifiers)
        .await
        .unwrap();
    assert_eq!(adapter.get_user(&ada.id).await, Ok(None));
    assert_eq!(get_session(&adapter, "ada-1").await, None);
    for (identifier, hash) in &[
        (identifiers[0].clone(), "a1"),
        (identifiers[1].clone(), "a2"),
    ] {
        assert_eq!(
            adapter.find_verification_token(identifier, hash).await,
            Ok(None),
            "{identifier}"
        );
    }
    let kept = adapter
        .find_verification_token(&format!("password-reset:{}", grace.id), "g1")
        .await
        .unwrap();
    assert!(kept.is_some(), "another user's token stays");
    assert!(adapter.get_user(&grace.id).await.unwrap().is_some());
}

/// `delete_session` returns the session the first time and `None` after; others stay.
pub async fn delete_session_returns_it_once(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    adapter
        .create_session(session("hash-1", &ada.id, EXPIRES))
        .await
        .unwrap();
    adapter
        .create_session(session("hash-2", &ada.id, EXPIRES))
        .await
        .unwrap();

    assert_eq!(
        adapter.delete_session("hash-1").await,
        Ok(Some(session("hash-1", &ada.id, EXPIRES)))
    );
    assert_eq!(adapter.delete_session("hash-1").await, Ok(None));
    assert_eq!(get_session(&adapter, "hash-1").await, None);
    assert_eq!(
        get_session(&adapter, "hash-2").await,
        Some(session("hash-2", &ada.id, EXPIRES))
    );
    assert_eq!(adapter.delete_session("hash-unknown").await, Ok(None));
}

/// `delete_user_sessions` deletes every session of one user, counts them, and leaves other
/// users' sessions.
pub async fn delete_user_sessions_signs_out_everywhere(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let grace = create_user(&adapter, "grace@example.com").await;
    for token in ["ada-1", "ada-2", "ada-3"] {
        adapter
            .create_session(session(token, &ada.id, EXPIRES))
            .await
            .unwrap();
    }
    adapter
        .create_session(session("grace-1", &grace.id, EXPIRES))
        .await
        .unwrap();

    assert_eq!(adapter.delete_user_sessions(&ada.id).await, Ok(3));
    for token in ["ada-1", "ada-2", "ada-3"] {
        assert_eq!(get_session(&adapter, token).await, None);
    }
    assert_eq!(
        get_session(&adapter, "grace-1").await,
        Some(session("grace-1", &grace.id, EXPIRES))
    );
    assert_eq!(adapter.delete_user_sessions(&ada.id).await, Ok(0));
    assert_eq!(
        adapter.get_user(&ada.id).await.unwrap(),
        Some(ada),
        "signing out keeps the user"
    );
}

/// `delete_expired(now)` deletes sessions and verification tokens that expired at or before
/// `now`, counts them, and keeps the rest.
pub async fn delete_expired_sweeps_sessions_and_tokens(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let now = EXPIRES;
    let before = Timestamp::from_millis(now.as_millis() - 1);
    let after = Timestamp::from_millis(now.as_millis() + 1);
    for (name, expires) in [("before", before), ("at", now), ("after", after)] {
        adapter
            .create_session(session(&format!("session-{name}"), &ada.id, expires))
            .await
            .unwrap();
        adapter
            .create_verification_token(token("ada@example.com", &format!("token-{name}"), expires))
            .await
            .unwrap();
    }

    assert_eq!(adapter.delete_expired(now).await, Ok(4));
    assert_eq!(get_session(&adapter, "session-before").await, None);
    assert_eq!(get_session(&adapter, "session-at").await, None);
    assert_eq!(
        get_session(&adapter, "session-after").await,
        Some(session("session-after", &ada.id, after))
    );
    assert_eq!(
        adapter
            .use_verification_token("ada@example.com", "token-before")
            .await,
        Ok(None)
    );
    assert_eq!(
        adapter
            .use_verification_token("ada@example.com", "token-at")
            .await,
        Ok(None)
    );
    assert_eq!(adapter.delete_expired(now).await, Ok(0));
    assert_eq!(
        adapter
            .use_verification_token("ada@example.com", "token-after")
            .await,
        Ok(Some(token("ada@example.com", "token-after", after)))
    );
}

/// `find_verification_token` reads a token by identifier and hash together and leaves it.
pub async fn find_verification_token_reads_without_spending(adapter: Arc<dyn Adapter>) {
    adapter
        .create_verification_token(token("ada@example.com", "hash-a", EXPIRES))
        .await
        .unwrap();
    for _ in 0..2 {
        assert_eq!(
            adapter
                .find_verification_token("ada@example.com", "hash-a")
                .await,
            Ok(Some(token("ada@example.com", "hash-a", EXPIRES)))
        );
    }
    assert_eq!(
        adapter
            .find_verification_token("mallory@example.com", "hash-a")
            .await,
        Ok(None)
    );
    assert_eq!(
        adapter
            .find_verification_token("ada@example.com", "hash-b")
            .await,
        Ok(None)
    );
    assert!(
        adapter
            .use_verification_token("ada@example.com", "hash-a")
            .await
            .unwrap()
            .is_some(),
        "still there to spend"
    );
}

/// A verification token is found only by its identifier and hash together (rule 3): the
/// right hash under another identifier, or another hash under the right identifier, is
/// `None` and does not consume it.
pub async fn verification_token_needs_identifier_and_hash_together(adapter: Arc<dyn Adapter>) {
    adapter
        .create_verification_token(token("ada@example.com", "hash-a", EXPIRES))
        .await
        .unwrap();
    adapter
        .create_verification_token(token("mallory@example.com", "hash-m", EXPIRES))
        .await
        .unwrap();

    assert_eq!(
        adapter
            .use_verification_token("mallory@example.com", "hash-a")
            .await,
        Ok(None)
    );
    assert_eq!(
        adapter
            .use_verification_token("ada@example.com", "hash-m")
            .await,
        Ok(None)
    );
    assert_eq!(
        adapter
            .use_verification_token("ada@example.com", "HASH-A")
            .await,
        Ok(None),
        "hashes are compared exactly"
    );
    assert_eq!(
        adapter
            .use_verification_token("ada@example.com", "hash-a")
            .await,
        Ok(Some(token("ada@example.com", "hash-a", EXPIRES)))
    );
    assert_eq!(
        adapter
            .use_verification_token("mallory@example.com", "hash-m")
            .await,
        Ok(Some(token("mallory@example.com", "hash-m", EXPIRES)))
    );
}

/// `delete_verification_tokens` removes every token of one identifier, whatever its hash
/// and expiry, and leaves other identifiers' tokens alone.
pub async fn delete_verification_tokens_clears_one_identifier(adapter: Arc<dyn Adapter>) {
    for (identifier, hash) in [
        ("ada@example.com", "link"),
        ("ada@example.com", "code"),
        ("mallory@example.com", "link"),
    ] {
        adapter
            .create_verification_token(token(identifier, hash, EXPIRES))
            .await
            .unwrap();
    }
    assert_eq!(
        adapter.delete_verification_tokens("ada@example.com").await,
        Ok(2)
    );
    assert_eq!(
        adapter.delete_verification_tokens("ada@example.com").await,
        Ok(0)
    );
    for hash in ["link", "code"] {
        assert_eq!(
            adapter
                .use_verification_token("ada@example.com", hash)
                .await,
            Ok(None)
        );
    }
    assert_eq!(
        adapter
            .use_verification_token("mallory@example.com", "link")
            .await,
        Ok(Some(token("mallory@example.com", "link", EXPIRES)))
    );
}

/// A verification token is returned once; expired tokens are returned too (the engine checks
/// expiry).
pub async fn verification_token_is_single_use(adapter: Arc<dyn Adapter>) {
    let stored = token("ada@example.com", "hash-1", EXPIRES);
    adapter
        .create_verification_token(stored.clone())
        .await
        .unwrap();
    assert_eq!(
        adapter
            .use_verification_token("ada@example.com", "hash-1")
            .await,
        Ok(Some(stored))
    );
    assert_eq!(
        adapter
            .use_verification_token("ada@example.com", "hash-1")
            .await,
        Ok(None)
    );

    let expired = token("ada@example.com", "hash-2", Timestamp::from_millis(1_000));
    adapter
        .create_verification_token(expired.clone())
        .await
        .unwrap();
    assert_eq!(
        adapter
            .use_verification_token("ada@example.com", "hash-2")
            .await,
        Ok(Some(expired))
    );
}

/// Of 20 tasks racing to use one verification token, exactly one gets it (rule 3). Repeated
/// for several tokens, each race started together behind a barrier.
pub async fn verification_token_single_use_under_20_concurrent_attempts(adapter: Arc<dyn Adapter>) {
    const RACERS: usize = 20;
    for round in 0..5 {
        let hash = format!("hash-{round}");
        adapter
            .create_verification_token(token("ada@example.com", &hash, EXPIRES))
            .await
            .unwrap();
        let barrier = Arc::new(tokio::sync::Barrier::new(RACERS));
        let tasks: Vec<_> = (0..RACERS)
            .map(|_| {
                let adapter = Arc::clone(&adapter);
                let barrier = Arc::clone(&barrier);
                let hash = hash.clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    adapter
                        .use_verification_token("ada@example.com", &hash)
                        .await
                })
            })
            .collect();
        let mut winners = 0;
        for task in tasks {
            match task.await.expect("task panicked") {
                Ok(Some(used)) => {
                    assert_eq!(used, token("ada@example.com", &hash, EXPIRES));
                    winners += 1;
                }
                Ok(None) => {}
                Err(e) => panic!("use_verification_token failed under contention: {e}"),
            }
        }
        assert_eq!(
            winners, 1,
            "round {round}: exactly one of {RACERS} concurrent uses must get the token"
        );
    }
}

/// Deleting a user deletes their accounts, sessions, password hash and valid-after stamp
/// (rule 4), leaves other users' data, frees the provider account for a new link, and is not
/// an error when repeated.
pub async fn delete_user_cascades_accounts_sessions_password(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let grace = create_user(&adapter, "grace@example.com").await;
    adapter
        .link_account(full_account(&ada.id, "github", "ada"))
        .await
        .unwrap();
    adapter
        .link_account(full_account(&ada.id, "google", "ada"))
        .await
        .unwrap();
    adapter
        .link_account(full_account(&grace.id, "github", "grace"))
        .await
        .unwrap();
    adapter
        .create_session(session("ada-1", &ada.id, EXPIRES))
        .await
        .unwrap();
    adapter
        .create_session(session("ada-2", &ada.id, EXPIRES))
        .await
        .unwrap();
    adapter
        .create_session(session("grace-1", &grace.id, EXPIRES))
        .await
        .unwrap();
    for user in [&ada, &grace] {
        adapter
            .set_password_hash(
                &user.id,
                Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
            )
            .await
            .unwrap();
        adapter
            .set_sessions_valid_after(&user.id, EXPIRES)
            .await
            .unwrap();
    }

    adapter.delete_user(&ada.id).await.unwrap();

    assert_eq!(adapter.get_user(&ada.id).await.unwrap(), None);
    assert_eq!(
        adapter.get_user_by_email("ada@example.com").await.unwrap(),
        None
    );
    assert_eq!(
        adapter.get_user_by_account("github", "ada").await.unwrap(),
        None
    );
    assert_eq!(adapter.list_accounts(&ada.id).await.unwrap(), vec![]);
    assert_eq!(get_session(&adapter, "ada-1").await, None);
    assert_eq!(get_session(&adapter, "ada-2").await, None);
    assert_eq!(adapter.delete_session("ada-1").await, Ok(None));
    assert_eq!(adapter.get_password_hash(&ada.id).await, Ok(None));
    assert_eq!(adapter.get_sessions_valid_after(&ada.id).await, Ok(None));

    assert_eq!(
        adapter.get_user(&grace.id).await.unwrap(),
        Some(grace.clone())
    );
    assert_eq!(
        adapter.list_accounts(&grace.id).await.unwrap(),
        vec![full_account(&grace.id, "github", "grace")]
    );
    assert_eq!(
        get_session(&adapter, "grace-1").await,
        Some(session("grace-1", &grace.id, EXPIRES))
    );
    assert!(
        adapter
            .get_password_hash(&grace.id)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        adapter.get_sessions_valid_after(&grace.id).await,
        Ok(Some(EXPIRES))
    );

    assert_eq!(adapter.delete_user(&ada.id).await, Ok(()));
    assert_eq!(adapter.delete_user("no-such-id").await, Ok(()));

    // The email and the provider account are free again.
    let again = create_user(&adapter, "ada@example.com").await;
    adapter
        .link_account(full_account(&again.id, "github", "ada"))
        .await
        .unwrap();
    assert_eq!(adapter.get_password_hash(&again.id).await, Ok(None));
}

/// A password hash is set, replaced, read and cleared; a missing user has none and cannot be
/// given one.
pub async fn password_hash_set_get_clear_and_missing_user(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let grace = create_user(&adapter, "grace@example.com").await;
    let first = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdDE$aGFzaDE";
    let second = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdDI$aGFzaDI";

    assert_eq!(adapter.get_password_hash(&ada.id).await, Ok(None));
    adapter
        .set_password_hash(&ada.id, Some(first))
        .await
        .unwrap();
    assert_eq!(
        adapter.get_password_hash(&ada.id).await,
        Ok(Some(first.to_owned()))
    );
    assert_eq!(
        adapter.get_password_hash(&grace.id).await,
        Ok(None),
        "only the named user gets the password"
    );
    adapter
        .set_password_hash(&ada.id, Some(second))
        .await
        .unwrap();
    assert_eq!(
        adapter.get_password_hash(&ada.id).await,
        Ok(Some(second.to_owned()))
    );
    adapter.set_password_hash(&ada.id, None).await.unwrap();
    assert_eq!(adapter.get_password_hash(&ada.id).await, Ok(None));

    assert_eq!(
        adapter.set_password_hash("no-such-id", Some(first)).await,
        Err(AdapterError::UserNotFound)
    );
    assert_eq!(
        adapter.set_password_hash("no-such-id", None).await,
        Err(AdapterError::UserNotFound)
    );
    assert_eq!(adapter.get_password_hash("no-such-id").await, Ok(None));
    assert_eq!(
        adapter.get_user(&ada.id).await.unwrap(),
        Some(ada),
        "the password is not part of the user's fields"
    );
}

/// The "sessions valid after" stamp round-trips to the millisecond, is replaced by a later
/// one, and needs an existing user.
pub async fn sessions_valid_after_stamp_round_trips(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let grace = create_user(&adapter, "grace@example.com").await;

    assert_eq!(adapter.get_sessions_valid_after(&ada.id).await, Ok(None));
    adapter
        .set_sessions_valid_after(&ada.id, EXPIRES)
        .await
        .unwrap();
    assert_eq!(
        adapter.get_sessions_valid_after(&ada.id).await,
        Ok(Some(EXPIRES))
    );
    assert_eq!(adapter.get_sessions_valid_after(&grace.id).await, Ok(None));

    let later = Timestamp::from_millis(EXPIRES.as_millis() + 1);
    adapter
        .set_sessions_valid_after(&ada.id, later)
        .await
        .unwrap();
    assert_eq!(
        adapter.get_sessions_valid_after(&ada.id).await,
        Ok(Some(later))
    );

    assert_eq!(
        adapter.set_sessions_valid_after("no-such-id", later).await,
        Err(AdapterError::UserNotFound)
    );
    assert_eq!(
        adapter.get_sessions_valid_after("no-such-id").await,
        Ok(None)
    );
}

/// A password hash given with the new user is stored with it (one statement: an account never
/// exists without its password), and a user created without one has none.
pub async fn create_user_stores_a_password_hash_in_the_same_step(adapter: Arc<dyn Adapter>) {
    let with = adapter
        .create_user(NewUser {
            email: Some("ada@example.com".into()),
            password_hash: Some("$argon2id$v=19$m=256,t=1,p=1$c2FsdA$aGFzaA".into()),
            ..NewUser::default()
        })
        .await
        .unwrap();
    assert_eq!(
        adapter
            .get_password_hash(&with.id)
            .await
            .unwrap()
            .as_deref(),
        Some("$argon2id$v=19$m=256,t=1,p=1$c2FsdA$aGFzaA")
    );
    let without = adapter.create_user(NewUser::default()).await.unwrap();
    assert_eq!(adapter.get_password_hash(&without.id).await.unwrap(), None);
}

/// An event with every field set, so a column that is not stored shows.
fn audit_event(kind: AuditKind, user_id: &str, at: Timestamp) -> AuditEvent {
    AuditEvent::new(
        at,
        kind,
        Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"),
        "2001:db8:1:2:3:4:5:6".parse().ok(),
    )
    .user(user_id)
    .provider("github")
    .detail("CredentialsSignin")
}

/// Security events are stored with every field, listed per user, the latest first (events of
/// the same millisecond in the order they were stored, the later first), up to the limit.
pub async fn audit_events_round_trip_latest_first_per_user(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let grace = create_user(&adapter, "grace@example.com").await;
    let t = |ms: u64| Timestamp::from_millis(1_800_000_000_000 + ms);
    let stored = [
        audit_event(AuditKind::SignIn, &ada.id, t(1)),
        audit_event(AuditKind::PasswordChanged, &ada.id, t(3)),
        audit_event(AuditKind::SignInFailed, &grace.id, t(2)),
        audit_event(AuditKind::SignOut, &ada.id, t(3)),
        audit_event(AuditKind::AccountLinked, &ada.id, t(2)),
    ];
    for event in &stored {
        adapter.record_audit_event(event).await.unwrap();
    }
    let listed = adapter
        .list_audit_events(&ada.id, AuditFilter::All, 10)
        .await
        .unwrap();
    let kinds: Vec<AuditKind> = listed.iter().map(|event| event.kind).collect();
    assert_eq!(
        kinds,
        [
            AuditKind::SignOut,
            AuditKind::PasswordChanged,
            AuditKind::AccountLinked,
            AuditKind::SignIn,
        ]
    );
    assert_eq!(listed[0], stored[3], "every field round-trips");
    assert_eq!(
        listed[0].client_network.as_deref(),
        Some("2001:db8:1:2::/64")
    );
    let limited = adapter
        .list_audit_events(&ada.id, AuditFilter::All, 2)
        .await
        .unwrap();
    assert_eq!(limited, listed[..2].to_vec());
    let graces = adapter
        .list_audit_events(&grace.id, AuditFilter::All, 10)
        .await
        .unwrap();
    assert_eq!(graces, vec![stored[2].clone()]);
    assert_eq!(
        adapter
            .list_audit_events("nobody", AuditFilter::All, 10)
            .await,
        Ok(vec![])
    );

    // Failures apart from the rest, each side in the same order.
    let failures = (adapter
        .list_audit_events(&grace.id, AuditFilter::Failures, 10)
        .await)
        .unwrap();
    assert_eq!(failures, vec![stored[2].clone()]);
    let others = (adapter
        .list_audit_events(&grace.id, AuditFilter::NotFailures, 10)
        .await)
        .unwrap();
    assert_eq!(others, vec![]);
    let others = (adapter
        .list_audit_events(&ada.id, AuditFilter::NotFailures, 3)
        .await)
        .unwrap();
    assert_eq!(others, listed[..3].to_vec());
    adapter
        .record_audit_event(&audit_event(AuditKind::ProofFailed, &ada.id, t(0)))
        .await
        .unwrap();
    let failures = (adapter
        .list_audit_events(&ada.id, AuditFilter::Failures, 10)
        .await)
        .unwrap();
    let kinds: Vec<AuditKind> = failures.iter().map(|event| event.kind).collect();
    assert_eq!(kinds, [AuditKind::ProofFailed]);
}

/// A user's events stay after the user is deleted (they are the record of it), and
/// `delete_audit_events_before` sweeps events older than the cutoff, whoever they belong to.
pub async fn audit_events_outlive_their_user_until_swept(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let old = Timestamp::from_millis(1_700_000_000_000);
    let new = Timestamp::from_millis(1_800_000_000_000);
    adapter
        .record_audit_event(&audit_event(AuditKind::SignIn, &ada.id, old))
        .await
        .unwrap();
    adapter
        .record_audit_event(&audit_event(AuditKind::AccountDeleted, &ada.id, new))
        .await
        .unwrap();
    adapter.delete_user(&ada.id).await.unwrap();
    assert_eq!(
        adapter
            .list_audit_events(&ada.id, AuditFilter::All, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        adapter.delete_audit_events_before(old).await,
        Ok(0),
        "at the cutoff stays"
    );
    assert_eq!(
        adapter
            .delete_audit_events_before(Timestamp::from_millis(old.as_millis() + 1))
            .await,
        Ok(1)
    );
    let left = adapter
        .list_audit_events(&ada.id, AuditFilter::All, 10)
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].kind, AuditKind::AccountDeleted);
}

/// A backlog larger than any one batch of the sweep (SQL adapters delete 5,000 rows per
/// statement) goes in one call, and the rows after the cutoff stay.
pub async fn the_audit_sweep_takes_a_backlog_of_many_batches(adapter: Arc<dyn Adapter>) {
    const OLD: u64 = 10_001;
    const WRITERS: u64 = 8;
    let user = "user-with-a-backlog";
    // Eight writers at once (a pool's worth), each storing its share.
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..WRITERS {
        let adapter = Arc::clone(&adapter);
        writers.spawn(async move {
            for n in (writer..OLD).step_by(WRITERS as usize) {
                let at = Timestamp::from_millis(1_700_000_000_000 + n);
                let event = audit_event(AuditKind::SignInFailed, user, at);
                adapter.record_audit_event(&event).await.unwrap();
            }
        });
    }
    while let Some(done) = writers.join_next().await {
        done.unwrap();
    }
    let kept = Timestamp::from_millis(1_800_000_000_000);
    adapter
        .record_audit_event(&audit_event(AuditKind::SignIn, user, kept))
        .await
        .unwrap();
    assert_eq!(adapter.delete_audit_events_before(kept).await, Ok(OLD));
    let left = (adapter.list_audit_events(user, AuditFilter::All, 10).await).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].at, kept);
}

/// An enrolment is stored with its recovery codes, replaced as a whole, counted, removed, and
/// deleted with its user; a missing user is `UserNotFound`.
pub async fn two_factor_enrolments_round_trip_and_go_with_their_user(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    assert_eq!(adapter.get_two_factor(&ada.id).await, Ok(None));
    let codes: Vec<String> = (0..10).map(|n| format!("hash-{n}")).collect();
    let at = Timestamp::from_millis(1_800_000_000_123);
    adapter
        .enable_two_factor(&ada.id, "sealed-1", at, &codes)
        .await
        .unwrap();
    let record = adapter.get_two_factor(&ada.id).await.unwrap().unwrap();
    assert_eq!(record.secret, "sealed-1");
    assert_eq!(record.enabled_at, at);
    assert_eq!(record.last_step, None);
    assert_eq!(record.recovery_codes_left, 10);

    // Enrolling again replaces the secret, forgets the step and every old code.
    assert_eq!(adapter.use_totp_step(&ada.id, 7).await, Ok(true));
    adapter
        .enable_two_factor(&ada.id, "sealed-2", at, &codes[..3])
        .await
        .unwrap();
    let record = adapter.get_two_factor(&ada.id).await.unwrap().unwrap();
    assert_eq!(
        (record.secret.as_str(), record.last_step),
        ("sealed-2", None)
    );
    assert_eq!(record.recovery_codes_left, 3);
    assert_eq!(
        adapter.use_recovery_code(&ada.id, "hash-5").await,
        Ok(false)
    );

    assert_eq!(
        adapter.replace_recovery_codes(&ada.id, &codes[5..]).await,
        Ok(true)
    );
    assert_eq!(
        adapter.use_recovery_code(&ada.id, "hash-0").await,
        Ok(false)
    );
    assert_eq!(adapter.use_recovery_code(&ada.id, "hash-5").await, Ok(true));
    let record = adapter.get_two_factor(&ada.id).await.unwrap().unwrap();
    assert_eq!(record.recovery_codes_left, 4);

    assert_eq!(adapter.disable_two_factor(&ada.id).await, Ok(true));
    assert_eq!(adapter.disable_two_factor(&ada.id).await, Ok(false));
    assert_eq!(adapter.get_two_factor(&ada.id).await, Ok(None));
    assert_eq!(
        adapter.replace_recovery_codes(&ada.id, &codes).await,
        Ok(false),
        "no enrolment: nothing stored"
    );
    assert_eq!(
        adapter.use_recovery_code(&ada.id, "hash-6").await,
        Ok(false)
    );

    assert_eq!(
        adapter
            .enable_two_factor("no-such-user", "sealed", at, &codes)
            .await,
        Err(AdapterError::UserNotFound)
    );
    adapter
        .enable_two_factor(&ada.id, "sealed-3", at, &codes)
        .await
        .unwrap();
    adapter.delete_user(&ada.id).await.unwrap();
    assert_eq!(adapter.get_two_factor(&ada.id).await, Ok(None));
    assert_eq!(
        adapter.use_recovery_code(&ada.id, "hash-1").await,
        Ok(false)
    );
}

/// Of 20 concurrent attempts to spend the same time step, or the same recovery code, exactly
/// one succeeds; a later step still works, an earlier one never does.
pub async fn totp_steps_and_recovery_codes_are_spent_once_under_20_concurrent_attempts(
    adapter: Arc<dyn Adapter>,
) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let at = Timestamp::from_millis(1_800_000_000_000);
    adapter
        .enable_two_factor(&ada.id, "sealed", at, &["code-hash".to_owned()])
        .await
        .unwrap();
    for attempt in ["step", "code"] {
        let mut attempts = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let adapter = Arc::clone(&adapter);
            let user = ada.id.clone();
            attempts.spawn(async move {
                match attempt {
                    "step" => adapter.use_totp_step(&user, 60_000_001).await,
                    _ => adapter.use_recovery_code(&user, "code-hash").await,
                }
            });
        }
        let mut won = 0;
        while let Some(done) = attempts.join_next().await {
            if done.unwrap().unwrap() {
                won += 1;
            }
        }
        assert_eq!(won, 1, "{attempt}");
    }
    assert_eq!(adapter.use_totp_step(&ada.id, 60_000_000).await, Ok(false));
    assert_eq!(adapter.use_totp_step(&ada.id, 60_000_002).await, Ok(true));
    let record = adapter.get_two_factor(&ada.id).await.unwrap().unwrap();
    assert_eq!(record.last_step, Some(60_000_002));
    assert_eq!(record.recovery_codes_left, 0);
}

fn passkey(user_id: &str, credential_id: &str, counter: u32, at: Timestamp) -> Authenticator {
    Authenticator::new(
        credential_id.to_owned(),
        user_id.to_owned(),
        "pQECAyYgASFYIA==".to_owned(),
        counter,
        true,
        false,
        Some("hybrid,internal".to_owned()),
        "aGFuZGxl".to_owned(),
        "Laptop".to_owned(),
        at,
    )
}

/// Rule 8: a passkey reads back as stored, belongs to one user, has a unique credential id,
/// is renamed and deleted only by its user, and goes with its user.
pub async fn authenticators_round_trip_and_go_with_their_user(adapter: Arc<dyn Adapter>) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let bob = create_user(&adapter, "bob@example.com").await;
    let at = Timestamp::from_millis(1_800_000_000_123);
    let first = passkey(&ada.id, "Y3JlZC0x", 0, at);
    adapter.create_authenticator(&first).await.unwrap();
    let later = Timestamp::from_millis(1_800_000_000_999);
    let mut second = passkey(&ada.id, "Y3JlZC0y", 5, later);
    second.transports = None;
    second.device_type = authrs_core::adapter::SINGLE_DEVICE.to_owned();
    adapter.create_authenticator(&second).await.unwrap();
    assert_eq!(
        adapter.get_authenticator("Y3JlZC0x").await,
        Ok(Some(first.clone()))
    );
    assert!(!second.is_multi_device());
    assert_eq!(
        adapter.list_authenticators(&ada.id).await,
        Ok(vec![first.clone(), second.clone()])
    );
    assert_eq!(adapter.list_authenticators(&bob.id).await, Ok(vec![]));
    assert_eq!(adapter.get_authenticator("bm9uZQ==").await, Ok(None));
    // A credential id is one passkey's, whoever asks.
    assert_eq!(
        adapter
            .create_authenticator(&passkey(&bob.id, "Y3JlZC0x", 0, at))
            .await,
        Err(AdapterError::DuplicateAccount)
    );
    assert_eq!(
        adapter
            .create_authenticator(&passkey("no-such-user", "Y3JlZC0z", 0, at))
            .await,
        Err(AdapterError::UserNotFound)
    );
    // Only its user renames or deletes it.
    assert_eq!(
        adapter
            .rename_authenticator(&bob.id, "Y3JlZC0x", "Mine")
            .await,
        Ok(false)
    );
    assert_eq!(
        adapter.delete_authenticator(&bob.id, "Y3JlZC0x").await,
        Ok(false)
    );
    assert_eq!(
        adapter
            .rename_authenticator(&ada.id, "Y3JlZC0x", "Phone")
            .await,
        Ok(true)
    );
    let renamed = adapter
        .get_authenticator("Y3JlZC0x")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renamed.name, "Phone");
    // A use moves the counter, the backup state and the last use.
    let used = AuthenticatorUse::new(6, true, later);
    assert_eq!(adapter.use_authenticator("Y3JlZC0y", used).await, Ok(true));
    let read = adapter
        .get_authenticator("Y3JlZC0y")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (read.counter, read.backed_up, read.last_used_at),
        (6, true, Some(later))
    );
    assert_eq!(
        adapter.delete_authenticator(&ada.id, "Y3JlZC0y").await,
        Ok(true)
    );
    assert_eq!(
        adapter.delete_authenticator(&ada.id, "Y3JlZC0y").await,
        Ok(false)
    );
    assert_eq!(
        adapter.use_authenticator("Y3JlZC0y", used).await,
        Ok(false),
        "no such passkey"
    );
    adapter.delete_user(&ada.id).await.unwrap();
    assert_eq!(adapter.get_authenticator("Y3JlZC0x").await, Ok(None));
    assert_eq!(adapter.list_authenticators(&ada.id).await, Ok(vec![]));
}

/// Rule 8: a counter only grows (or stays 0 with a stored 0), and of 20 concurrent uses with
/// the same counter exactly one records it.
pub async fn authenticator_counters_move_forward_once_under_20_concurrent_uses(
    adapter: Arc<dyn Adapter>,
) {
    let ada = create_user(&adapter, "ada@example.com").await;
    let at = Timestamp::from_millis(1_800_000_000_000);
    adapter
        .create_authenticator(&passkey(&ada.id, "Y291bnRz", 0, at))
        .await
        .unwrap();
    adapter
        .create_authenticator(&passkey(&ada.id, "emVyb3M=", 0, at))
        .await
        .unwrap();
    // An authenticator that does not count: 0 after 0 is a use each time.
    for _ in 0..2 {
        let zero = AuthenticatorUse::new(0, false, at);
        assert_eq!(adapter.use_authenticator("emVyb3M=", zero).await, Ok(true));
    }
    let mut uses = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let adapter = Arc::clone(&adapter);
        uses.spawn(async move {
            let used = AuthenticatorUse::new(7, false, at);
            adapter.use_authenticator("Y291bnRz", used).await
        });
    }
    let mut won = 0;
    while let Some(done) = uses.join_next().await {
        if done.unwrap().unwrap() {
            won += 1;
        }
    }
    assert_eq!(won, 1);
    for (counter, moved) in [(7, false), (3, false), (0, false), (8, true)] {
        let used = AuthenticatorUse::new(counter, false, at);
        assert_eq!(
            adapter.use_authenticator("Y291bnRz", used).await,
            Ok(moved),
            "counter {counter}"
        );
    }
    let read = adapter
        .get_authenticator("Y291bnRz")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.counter, 8);
    // Once counting, a 0 is a regression.
    let zero = AuthenticatorUse::new(0, false, at);
    assert_eq!(adapter.use_authenticator("Y291bnRz", zero).await, Ok(false));
}
