//! The session a server writes into a page, for the front end to start from with no request
//! and no loading state (the seed's `<Provider session={session}>`).
//!
//! The page carries `<script type="application/json" id="authrs-session">…</script>` with the
//! session as `/session` describes it, or `null` when signed out. The `authrs` server writes it
//! into its `static_dir` app's page; authrs-leptos' `session_from_document` reads it; any other
//! server render can write it with [`seed_script`].

use crate::Session;

/// The id of the element that holds the session.
pub const SEED_ELEMENT_ID: &str = "authrs-session";

/// The `<script>` element holding `session` (`None`: signed out). The JSON is escaped for a
/// script element (`<`, `>`, `&` and the two JavaScript line separators as `\uXXXX`), so no
/// value in a session can end the element or start markup.
pub fn seed_script(session: Option<&Session>) -> String {
    // A `Session` always serialises: its only map has string keys.
    let json = serde_json::to_string(&session).unwrap_or_else(|_| "null".to_owned());
    let mut script = format!(r#"<script type="application/json" id="{SEED_ELEMENT_ID}">"#);
    for c in json.chars() {
        match c {
            '<' => script.push_str("\\u003c"),
            '>' => script.push_str("\\u003e"),
            '&' => script.push_str("\\u0026"),
            '\u{2028}' => script.push_str("\\u2028"),
            '\u{2029}' => script.push_str("\\u2029"),
            c => script.push(c),
        }
    }
    script.push_str("</script>");
    script
}

/// Reads the element's text: `Some(None)` when it says signed out (`null` or `{}`), `None`
/// when it is empty or not a session (then the front end fetches).
pub fn parse_seed(text: &str) -> Option<Option<Session>> {
    match serde_json::from_str::<serde_json::Value>(text.trim()).ok()? {
        serde_json::Value::Null => Some(None),
        serde_json::Value::Object(map) if map.is_empty() => Some(None),
        value => serde_json::from_value(value).ok().map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(name: &str) -> Session {
        serde_json::from_value(serde_json::json!({
            "user": {"email": "ada@example.com", "name": name},
            "expires": "2026-12-29T00:00:00.000Z"
        }))
        .unwrap()
    }

    /// The element's text, as a browser's `textContent` gives it.
    fn text_of(script: &str) -> &str {
        let start = script.find('>').unwrap() + 1;
        &script[start..script.len() - "</script>".len()]
    }

    #[test]
    fn nothing_in_a_session_can_end_the_script_element() {
        let hostile = session("</script><script>alert(1)</script>&\u{2028}<!--");
        let script = seed_script(Some(&hostile));
        let text = text_of(&script);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        assert!(!text.contains('\u{2028}'));
        assert_eq!(
            parse_seed(text),
            Some(Some(hostile)),
            "still the same session"
        );
    }

    #[test]
    fn seeds_read_back() {
        assert_eq!(
            seed_script(None),
            r#"<script type="application/json" id="authrs-session">null</script>"#
        );
        assert_eq!(parse_seed(text_of(&seed_script(None))), Some(None));
        assert_eq!(parse_seed(" {} "), Some(None));
        let ada = session("Ada");
        assert_eq!(
            parse_seed(text_of(&seed_script(Some(&ada)))),
            Some(Some(ada))
        );
        for unusable in ["", "<!-- authrs:session -->", "[1]", r#"{"user":3}"#] {
            assert_eq!(parse_seed(unusable), None, "{unusable}");
        }
    }
}
