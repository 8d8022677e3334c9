//! One LDAP session: connect (LDAPS or StartTLS, certificate checked), simple bind, root
//! DSE, and paged searches streamed entry by entry. Every failure becomes one line that
//! names the server and what to check; the password never appears in any of them.

use super::settings::Settings;
use crate::connectors::directory::{DirEntry, Flavor};
use crate::error::{Error, Kind, Result};
use ldap3::controls::PagedResults;
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError, LdapResult, Scope, SearchStream};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Arc, Once};

/// RFC 2696 page size; also Active Directory's default MaxPageSize.
pub const PAGE_SIZE: i32 = 1000;
const OID_PAGED_RESULTS: &str = "1.2.840.113556.1.4.319";
/// `supportedCapabilities` value of every Active Directory domain controller.
const OID_AD_CAPABILITY: &str = "1.2.840.113556.1.4.800";

/// What the root DSE says about the server.
#[derive(Debug, Clone, Default)]
pub struct RootDse {
    pub active_directory: bool,
    pub paged_results: bool,
    /// `defaultNamingContext` (AD), else the only `namingContexts` value.
    pub default_base: Option<String>,
    pub vendor: Option<String>,
}

pub struct Session {
    ldap: Ldap,
    settings: Arc<Settings>,
    pub root: RootDse,
}

/// Who binds: `None` for an anonymous session.
pub struct Credentials {
    pub dn: String,
    pub password: SecretString,
}

/// rustls needs one process-wide crypto provider; reqwest uses the same (aws-lc-rs).
fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Err means another part of the program installed one first: that one is used.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}

fn tls_config(settings: &Settings) -> Result<Option<Arc<rustls::ClientConfig>>> {
    let Some(path) = &settings.ca_file else {
        return Ok(None); // ldap3 then trusts the system's root certificates.
    };
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .and_then(|it| it.collect::<std::result::Result<_, _>>())
        .map_err(|e| {
            Error::usage(format!(
                "ca_file {}: cannot read PEM certificates: {e}",
                path.display()
            ))
        })?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs {
        roots.add(cert).map_err(|e| {
            Error::usage(format!(
                "ca_file {}: unusable certificate: {e}",
                path.display()
            ))
        })?;
    }
    if roots.is_empty() {
        return Err(Error::usage(format!(
            "ca_file {}: no certificate found (expected PEM)",
            path.display()
        ))
        .into());
    }
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Some(Arc::new(config)))
}

impl Session {
    /// Connects, binds (when credentials are given) and reads the root DSE.
    pub async fn open(settings: Arc<Settings>, creds: Option<&Credentials>) -> Result<Session> {
        install_crypto_provider();
        let mut conn_settings = LdapConnSettings::new()
            .set_conn_timeout(settings.connect_timeout)
            .set_starttls(settings.starttls);
        if let Some(config) = tls_config(&settings)? {
            conn_settings = conn_settings.set_config(config);
        }
        let server = settings.server.clone();
        let connect = LdapConnAsync::with_settings(conn_settings, &settings.server_url);
        // The TCP connect has its own timeout; this one also bounds TLS and StartTLS.
        let (conn, mut ldap) = tokio::time::timeout(settings.connect_timeout, connect)
            .await
            .map_err(|_| {
                Error::new(
                    Kind::Unavailable,
                    format!(
                        "LDAP server {server} did not answer within {} s (connect_timeout)",
                        settings.connect_timeout.as_secs()
                    ),
                )
            })?
            .map_err(|e| connect_error(&settings, e))?;
        ldap3::drive!(conn);

        if let Some(creds) = creds {
            if !settings.uses_tls() && !is_loopback(&settings.server) {
                tracing::warn!(
                    "{server}: the bind password is sent unencrypted; use ldaps:// or starttls = true"
                );
            }
            let res = ldap
                .with_timeout(settings.timeout)
                .simple_bind(&creds.dn, creds.password.expose_secret())
                .await
                .map_err(|e| op_error(&settings, "bind", e))?;
            if res.rc != 0 {
                return Err(bind_error(&settings, &creds.dn, &res).into());
            }
        }
        let mut session = Session {
            ldap,
            settings,
            root: RootDse::default(),
        };
        session.root = session.read_root_dse().await?;
        Ok(session)
    }

