//! Errors in layers: connectors and the core return [`Error`] with a [`Kind`]; the binary
//! maps the kind to a stable exit code (see `cli.md`).

use std::fmt;

/// Process exit codes, fixed by the command-line contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success = 0,
    Failure = 1,
    Usage = 2,
    InvalidData = 3,
    SafetyLimit = 4,
    Partial = 5,
    Changes = 10,
}

/// What went wrong, as far as the caller needs to decide what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// Bad flags, unknown profile, capability an endpoint lacks.
    Usage,
    /// Input data that cannot be read: names file, line/record and field.
    InvalidData,
    /// Refused by a safety limit; nothing was changed.
    SafetyLimit,
    /// Authentication or authorization failed.
    Auth,
    /// The server or file is unreachable or answered with a failure.
    Unavailable,
    /// Too many requests; retry after a delay.
    RateLimited,
    /// The item exists already or was changed by someone else.
    Conflict,
    NotFound,
    /// Anything else that happened at run time (I/O, protocol).
    Runtime,
}

#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    pub fn invalid_data(message: impl Into<String>) -> Self {
        Self::new(Kind::InvalidData, message)
    }

    /// Invalid data at a location: `users.csv:12: field "email": not an email address`.
    pub fn invalid_at(
        file: impl fmt::Display,
        line: u64,
        field: Option<&str>,
        what: impl fmt::Display,
    ) -> Self {
        let msg = match field {
            Some(f) => format!("{file}:{line}: field \"{f}\": {what}"),
            None => format!("{file}:{line}: {what}"),
        };
        Self::new(Kind::InvalidData, one_line(msg))
    }

    pub fn runtime(message: impl Into<String>) -> Self {
        Self::new(Kind::Runtime, message)
    }

    pub fn exit_code(&self) -> ExitCode {
        match self.kind {
            Kind::Usage => ExitCode::Usage,
            Kind::InvalidData => ExitCode::InvalidData,
            Kind::SafetyLimit => ExitCode::SafetyLimit,
            _ => ExitCode::Failure,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The exit code for any error chain: the first typed [`Error`] in it decides, else 1.
pub fn exit_code_of(err: &anyhow::Error) -> ExitCode {
    err.chain()
        .find_map(|e| e.downcast_ref::<Error>())
        .map(Error::exit_code)
        .unwrap_or(ExitCode::Failure)
}

/// A located bad-input message quotes the input (a field name, a value), which may hold
/// a line break or another control character (a JSON key `"a\nb"`): escaped, the message
/// stays the one line the contract promises.
fn one_line(message: String) -> String {
    if !message.chars().any(char::is_control) {
        return message;
    }
    message
        .chars()
        .map(|c| match c {
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect()
}

pub type Result<T, E = anyhow::Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn typed_error_inside_context_decides_exit_code() {
        let err: anyhow::Error = Err::<(), _>(Error::invalid_data("bad"))
            .context("reading users")
            .unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::InvalidData);
        let io = anyhow::anyhow!("disk full");
        assert_eq!(exit_code_of(&io), ExitCode::Failure);
    }

    #[test]
    fn bad_input_quoted_in_a_message_keeps_it_one_line() {
        // Found by fuzzing (bundle_jsonl): a JSON key with an escaped line break.
        let e = Error::invalid_at("m.jsonl", 1, Some("a\nb"), "unknown field `a\nb`\t");
        assert_eq!(
            e.to_string(),
            "m.jsonl:1: field \"a\\nb\": unknown field `a\\nb`\\t"
        );
        assert_eq!(Error::runtime("a\nb").to_string(), "a\nb");
    }

    #[test]
    fn invalid_at_names_file_line_and_field() {
        let e = Error::invalid_at("users.csv", 12, Some("email"), "empty");
        assert_eq!(e.to_string(), "users.csv:12: field \"email\": empty");
    }
}
