//! Client-influenced text on its way to the log: control characters (newlines, ESC and the
//! rest) are written as `\u{…}` escapes, so a client can neither forge a log line nor send
//! terminal escape sequences to whoever reads the log.

use std::fmt;

/// Displays `T` with every control character escaped.
pub(crate) struct Escaped<T>(pub(crate) T);

impl<T: fmt::Display> fmt::Display for Escaped<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Writer<'a, 'b>(&'a mut fmt::Formatter<'b>);
        impl fmt::Write for Writer<'_, '_> {
            fn write_str(&mut self, text: &str) -> fmt::Result {
                for part in text.split_inclusive(char::is_control) {
                    match part.char_indices().last() {
                        Some((at, c)) if c.is_control() => {
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
    }
}
