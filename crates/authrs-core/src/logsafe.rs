//! Client-influenced text on its way to the log: control characters (newlines, ESC and the
//! rest), the Unicode line and paragraph separators and the bidirectional formatting
//! characters are written as `\u{…}` escapes, so a client can neither forge a log line, nor
//! send terminal escape sequences, nor reorder what a log viewer shows.

use std::fmt;

/// Whether `c` is written as an escape.
fn escaped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Displays `T` with every control character escaped.
pub(crate) struct Escaped<T>(pub(crate) T);

impl<T: fmt::Display> fmt::Display for Escaped<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Writer<'a, 'b>(&'a mut fmt::Formatter<'b>);
        impl fmt::Write for Writer<'_, '_> {
            fn write_str(&mut self, text: &str) -> fmt::Result {
                for part in text.split_inclusive(escaped) {
                    match part.char_indices().last() {
                        Some((at, c)) if escaped(c) => {
                            self.0.write_str(&part[..at])?;
                            write!(self.0, "\\u{{{:x}}}", u32::from(c))?;
                        }
                        _ => self.0.write_str(part)?,
                    }
                }
                Ok(())
            }
        }
        fmt::write(&mut Writer(f), format_args!("{}", self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        let forged = "denied\n2026-12-06T00:00:00Z  INFO forged line \u{1b}[31mred\u{7}";
        let shown = Escaped(forged).to_string();
        assert_eq!(
            shown,
            "denied\\u{a}2026-12-06T00:00:00Z  INFO forged line \\u{1b}[31mred\\u{7}"
        );
        assert!(!shown.chars().any(char::is_control));
        assert_eq!(Escaped("plain ünïcode").to_string(), "plain ünïcode");
        let reordered = "user\u{202e}nimda\u{2028}next";
        assert_eq!(
            Escaped(reordered).to_string(),
            "user\\u{202e}nimda\\u{2028}next"
        );
    }
}
