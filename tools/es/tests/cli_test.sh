#!/usr/bin/env bash
# End-to-end tests of the `es` command-line tool: outputs, exit codes, bad input, and the
# export -> import round trip. Usage: cli_test.sh PATH/TO/es
# JSON is checked with python3 (jq is not required); exits 77 (skipped) without python3.
set -euo pipefail

ES=$(realpath "${1:?usage: cli_test.sh PATH/TO/es}")
command -v python3 >/dev/null || { echo "cli_test: python3 not found, skipping"; exit 77; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
OUT=$WORK/out
ERR=$WORK/err
FAILED=0
CURRENT=""

cat >check.py <<'EOF'
# check.py FILE EXPR: evaluates EXPR with `lines` (the NDJSON objects of FILE, None when it is
# not NDJSON), `obj` (the only object, when there is one) and `text`; exits 1 when it is false.
import json, re, sys
path, expr = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
try:
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
except ValueError:
    lines = None  # not NDJSON: only `text` is usable
obj = lines[0] if lines and len(lines) == 1 else None
if not eval(expr, {"lines": lines, "obj": obj, "text": text, "re": re}):
    print(f"  check failed: {expr}\n  in: {text[:1500]}")
    sys.exit(1)
EOF

fail() {
  local message="$*"
  echo "FAIL [$CURRENT]: ${message:0:300}"
  echo "  stdout: $(head -c 1500 "$OUT")"
  echo "  stderr: $(head -c 1500 "$ERR")"
  FAILED=1
}
section() { CURRENT=$1; echo "-- $1"; }

# expect RC CMD...: runs CMD, stdout to $OUT and stderr to $ERR, and checks its exit code.
expect() {
  local want=$1 rc=0
  shift
  "$@" >"$OUT" 2>"$ERR" || rc=$?
  [[ $rc == "$want" ]] || fail "exit $rc, expected $want: $*"
}
# check EXPR [FILE]: a python assertion over the NDJSON in FILE (default: the last stdout).
check() { python3 check.py "${2:-$OUT}" "$1" || fail "$1"; }
# error_is TEXT: stderr is exactly one line, starting with "es: " and containing TEXT.
error_is() {
  [[ $(wc -l <"$ERR") == 1 && $(head -c 4 "$ERR") == "es: " ]] || fail "stderr is not one 'es: ' line"
  grep -qF -- "$1" "$ERR" || fail "stderr lacks '$1'"
}
event_count() { "$ES" --db "$1" stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])'; }

UUID_V7='^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
TIME='^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$'

section "help and usage"
expect 0 "$ES" --help
check '"append" in text and "import" in text and "Exit codes" in text'
for cmd in append read read-all streams stats delete tombstone export import bench demo dlq verify; do
  expect 0 "$ES" "$cmd" --help
  grep -q "Usage: es $cmd" "$OUT" || fail "help of $cmd"
done
for cmd in read read-all; do
  expect 0 "$ES" "$cmd" --help
  grep -q -- "--upcast" "$OUT" && grep -q "upcast_from" "$OUT" || fail "help of $cmd lacks --upcast"
done
expect 2 "$ES"
error_is "usage:"
expect 2 "$ES" frobnicate
error_is "unknown command 'frobnicate'"
expect 2 "$ES" read
error_is "STREAM is required"
expect 2 "$ES" --db a.db append s T '{}' --expected sometimes
error_is "usage:"
expect 2 "$ES" --db a.db read-all --limit 0
expect 2 "$ES" --db a.db read-all --from not-a-position
expect 2 "$ES" --db a.db read s --as-of yesterday
expect 2 "$ES" --db a.db append s T '{}' --id not-a-uuid
[[ ! -e a.db ]] || fail "a usage error created the database"

section "reading a missing database"
expect 4 "$ES" --db missing.db read s
error_is "does not exist"
expect 4 "$ES" --db missing.db stats
[[ ! -e missing.db ]] || fail "reading created missing.db"

section "append one event"
DB=main.db
expect 0 "$ES" --db "$DB" append order-1 OrderPlaced '{"total": 12.5, "items": [1, 2]}' \
  --metadata '{"actor":"ada"}'
check 'obj["stream"] == "order-1" and obj["version"] == 1 and obj["position"] == "1"'
check "re.match(r'$UUID_V7', obj['id'])"
ID1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$OUT")
expect 0 "$ES" --db "$DB" append order-1 OrderPaid '{}' --expected 1 \
  --id 01900000-0000-7000-8000-000000000002
