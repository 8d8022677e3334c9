//! Naming the field a serde_json error is about in one JSONL line. Mattermost nests every
//! record (`{"type":"user","user":{"username":…}}`), so the field is given as a dotted
//! path (`user.username`, `post.replies[2].message`).

/// `(field path, description)` for an error in `line`; the path is `None` when the error
/// is not about one value (syntax) or cannot be placed.
pub fn describe(line: &str, err: &serde_json::Error) -> (Option<String>, String) {
    let full = err.to_string();
    let what = match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    };
    if err.classify() != serde_json::error::Category::Data || err.line() != 1 {
        return (
            None,
            format!("invalid JSON: {what} (column {})", err.column()),
        );
    }
    // serde_json stops on (or just before) the offending value: its column as an index
    // reaches the start of that value. "missing field" errors point at the object's end,
    // where the path is the object's own.
    (path_at(line.as_bytes(), err.column()), what)
}

enum Frame {
    /// Inside an object: the key whose value comes next (or is being read).
    Object(Option<String>),
    /// Inside an array: the index of the current element.
    Array(usize),
}

/// The path of the innermost value that starts before `offset`.
fn path_at(s: &[u8], offset: usize) -> Option<String> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let end = offset.min(s.len());
    let mut expect_key = false;
    while i < end {
        match s[i] {
            b'{' => {
                stack.push(Frame::Object(None));
                expect_key = true;
            }
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object(_)) => expect_key = true,
                None => {}
            },
            b'"' => {
                let close = string_end(s, i)?;
                if expect_key {
                    let key = serde_json::from_slice::<String>(&s[i..=close]).ok()?;
                    if let Some(Frame::Object(k)) = stack.last_mut() {
                        *k = Some(key);
                    }
                    expect_key = false;
                }
                i = close;
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(k)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object(None) => {}
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    (!path.is_empty()).then_some(path)
}

/// The index of the quote closing the string that opens at `start`.
fn string_end(s: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(line: &str) -> Option<String> {
        let err = serde_json::from_str::<super::super::wire::Line>(line).unwrap_err();
        describe(line, &err).0
    }

    #[test]
    fn names_the_nested_field() {
        assert_eq!(
            field(r#"{"type":"user","user":{"username":42,"email":"b@x"}}"#).as_deref(),
            Some("user.username")
        );
        assert_eq!(
            field(r#"{"type":"user","user":{"username":"a\"}","email":["x"]}}"#).as_deref(),
            Some("user.email")
        );
    }

    #[test]
    fn syntax_errors_have_no_field() {
        let line = r#"{"type":"user","user":{"username":"a""#;
        let err = serde_json::from_str::<serde_json::Value>(line).unwrap_err();
        let (f, what) = describe(line, &err);
        assert_eq!(f, None);
        assert!(what.starts_with("invalid JSON: "), "{what}");
    }
}
