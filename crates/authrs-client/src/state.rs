//! The session state a front end keeps, and when it refetches: the logic behind the next-auth
//! clients' `useSession` and provider component (protocol §10.3 and §10.4), with no I/O, so
//! every platform (a browser, a native app) drives the same rules and they are tested natively.
//!
//! Rules:
//! 1. A session handed in by a server render is known: `Some` is authenticated, `None` is
//!    signed out, and neither fetches on start (the seed's `<Provider session={session}>`,
//!    which renders the user with no flicker). Without one the state starts `Loading` and
//!    fetches.
//! 2. A message from another tab and an explicit `get_session` always refetch. Window focus
//!    and the interval refetch only while a session exists (v4), the interval not while
//!    offline unless asked to.
//! 3. Requests are de-duplicated: while a fetch runs, more triggers start no other; a response
//!    older than the newest one applied is dropped.
//! 4. Cross-tab messages use next-auth's formats, so tabs running the JavaScript clients and
//!    tabs running Rust stay in sync: the `nextauth.message` storage key of v3/v4, and the
//!    `next-auth` broadcast channel of v5. A Rust tab writes both, and hears Rust tabs on the
//!    storage key only (its channel messages carry a mark). A message carries no session
//!    data: the receiver refetches.

use std::time::Duration;

use authrs_types::Session;
use serde_json::{Value, json};

/// The `localStorage` key next-auth v3/v4 broadcast on.
pub const BROADCAST_KEY: &str = "nextauth.message";

/// The `BroadcastChannel` next-auth v5 broadcasts on.
pub const BROADCAST_CHANNEL: &str = "next-auth";

/// `useSession`'s status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    /// Not known yet.
    Loading,
    /// Signed in.
    Authenticated,
    /// Signed out.
    Unauthenticated,
}

/// The session as a front end holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionState {
    /// The session, when signed in.
    pub data: Option<Session>,
    /// Loading, authenticated or unauthenticated.
    pub status: SessionStatus,
}

impl SessionState {
    /// Nothing known: `Loading`, and a fetch is due.
    pub fn unknown() -> Self {
        Self {
            data: None,
            status: SessionStatus::Loading,
        }
    }

    /// What a server render knew (rule 1).
    pub fn seeded(session: Option<Session>) -> Self {
        let mut state = Self::unknown();
        state.apply(session);
        state
    }

    /// Whether the first render must fetch.
    pub fn needs_initial_fetch(&self) -> bool {
        self.status == SessionStatus::Loading
    }

    /// Takes a fetched session (`None`: signed out).
    pub fn apply(&mut self, session: Option<Session>) {
        self.status = match session {
            Some(_) => SessionStatus::Authenticated,
            None => SessionStatus::Unauthenticated,
        };
        self.data = session;
    }
}

/// What asks for a refetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The window became visible again.
    Focus,
    /// The polling interval elapsed.
    Interval,
    /// Another tab broadcast a change.
    Message,
    /// The app called `get_session` (or `update`).
    Explicit,
}

impl Trigger {
    /// Whether a fetch for this trigger starts even while another runs (whose answer is then
    /// dropped): a message from another tab says the session changed, maybe after the running
    /// fetch was answered, and an explicit call wants the state as it is now. Focus and
    /// interval triggers are absorbed by a running fetch (rule 3).
    pub fn supersedes_running_fetch(self) -> bool {
        matches!(self, Trigger::Message | Trigger::Explicit)
    }
}

/// When the session is refetched (the provider component's options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefetchPolicy {
    /// Poll this often while signed in (`refetchInterval`); `None`: never.
    pub interval: Option<Duration>,
    /// Refetch when the window becomes visible while signed in (`refetchOnWindowFocus`).
    pub on_window_focus: bool,
    /// Keep polling while offline (`refetchWhenOffline`).
    pub when_offline: bool,
}

impl Default for RefetchPolicy {
    fn default() -> Self {
        Self {
            interval: None,
            on_window_focus: true,
            when_offline: true,
        }
    }
}