check 'obj["version"] == 2 and obj["id"] == "01900000-0000-7000-8000-000000000002"'
# The same id at the same place again is the original result (idempotent), not a second event.
expect 0 "$ES" --db "$DB" append order-1 OrderPaid '{}' --expected 1 \
  --id 01900000-0000-7000-8000-000000000002
check 'obj["version"] == 2 and obj["position"] == "2"'
expect 3 "$ES" --db "$DB" append order-1 OrderShipped '{}' --expected 1
error_is "es: conflict: stream 'order-1' expected version 1, actual 2"
expect 3 "$ES" --db "$DB" append order-1 OrderShipped '{}' --expected no-stream
expect 0 "$ES" --db "$DB" append order-1 OrderShipped '"by sea"' --expected exists --schema-version 2
check 'obj["version"] == 3'

section "bad input writes nothing"
BEFORE=$(event_count "$DB")
expect 1 "$ES" --db "$DB" append order-1 T '{"a":'
error_is "data: not valid JSON"
expect 1 "$ES" --db "$DB" append order-1 'not a type' '{}'
error_is "type"
expect 1 "$ES" --db "$DB" append 'bad
stream' T '{}'
error_is "stream name"
expect 1 "$ES" --db "$DB" append order-1 T '{}' --metadata '[1]'
error_is "--metadata must be a JSON object"
expect 1 "$ES" --db "$DB" append order-1 T '{"n": 12345678901234567890123}'
error_is "cannot be stored exactly"
expect 1 "$ES" --db "$DB" append order-1 T '{"a": 1, "a": 2}'
error_is "duplicate key 'a'"
python3 -c 'import json; print(json.dumps({"type": "T", "data": {"blob": "x" * (1 << 20)}}))' >big.ndjson
expect 1 "$ES" --db "$DB" append order-1 <big.ndjson
error_is "more than the limit"
printf '{"type":"A","data":1}\n{"type":"B","data":2}\n{"type":"C","data":{bad}\n' >bad_lines.ndjson
expect 1 "$ES" --db "$DB" append order-9 <bad_lines.ndjson
error_is "line 3"
expect 1 "$ES" --db "$DB" append order-9 < <(printf '{"type":"A","data":1}\n{"type":"B"}\n')
error_is '"data" is missing'
expect 1 "$ES" --db "$DB" append order-9 < <(printf '{"type":"A","data":1,"colour":"red"}\n')
error_is '"colour" is not a field'
expect 1 "$ES" --db "$DB" append order-9 < <(printf '{"type":"A","data":1}\n{"type":"bad type","data":2}\n')
[[ $(event_count "$DB") == "$BEFORE" ]] || fail "bad input wrote events"

section "append from stdin: one atomic append"
printf '%s\n' '{"type":"A","data":{"i":1}}' '{"type":"B","data":{"i":2},"metadata":{"k":"v"}}' '' \
  '{"type":"C","data":{"i":3},"stream":"other-1"}' '{"data":{"i":4}}' \
  '{"type":"E","data":{"i":5},"id":"01900000-0000-7000-8000-0000000000e5"}' >stdin.ndjson
expect 0 "$ES" --db "$DB" append order-2 Default <stdin.ndjson
check 'len(lines) == 5'
check '[(l["stream"], l["version"]) for l in lines] == [("order-2",1),("order-2",2),("other-1",1),("order-2",3),("order-2",4)]'
check 'all(l["position"] is not None for l in lines) and lines[4]["id"].endswith("e5")'
expect 0 "$ES" --db "$DB" read order-2
check '[l["type"] for l in lines] == ["A", "B", "Default", "E"] and lines[1]["metadata"] == {"k": "v"}'
expect 1 "$ES" --db "$DB" append order-3 </dev/null
error_is "no events on stdin"

section "read"
expect 0 "$ES" --db "$DB" read order-1
check 'len(lines) == 3 and [l["version"] for l in lines] == [1, 2, 3]'
check 'set(lines[0]) >= {"id","stream","version","position","type","schema_version","data","metadata","tenant","recorded_at"}'
check "lines[0]['id'] == '$ID1' and lines[0]['data'] == {'total': 12.5, 'items': [1, 2]}"
check 'lines[0]["metadata"] == {"actor": "ada"} and lines[0]["tenant"] == "" and lines[2]["schema_version"] == 2'
check "all(re.match(r'$TIME', l['recorded_at']) for l in lines) and lines[2]['data'] == 'by sea'"
check 'all("data_encoding" not in l for l in lines)'
expect 0 "$ES" --db "$DB" read order-1 --backwards --limit 2
check '[l["version"] for l in lines] == [3, 2]'
expect 0 "$ES" --db "$DB" read order-1 --from 2
check '[l["version"] for l in lines] == [2, 3]'
expect 0 "$ES" --db "$DB" read order-1 --as-of 2000-01-01
check 'lines == []'
expect 4 "$ES" --db "$DB" read nobody-1
error_is "es: not_found: stream 'nobody-1' not found"

