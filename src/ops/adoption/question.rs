//! Which posts ask a question.

/// True when the text asks something: a question mark that ends a sentence (followed by
/// a space, closing punctuation or the end), or a full-width `？` (CJK). A `?` inside a
/// word or URL (`https://x/?q=1`) is not a question.
pub fn is_question(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '？' => return true,
            '?' => match chars.peek() {
                None => return true,
                Some(next) if next.is_whitespace() || "\"'”»)*_!?".contains(*next) => {
                    return true
                }
                _ => {}
            },
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::is_question;

    #[test]
    fn detects_sentence_questions_in_several_scripts() {
        assert!(is_question("Who owns the Lyon store?"));
        assert!(is_question("¿Dónde está la reunión? Gracias"));
        assert!(is_question("会議はいつですか？"));
        assert!(is_question("Really?!"));
        assert!(is_question("**Anyone?**"));
    }

    #[test]
    fn ignores_urls_and_statements() {
        assert!(!is_question(
            "See https://intranet.example/?page=2 for details."
        ));
        assert!(!is_question("Le magasin ouvre à 9 h."));
        assert!(!is_question(""));
    }
}
