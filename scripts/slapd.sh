#!/usr/bin/env bash
# Private OpenLDAP (Debian slapd) instance for esnctl's integration tests.
#
#   scripts/slapd.sh start [NAME]   install slapd if needed, (re)create the instance from the
#                                   fixtures, start it, print its env lines (idempotent: when it
#                                   is already running, only prints them)
#   scripts/slapd.sh stop [NAME]    SIGTERM, wait, SIGKILL after 20 s
#   scripts/slapd.sh env [NAME]     print the env lines of a running instance (exit 1 if none)
#   scripts/slapd.sh status [NAME]  exit 0 if running, 1 if not
#
# NAME defaults to "test"; everything lives in target/services/slapd-NAME/ (config, data,
# TLS material, slapd.log, env). Every start wipes the data and reloads the fixtures, and
# draws new passwords and a new CA: tests always begin from the same directory content.
#
# Env lines (stdout and target/services/slapd-NAME/env, plain KEY=VALUE):
#   LDAP_URL LDAPS_URL LDAP_BASE_DN LDAP_ADMIN_DN LDAP_ADMIN_PASSWORD
#   LDAP_BIND_DN LDAP_BIND_PASSWORD LDAP_CA_FILE LDAP_PID
# Use:  set -a; eval "$(scripts/slapd.sh start)"; set +a   (set -a: exported to children)
#   or  set -a; . target/services/slapd-test/env; set +a
#
# Knobs: SLAPD_FIXTURES="a.ldif b.ldif" (extra LDIF loaded after the standard fixtures;
# separated by spaces or colons), SLAPD_MAXSIZE (mdb map size in bytes, default 1 GiB),
# SLAPD_DEBUG (slapd -d level written to slapd.log, default "stats"),
# ESNCTL_SERVICES_DIR (default <repo>/target/services).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
svc_init slapd "$@"
readonly FIXTURES=$ROOT/tests/fixtures/ldap
readonly BASE_DN='dc=durand-fils,dc=fr'
readonly ADMIN_DN="cn=admin,$BASE_DN"
readonly BIND_DN="cn=esnctl,ou=services,$BASE_DN"
readonly POLICY_DN="cn=default-ppolicy,ou=services,$BASE_DN"
# Absolute paths: /usr/sbin is not always on a non-login PATH.
readonly SLAPD=/usr/sbin/slapd SLAPADD=/usr/sbin/slapadd SLAPPASSWD=/usr/sbin/slappasswd

# --- packages ---------------------------------------------------------------------------

ensure_packages() {
  have_packages slapd ldap-utils openssl && return 0
  local was_running=0 syspid
  [[ -s /run/slapd/slapd.pid ]] && was_running=1
  apt_install slapd ldap-utils openssl
  # Debconf may have started the system slapd (port 389) we just installed; nothing here
  # uses it, so stop it rather than leave a stray daemon. Never touch one that was there.
  if [[ $was_running -eq 0 && -s /run/slapd/slapd.pid ]]; then
    syspid=$(<"/run/slapd/slapd.pid")
    if [[ $syspid =~ ^[0-9]+$ ]] && kill -0 "$syspid" 2>/dev/null; then
      log "stopping the system slapd started by the package (pid $syspid)"
      kill -TERM "$syspid" 2>/dev/null || true
    fi
  fi
}

# --- instance state ---------------------------------------------------------------------

running_pid() { live_pid "$dir/slapd.pid" -F "$dir/slapd.conf"; }

ldap_answers() { # URL [-ZZ] -> 0 when a bind as the service account and a search succeed
  # timeout: if another process won the port race, its listener may never answer.
  LDAPTLS_CACERT=$dir/tls/ca.crt LDAPTLS_REQCERT=demand timeout 3 \
    ldapsearch -x -LLL -o nettimeout=3 -l 5 -H "$1" ${2:+"$2"} -D "$BIND_DN" \
    -y "$dir/bind.pw" -b "$BASE_DN" -s base dn >/dev/null 2>&1
}

stop_instance() { stop_server 20 slapd "$dir/slapd.pid"; } # slapd exits in well under 1 s

# --- creation ---------------------------------------------------------------------------