section "read-all"
expect 0 "$ES" --db "$DB" read-all
check 'len(lines) == 8'
check '[int(l["position"]) for l in lines] == sorted(int(l["position"]) for l in lines)'
expect 0 "$ES" --db "$DB" read-all --from 2 --limit 2
check '[l["position"] for l in lines] == ["3", "4"]'
expect 0 "$ES" --db "$DB" read-all --type A --type C
check 'sorted(l["type"] for l in lines) == ["A", "C"]'
expect 0 "$ES" --db "$DB" read-all --category other
check 'len(lines) == 1 and lines[0]["stream"] == "other-1"'
expect 0 "$ES" --db "$DB" read-all --prefix order-2
check 'len(lines) == 4'
expect 0 "$ES" --db "$DB" read-all --until 2000-01-01
check 'lines == []'

section "read --upcast and read-all --upcast: the bank's schema history"
UP=upcast.db
expect 0 "$ES" --db "$UP" append account-old bank.AccountOpenedWithDeposit \
  '{"owner":"Carol","initial_cents":10000}'
expect 0 "$ES" --db "$UP" append account-old bank.FundsAdded '{"amount_cents":2550}'
expect 0 "$ES" --db "$UP" append account-old bank.MoneyWithdrawn '{"cents":1000}'
expect 0 "$ES" --db "$UP" append account-new bank.AccountOpened '{"owner":"Dan","overdraft_cents":0}'
expect 0 "$ES" --db "$UP" read account-old
cp "$OUT" stored.ndjson
check '[l["type"] for l in lines] == ["bank.AccountOpenedWithDeposit", "bank.FundsAdded", "bank.MoneyWithdrawn"]'
check 'all("upcast_from" not in l for l in lines)'
expect 0 "$ES" --db "$UP" read account-old --upcast
cp "$OUT" upcast.ndjson
check '[(l["type"], l["version"]) for l in lines] == [("bank.AccountOpened", 1), ("bank.MoneyDeposited", 1), ("bank.MoneyDeposited", 2), ("bank.MoneyWithdrawn", 3)]'
check '[l["data"] for l in lines] == [{"owner": "Carol", "overdraft_cents": 0}, {"cents": 10000}, {"cents": 2550}, {"cents": 1000}]'
check '[l.get("upcast_from") for l in lines] == [{"type": "bank.AccountOpenedWithDeposit", "schema_version": 1}] * 2 + [{"type": "bank.FundsAdded", "schema_version": 1}, None]'
cat >coordinates.py <<'PY'
# coordinates.py STORED UPCAST: every upcast line keeps the coordinates of its stored event.
import json, sys
def load(path):
    return [json.loads(l) for l in open(path, encoding="utf-8")]
stored = {e["version"]: e for e in load(sys.argv[1])}
keys = ("id", "stream", "version", "position", "metadata", "tenant", "recorded_at")
sys.exit(0 if all(all(l[k] == stored[l["version"]][k] for k in keys) for l in load(sys.argv[2])) else 1)
PY
python3 coordinates.py stored.ndjson upcast.ndjson || fail "upcast lines changed the stored coordinates"
# --limit counts stored events: the first one prints as the two it splits into.
expect 0 "$ES" --db "$UP" read account-old --upcast --limit 1
check '[l["type"] for l in lines] == ["bank.AccountOpened", "bank.MoneyDeposited"]'
expect 0 "$ES" --db "$UP" read account-old --upcast --backwards --limit 2
check '[l["version"] for l in lines] == [3, 2]'
# Today's events print byte for byte the same with or without the flag.
expect 0 "$ES" --db "$UP" read account-new
cp "$OUT" new_plain.ndjson
expect 0 "$ES" --db "$UP" read account-new --upcast
cmp -s "$OUT" new_plain.ndjson || fail "--upcast changed an event of today's schema"
expect 0 "$ES" --db "$UP" read-all
check 'len(lines) == 4 and all("upcast_from" not in l for l in lines)'
expect 0 "$ES" --db "$UP" read-all --upcast
check '[l["type"] for l in lines] == ["bank.AccountOpened", "bank.MoneyDeposited", "bank.MoneyDeposited", "bank.MoneyWithdrawn", "bank.AccountOpened"]'
check '[l["position"] for l in lines] == ["1", "1", "2", "3", "4"]'
# Filters match the stored type.
expect 0 "$ES" --db "$UP" read-all --upcast --type bank.FundsAdded
check 'len(lines) == 1 and lines[0]["type"] == "bank.MoneyDeposited"'
# Legacy data that does not decode: one error line naming stream and version, exit 1, after the
# events before it were printed.
expect 0 "$ES" --db "$UP" append account-bad bank.FundsAdded '{"amount_cents":"ten"}'
expect 1 "$ES" --db "$UP" read account-bad --upcast
error_is "stream 'account-bad' version 1: upcasting 'bank.FundsAdded' v1: amount_cents"
expect 1 "$ES" --db "$UP" read-all --upcast
error_is "stream 'account-bad' version 1"
check 'len(lines) == 5'
expect 0 "$ES" --db "$UP" read account-bad
check 'obj["data"] == {"amount_cents": "ten"}'

