#!/usr/bin/env bash
# Benchmark: N users (default 10000) from a generated LDIF into a fresh scim2-server:
# first sync with /Bulk, first sync without (bulk = false, one POST per user), then the
# no-op re-sync, whose write-request count (from esnctl's `-v` stats line) must be 0.
#   bench/scim-sync.sh [N]        needs a release build (cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
BIN=${ESNCTL_BIN:-target/release/esnctl}
[[ -x $BIN ]] || { echo "build first: cargo build --release" >&2; exit 2; }
work=$(mktemp -d)
trap 'scripts/scim-server.sh stop bench-bulk >/dev/null 2>&1; scripts/scim-server.sh stop bench-single >/dev/null 2>&1; rm -rf "$work"' EXIT

python3 - "$N" >"$work/people.ldif" <<'PY'
import sys, uuid
n = int(sys.argv[1])
print("version: 1\n")
for i in range(n):
    uid = f"user{i:05d}"
    mgr = f"\nmanager: uid=user{i // 50 * 50:05d},ou=people,dc=bench,dc=example" if i % 50 else ""
    print(f"""dn: uid={uid},ou=people,dc=bench,dc=example
objectClass: inetOrgPerson
uid: {uid}
cn: Bénédicte Nº{i}
displayName: Bénédicte Nº{i}
givenName: Bénédicte
sn: Nº{i}
title: Conseillère {i % 97}
departmentNumber: Dept {i % 13}
mail: {uid}@bench.example
entryUUID: {uuid.uuid5(uuid.NAMESPACE_OID, uid)}{mgr}
""")
PY

run() { # NAME SETTINGS LABEL
  local name=$1 settings=$2 label=$3 env
  scripts/scim-server.sh stop "$name" >/dev/null 2>&1 || true
  env=$(scripts/scim-server.sh start "$name" 2>/dev/null)
  local url token
  url=$(sed -n 's/^SCIM_URL=//p' <<<"$env"); token=$(sed -n 's/^SCIM_TOKEN=//p' <<<"$env")
  printf '[endpoints.esn]\nurl = "scim+%s/v2"\n%s\n' "$url" "$settings" >"$work/esnctl.toml"
  local t0=$EPOCHREALTIME
  ESNCTL_SCIM_TOKEN=$token "$BIN" -c "$work/esnctl.toml" -v --no-progress users sync \
    --from "ldif:$work/people.ldif" --to esn --yes -o json >"$work/out.json" 2>"$work/err.log"
  local t1=$EPOCHREALTIME
  printf '%-22s %6.1f s   %s\n' "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" \
    "$(grep -o 'get=.*writes=[0-9]*' "$work/err.log" | tail -1)"
  if [[ $name == bench-bulk ]]; then
    t0=$EPOCHREALTIME
    ESNCTL_SCIM_TOKEN=$token "$BIN" -c "$work/esnctl.toml" -v --no-progress users sync \
      --from "ldif:$work/people.ldif" --to esn --yes -o json >"$work/out2.json" 2>"$work/err2.log"
    t1=$EPOCHREALTIME
    local writes
    writes=$(grep -o 'writes=[0-9]*' "$work/err2.log" | tail -1 | cut -d= -f2)
    printf '%-22s %6.1f s   %s\n' "no-op re-sync" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" \
      "$(grep -o 'get=.*writes=[0-9]*' "$work/err2.log" | tail -1)"
    [[ ${writes:-0} -eq 0 ]] || { echo "FAIL: the no-op re-sync sent $writes write requests" >&2; exit 1; }
  fi
}

echo "esnctl users sync, $N users LDIF -> scim2-server ($(nproc) cores)"
run bench-bulk "" "first sync, bulk"
run bench-single "bulk = false" "first sync, no bulk"