    async fn read_root_dse(&mut self) -> Result<RootDse> {
        let attrs = [
            "supportedCapabilities",
            "supportedControl",
            "namingContexts",
            "defaultNamingContext",
            "vendorName",
        ];
        let result = self
            .ldap
            .with_timeout(self.settings.timeout)
            .search("", Scope::Base, "(objectClass=*)", attrs.to_vec())
            .await
            .map_err(|e| op_error(&self.settings, "reading the root DSE", e))?;
        // A hidden root DSE is not fatal: the searches that follow will tell.
        let entries = if result.1.rc == 0 {
            result.0
        } else {
            Vec::new()
        };
        let Some(entry) = entries.into_iter().next() else {
            // Some servers hide the root DSE: assume the common case, let searches tell.
            return Ok(RootDse {
                paged_results: true,
                ..RootDse::default()
            });
        };
        let e = DirEntry::from(entry);
        let has =
            |attr: &str, oid: &str| e.get(attr).iter().any(|v| v.as_slice() == oid.as_bytes());
        let contexts: Vec<&str> = e
            .get("namingContexts")
            .iter()
            .filter_map(|v| std::str::from_utf8(v).ok())
            .collect();
        Ok(RootDse {
            active_directory: has("supportedCapabilities", OID_AD_CAPABILITY),
            paged_results: has("supportedControl", OID_PAGED_RESULTS),
            default_base: e
                .first_str("defaultNamingContext")
                .map(str::to_string)
                .or_else(|| (contexts.len() == 1).then(|| contexts[0].to_string())),
            vendor: e.first_str("vendorName").map(str::to_string),
        })
    }

    pub fn detected_flavor(&self) -> Flavor {
        if self.root.active_directory {
            Flavor::ActiveDirectory
        } else {
            Flavor::OpenLdap
        }
    }

    /// The base DN: the profile's or the URL's, else the server's naming context.
    pub fn base_dn(&self) -> Result<String> {
        self.settings
            .base_dn
            .clone()
            .or_else(|| self.root.default_base.clone())
            .ok_or_else(|| {
                Error::usage(format!(
                    "{}: no base DN in the URL or profile (base_dn), and the server does not \
                     name a single naming context",
                    self.settings.server
                ))
                .into()
            })
    }

    /// Runs a search, paged when the server supports it, and hands each entry to `each`
    /// as soon as it arrives. Returns the number of entries. A referral, a size or time
    /// limit or any other non-success result is an error: a partial result must never be
    /// taken for the whole directory.
    pub async fn search_each(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[String],
        mut each: impl FnMut(DirEntry) -> Result<()>,
    ) -> Result<u64> {
        self.search(base, scope, filter, attrs).run(&mut each).await
    }