section "streams and stats"
expect 0 "$ES" --db "$DB" streams
check '[l["stream"] for l in lines] == ["order-1", "order-2", "other-1"]'
check 'all(l["state"] == "live" for l in lines) and lines[0]["version"] == 3'
check "all(re.match(r'$TIME', l['created_at']) and re.match(r'$TIME', l['updated_at']) for l in lines)"
expect 0 "$ES" --db "$DB" streams --prefix order --limit 1
check 'len(lines) == 1 and lines[0]["stream"] == "order-1"'
expect 0 "$ES" --db "$DB" stats
check 'obj["backend"] == "sqlite" and obj["events"] == 8 and obj["streams"] == 3 and obj["live_streams"] == 3'
check 'obj["head_position"] == "8" and obj["storage_bytes"] > 0'

section "delete and tombstone"
expect 4 "$ES" --db "$DB" delete nobody-1
expect 3 "$ES" --db "$DB" delete order-2 --expected 1
error_is "conflict"
expect 0 "$ES" --db "$DB" delete order-2 --expected 4
check 'obj["stream"] == "order-2" and obj["state"] == "soft-deleted" and obj["version"] == 4'
expect 0 "$ES" --db "$DB" read order-2
check 'lines == []'
expect 0 "$ES" --db "$DB" tombstone other-1
check 'obj["state"] == "tombstoned"'
expect 1 "$ES" --db "$DB" read other-1
error_is "stream_deleted"
expect 1 "$ES" --db "$DB" append other-1 T '{}'
error_is "stream_deleted"

section "export -> import round trip"
SRC=src.db
cat >seed.ndjson <<'EOF'
{"stream":"acct-1","type":"Opened","data":{"owner":"ada"},"metadata":{"actor":"ada","correlation_id":"c-1"}}
{"stream":"acct-2","type":"Opened","data":{"owner":"bob"},"tenant":"acme"}
{"stream":"acct-1","type":"Deposited","data":{"cents":500},"schema_version":2}
{"stream":"acct-2","type":"Note","data":"  not json {","data_encoding":"text","tenant":"acme"}
{"stream":"acct-1","type":"Blob","data":"AP8Q","data_encoding":"base64"}
{"stream":"acct-3","type":"Raw","data":"{\"spaced\": 1}","data_encoding":"text","metadata":"{ \"k\" : 1 }","metadata_encoding":"text"}
{"stream":"acct-2","type":"Deposited","data":{"cents":7,"note":"é ✓"},"tenant":"acme"}
EOF
expect 0 "$ES" --db "$SRC" import seed.ndjson
check 'obj["imported"] == 7 and obj["lines"] == 7'
for i in $(seq 1 30); do echo "{\"type\":\"Tick\",\"data\":{\"i\":$i}}"; done >ticks.ndjson
expect 0 "$ES" --db "$SRC" append acct-3 <ticks.ndjson
expect 0 "$ES" --db "$SRC" append acct-1 Withdrawn '{"cents":100}'
expect 0 "$ES" --db "$SRC" export
cp "$OUT" export_stdout.ndjson
[[ ! -s $ERR ]] || fail "export wrote to stderr when it is not a terminal"
expect 0 "$ES" --db "$SRC" export exported.ndjson
check 'obj["exported"] == 38 and obj["file"] == "exported.ndjson"'
cmp -s exported.ndjson export_stdout.ndjson || fail "export to FILE and to stdout differ"
check 'len(lines) == 38' exported.ndjson
check '[l["data_encoding"] for l in lines if "data_encoding" in l] == ["text", "base64", "text"]' exported.ndjson
check '[l["metadata"] for l in lines if "metadata_encoding" in l] == ["{ \"k\" : 1 }"]' exported.ndjson
expect 0 "$ES" --db dst.db import exported.ndjson
check 'obj["imported"] == 38 and obj["lines"] == 38'
[[ ! -s $ERR ]] || fail "import wrote to stderr when it is not a terminal"
expect 0 "$ES" --db dst.db export reexported.ndjson
cat >same.py <<'EOF'
import json, sys
def load(path):
    # Everything but what the new store assigns itself: positions and recording times.
    return [{k: v for k, v in json.loads(l).items() if k not in ("position", "recorded_at")}
            for l in open(path, encoding="utf-8")]
