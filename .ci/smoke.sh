#!/usr/bin/env bash
# The binary alone in an empty folder: --version, serve with an empty data dir, /healthz, admin login, stop.
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
