//! Access to a Slack export as a zip file or as the folder it unpacks to.
//!
//! Layout (Slack's "How to read Slack data exports", and the tools that add file content:
//! `mattermost/mmetl` reads `__uploads/<file id>/<name>`; `rusq/slackdump` writes that or,
//! in its "standard" mode, `<channel folder>/attachments/<file id>-<name>`):
//! ```text
//! users.json | org_users.json, channels.json, groups.json, dms.json, mpims.json
//! <channel name, or id for DMs>/<YYYY-MM-DD>.json   one JSON array of messages per day
//! __uploads/<file id>/<file name>                    file content, when present
//! ```
//! A zip whose entries all sit under one folder (an unpacked export zipped again) is read
//! from inside that folder.
//!
//! Zip-or-folder access, with the entry-name check (zip slip), is
//! [`crate::connectors::export_archive`]'s; this module knows the Slack layout.

use crate::connectors::export_archive::{self, Format};
use crate::error::Result;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub use export_archive::Archive;

/// The top-level metadata files, the only `.json` files that are not day files.
pub const METADATA_FILES: &[&str] = &[
    "users.json",
    "org_users.json",
    "channels.json",
    "groups.json",
    "dms.json",
    "mpims.json",
];

const SLACK: Format = Format {
    name: "Slack export",
    zip_hint: Some("give the zip Slack produced or the folder it unpacks to"),
    root: common_folder,
};

/// Opens a folder or a zip file; a zip is checked (readable, no unsafe entry names).
pub fn open(path: &Path) -> Result<Archive> {
    Archive::open(path, &SLACK)
}

/// Lists conversations, day files and uploaded file contents.
pub fn listing(archive: &Archive) -> Result<Listing> {
    let mut listing = Listing::default();
    for rel in archive.files()? {
        listing.add(&rel);
    }
    for days in listing.days.values_mut() {
        days.sort();
    }
    Ok(listing)
}

/// What the export holds, from its file names alone.
#[derive(Debug, Default)]
pub struct Listing {
    /// Conversation folder → its day files (`2024-03-01.json`), in date order.
    pub days: BTreeMap<String, Vec<String>>,
    /// Slack file id → path of its content inside the export.
    pub uploads: HashMap<String, String>,
}

impl Listing {
    fn add(&mut self, rel: &str) {
        let parts: Vec<&str> = rel.split('/').collect();
        match parts.as_slice() {
            ["__uploads", id, name] if !id.is_empty() && !name.is_empty() => {
                self.uploads
                    .entry(id.to_string())
                    .or_insert_with(|| rel.to_string());
            }
            [_, "attachments", leaf] => {
                if let Some((id, _)) = leaf.split_once('-').filter(|(id, _)| !id.is_empty()) {
                    self.uploads
                        .entry(id.to_string())
                        .or_insert_with(|| rel.to_string());
                }
            }
            [folder, day] if day.ends_with(".json") && !folder.starts_with("__") => {
                self.days
                    .entry(folder.to_string())
                    .or_default()
                    .push(day.to_string());
            }
            _ => {}
        }
    }
}

/// `folder/` when every entry is inside one folder that holds the metadata files.
fn common_folder(names: &[&str]) -> String {
    if names.iter().any(|n| METADATA_FILES.contains(n)) {
        return String::new();
    }
    // macOS adds `__MACOSX/` resource forks beside the folder it zips.
    export_archive::single_folder(names, |n| n.starts_with("__MACOSX/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_sorts_days_and_finds_uploads() {
        let mut l = Listing::default();
        for n in [
            "général/2024-03-02.json",
            "général/2024-03-01.json",
            "__uploads/F1/plan été.pdf",
            "D01/attachments/F2-note.txt",
            "users.json",
        ] {
            l.add(n);
        }
        l.days.values_mut().for_each(|d| d.sort());
        assert_eq!(l.days["général"], ["2024-03-01.json", "2024-03-02.json"]);
        assert_eq!(l.uploads["F1"], "__uploads/F1/plan été.pdf");
        assert_eq!(l.uploads["F2"], "D01/attachments/F2-note.txt");
        assert_eq!(l.days.len(), 1);
    }

    #[test]
    fn common_folder_only_when_metadata_is_inside() {
        assert_eq!(common_folder(&["x/users.json", "x/a/1.json"]), "x/");
        assert_eq!(common_folder(&["users.json", "a/1.json"]), "");
        assert_eq!(
            common_folder(&["__MACOSX/x/._users.json", "x/users.json"]),
            "x/"
        );
    }
}