a, b = load(sys.argv[1]), load(sys.argv[2])
sys.exit(0 if a == b and len(a) > 0 else 1)
EOF
python3 same.py exported.ndjson reexported.ndjson || fail "round trip changed ids, versions, payloads or order"
# Re-running the same import is idempotent by event id.
expect 0 "$ES" --db dst.db import exported.ndjson
[[ $(event_count dst.db) == 38 ]] || fail "re-import duplicated events"
# From stdin, into a memory store (a dry run that validates a file).
expect 0 "$ES" --db memory: import - <exported.ndjson
check 'obj["imported"] == 38'

section "import batches consecutive lines, keeping file order"
python3 - >bulk.ndjson <<'EOF'
import json
for i in range(3000):
    stream = f"bulk-{i // 100}" if i < 2000 else f"rr-{i % 7}"
    print(json.dumps({"stream": stream, "type": "Tick", "data": {"i": i}}))
EOF
expect 0 "$ES" --db bulk.db import bulk.ndjson --sync normal
check 'obj["imported"] == 3000 and obj["appends"] <= 150'
expect 0 "$ES" --db bulk.db read-all
check '[l["data"]["i"] for l in lines] == list(range(3000))'

section "import stops at a bad line; the lines before it stay"
python3 - >partial.ndjson <<'EOF'
import json
for i in range(1, 11):
    line = {"stream": f"p-{i % 3}", "type": "T", "data": {"i": i},
            "id": f"01900000-0000-7000-8000-{i:012d}"}
    print(json.dumps(line) if i != 7 else '{"stream": "p-1", "type": "T", "data": {oops}')
EOF
expect 1 "$ES" --db partial.db import partial.ndjson
error_is "line 7"
[[ $(event_count partial.db) == 6 ]] || fail "expected the 6 events before line 7"
sed -i '7s/.*/{"stream":"p-1","type":"T","data":{"i":7},"id":"01900000-0000-7000-8000-000000000007"}/' \
  partial.ndjson
expect 0 "$ES" --db partial.db import partial.ndjson
[[ $(event_count partial.db) == 10 ]] || fail "re-run after the fix did not complete the import"
expect 0 "$ES" --db partial.db read-all
check '[l["data"]["i"] for l in lines] == list(range(1, 11))'
# A store-side rejection (bad type) also names its line, after importing the lines before it.
printf '%s\n' '{"stream":"q-1","type":"T","data":1}' '{"stream":"q-2","type":"T","data":2}' \
  '{"stream":"q-1","type":"bad type","data":3}' '{"stream":"q-1","type":"T","data":4}' >q.ndjson
expect 1 "$ES" --db q.db import q.ndjson
error_is "line 3"
[[ $(event_count q.db) == 2 ]] || fail "expected the 2 events before line 3"
# A version that does not fit the store is a conflict (exit 3) naming its line.
printf '%s\n' '{"stream":"v-1","type":"T","data":1,"version":1}' \
  '{"stream":"v-1","type":"T","data":2,"version":5}' >v.ndjson
expect 3 "$ES" --db v.db import v.ndjson
error_is "line 2"
printf '{"type":"T","data":1}\n' >nostream.ndjson
expect 1 "$ES" --db v.db import nostream.ndjson
error_is '"stream" is missing'
expect 4 "$ES" --db v.db import no-such-file.ndjson

section "demo"
expect 0 "$ES" --db memory: demo
grep -q 'bank.AccountOpenedWithDeposit v1' "$OUT" || fail "the demo does not show the legacy history"
grep -q 'Loaded through bank::upcasters(): owner Carol, balance 115.50' "$OUT" ||
  fail "the demo's legacy account did not load with its balance"

