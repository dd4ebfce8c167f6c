#!/usr/bin/env bash
# The binary alone in an empty folder: --version, serve with an empty data dir, /healthz, admin login, stop;
# the SQL Server and Oracle drivers it carries; mail and TOTP; the demo.
set -euo pipefail
repo=$(pwd)
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

# nodemailer and otplib inside the binary: a subscription request is mailed to the provider through a local SMTP
# sink (aiosmtpd); a TOTP enrolment is confirmed with a code computed here (RFC 6238), then a login takes the next one.
sinkport=$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
/usr/bin/python3 "$repo/test/support/smtp-sink.py" "$sinkport" < /dev/null > sink.out &
sink=$!
trap 'kill $pid $sink 2>/dev/null || true; rm -rf "$dir"' EXIT
for i in $(seq 1 50); do grep -q ready sink.out 2>/dev/null && break; sleep 0.2; done
curl -fs "${auth[@]}" -X PUT -d "{\"version\":0,\"smtp\":{\"host\":\"127.0.0.1\",\"port\":$sinkport,\"tls\":\"none\",\"from\":\"mantra@smoke.test\"}}" "$api/settings" >/dev/null
curl -fs "${auth[@]}" -d '{"slug":"peminta","name":"Peminta"}' "$api/agencies" >/dev/null
curl -fs "${auth[@]}" -d '{"agency":"uji","slug":"mem","kind":"sqlite","path":":memory:"}' "$api/connectors" >/dev/null
curl -fs "${auth[@]}" -d '{"agency":"uji","slug":"layanan"}' "$api/services" >/dev/null
curl -fs "${auth[@]}" -d '{"agency":"uji","service":"layanan","slug":"satu","kind":"data","data":{"form":"sql","connector":"mem","sql":"select 1 as satu"}}' "$api/operations" >/dev/null
curl -fs "${auth[@]}" -d '{"username":"ani","role":"provider","agency":"uji","email":"ani@smoke.test","password":"smoke-test-password-2","mustChangePassword":false}' "$api/users" >/dev/null
curl -fs "${auth[@]}" -d '{"agency":"peminta","slug":"app"}' "$api/consumers" >/dev/null
curl -fs "${auth[@]}" -d '{"consumer":"peminta/app","agency":"uji","service":"layanan","operation":"satu","purpose":"uji","legalBasis":"uji"}' "$api/subscription-requests" >/dev/null
for i in $(seq 1 50); do grep -q 'ani@smoke.test' sink.out && break; sleep 0.2; done
grep -q '"subject": "Permohonan akses baru: uji/layanan/satu"' sink.out || { echo "no request mail from the binary"; cat sink.out drivers.log; exit 1; }
kill $sink 2>/dev/null || true
totp() { python3 -c 'import base64,hmac,struct,sys,time; k=base64.b32decode(sys.argv[1]); c=int(time.time())//30+int(sys.argv[2]); h=hmac.digest(k,struct.pack(">Q",c),"sha1"); o=h[-1]&15; print("%06d" % ((struct.unpack(">I",h[o:o+4])[0]&0x7fffffff)%1000000))' "$1" "$2"; }
secret=$(curl -fs "${auth[@]}" -d '{"password":"smoke-test-password-1"}' "$api/totp/enrol" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
curl -fs "${auth[@]}" -d "{\"code\":\"$(totp "$secret" -1)\"}" "$api/totp/confirm" >/dev/null
curl -fs -X POST -H 'content-type: application/json' -d "{\"username\":\"admin\",\"password\":\"smoke-test-password-1\",\"code\":\"$(totp "$secret" 0)\"}" "$api/login" | grep -q token \
  || { echo "TOTP login with the binary failed"; exit 1; }
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
# The binary verifies the trail its writer thread chained and signed.
./mantra audit verify --data "$dir/demo" >/dev/null || { echo "audit verify of the demo trail failed"; exit 1; }
echo "smoke test passed"
