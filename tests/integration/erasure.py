#!/usr/bin/python3
"""A seller's whole journey to erasure, over HTTP and the command line.

A seller with personal data everywhere (profile, bank account, buyers'
names and addresses, an export archive, e-mails written to the data folder)
closes their account; time moves with `offboard jobs run-due --now`; a legal
hold stops the purge until it is released; the purge runs. Then none of
their personal data is in any byte of the database, its WAL and shm files,
the keystore or the data folder (UTF-8 and UTF-16), a copy of the database
taken before the purge opens nothing, the certificate verifies and a
changed byte does not, the other seller is untouched, `offboard check` and
`offboard audit verify` are clean. Then a purge killed in the middle
resumes to the same end. Runs on SQLite, or on PostgreSQL when
OFFBOARD_TEST_DB=pg (OFFBOARD_TEST_PG names the server).

The master and signing keys are made on first start in the data folder,
as `make run` does: OFFBOARD_MASTER_KEY is unset here on purpose.
"""
import atexit
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

BIN = os.environ["OFFBOARD_BIN"]
PG = os.environ.get("OFFBOARD_TEST_DB") == "pg"
DAY = 86400


def fail(msg):
    print("erasure.py: FAIL: " + msg, file=sys.stderr)
    log = os.path.join(tmp, "server.log")
    if os.path.exists(log):
        print("server.log ends:\n" + open(log).read()[-3000:], file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def rfc3339(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(s):
    return int(datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


tmp = tempfile.mkdtemp(prefix="offboard-erasure-")
data = os.path.join(tmp, "data")
env = dict(os.environ)
env.pop("OFFBOARD_MASTER_KEY", None)
env.pop("OFFBOARD_SIGNING_KEY_FILE", None)
if PG:
    base = os.environ["OFFBOARD_TEST_PG"]
    name = "t_erasure_" + os.urandom(6).hex()
    subprocess.run(["psql", base, "-qc", "CREATE DATABASE " + name], check=True)
    DB = base.rsplit("/", 1)[0] + "/" + name
else:
    DB = "sqlite:" + os.path.join(tmp, "offboard.db")
COMMON = ["--db", DB, "--data-dir", data]


def cli(*args, ok=True):
    p = subprocess.run([BIN, *args, *COMMON], env=env, capture_output=True, text=True)
    if ok and p.returncode != 0:
        fail("offboard %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr[-2000:]))
    return p


def run_due(t):
    cli("jobs", "run-due", "--now", rfc3339(t))


servers = []


def cleanup():
    for s in servers:
        if s.poll() is None:
            s.kill()
            s.wait()
    if PG:
        subprocess.run(["psql", os.environ["OFFBOARD_TEST_PG"], "-qc", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name],
                       capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)


atexit.register(cleanup)
server = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--threads", "2", *COMMON],
                          env=env, stdout=subprocess.PIPE, stderr=open(os.path.join(tmp, "server.log"), "w"),
                          text=True)
servers.append(server)
line = server.stdout.readline()
m = re.match(r"listening on (http://\S+)", line)
check(m, "the server did not start: " + line)
URL = m.group(1)
log = open(os.path.join(tmp, "server.log")).read()
check("made a new master key" in log, "no warning about the generated master key")
check(os.path.exists(os.path.join(data, "master.key")) and os.path.exists(os.path.join(data, "signing.key")),
      "keys were not made in the data folder")
OPS = cli("ops-key", "create", "--name", "erasure").stdout.strip()


def request(method, path, body=None, opener=None, headers=None):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    data_bytes = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(URL + path, data=data_bytes, method=method, headers=h)
    try:
        resp = (opener or urllib.request.build_opener()).open(req, timeout=30)
        status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw


def ops(method, path, body=None):
    return request(method, path, body, headers={"Authorization": "Bearer " + OPS})


def expect(got, status, what):
    if got[0] != status:
        fail("%s: expected %d, got %d %s" % (what, status, got[0], got[1]))
    return got[1]


class Seller:
    def __init__(self, email, password):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.email, self.password, self.csrf = email, password, None

    def sign_in(self):
        st, body = request("POST", "/api/v1/session", {"email": self.email, "password": self.password},
                           self.opener)
        if st == 201:
            self.csrf = body["csrf_token"]
        return st, body

    def call(self, method, path, body=None):
        return request(method, path, body, self.opener, {"X-CSRF-Token": self.csrf or ""})


NOW = int(time.time())
# Everything personal about the seller who leaves, and their buyers.
A = {"email": "erin.leaving@shop.example", "password": "correct horse battery",
     "display_name": "Erin's Emporium", "legal_name": "Erin Quigley-Vantongeren", "phone": "+1 555 0142 777",
     "address": "77 Wisteria Crescent, Fairbanks, AK 99701", "tax_id": "93-4417702",
     "bank_account": {"holder": "Erin Quigley-Vantongeren", "iban": "DE44500105175407324931"}}
BUYERS = [("Bartholomew Ingleside", "12 Juniper Row, Duluth, MN 55802"),
          ("Persephone Oakhurst", "9 Larkspur Way, Bend, OR 97701")]
SECRETS = [A["email"], A["display_name"], A["legal_name"], A["phone"], A["address"], A["tax_id"],
           A["bank_account"]["iban"], "Quigley", "Wisteria Crescent"] + \
          [b[0] for b in BUYERS] + [b[1] for b in BUYERS]
B = {"email": "olga.staying@shop.example", "password": "another horse staple", "display_name": "Olga's Goods",
     "legal_name": "Olga Staying", "bank_account": {"holder": "Olga Staying", "iban": "DE89370400440532013000"}}

expect(ops("POST", "/api/v1/ops/marketplaces", {"id": "us", "name": "US", "currency": "USD"}), 201, "marketplace")
a_id = expect(ops("POST", "/api/v1/ops/sellers", dict(A, marketplace="us")), 201, "seller A")["id"]
b_id = expect(ops("POST", "/api/v1/ops/sellers", dict(B, marketplace="us")), 201, "seller B")["id"]
placed, delivered = rfc3339(NOW - 200 * DAY), rfc3339(NOW - 190 * DAY)
for sid, buyers in ((a_id, BUYERS), (b_id, [("Olga Buyer", "1 Other Street, Reno, NV 89501")])):
    for name, address in buyers:
        o = expect(ops("POST", "/api/v1/ops/orders", {
            "seller_id": sid, "status": "delivered", "total_minor": 2500, "currency": "USD",
            "buyer_name": name, "ship_address": address, "placed_at": placed, "delivered_at": delivered,
            "items": [{"sku": "MUG-1", "title": "Mug", "quantity": 1, "unit_price_minor": 2500}]}), 201, "order")
        expect(ops("POST", "/api/v1/ops/ledger", {"seller_id": sid, "type": "sale", "amount_minor": 2500,
                                                   "currency": "USD", "order_id": o["id"]}), 201, "sale")
        expect(ops("POST", "/api/v1/ops/ledger", {"seller_id": sid, "type": "release", "amount_minor": 2500,
                                                   "currency": "USD", "order_id": o["id"]}), 201, "release")

a, b = Seller(A["email"], A["password"]), Seller(B["email"], B["password"])
expect(a.sign_in(), 201, "A signs in")
expect(b.sign_in(), 201, "B signs in")
# withdraw, and the marketplace settles the payout
payout = expect(a.call("POST", "/api/v1/payouts", {}), 201, "A withdraws")
expect(ops("PATCH", "/api/v1/ops/payouts/" + payout["id"], {"status": "settled"}), 200, "payout settled")
# an export archive full of personal data in the data folder
export = expect(a.call("POST", "/api/v1/account/exports", {}), 201, "A exports")
for _ in range(300):
    st, e = a.call("GET", "/api/v1/account/exports/" + export["id"])
    if e and e.get("status") == "ready":
        break
    time.sleep(0.1)
check(e.get("status") == "ready", "the export did not finish: %s" % e)

# verify, request, confirm from the e-mail written to the data folder
expect(a.call("POST", "/api/v1/account/verify", {"password": A["password"]}), 200, "step-up")
expect(a.call("POST", "/api/v1/account/closure", {"reason": "other", "reason_text": "Moving to Quigley Farm",
                                                  "password": A["password"], "acknowledge": True}), 202, "request")
token = None
for _ in range(100):
    for f in os.listdir(os.path.join(data, "mail")) if os.path.isdir(os.path.join(data, "mail")) else []:
        text = open(os.path.join(data, "mail", f), errors="replace").read()
        mt = re.search(r"#token=([A-Za-z0-9_-]{43})", text)
        if mt and A["email"] in text:
            token = mt.group(1)
    if token:
        break
    time.sleep(0.1)
check(token, "no confirmation e-mail in the data folder")
readiness = expect(a.call("POST", "/api/v1/account/closure/confirm", {"token": token}), 200, "confirm")
st, closure = a.call("GET", "/api/v1/account/closure")
tl = closure["timeline"]
closes_at = parse_time(tl["closes_at"])
erase_at = parse_time(tl["erased_at"])

# a purge asked for too early is refused, and changes nothing
p = cli("purge", "--seller", a_id, ok=False)
check(p.returncode == 1 and "purge_not_due" in p.stderr, "early purge: %d %s" % (p.returncode, p.stderr))

run_due(closes_at + 60)                     # closed
run_due(erase_at - DAY)                     # reserve released, history still open
expect(a.sign_in(), 201, "history sign-in")
# a legal hold stops the purge, and the seller's timeline says until when
hold_until = erase_at + 20 * DAY
hold = expect(ops("POST", "/api/v1/ops/legal-holds", {"seller_id": a_id, "reason": "tax audit 2026",
                                                      "until": rfc3339(hold_until)}), 201, "hold")
st, closure = a.call("GET", "/api/v1/account/closure")
check("erasure_delayed_until" in json.dumps(closure), "the timeline does not show the delay: %s" % closure["timeline"])
run_due(erase_at + 60)
p = cli("purge", "--seller", a_id, "--now", rfc3339(erase_at + 120), ok=False)
check(p.returncode == 1 and "legal_hold" in p.stderr, "purge during a hold: %d %s" % (p.returncode, p.stderr))
expect(ops("DELETE", "/api/v1/ops/legal-holds/" + hold["id"]), 200, "hold released")

# a copy of the database as a backup taken before the purge
backup = os.path.join(tmp, "backup")
os.mkdir(backup)
if not PG:
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(DB[7:] + suffix):
            shutil.copy(DB[7:] + suffix, os.path.join(backup, "offboard.db" + suffix))

# the webhook receiver hears account.purged
expect(ops("POST", "/api/v1/ops/webhooks", {"url": "http://127.0.0.1:9/hook", "events": ["account.purged"]}),
       201, "webhook")
run_due(hold_until + 60)                    # the purge job, put off by the hold, runs
p = cli("purge", "--seller", a_id, "--now", rfc3339(hold_until + 120), ok=False)
check(p.returncode == 1 and "already_purged" in p.stderr, "second purge: %d %s" % (p.returncode, p.stderr))
server.send_signal(signal.SIGTERM)
server.wait(timeout=30)

# 1. no byte of the database, its log, the keystore or the data folder holds it
files = []
if not PG:
    d = os.path.dirname(DB[7:])
    files += [os.path.join(d, f) for f in os.listdir(d) if f.startswith("offboard.")]
for root, _, names in os.walk(data):
    files += [os.path.join(root, n) for n in names]
if PG:
    dump = os.path.join(tmp, "dump.sql")
    subprocess.run(["pg_dump", "-f", dump, DB], check=True)
    files.append(dump)
for path in files:
    raw = open(path, "rb").read()
    for s in SECRETS:
        for enc in ("utf-8", "utf-16-le", "utf-16-be"):
            check(s.encode(enc) not in raw, "%r (%s) is still in %s" % (s, enc, path))
print("erasure.py: no personal data in %d files" % len(files))

# 2. the backup taken before holds ciphertext only, and its key is gone
if not PG:
    for name in os.listdir(backup):
        raw = open(os.path.join(backup, name), "rb").read()
        for s in SECRETS:
            check(s.encode() not in raw, "%r is readable in the backup %s" % (s, name))
    keystore = DB[7:-3] + ".keys.db"
    p = subprocess.run([BIN, "export", "--db", "sqlite:" + os.path.join(backup, "offboard.db"), "--keystore",
                        keystore, "--data-dir", data, "--seller", a_id, "--out", os.path.join(tmp, "x.zip")],
                       env=env, capture_output=True, text=True)
    check(p.returncode != 0 and "erased" in p.stderr, "the backup still opens: %d %s" % (p.returncode, p.stderr))
    check(not os.path.exists(os.path.join(tmp, "x.zip")), "an archive was written from the backup")

# 3. the certificate verifies; a changed byte does not
certs = os.listdir(os.path.join(data, "certificates"))
check(len(certs) == 1, "certificates: %s" % certs)
cert_path = os.path.join(data, "certificates", certs[0])
cert = json.load(open(cert_path))
tables = {t["table"]: t for t in cert["tables"]}
check(tables["orders"]["pseudonymised"] == 2 and tables["orders"]["retained"] == 2, "orders: %s" % tables["orders"])
check(tables["sellers"]["erased"] == 1 and tables["exports"]["erased"] == 1, "erased: %s" % tables)
check(tables["orders"]["legal_basis"] and cert["pseudonym"].startswith("psn_"), "retention: %s" % cert)
cli("certificate", "verify", cert_path)
raw = bytearray(open(cert_path, "rb").read())
raw[len(raw) // 2] ^= 1
bad = os.path.join(tmp, "changed.json")
open(bad, "wb").write(raw)
check(cli("certificate", "verify", bad, ok=False).returncode == 1, "a changed certificate verified")

# 4. the other seller is untouched; the purged one cannot sign in
server = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--threads", "2", *COMMON], env=env,
                          stdout=subprocess.PIPE, stderr=open(os.path.join(tmp, "server2.log"), "w"), text=True)
servers.append(server)
URL = re.match(r"listening on (http://\S+)", server.stdout.readline()).group(1)
b = Seller(B["email"], B["password"])
expect(b.sign_in(), 201, "B signs in after the purge")
acct = expect(b.call("GET", "/api/v1/account"), 200, "B's profile")
check(acct["legal_name"] == B["legal_name"], "B's profile changed: %s" % acct)
orders = expect(b.call("GET", "/api/v1/orders"), 200, "B's orders")["items"]
check(len(orders) == 1 and orders[0]["buyer_name"] == "Olga Buyer", "B's orders: %s" % orders)
check(Seller(A["email"], A["password"]).sign_in()[0] == 401, "the purged seller signed in")
req = urllib.request.Request(URL + "/api/v1/ops/erasures/" + cert["id"], headers={"Authorization": "Bearer " + OPS})
check(urllib.request.urlopen(req).read() == open(cert_path, "rb").read(), "the API's certificate differs")
expect(ops("GET", "/api/v1/ops/erasures/cer_nosuchthing"), 404, "unknown certificate")
er = expect(ops("GET", "/api/v1/ops/sellers/%s/erasure" % a_id), 200, "the seller's erasure")
check(er["status"] == "purged" and er["id"] == cert["id"] and er["pseudonym"] == cert["pseudonym"] and
      er["certificate"] == "/api/v1/ops/erasures/" + cert["id"], "erasure: %s" % er)
expect(ops("GET", "/api/v1/ops/sellers/%s/erasure" % b_id), 404, "the other seller was never purged")
st, deliveries = ops("GET", "/api/v1/ops/webhooks/deliveries")
check(any(d["event"] == "account.purged" for d in deliveries["items"]), "no account.purged delivery")
server.send_signal(signal.SIGTERM)
server.wait(timeout=30)

# 5. a master key that is missing or another one: the server refuses to start
master = os.path.join(data, "master.key")
os.rename(master, master + ".away")
p = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", *COMMON], env=env, capture_output=True, text=True,
                   timeout=30)
check(p.returncode != 0 and "master key that is not given" in p.stderr, "serve without its key: %s" % p.stderr)
check(not os.path.exists(master), "a new master key was made over a used keystore")
os.rename(master + ".away", master)
other = dict(env, OFFBOARD_MASTER_KEY="A" * 43 + "=")
p = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", *COMMON], env=other, capture_output=True, text=True,
                   timeout=30)
check(p.returncode != 0 and "not the one the keystore was made with" in p.stderr, "serve with another key: %s" % p.stderr)

check("ok" in cli("check").stdout + cli("check").stderr, "offboard check")
cli("audit", "verify")
print("erasure.py: journey to erasure ok (certificate %s)" % cert["id"])