expect 0 "$ES" --db demo.db demo
grep -q 'Read model bank_balances' "$OUT" || fail "the demo does not show the balances read model"
grep -q 'the read model shows' "$OUT" || fail "the demo does not read its own write"
expect 0 "$ES" --db demo.db projections
check '{l["name"] for l in lines} == {"bank-balances", "bank-daily-totals"} and all(l["caught_up"] for l in lines)'

section "bench"
expect 2 "$ES" --db memory: bench --workload W9

section "tail and projections"
# wait_lines FILE N: waits (at most 60 s) until FILE holds N lines.
wait_lines() {
  local deadline=$((SECONDS + 60))
  while (($(wc -l <"$1") < $2 && SECONDS < deadline)); do sleep 0.05; done
}
T=tail.db
expect 0 "$ES" --db $T append acct-0 bank.Deposited '{"n":0}'
"$ES" --db $T tail --name follower >tail1.ndjson 2>tail1.err &
TAIL=$!
# Another process appends while the tail catches up and goes live.
for i in $(seq 1 30); do
  "$ES" --db $T append "acct-$((i % 3))" bank.Deposited "{\"n\":$i}" >/dev/null || fail "append $i"
done
wait_lines tail1.ndjson 31
kill -TERM $TAIL
rc=0 && wait $TAIL || rc=$?
[[ $rc == 0 ]] || fail "tail exited $rc on SIGTERM: $(cat tail1.err)"
check '[l["data"]["n"] for l in lines] == list(range(31))' tail1.ndjson
check 'all(set(l) == {"id","stream","version","position","type","schema_version","data","metadata","tenant","recorded_at"} for l in lines)' tail1.ndjson
check '[int(l["position"]) for l in lines] == sorted(int(l["position"]) for l in lines)' tail1.ndjson
expect 0 "$ES" --db $T read-all
python3 -c 'import json, sys; a, b = ([json.loads(l) for l in open(f)] for f in sys.argv[1:]); sys.exit(a != b)' \
  "$OUT" tail1.ndjson || fail "tail's lines differ from read-all's"

expect 0 "$ES" --db $T projections
check 'len(lines) == 1 and lines[0]["name"] == "follower" and lines[0]["caught_up"] and lines[0]["events_behind"] == 0'
for i in 31 32 33; do expect 0 "$ES" --db $T append acct-9 bank.Deposited "{\"n\":$i}"; done
expect 0 "$ES" --db $T append acct-9 bank.Audited '{"n":-1}'
expect 0 "$ES" --db $T projections
check 'lines[0]["events_behind"] == 4 and not lines[0]["caught_up"] and lines[0]["head"] != lines[0]["position"]'

# Restarted under the same name: only what came since, nothing lost, nothing twice.
"$ES" --db $T tail --name follower --type bank.Deposited >tail2.ndjson 2>tail2.err &
TAIL=$!
wait_lines tail2.ndjson 3
expect 0 "$ES" --db $T append acct-9 bank.Deposited '{"n":34}'
wait_lines tail2.ndjson 4
kill -INT $TAIL
rc=0 && wait $TAIL || rc=$?
[[ $rc == 0 ]] || fail "tail exited $rc on SIGINT: $(cat tail2.err)"
check '[l["data"]["n"] for l in lines] == [31, 32, 33, 34]' tail2.ndjson

# A closed stdout ends the tail cleanly; --from and --category select.
rc=0
timeout 60 "$ES" --db $T tail --category acct --from 3 | head -n 2 >tail3.ndjson || rc=$?
[[ $rc == 0 ]] || fail "tail | head exited $rc"
check '[int(l["position"]) for l in lines] == [4, 5] and all(l["stream"].startswith("acct-") for l in lines)' tail3.ndjson
expect 2 "$ES" --db $T tail --from nowhere
expect 4 "$ES" --db missing.db tail
expect 0 "$ES" --help
check '"tail" in text and "projections" in text'

section "dlq"
expect 0 "$ES" --db dlq.db append order-1 T '{"n":1}'
# Letters as a subscription parks them (the dead_letters table of docs/storage-sqlite.md).
python3 - <<'PY'
import sqlite3
db = sqlite3.connect("dlq.db")
rows = [("mailer", "1", "order-1", 1, "boom", 3), ("mailer", "2", "order-1", 2, "parked behind 1", 0),
        ("mailer", "3", "order-2", 1, "boom", 3), ("audit", "3", "order-2", 1, "nope", 1)]
for sub, pos, stream, version, error, attempts in rows:
    db.execute("INSERT INTO dead_letters (subscription, position, stream, version, event_id, type,"
               " error, attempts, parked_at) VALUES (?, ?, ?, ?,"
               " '0190b6e4-6f1a-7c3d-9a41-1b2c3d4e5f60', 'T', ?, ?, 1764000000000000)",
               (sub, pos, stream, version, error, attempts))