impl RefetchPolicy {
    /// Rule 2.
    pub fn should_refetch(&self, state: &SessionState, trigger: Trigger, online: bool) -> bool {
        let signed_in = state.status == SessionStatus::Authenticated;
        match trigger {
            Trigger::Message | Trigger::Explicit => true,
            Trigger::Focus => self.on_window_focus && signed_in,
            Trigger::Interval => {
                self.interval.is_some() && signed_in && (online || self.when_offline)
            }
        }
    }
}

/// Rule 3: one fetch at a time, and only the newest response counts.
#[derive(Debug, Default, Clone)]
pub struct FetchGate {
    issued: u64,
    applied: u64,
    in_flight: bool,
}

/// A started fetch; hand it back to [`FetchGate::finish`] with the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

impl FetchGate {
    /// Starts a fetch, or `None` when one is already running (the trigger is absorbed).
    pub fn begin(&mut self) -> Option<Ticket> {
        if self.in_flight {
            return None;
        }
        self.in_flight = true;
        self.issued += 1;
        Some(Ticket(self.issued))
    }

    /// Starts a fetch even while one runs (an explicit call that needs a fresh answer); the
    /// older one's response will be dropped.
    pub fn begin_anyway(&mut self) -> Ticket {
        self.in_flight = true;
        self.issued += 1;
        Ticket(self.issued)
    }

    /// Ends a fetch; `true` when its response is to be applied (nothing newer was applied).
    pub fn finish(&mut self, ticket: Ticket) -> bool {
        if ticket.0 == self.issued {
            self.in_flight = false;
        }
        if ticket.0 > self.applied {
            self.applied = ticket.0;
            true
        } else {
            false
        }
    }
}

/// What a cross-tab message says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BroadcastTrigger {
    /// A tab fetched the session (which may have changed).
    GetSession,
    /// A tab signed out.
    SignOut,
}

/// The `nextauth.message` value for `trigger` at `now_secs` (rule 4).
pub fn encode_message(trigger: BroadcastTrigger, now_secs: u64) -> String {
    json!({ "event": "session", "data": { "trigger": trigger_name(trigger) }, "timestamp": now_secs })
        .to_string()
}

fn trigger_name(trigger: BroadcastTrigger) -> &'static str {
    match trigger {
        BroadcastTrigger::GetSession => "getSession",
        BroadcastTrigger::SignOut => "signout",
    }
}

/// The message a Rust tab posts on the v5 channel for `trigger` (rule 4): v5's own, marked
/// `"source": "authrs"` (v5 reads no field of it; Rust tabs skip it).
pub fn encode_channel_message(trigger: BroadcastTrigger) -> String {
    json!({ "event": "session", "data": { "trigger": trigger_name(trigger) }, "source": "authrs" })
        .to_string()
}

/// Reads a message from the v5 channel (as JSON): next-auth v5's, or `None` for anything
/// else, a Rust tab's included (Rust tabs hear each other on the storage key).
pub fn decode_channel_message(value: &str) -> Option<BroadcastTrigger> {
    let message: Value = serde_json::from_str(value).ok()?;
    if message.get("source").and_then(Value::as_str) == Some("authrs") {
        return None;
    }
    decode_message(value)
}

