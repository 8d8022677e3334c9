#!/usr/bin/env bash
# LDAP read benchmark: 100,000 people in a private slapd (instance "ldap-bench"), read by
#   1. ldapsearch -E pr=1000/noprompt, dumping the attributes esnctl asks for (baseline);
#   2. esnctl users sync --from ldap://… --to bundle:EMPTY --dry-run  (target <= 1.3x, RSS < 150 MB);
#   3. esnctl users sync into a bundle that already holds the 100k users, no change
#      (target <= 2x ldapsearch).
# Both bind as the non-root service account (size limit 1000: paging is exercised).
# Wall time and peak RSS come from /usr/bin/time -v: the best wall time of RUNS (3) runs and
# the highest peak RSS, the three commands taking turns so that a change of machine load
# hits them alike.
#
#   bench/ldap-sync.sh            builds esnctl --release once, prints a table
#   RUNS=5 bench/ldap-sync.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-3}
COUNT=${COUNT:-100000}
NAME=ldap-bench
work=$(mktemp -d)
trap 'rm -rf "$work"; "$ROOT/scripts/slapd.sh" stop "$NAME" >/dev/null 2>&1 || true' EXIT

[[ -x /usr/bin/time ]] || {
  [[ $EUID -eq 0 ]] || { echo "install the 'time' package first" >&2; exit 1; }
  apt-get install -y --no-install-recommends time >/dev/null
}

echo "generating $COUNT people…" >&2
"$ROOT/tests/fixtures/ldap/gen-big-group.sh" -n "$COUNT" -p bench -u bench -g '' "$work/bench.ldif"
set -a
eval "$(SLAPD_FIXTURES="$work/bench.ldif" "$ROOT/scripts/slapd.sh" start "$NAME")"
set +a
base="ou=bench,ou=people,$LDAP_BASE_DN"

echo "building esnctl (release)…" >&2
(cd "$ROOT" && cargo build --release --quiet)
esnctl=$ROOT/target/release/esnctl

pwfile=$work/pw
(umask 077 && printf '%s' "$LDAP_BIND_PASSWORD" >"$pwfile")
export ESNCTL_LDAP_BIND_DN=$LDAP_BIND_DN ESNCTL_LDAP_PASSWORD=$LDAP_BIND_PASSWORD
# The attributes esnctl requests with the OpenLDAP defaults.
attrs=(objectClass uid entryUUID mail displayName cn givenName sn title departmentNumber
  manager pwdAccountLockedTime nsAccountLock)

# measure LABEL CMD… : one run; keeps LABEL's best wall time (s) and highest peak RSS (KB).
declare -A wall rss
measure() {
  local label=$1 t r
  shift
  /usr/bin/time -v -o "$work/time" "$@" >/dev/null 2>"$work/stderr" \
    || { cat "$work/stderr" >&2; echo "$label failed" >&2; exit 1; }
  t=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
        for (k = 1; k <= n; k++) s = s * 60 + p[k]; print s }' "$work/time")
  r=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time")
  if [[ -z ${wall[$label]:-} ]] || awk -v a="$t" -v b="${wall[$label]}" 'BEGIN { exit !(a < b) }'; then
    wall[$label]=$t
  fi
  if [[ -z ${rss[$label]:-} ]] || ((r > rss[$label])); then
    rss[$label]=$r
  fi
}

n=$(ldapsearch -x -LLL -H "$LDAP_URL" -D "$LDAP_BIND_DN" -y "$pwfile" -b "$base" \
  -E pr=1000/noprompt '(objectClass=inetOrgPerson)' 1.1 | grep -c '^dn:')
[[ $n -eq $COUNT ]] || { echo "expected $COUNT people, ldapsearch sees $n" >&2; exit 1; }

"$esnctl" --no-progress -q --yes users sync --from "$LDAP_URL/$base" --to "bundle:$work/esn" >/dev/null
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 0; i < RUNS; i++)); do
  measure ldapsearch ldapsearch -x -LLL -H "$LDAP_URL" -D "$LDAP_BIND_DN" -y "$pwfile" -b "$base" \
    -E pr=1000/noprompt '(objectClass=inetOrgPerson)' "${attrs[@]}"
  measure dry-run "$esnctl" --no-progress -q users sync --from "$LDAP_URL/$base" \
    --to "bundle:$work/empty" --dry-run -o json
  measure resync "$esnctl" --no-progress -q --yes users sync --from "$LDAP_URL/$base" \
    --to "bundle:$work/esn" --detailed-exitcode
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

ratio() { awk -v a="${wall[$1]}" -v b="${wall[ldapsearch]}" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v k="${rss[$1]}" 'BEGIN { printf "%.0f", k / 1024 }'; }
printf '%-52s %8s %8s %8s\n' "measure ($COUNT people, $RUNS runs)" "wall s" "x ldaps." "RSS MB"
printf '%-52s %8s %8s %8s\n' "ldapsearch -E pr=1000/noprompt (same attributes)" "${wall[ldapsearch]}" 1.00 "$(mb ldapsearch)"
printf '%-52s %8s %8s %8s\n' "esnctl users sync --to bundle:EMPTY --dry-run" "${wall[dry-run]}" "$(ratio dry-run)" "$(mb dry-run)"
printf '%-52s %8s %8s %8s\n' "esnctl users sync, no change, 100k bundle" "${wall[resync]}" "$(ratio resync)" "$(mb resync)"
echo "targets: dry-run <= 1.30x and < 150 MB; re-sync <= 2.00x"
echo "load average (1, 5, 15 min): $load_before before, $load_after after ($(nproc) CPUs)"
