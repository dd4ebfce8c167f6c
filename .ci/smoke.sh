#!/usr/bin/env bash
# The binary alone in an empty folder: --version, serve with an empty data dir, /healthz, admin login, stop;
# the SQL Server and Oracle drivers it carries; the demo.
set -euo pipefail
dir=$(mktemp -d)
cp dist/mantra "$dir/"
cd "$dir"
./mantra --version
port=$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
MANTRA_ADMIN_PASSWORD='smoke-test-password-1' ./mantra serve --data "$dir/data" --port "$port" > serve.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for i in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$port/healthz" | grep -q ok
curl -fs "http://127.0.0.1:$port/readyz" | grep -q ready
curl -fs -X POST -H 'content-type: application/json' \
  -d '{"username":"admin","password":"smoke-test-password-1"}' "http://127.0.0.1:$port/admin/api/login" | grep -q token
kill $pid; wait $pid 2>/dev/null || true

# The database drivers inside the binary (tedious, oracledb thin), on a worker thread: a SQL Server and an Oracle
# connector pointed at a closed port answer the connection test with the driver's own network error code.
closed=$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
MANTRA_ADMIN_PASSWORD='smoke-test-password-1' ./mantra serve --data "$dir/drivers" --port "$port" --workers 1 > drivers.log 2>&1 &
pid=$!
for i in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
api="http://127.0.0.1:$port/admin/api"
token=$(curl -fs -X POST -H 'content-type: application/json' -d '{"username":"admin","password":"smoke-test-password-1"}' "$api/login" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
auth=(-H "authorization: Bearer $token" -H 'content-type: application/json')
curl -fs "${auth[@]}" -d '{"slug":"uji","name":"Uji"}' "$api/agencies" >/dev/null
for case in mssql:ESOCKET oracle:NJS-503; do
  kind=${case%%:*}; want=${case#*:}
  curl -fs "${auth[@]}" -d "{\"agency\":\"uji\",\"slug\":\"$kind\",\"kind\":\"$kind\",\"host\":\"127.0.0.1\",\"port\":$closed,\"database\":\"ORCL\",\"user\":\"u\",\"password\":\"p\"}" "$api/connectors" >/dev/null
  answer=$(curl -s "${auth[@]}" -X POST "$api/connectors/uji/$kind/test")
  echo "$answer" | grep -q "\"reason\":\"$want\"" || { echo "$kind connector from the binary: expected reason $want, got: $answer"; cat drivers.log; exit 1; }
done
kill $pid; wait $pid 2>/dev/null || true

# The demo from the binary alone: a data call through the worker threads of the compiled binary.
./mantra demo --data "$dir/demo" --port "$port" > demo.log 2>&1 &
pid=$!
for i in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
key=$(grep -oiE '(kunci demo|demo key)[^:]*: [a-z0-9]+' demo.log | awk '{print $NF}')
curl -fs -H "AccessKey: $key" "http://127.0.0.1:$port/json/demo/kependudukan/penduduk_by_nik/nik=3201000000000042" | grep -q 'Penduduk 42'
curl -fs -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/demo/kependudukan/penduduk_list.csv" | grep -c '^3201' | grep -qx 100
kill $pid; wait $pid 2>/dev/null || true
# Both calls' tracks went through the track log and the binary's writer thread into the database; no log is left.
tracks=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from tracks").fetchone()[0])' "$dir/demo/mantra.db")
[ "$tracks" -ge 2 ] || { echo "expected the demo calls' tracks, found $tracks"; exit 1; }
[ -z "$(ls -A "$dir/demo/tracks")" ] || { echo "track log left after a clean stop"; exit 1; }
echo "smoke test passed"