db.commit()
PY
expect 0 "$ES" --db dlq.db dlq list
check 'len(lines) == 4 and [l["subscription"] for l in lines] == ["mailer", "mailer", "mailer", "audit"]'
expect 0 "$ES" --db dlq.db dlq list --name mailer
check 'len(lines) == 3 and lines[0]["stream"] == "order-1" and lines[0]["attempts"] == 3 and lines[0]["error"] == "boom" and lines[1]["version"] == 2 and not lines[0]["redeliver"]'
check 're.match(r"'"$TIME"'", lines[0]["parked_at"]) and lines[0]["position"] == "1"'
expect 0 "$ES" --db dlq.db dlq list --name nobody
check 'text == ""'
expect 0 "$ES" --db dlq.db dlq retry mailer --stream order-1
check 'obj == {"subscription": "mailer", "stream": "order-1", "marked": 2}'
expect 0 "$ES" --db dlq.db dlq list --name mailer
check '[l["redeliver"] for l in lines] == [True, True, False]'
expect 4 "$ES" --db dlq.db dlq retry mailer --stream order-9
error_is "not_found"
expect 0 "$ES" --db dlq.db dlq discard mailer
check 'obj == {"subscription": "mailer", "stream": None, "discarded": 3}'
expect 4 "$ES" --db dlq.db dlq discard mailer
expect 0 "$ES" --db dlq.db dlq list
check 'len(lines) == 1 and lines[0]["subscription"] == "audit"'
expect 2 "$ES" --db dlq.db dlq
error_is "usage:"
expect 2 "$ES" --db dlq.db dlq retry
expect 4 "$ES" --db no-such.db dlq list
expect 1 "$ES" --db memory: dlq list
error_is "SQLite store file"

