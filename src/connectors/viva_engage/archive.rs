//! Access to a Viva Engage export as the zip Microsoft delivers or the folder it unpacks
//! to: [`crate::connectors::export_archive`], which streams entries (Messages.csv runs to
//! gigabytes), extracts nothing and refuses a zip with an unsafe entry name (zip slip) or
//! a name that is not UTF-8 (exit 3). Paths read from the CSV files (Files.csv `path`) go
//! through the same name check before use.

use crate::connectors::export_archive::{self, Archive, Format};
use crate::error::Result;
use std::path::Path;

const VIVA_ENGAGE: Format = Format {
    name: "Viva Engage export",
    zip_hint: Some("give the export zip or the folder it unpacks to"),
    root: common_folder,
};

/// Opens a folder or a zip file; a zip is checked (readable, no unsafe entry names).
pub fn open(path: &Path) -> Result<Archive> {
    Archive::open(path, &VIVA_ENGAGE)
}

/// The real name of a top-level file, matched case-insensitively (`users.csv`).
pub fn find_top(files: &[String], name: &str) -> Option<String> {
    files
        .iter()
        .find(|f| !f.contains('/') && f.eq_ignore_ascii_case(name))
        .cloned()
}

/// `folder/` when every entry is inside one folder (so no CSV sits at the top).
fn common_folder(names: &[&str]) -> String {
    export_archive::single_folder(names, |_| false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_folder_only_when_everything_is_inside() {
        assert_eq!(common_folder(&["x/Users.csv", "x/files/1.txt"]), "x/");
        assert_eq!(common_folder(&["Users.csv", "files/1.txt"]), "");
        assert_eq!(common_folder(&["x/Users.csv", "y/files/1.txt"]), "");
        assert_eq!(common_folder(&[]), "");
    }
}