/// Reads a `nextauth.message` value written by any tab (Rust or next-auth v2–v4); anything
/// else is `None`.
pub fn decode_message(value: &str) -> Option<BroadcastTrigger> {
    let message: Value = serde_json::from_str(value).ok()?;
    if message.get("event")?.as_str()? != "session" {
        return None;
    }
    match message.pointer("/data/trigger")?.as_str()? {
        "signout" => Some(BroadcastTrigger::SignOut),
        "getSession" | "useSessionData" => Some(BroadcastTrigger::GetSession),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        serde_json::from_value(json!({
            "user": {"email": "ada@example.com"},
            "expires": "2026-12-29T00:00:00.000Z"
        }))
        .unwrap()
    }

    #[test]
    fn a_server_rendered_session_is_known_and_needs_no_fetch() {
        assert!(SessionState::unknown().needs_initial_fetch());
        let signed_in = SessionState::seeded(Some(session()));
        assert_eq!(signed_in.status, SessionStatus::Authenticated);
        assert!(!signed_in.needs_initial_fetch());
        let signed_out = SessionState::seeded(None);
        assert_eq!(signed_out.status, SessionStatus::Unauthenticated);
        assert!(!signed_out.needs_initial_fetch());
    }

    #[test]
    fn focus_and_interval_refetch_only_while_signed_in() {
        let policy = RefetchPolicy {
            interval: Some(Duration::from_secs(60)),
            ..RefetchPolicy::default()
        };
        let signed_in = SessionState::seeded(Some(session()));
        let signed_out = SessionState::seeded(None);
        for trigger in [Trigger::Focus, Trigger::Interval] {
            assert!(policy.should_refetch(&signed_in, trigger, true));
            assert!(!policy.should_refetch(&signed_out, trigger, true));
        }
        for trigger in [Trigger::Message, Trigger::Explicit] {
            assert!(policy.should_refetch(&signed_out, trigger, false));
        }
        let offline_quiet = RefetchPolicy {
            when_offline: false,
            ..policy
        };
        assert!(!offline_quiet.should_refetch(&signed_in, Trigger::Interval, false));
        assert!(!RefetchPolicy::default().should_refetch(&signed_in, Trigger::Interval, true));
        let no_focus = RefetchPolicy {
            on_window_focus: false,
            ..policy
        };
        assert!(!no_focus.should_refetch(&signed_in, Trigger::Focus, true));
    }

    #[test]
    fn only_messages_and_explicit_calls_supersede_a_running_fetch() {
        assert!(Trigger::Message.supersedes_running_fetch());
        assert!(Trigger::Explicit.supersedes_running_fetch());
        assert!(!Trigger::Focus.supersedes_running_fetch());
        assert!(!Trigger::Interval.supersedes_running_fetch());
    }

    #[test]
    fn concurrent_triggers_make_one_request_and_stale_answers_are_dropped() {
        let mut gate = FetchGate::default();
        let first = gate.begin().unwrap();
        assert_eq!(gate.begin(), None, "a second trigger is absorbed");
        let explicit = gate.begin_anyway();
        assert!(gate.finish(explicit));
        assert!(
            !gate.finish(first),
            "the older answer arrives late and is dropped"
        );
        assert!(gate.begin().is_some(), "nothing in flight any more");
    }

    #[test]
    fn messages_are_next_auths_and_read_from_every_generation() {
        let encoded = encode_message(BroadcastTrigger::SignOut, 1_800_000_000);
        let value: Value = serde_json::from_str(&encoded).unwrap();
        assert_eq!(
            value,
            json!({"event": "session", "data": {"trigger": "signout"}, "timestamp": 1_800_000_000u64})
        );
        assert_eq!(decode_message(&encoded), Some(BroadcastTrigger::SignOut));
        // As next-auth v4 writes it, and v2's variant.
        assert_eq!(
            decode_message(r#"{"event":"session","data":{"trigger":"getSession"},"timestamp":1}"#),
            Some(BroadcastTrigger::GetSession)
        );
        assert_eq!(
            decode_message(r#"{"event":"session","data":{"trigger":"useSessionData"}}"#),
            Some(BroadcastTrigger::GetSession)
        );
        for other in [
            "",
            "null",
            r#"{"event":"other"}"#,
            r#"{"event":"session","data":{}}"#,
        ] {
            assert_eq!(decode_message(other), None, "{other}");
        }
    }

    #[test]
    fn the_v5_channel_carries_v5s_messages_and_skips_rust_tabs() {
        // As next-auth v5 posts them.
        assert_eq!(
            decode_channel_message(r#"{"event":"session","data":{"trigger":"signout"}}"#),
            Some(BroadcastTrigger::SignOut)
        );
        assert_eq!(
            decode_channel_message(r#"{"event":"session","data":{"trigger":"getSession"}}"#),
            Some(BroadcastTrigger::GetSession)
        );
        // A Rust tab's: v5's shape, so a v5 tab refetches, but marked for Rust tabs to skip.
        let ours = encode_channel_message(BroadcastTrigger::SignOut);
        let value: Value = serde_json::from_str(&ours).unwrap();
        assert_eq!(value["event"], "session");
        assert_eq!(value["data"]["trigger"], "signout");
        assert_eq!(decode_channel_message(&ours), None);
        assert_eq!(decode_message(&ours), Some(BroadcastTrigger::SignOut));
        assert_eq!(decode_channel_message("not json"), None);
    }
}
