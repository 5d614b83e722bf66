#!/usr/bin/env bash
# End-to-end tests of encryption in `es`: --keys/--master-key-file/ES_MASTER_KEY, --encrypt on
# append and import, reads that decrypt or show the envelope, es shred (exit 4 for an unknown
# subject), es verify after a shred, es keys generate/rotate and the refusal of a wrong or old
# master key. Usage: cli_test.sh PATH/TO/es. JSON is checked with python3; exits 77 without it.
set -euo pipefail

ES=$(realpath "${1:?usage: cli_test.sh PATH/TO/es}")
command -v python3 >/dev/null || { echo "crypto cli_test: python3 not found, skipping"; exit 77; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
OUT=$WORK/out
ERR=$WORK/err
FAILED=0
CURRENT=""
unset ES_MASTER_KEY

fail() {
  echo "FAIL [$CURRENT]: $*"
  echo "  stdout: $(head -c 1500 "$OUT")"
  echo "  stderr: $(head -c 1500 "$ERR")"
  FAILED=1
}
section() { CURRENT=$1; echo "-- $1"; }
expect() {
  local want=$1 rc=0
  shift
  "$@" >"$OUT" 2>"$ERR" || rc=$?
  [[ $rc == "$want" ]] || fail "exit $rc, expected $want: $*"
}
# check EXPR: a python assertion over `lines` (the NDJSON objects of stdout) and `text`.
check() {
  python3 - "$OUT" "$1" <<'PY' || fail "$1"
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
lines = [json.loads(l) for l in text.splitlines() if l.strip()]
data = [json.loads(l["data"]) if isinstance(l.get("data"), str) else l.get("data") for l in lines]
if not eval(sys.argv[2], {"lines": lines, "data": data, "text": text}):
    print(f"  check failed: {sys.argv[2]}\n  in: {text[:1500]}")
    sys.exit(1)
PY
}
error_has() { grep -qF -- "$1" "$ERR" || fail "stderr lacks '$1'"; }

POLICY='crm.CustomerRegistered=name,email@id'
ENC=(--db events.db --keys keys.db --master-key-file master.key)

section "keys generate"
expect 0 "$ES" keys generate
python3 -c 'import re,sys; sys.exit(0 if re.fullmatch(r"[0-9a-f]{64}\n", open(sys.argv[1]).read()) else 1)' "$OUT" \
  || fail "not 64 hex digits"
cp "$OUT" master.key
"$ES" keys generate >other.key

section "encrypted append and reads"
expect 0 "$ES" "${ENC[@]}" --encrypt "$POLICY" append customer-1 crm.CustomerRegistered \
  '{"id":"c-1","name":"lovelace","email":"lovelace@example.com","tier":"gold"}'
expect 0 "$ES" "${ENC[@]}" --encrypt "$POLICY" append customer-2 crm.CustomerRegistered \
  '{"id":"c-2","name":"bob","email":"bob@example.com","tier":"iron"}'
expect 0 "$ES" "${ENC[@]}" append customer-2 crm.Noted '{"note":"plain"}'
expect 0 "$ES" --db events.db read customer-1
check 'len(lines) == 1 and "_es_encrypted" in data[0] and "name" not in data[0] and data[0]["tier"] == "gold"'
grep -q lovelace "$OUT" && fail "the stored payload holds the plaintext"
expect 0 "$ES" "${ENC[@]}" read customer-1
check 'data[0] == {"id": "c-1", "tier": "gold", "name": "lovelace", "email": "lovelace@example.com"}'
ES_MASTER_KEY=$(cat master.key) expect 0 "$ES" --db events.db --keys keys.db read-all
check 'len(lines) == 3 and data[1]["name"] == "bob" and data[2] == {"note": "plain"}'

section "import encrypts too"
printf '%s\n' '{"stream":"customer-3","type":"crm.CustomerRegistered","data":{"id":"c-3","name":"cy","email":"c@x"}}' >in.ndjson
expect 0 "$ES" "${ENC[@]}" --encrypt "$POLICY" import in.ndjson
expect 0 "$ES" --db events.db read customer-3
check '"_es_encrypted" in data[0] and "name" not in data[0]'
expect 0 "$ES" "${ENC[@]}" export
check 'len(lines) == 4 and data[3]["name"] == "cy"'

section "bad options"
expect 1 "$ES" --db events.db --encrypt "$POLICY" append customer-9 crm.CustomerRegistered '{"id":"x"}'
error_has "--encrypt needs --keys"
expect 1 "$ES" "${ENC[@]}" --encrypt 'crm.CustomerRegistered' append customer-9 T '{}'
error_has "TYPE=FIELD"
expect 1 "$ES" --db events.db --keys keys.db read customer-1
error_has "ES_MASTER_KEY"
expect 4 "$ES" --db events.db --keys missing.db --master-key-file master.key read customer-1
error_has "key store 'missing.db' does not exist"
expect 1 "$ES" --db events.db --keys keys.db --master-key-file other.key read customer-1
error_has "permission_denied"
expect 1 "$ES" "${ENC[@]}" --encrypt "$POLICY" append customer-9 crm.CustomerRegistered '{"name":"no id"}'
error_has "(the subject)"

section "shred"
expect 0 "$ES" "${ENC[@]}" shred c-1
check 'lines == [{"subject": "c-1", "shredded": True}]'
expect 4 "$ES" "${ENC[@]}" shred c-1
error_has "no data key for subject 'c-1'"
expect 4 "$ES" "${ENC[@]}" shred nobody
expect 0 "$ES" "${ENC[@]}" read customer-1
check 'data[0] == {"id": "c-1", "tier": "gold", "_es_erased": {"key": data[0]["_es_erased"]["key"], "fields": ["name", "email"]}}'
expect 0 "$ES" "${ENC[@]}" read customer-2
check 'data[0]["name"] == "bob"'
expect 0 "$ES" --db events.db verify
grep -q intact "$OUT" || fail "verify after a shred"

section "tampering is an integrity failure"
python3 - <<'PY'
import sqlite3
db = sqlite3.connect("tampered.db")
sqlite3.connect("events.db").backup(db)
db.execute("UPDATE events SET data = (SELECT data FROM events WHERE stream = 'customer-2' AND version = 1) WHERE stream = 'customer-3'")
db.commit()
PY
expect 5 "$ES" --db tampered.db --keys keys.db --master-key-file master.key read customer-3
error_has "stream 'customer-3' version 1"

section "keys rotate"
"$ES" keys generate >next.key
expect 0 "$ES" "${ENC[@]}" keys rotate --new-master-key-file next.key
check 'len(lines) == 1 and lines[0]["from"] != lines[0]["to"] and len(lines[0]["to"]) == 16'
expect 1 "$ES" "${ENC[@]}" read customer-2
error_has "permission_denied"
expect 0 "$ES" --db events.db --keys keys.db --master-key-file next.key read-all
check 'len(lines) == 4 and data[1]["name"] == "bob" and "_es_erased" in data[0] and data[3]["name"] == "cy"'
expect 4 "$ES" "${ENC[@]}" keys rotate --new-master-key-file missing.key

if [[ $FAILED != 0 ]]; then
  echo "crypto cli_test: FAILED"
  exit 1
fi
echo "crypto cli_test: all passed"
