#!/usr/bin/python3
"""A webhook receiver for the tests, checking signatures on its own.

usage: /usr/bin/python3 webhook_sink.py LOG SECRET

Listens on a free port of 127.0.0.1 and prints that port, alone on a line,
once it accepts connections. Every POST is checked the way docs/internals/
notify.md tells receivers to: Offboard-Signature is "t=<unix>,v1=<hex>" and
v1 must be the HMAC-SHA256, keyed with SECRET, of "<t>." followed by the raw
body (compared in constant time). The answer:

  500 to the first N requests of a path when its query has fail=N,
      counted per path and query (so a test can make one endpoint flaky);
  401 when the signature does not verify;
  200 otherwise.

Each request is appended to LOG as one JSON line, before the answer goes out:
{"path", "status", "verified", "event", "delivery", "signature", "body"}.
Stops on SIGTERM or SIGINT.

Uses only the standard library (hmac, hashlib, http.server).
"""
import hashlib
import hmac
import http.server
import json
import signal
import sys
import threading
import urllib.parse


def verify(secret, header, body):
    """Returns True when header signs body with secret."""
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    t, v1 = parts.get("t", ""), parts.get("v1", "")
    if not t.isdigit() or not v1:
        return False
    expected = hmac.new(secret, t.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, v1)


class Receiver(http.server.BaseHTTPRequestHandler):
    counts = {}
    lock = threading.Lock()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        fail = int(query.get("fail", ["0"])[0])
        with self.lock:
            n = self.counts.get(self.path, 0) + 1
            self.counts[self.path] = n
        ok = verify(self.server.secret, self.headers.get("Offboard-Signature"), body)
        status = 500 if n <= fail else 200 if ok else 401
        entry = {
            "path": self.path,
            "status": status,
            "verified": ok,
            "content_type": self.headers.get("Content-Type"),
            "event": self.headers.get("Offboard-Event"),
            "delivery": self.headers.get("Offboard-Delivery"),
            "signature": self.headers.get("Offboard-Signature"),
            "body": body.decode("utf-8", "replace"),
        }
        with self.lock, open(self.server.log, "a") as f:
            f.write(json.dumps(entry) + "\n")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, fmt, *args):
        pass


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: webhook_sink.py LOG SECRET")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.log = sys.argv[1]
    server.secret = sys.argv[2].encode()
    print(server.server_address[1], flush=True)
    stop = lambda *_: threading.Thread(target=server.shutdown).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