make_tls() {
  local t=$dir/tls
  mkdir -p "$t"
  # EC P-256: instant key generation, accepted by GnuTLS (slapd), OpenSSL and rustls.
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -days 3650 -subj "/O=esnctl tests/CN=esnctl test CA slapd-$name" \
    -addext 'basicConstraints=critical,CA:TRUE' \
    -addext 'keyUsage=critical,keyCertSign,cRLSign' \
    -keyout "$t/ca.key" -out "$t/ca.crt" 2>>"$dir/openssl.log"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/O=esnctl tests/CN=localhost" \
    -keyout "$t/server.key" -out "$t/server.csr" 2>>"$dir/openssl.log"
  # rustls/webpki want a v3 leaf with SAN, not a CA, serverAuth; clients connect to
  # 127.0.0.1 (IP SAN) or localhost (DNS SAN). libldap (ldapsearch) checks a URL host of
  # "localhost" against the machine's own hostname instead, so that name goes in too.
  local san='IP:127.0.0.1, DNS:localhost' h
  for h in $(hostname 2>/dev/null) $(hostname -f 2>/dev/null); do
    [[ $h =~ ^[A-Za-z0-9.-]+$ && $h != localhost && $san != *"DNS:$h"* ]] && san+=", DNS:$h"
  done
  cat >"$t/server.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  openssl x509 -req -in "$t/server.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days 3650 -extfile "$t/server.ext" \
    -out "$t/server.crt" 2>>"$dir/openssl.log"
  chmod 600 "$t"/*.key
}

write_config() {
  local admin_hash=$1
  cat >"$dir/slapd.conf" <<EOF
# Generated by scripts/slapd.sh for instance "$name"; rewritten at every start.
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema

# Debian builds the backends and overlays as modules. ppolicy (2.5) carries its own
# schema, which defines pwdAccountLockedTime (used for the disabled account).
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy

pidfile $dir/slapd.pid
argsfile $dir/slapd.args

TLSCACertificateFile $dir/tls/ca.crt
TLSCertificateFile $dir/tls/server.crt
TLSCertificateKeyFile $dir/tls/server.key

# Readable by anyone, as on AD: the root DSE (supportedControl, ...) and the schema.
access to dn.base="" by * read
access to dn.base="cn=Subschema" by * read

# slapadd indexes on both cores.
tool-threads 2

database mdb
suffix "$BASE_DN"
rootdn "$ADMIN_DN"
rootpw $admin_hash
directory $dir/data
# Default map size is 10 MiB: too small for the 100k-people benchmark.
maxsize ${SLAPD_MAXSIZE:-1073741824}
# Test data: no fsync on every write.
dbnosync
# Like Active Directory's MaxPageSize: unpaged searches stop at 1000 entries (rc=4),
# paged ones may fetch everything 1000 at a time. The rootdn is never limited.
sizelimit size.soft=1000 size.hard=1000 size.pr=1000 size.prtotal=unlimited
# Only what esnctl's lookups need: every index slows slapadd (100k people load in about
# 5 s with these, 20 s more with substring indexes on the name attributes).
index objectClass eq
index uid,mail,cn eq
index member,uniqueMember eq
index entryUUID eq

# Passwords: only for binding. Everything else: the read-only service account; anonymous
# binds see nothing (AD refuses anonymous searches too).
access to attrs=userPassword
  by anonymous auth
  by * none
access to dn.subtree="$BASE_DN"
  by dn.exact="$BIND_DN" read
  by * none

# Lockout on (pwdLockout), nothing else (no failure counting, no expiry): binds of entries
# with pwdAccountLockedTime fail with rc=49, like a disabled AD account.
overlay ppolicy
ppolicy_default "$POLICY_DN"
EOF
}

write_service_account() {
  local hash=$1
  cat >"$dir/service-account.ldif" <<EOF
# Generated by scripts/slapd.sh: the non-root account esnctl binds as (read-only ACL,
# subject to the 1000-entry size limit).
dn: $BIND_DN
objectClass: top
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: esnctl
description: esnctl provisioning (read-only)
userPassword: $hash

# Default password policy of the ppolicy overlay (see slapd.conf).
dn: $POLICY_DN
objectClass: top
objectClass: organizationalRole
objectClass: pwdPolicy
cn: default-ppolicy
description: enforce pwdAccountLockedTime only
pwdAttribute: userPassword
pwdLockout: TRUE
pwdMaxFailure: 0
EOF
}

# Two ports (LDAP, LDAPS); slapd -d stays in the foreground, so $! is slapd itself, and
# logs to slapd.log.
launch_server() {
  free_port && port=$REPLY
  free_port && sport=$REPLY
  # setsid: own session, so Ctrl-C in the caller's terminal or the end of a CI step's
  # process group does not take slapd down. fd 9 (our lock) must not leak into it.
  setsid "$SLAPD" -f "$dir/slapd.conf" -h "ldap://127.0.0.1:$port/ ldaps://127.0.0.1:$sport/" \
    -d "${SLAPD_DEBUG:-stats}" </dev/null >>"$dir/slapd.log" 2>&1 9>&- &
  pid=$!
}

server_answers() { ldap_answers "ldap://127.0.0.1:$port"; }

start_instance() {
  local pid port sport t0=$EPOCHREALTIME
  if is_up; then
    cat "$dir/env"
    return 0
  fi
  ensure_packages
  [[ -d $FIXTURES ]] || die "missing $FIXTURES"

  # Fresh instance: stale processes (e.g. env file lost) first, then a clean directory.
  stop_instance
  rm -rf "$dir"
  mkdir -p "$dir/data"
  chmod 700 "$dir"

  admin_pw=$(random_hex 16)
  bind_pw=$(random_hex 16)
  # Passwords go through files (mode 600, in the 700 instance folder), never on argv.
  (umask 077 && printf '%s' "$admin_pw" >"$dir/admin.pw" && printf '%s' "$bind_pw" >"$dir/bind.pw")
  make_tls
  write_config "$("$SLAPPASSWD" -h '{SSHA}' -T "$dir/admin.pw")"
  write_service_account "$("$SLAPPASSWD" -h '{SSHA}' -T "$dir/bind.pw")"
  "$FIXTURES/gen-big-group.sh" >"$dir/big-group.ldif"

  # Offline load (fast, also for 100k entries); -q skips checks the fixtures don't need.
  local files=("$FIXTURES/base.ldif" "$dir/service-account.ldif" "$dir/big-group.ldif") f
  local extra
  IFS=$' \t\n:' read -r -a extra <<<"${SLAPD_FIXTURES:-}"
  files+=("${extra[@]}")
  for f in "${files[@]}"; do
    [[ -r $f ]] || die "fixture not readable: $f"
    "$SLAPADD" -q -f "$dir/slapd.conf" -l "$f" >>"$dir/slapadd.log" 2>&1 \
      || { tail -n 20 "$dir/slapadd.log" >&2; die "slapadd failed on $f (see $dir/slapadd.log)"; }
  done

  start_server slapd 30 "$dir/slapd.log"

  # Fail now, not in a test, if TLS is broken: LDAPS and StartTLS with the CA.
  if ! ldap_answers "ldaps://127.0.0.1:$sport" || ! ldap_answers "ldap://127.0.0.1:$port" -ZZ; then
    kill -TERM "$pid"
    die "TLS check failed (see $dir/slapd.log)"
  fi
  [[ $(<"$dir/slapd.pid") == "$pid" ]] || log "warning: pidfile $(<"$dir/slapd.pid") != started pid $pid"

  publish_env "$pid" "ldap://127.0.0.1:$port ldaps://127.0.0.1:$sport" "$t0" "$dir/slapd.log" <<EOF
LDAP_URL=ldap://127.0.0.1:$port
LDAPS_URL=ldaps://127.0.0.1:$sport
LDAP_BASE_DN=$BASE_DN
LDAP_ADMIN_DN=$ADMIN_DN
LDAP_ADMIN_PASSWORD=$admin_pw
LDAP_BIND_DN=$BIND_DN
LDAP_BIND_PASSWORD=$bind_pw
LDAP_CA_FILE=$dir/tls/ca.crt
LDAP_PID=$pid
EOF
}

svc_main 300
