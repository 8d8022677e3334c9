// PLACEHOLDER: shared directory-entry to canonical user mapping.
