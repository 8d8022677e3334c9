//! The copy in progress: users and messages go to temporary files as they arrive (one
//! message file open at a time, since readers deliver posts community by community);
//! `finish` writes channels.csv and zips everything into the destination atomically.

use super::names::{rewrite_mention, Names};
use crate::connectors::WriteOutcome;
use crate::core::model::{Community, Membership, Post, User, Visibility};
use crate::error::{Error, Result};
use anyhow::Context;
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

struct Channel {
    name: String,
    private: bool,
    dm: bool,
    creator: String,
    members: Vec<String>,
}

pub struct Spool {
    dir: tempfile::TempDir,
    users_csv: csv::Writer<BufWriter<File>>,
    user_names: Names,
    channel_names: Names,
    /// Canonical user key → Rocket.Chat username.
    usernames: HashMap<String, String>,
    /// Canonical community key → channel.
    channels: HashMap<String, Channel>,
    /// Community keys in arrival order (channels.csv keeps it).
    order: Vec<String>,
    /// The message file being appended to, by its path inside the zip.
    open: Option<(String, csv::Writer<BufWriter<File>>)>,
    /// Zip paths of the message files, in creation order.
    message_files: Vec<String>,
    pub flattened_replies: u64,
    pub synthetic_emails: u64,
}

fn csv_writer(file: File) -> csv::Writer<BufWriter<File>> {
    // RFC 4180 quoting, which the importer's `csv-parse` reads; no header row, since
    // the importer reads every row as data.
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(BufWriter::new(file))
}

impl Spool {
    pub fn new(dest: &Path) -> Result<Spool> {
        let parent = dest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = tempfile::Builder::new()
            .prefix(".esnctl-rocketchat-")
            .tempdir_in(parent)
            .with_context(|| format!("cannot create a temporary folder in {}", parent.display()))?;
        let users = File::create(dir.path().join("users.csv")).context("cannot spool users")?;
        Ok(Spool {
            users_csv: csv_writer(users),
            dir,
            user_names: Names::default(),
            channel_names: Names::default(),
            usernames: HashMap::new(),
            channels: HashMap::new(),
            order: Vec::new(),
            open: None,
            message_files: Vec::new(),
            flattened_replies: 0,
            synthetic_emails: 0,
        })
    }

    /// The username of a user key; keys never written as users (mapped elsewhere, or
    /// already on the server) are folded the same way.
    fn username(&mut self, key: &str) -> String {
        if let Some(n) = self.usernames.get(key) {
            return n.clone();
        }
        let n = self.user_names.allocate(key, "user");
        self.usernames.insert(key.to_string(), n.clone());
        n
    }

    pub fn user(&mut self, u: &User) -> Result<WriteOutcome> {
        let name = self.username(&u.key);
        // The importer matches users by email first: an empty one would merge every
        // user without email into one account. `.invalid` (RFC 2606) never delivers.
        let email = match &u.email {
            Some(e) => e.clone(),
            None => {
                self.synthetic_emails += 1;
                format!("{name}@no-email.invalid")
            }
        };
        let display = u.display_name.clone().unwrap_or_else(|| u.key.clone());
        self.users_csv
            .write_record([name.as_str(), email.as_str(), display.as_str()])
            .context("cannot spool users")?;
        Ok(WriteOutcome::Written(name))
    }

    pub fn community(&mut self, c: &Community) -> Result<WriteOutcome> {
        if self.channels.contains_key(&c.key) {
            return Ok(WriteOutcome::Written(self.channels[&c.key].name.clone()));
        }
        let name = self.channel_names.allocate(&c.key, "channel");
        let creator = match c.owners.first() {
            Some(o) => self.username(o),
            None => String::new(),
        };
        let dm = c.extra.get("kind").is_some_and(|k| k == "dm");
        self.channels.insert(
            c.key.clone(),
            Channel {
                name: name.clone(),
                private: c.visibility != Visibility::Public,
                dm,
                creator,
                members: Vec::new(),
            },
        );
        self.order.push(c.key.clone());
        Ok(WriteOutcome::Written(name))
    }

    pub fn membership(&mut self, m: &Membership) -> Result<WriteOutcome> {
        let user = self.username(&m.user);
        let Some(ch) = self.channels.get_mut(&m.community) else {
            return Ok(WriteOutcome::Failed(format!(
                "membership of \"{}\": community \"{}\" was not written",
                m.user, m.community
            )));
        };
        if !ch.members.contains(&user) {
            ch.members.push(user.clone());
        }
        Ok(WriteOutcome::Written(format!("{}/{user}", ch.name)))
    }