    /// [`search_each`](Self::search_each) on a task of its own, which hands `state` to
    /// `each` with every entry and gives it back at the end.
    ///
    /// For large reads: woken by ldap3's connection task, this task runs on the same
    /// thread right after it, so an entry is mapped where it was parsed. Mapped on the
    /// caller's thread instead, each entry cost a wake-up of that thread (80,000 context
    /// switches for 100k entries), and every parsed value was freed across threads.
    pub async fn search_apart<S: Send + 'static>(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[String],
        mut state: S,
        each: fn(&mut S, DirEntry) -> Result<()>,
    ) -> Result<(u64, S)> {
        let search = self.search(base, scope, filter, attrs);
        let task = tokio::spawn(async move {
            let read = search.run(&mut |e| each(&mut state, e)).await;
            read.map(|count| (count, state))
        });
        match task.await {
            Ok(read) => read,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(Error::runtime(format!(
                "{}: searching {base} for {filter}: {e}",
                self.settings.server
            ))
            .into()),
        }
    }

    fn search(&self, base: &str, scope: Scope, filter: &str, attrs: &[String]) -> Search {
        Search {
            ldap: self.ldap.clone(),
            settings: self.settings.clone(),
            paged: self.root.paged_results,
            base: base.to_string(),
            scope,
            filter: filter.to_string(),
            attrs: attrs.to_vec(),
        }
    }

    /// Reads one entry (base scope); `None` when it does not exist.
    pub async fn read_entry(&mut self, dn: &str, attrs: &[String]) -> Result<Option<DirEntry>> {
        let res = self
            .ldap
            .with_timeout(self.settings.timeout)
            .search(dn, Scope::Base, "(objectClass=*)", attrs.to_vec())
            .await
            .map_err(|e| op_error(&self.settings, &format!("reading {dn}"), e))?;
        if res.1.rc == 32 {
            return Ok(None);
        }
        check_result(&self.settings, dn, &res.1)?;
        Ok(res.0.into_iter().next().map(DirEntry::from))
    }

    pub async fn close(mut self) {
        let _ = self.ldap.unbind().await;
    }
}

/// One search, with all it needs owned: it can run on a task of its own.
struct Search {
    ldap: Ldap,
    settings: Arc<Settings>,
    paged: bool,
    base: String,
    scope: Scope,
    filter: String,
    attrs: Vec<String>,
}

impl Search {
    /// See [`Session::search_each`]. Paging is done here rather than by ldap3's adapters
    /// (`PagedResults`, `EntriesOnly`): each adapter costs a lock and a boxed future per
    /// entry, and this loop does what they did.
    async fn run(mut self, each: &mut impl FnMut(DirEntry) -> Result<()>) -> Result<u64> {
        let what = format!("searching {} for {}", self.base, self.filter);
        let mut stream = self
            .start_page(self.paged.then(Vec::new))
            .await
            .map_err(|e| op_error(&self.settings, &what, e))?;
        // Continuation references of every page: one anywhere is a referral.
        let mut refs = Vec::new();
        let mut count = 0u64;
        loop {
            loop {
                match stream.next().await {
                    Ok(Some(entry)) if entry.is_intermediate() => {}
                    Ok(Some(entry)) if entry.is_ref() => refs.extend(ldap3::parse_refs(entry.0)),
                    Ok(Some(entry)) => {
                        count += 1;
                        each(DirEntry::from(entry))?;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = stream.finish().await;
                        return Err(op_error(&self.settings, &what, e).into());
                    }
                }
            }
            let mut res = stream.finish().await;
            match next_cookie(&mut res).filter(|_| self.paged && res.rc == 0) {
                Some(cookie) => {
                    stream = self
                        .start_page(Some(cookie))
                        .await
                        .map_err(|e| op_error(&self.settings, &what, e))?;
                }
                None => {
                    res.refs.append(&mut refs);
                    check_result(&self.settings, &self.base, &res)?;
                    return Ok(count);
                }
            }
        }
    }

    /// Sends the search for one page: `cookie` is empty for the first page and `None`
    /// when the server does not page.
    async fn start_page(
        &mut self,
        cookie: Option<Vec<u8>>,
    ) -> ldap3::result::Result<SearchStream<'static, String, Vec<String>>> {
        let ldap = self.ldap.with_timeout(self.settings.timeout);
        if let Some(cookie) = cookie {
            ldap.with_controls(PagedResults {
                size: PAGE_SIZE,
                cookie,
            });
        }
        ldap.streaming_search(&self.base, self.scope, &self.filter, self.attrs.clone())
            .await
    }
}