section "verify"
# tamper DB SQL: edits the store file behind the store's back.
tamper() { python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.commit()' "$1" "$2"; }
expect 0 "$ES" verify --help
grep -q "modified, deleted, inserted, reordered" "$OUT" || fail "help of verify"
for i in 1 2 3 4; do "$ES" --db chain.db append acct-1 t.Deposited "{\"n\":$i}" >/dev/null; done
printf '%s\n' '{"type":"t.A","data":{},"stream":"b-1"}' '{"type":"t.B","data":{},"stream":"c-1"}' | "$ES" --db chain.db append b-1 >/dev/null
"$ES" --db chain.db delete c-1 >/dev/null
expect 0 "$ES" --db chain.db verify
check 're.match(r"verified 6 events in 3 streams: intact\ndigest [0-9a-f]{64}\n$", text)'
expect 0 "$ES" --db chain.db verify --json
check 'obj["intact"] and obj["events"] == 6 and obj["streams"] == 3 and obj["problems"] == 0 and len(obj["digest"]) == 64'
digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$OUT")
expect 0 "$ES" --db chain.db verify --json --heads
check 'len(lines) == 4 and lines[0]["stream"] == "acct-1" and lines[0]["version"] == 4 and len(lines[0]["hash"]) == 64 and lines[3]["digest"] == "'"$digest"'"'
cp chain.db chain-clean.db
tamper chain.db "UPDATE events SET data = '{\"n\":40}' WHERE stream = 'acct-1' AND version = 2"
expect 5 "$ES" --db chain.db verify --json
check 'lines[0] == {"stream": "acct-1", "version": 2, "kind": "modified", "detail": lines[0]["detail"]} and lines[-1]["problems"] == 1 and not lines[-1]["intact"]'
error_is "integrity: 1 problem found"
expect 5 "$ES" --db chain.db verify
check 'text.startswith("acct-1 2 modified: ") and "1 problem\n" in text'
expect 0 "$ES" --db chain.db verify --stream b-1
check 'text.startswith("verified 1 event in 1 stream: intact")'
# tamper_finds SQL EXPECTED: SQL on a copy of the clean store makes verify exit 5 reporting exactly
# the EXPECTED list of (stream, version, kind).
tamper_finds() {
  cp chain-clean.db chain.db
  tamper chain.db "$1"
  expect 5 "$ES" --db chain.db verify --json
  check '[(l["stream"], l["version"], l["kind"]) for l in lines[:-1]] == '"$2"
}
tamper_finds "DELETE FROM events WHERE stream = 'acct-1' AND version = 3" '[("acct-1", 3, "deleted")]'
tamper_finds "INSERT INTO events (id, stream, version, type, schema_version, data, metadata, tenant, recorded_at, hash) SELECT randomblob(16), stream, 5, type, schema_version, data, metadata, tenant, recorded_at, hash FROM events WHERE stream = 'acct-1' AND version = 4" \
  '[("acct-1", 5, "inserted")]'
tamper_finds "UPDATE events SET version = -1 WHERE stream = 'acct-1' AND version = 1; UPDATE events SET version = 1 WHERE stream = 'acct-1' AND version = 2; UPDATE events SET version = 2 WHERE stream = 'acct-1' AND version = -1" \
  '[("acct-1", 1, "reordered"), ("acct-1", 2, "reordered")]'
cp chain-clean.db chain.db
tamper chain.db "DELETE FROM events WHERE stream = 'acct-1' AND version = 4; UPDATE streams SET version = 3, last_hash = (SELECT hash FROM events WHERE stream = 'acct-1' AND version = 3) WHERE stream = 'acct-1'"
expect 0 "$ES" --db chain.db verify --json
check 'obj["intact"] and obj["digest"] != "'"$digest"'"'
expect 4 "$ES" --db no-such.db verify
expect 0 "$ES" --db memory: verify
check 'text.startswith("verified 0 events in 0 streams: intact")'

section "tenants"
expect 0 "$ES" --db t.db --tenant acme append order-1 Placed '{"n":1}'
expect 0 "$ES" --db t.db append order-2 Placed '{"n":2}' --tenant globex
expect 0 "$ES" --db t.db --tenant globex read order-2
check 'len(lines) == 1 and lines[0]["tenant"] == "globex"'
expect 4 "$ES" --db t.db --tenant acme read order-2
expect 0 "$ES" --db t.db --tenant acme read-all
check 'len(lines) == 1 and lines[0]["stream"] == "order-1" and lines[0]["tenant"] == "acme"'
expect 0 "$ES" --db t.db --tenant acme streams
check 'len(lines) == 1 and lines[0]["stream"] == "order-1"'
expect 0 "$ES" --db t.db --tenant acme stats
check 'obj["events"] == 1 and obj["streams"] == 1'
expect 1 "$ES" --db t.db --tenant acme append order-2 Placed '{"n":3}'
error_is "permission_denied"
expect 1 "$ES" --db t.db --tenant acme delete order-2
error_is "permission_denied"
check 'obj["events"] == 2' <("$ES" --db t.db stats)
expect 0 "$ES" --db t.db --tenant acme export
check 'len(lines) == 1 and lines[0]["stream"] == "order-1"'
printf '%s\n' '{"stream":"order-3","type":"Placed","data":{},"tenant":"globex"}' >other.ndjson
expect 1 "$ES" --db t.db --tenant acme import other.ndjson
error_is "permission_denied"
expect 2 "$ES" --db t.db --tenant acme projections
error_is "without --tenant"
expect 0 "$ES" --db t.db --tenant acme verify --json
check 'obj["intact"] and obj["events"] == 1 and obj["streams"] == 1'
expect 1 "$ES" --db t.db --tenant $'bad\x01' stats
error_is "tenant contains a control character"

section "--trace-log: one JSON line per store operation"
TP=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
expect 0 "$ES" --db tr.db --trace-log trace.ndjson append acct-1 Opened '{}' \
  --metadata "{\"traceparent\":\"$TP\"}"
expect 3 "$ES" --db tr.db --trace-log trace.ndjson append acct-1 Opened '{}' --expected no-stream
expect 0 "$ES" --db tr.db --trace-log trace.ndjson read acct-1
# read asks for the stream's info first (exit 4 for an absent stream).
check '[l["operation"] for l in lines] == ["append", "append", "stream_info", "read_stream"]' trace.ndjson
check 'lines[0]["stream"] == "acct-1" and lines[0]["events"] == 1 and lines[0]["status"] == "ok"' trace.ndjson
check 'lines[0]["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736" and lines[0]["parent_id"] == "00f067aa0ba902b7"' trace.ndjson
check 'lines[1]["status"] == "conflict" and lines[1]["events"] == 0 and "parent_id" not in lines[1]' trace.ndjson
check 'lines[3]["events"] == 1 and lines[3]["micros"] >= 0' trace.ndjson
expect 1 "$ES" --db tr.db --trace-log "$WORK/no-such-dir/trace.ndjson" read acct-1
error_is "no-such-dir/trace.ndjson"

if [[ $FAILED != 0 ]]; then
  echo "cli_test: FAILED"
  exit 1
fi
echo "cli_test: all passed"