    pub fn post(&mut self, p: &Post) -> Result<WriteOutcome> {
        let author = self.username(&p.author);
        let mut body = p.body.clone();
        for key in &p.mentions {
            let name = self.username(key);
            body = rewrite_mention(&body, key, &name);
        }
        let Some(ch) = self.channels.get(&p.community) else {
            return Ok(WriteOutcome::Failed(format!(
                "post {}: community \"{}\" was not written",
                p.id, p.community
            )));
        };
        let ts = p.created_at.as_millisecond().to_string();
        // Only two-person conversations are direct messages for the importer; others
        // stay private channels.
        let direct = ch.dm && ch.members.len() == 2;
        let (path, row) = if direct {
            let other = ch
                .members
                .iter()
                .find(|m| **m != author)
                .cloned()
                .unwrap_or_else(|| author.clone());
            (
                format!("directmessages/{}.csv", ch.name),
                vec![author, other, ts, body],
            )
        } else {
            (format!("{}/messages.csv", ch.name), vec![author, ts, body])
        };
        if p.is_reply() {
            self.flattened_replies += 1;
        }
        self.writer_for(&path)?
            .write_record(&row)
            .context("cannot spool messages")?;
        Ok(WriteOutcome::Written(p.id.clone()))
    }

    fn writer_for(&mut self, path: &str) -> Result<&mut csv::Writer<BufWriter<File>>> {
        if self.open.as_ref().is_none_or(|(p, _)| p != path) {
            if let Some((_, mut w)) = self.open.take() {
                w.flush().context("cannot spool messages")?;
            }
            let local = self.dir.path().join(path);
            if let Some(parent) = local.parent() {
                std::fs::create_dir_all(parent).context("cannot spool messages")?;
            }
            if !local.exists() {
                self.message_files.push(path.to_string());
            }
            let f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&local)
                .context("cannot spool messages")?;
            self.open = Some((path.to_string(), csv_writer(f)));
        }
        Ok(&mut self.open.as_mut().expect("opened above").1)
    }

    /// channels.csv, then the zip, written beside `dest` and renamed over it.
    pub fn finish(mut self, dest: &Path) -> Result<()> {
        if let Some((_, mut w)) = self.open.take() {
            w.flush().context("cannot spool messages")?;
        }
        self.users_csv.flush().context("cannot spool users")?;
        let mut channels = csv_writer(File::create(self.dir.path().join("channels.csv"))?);
        for key in &self.order {
            let ch = &self.channels[key];
            if ch.dm && ch.members.len() == 2 {
                continue; // created by the importer from directmessages/
            }
            let visibility = if ch.private { "private" } else { "public" };
            channels
                .write_record([
                    ch.name.as_str(),
                    ch.creator.as_str(),
                    visibility,
                    ch.members.join(";").as_str(),
                ])
                .context("cannot spool channels")?;
        }
        channels.flush().context("cannot spool channels")?;
        drop(channels);

        let tmp = self.dir.path().join("out.zip");
        let file = File::create(&tmp).context("cannot create the zip")?;
        let mut zip = zip::ZipWriter::new(BufWriter::new(file));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(false);
        let mut entries = vec!["users.csv".to_string(), "channels.csv".to_string()];
        entries.extend(self.message_files.iter().cloned());
        for name in &entries {
            let local: PathBuf = self.dir.path().join(name);
            let size = std::fs::metadata(&local).map(|m| m.len()).unwrap_or(0);
            let opts = if size >= u32::MAX as u64 {
                options.large_file(true)
            } else {
                options
            };
            zip.start_file(name.as_str(), opts)
                .with_context(|| format!("cannot write {name} into the zip"))?;
            let mut src = File::open(&local).with_context(|| format!("cannot read {name}"))?;
            std::io::copy(&mut src, &mut zip)
                .with_context(|| format!("cannot write {name} into the zip"))?;
        }
        let mut out = zip.finish().context("cannot finish the zip")?;
        out.flush().context("cannot finish the zip")?;
        out.get_ref().sync_all().context("cannot sync the zip")?;
        drop(out);
        std::fs::rename(&tmp, dest).map_err(|e| {
            Error::runtime(format!("cannot move the zip to {}: {e}", dest.display()))
        })?;
        Ok(())
    }
}