/// Active Directory answers a search at the domain root with continuation references to
/// its DNS and configuration partitions, which hold no people: those are not a referral
/// to follow. Any other reference means part of the tree lives elsewhere.
fn is_ad_partition_reference(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    [
        "/dc=domaindnszones,",
        "/dc=forestdnszones,",
        "/cn=configuration,",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

/// The cookie of the answer's paged-results control, removed from the result; `None` when
/// there is no further page.
fn next_cookie(res: &mut LdapResult) -> Option<Vec<u8>> {
    use ldap3::controls::{Control, ControlType, PagedResults};
    let at = res.ctrls.iter().position(
        |c| matches!(c, Control(Some(ControlType::PagedResults), raw) if raw.val.is_some()),
    )?;
    let Control(_, raw) = res.ctrls.remove(at);
    Some(raw.parse::<PagedResults>().cookie).filter(|c| !c.is_empty())
}

fn check_result(settings: &Settings, base: &str, res: &LdapResult) -> Result<()> {
    let server = &settings.server;
    let refs: Vec<&String> = res
        .refs
        .iter()
        .filter(|r| !is_ad_partition_reference(r))
        .collect();
    let msg = match res.rc {
        0 if refs.is_empty() => return Ok(()),
        0 | 10 => format!(
            "{server}: the search under \"{base}\" returned a referral to {}: esnctl does not \
             follow referrals (part of the directory would be missing); point the URL at that \
             server or narrow base_dn",
            refs.first()
                .map_or("another server".to_string(), |r| format!("\"{r}\""))
        ),
        32 => format!(
            "{server}: no such base DN \"{base}\" (rc=32); check the URL's base DN or base_dn{}",
            if res.matched.is_empty() {
                String::new()
            } else {
                format!(" (the server has \"{}\")", res.matched)
            }
        ),
        4 => format!(
            "{server}: size limit exceeded under \"{base}\" (rc=4): the server stopped the search \
             before the end; nothing was changed"
        ),
        3 => format!(
            "{server}: time limit exceeded under \"{base}\" (rc=3): the server stopped the search \
             before the end; nothing was changed"
        ),
        11 => format!(
            "{server}: administrative limit exceeded under \"{base}\" (rc=11): {}",
            one_line(&res.text)
        ),
        50 => format!(
            "{server}: insufficient access rights to search \"{base}\" (rc=50); check the bind \
             DN's permissions"
        ),
        rc => format!(
            "{server}: search under \"{base}\" failed: rc={rc} {}",
            one_line(&res.text)
        ),
    };
    let kind = if res.rc == 50 {
        Kind::Auth
    } else {
        Kind::Unavailable
    };
    Err(Error::new(kind, msg).into())
}

fn bind_error(settings: &Settings, dn: &str, res: &LdapResult) -> Error {
    let server = &settings.server;
    match res.rc {
        49 => Error::new(
            Kind::Auth,
            format!(
                "{server}: bind as \"{dn}\" refused: invalid credentials (rc=49); check bind_dn \
                 and the password (password_env or ESNCTL_LDAP_PASSWORD)"
            ),
        ),
        13 => Error::new(
            Kind::Auth,
            format!("{server}: the server requires TLS to bind (rc=13); use ldaps:// or starttls = true"),
        ),
        rc => Error::new(
            Kind::Auth,
            format!("{server}: bind as \"{dn}\" failed: rc={rc} {}", one_line(&res.text)),
        ),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_loopback(server: &str) -> bool {
    let host = server.rsplit_once(':').map_or(server, |(h, _)| h);
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The TLS error inside an I/O error, if that is what it is.
fn tls_cause(e: &std::io::Error) -> Option<&rustls::Error> {
    e.get_ref()?.downcast_ref::<rustls::Error>()
}

fn tls_message(settings: &Settings, e: &rustls::Error) -> Error {
    use rustls::{CertificateError, Error as T};
    let server = &settings.server;
    let how = if settings.starttls { "StartTLS" } else { "TLS" };
    let why = match e {
        T::InvalidCertificate(CertificateError::UnknownIssuer) => format!(
            "the server's certificate is signed by an unknown CA{}",
            if settings.ca_file.is_some() {
                " (not the one in ca_file)"
            } else {
                "; set ca_file to the directory's CA certificate"
            }
        ),
        T::InvalidCertificate(CertificateError::NotValidForName)
        | T::InvalidCertificate(CertificateError::NotValidForNameContext { .. }) => {
            "the server's certificate does not name this host".to_string()
        }
        T::InvalidCertificate(CertificateError::Expired)
        | T::InvalidCertificate(CertificateError::ExpiredContext { .. }) => {
            "the server's certificate has expired".to_string()
        }
        other => other.to_string(),
    };
    Error::new(
        Kind::Unavailable,
        format!("{server}: {how} handshake failed: {why}"),
    )
}

fn connect_error(settings: &Settings, e: LdapError) -> Error {
    let server = &settings.server;
    match &e {
        LdapError::Io { source } => {
            if let Some(tls) = tls_cause(source) {
                return tls_message(settings, tls);
            }
            use std::io::ErrorKind as K;
            let why = match source.kind() {
                K::ConnectionRefused => "connection refused".to_string(),
                K::TimedOut => format!(
                    "no answer within {} s (connect_timeout)",
                    settings.connect_timeout.as_secs()
                ),
                K::UnexpectedEof | K::ConnectionReset if settings.ldaps => {
                    "the connection was closed during the TLS handshake (is this an LDAPS port?)"
                        .to_string()
                }
                _ => source.to_string(),
            };
            Error::new(
                Kind::Unavailable,
                format!("cannot reach LDAP server {server}: {why}"),
            )
        }
        LdapError::Timeout { .. } => Error::new(
            Kind::Unavailable,
            format!(
                "cannot reach LDAP server {server}: no answer within {} s (connect_timeout)",
                settings.connect_timeout.as_secs()
            ),
        ),
        LdapError::Rustls { source } => tls_message(settings, source),
        LdapError::DNSName { .. } => Error::usage(format!(
            "{server}: the host name is not valid for TLS certificate checks"
        )),
        LdapError::LdapResult { result } if settings.starttls => Error::new(
            Kind::Unavailable,
            format!(
                "{server}: StartTLS refused by the server: rc={} {}",
                result.rc,
                one_line(&result.text)
            ),
        ),
        _ => Error::new(
            Kind::Unavailable,
            format!("cannot reach LDAP server {server}: {e}"),
        ),
    }
}

fn op_error(settings: &Settings, what: &str, e: LdapError) -> Error {
    let server = &settings.server;
    match e {
        LdapError::Timeout { .. } => Error::new(
            Kind::Unavailable,
            format!(
                "{server}: {what}: no answer within {} s (timeout); nothing was changed",
                settings.timeout.as_secs()
            ),
        ),
        LdapError::LdapResult { result } => match check_result(settings, what, &result) {
            Err(err) => match err.downcast::<Error>() {
                Ok(e) => e,
                Err(other) => Error::runtime(other.to_string()),
            },
            Ok(()) => Error::runtime(format!("{server}: {what}: unexpected result")),
        },
        LdapError::FilterParsing => Error::usage(format!(
            "{server}: {what}: the filter is not valid (RFC 4515)"
        )),
        LdapError::Io { source } => Error::new(
            Kind::Unavailable,
            format!("{server}: {what}: connection lost: {source}"),
        ),
        other => Error::new(Kind::Unavailable, format!("{server}: {what}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ad_partition_references_are_not_referrals() {
        assert!(is_ad_partition_reference(
            "ldap://ForestDnsZones.corp.example/DC=ForestDnsZones,DC=corp,DC=example"
        ));
        assert!(is_ad_partition_reference(
            "ldap://corp.example/CN=Configuration,DC=corp,DC=example"
        ));
        assert!(!is_ad_partition_reference(
            "ldap://emea.corp.example/DC=emea,DC=corp,DC=example"
        ));
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("127.0.0.1:389"));
        assert!(is_loopback("[::1]:389"));
        assert!(is_loopback("localhost:389"));
        assert!(!is_loopback("dc1.corp:636"));
    }
}
