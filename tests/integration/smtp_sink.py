#!/usr/bin/python3
"""An SMTP server for the tests: takes every message, keeps it, answers 250.

usage: /usr/bin/python3 smtp_sink.py DIR

Listens on a free port of 127.0.0.1 and prints that port, alone on a line,
once it accepts connections. The n-th message goes to DIR/NNNN.eml (the bytes
as received, after SMTP's dot-unstuffing) and DIR/NNNN.json: the envelope and
the message as a mail reader sees it (headers decoded, body decoded from its
transfer encoding and charset, line ends as \n). Both appear at once (written
aside, then renamed). Stops on SIGTERM or SIGINT.

Runs under Debian's python3 with python3-aiosmtpd (scripts/deps.sh test),
not whichever python3 comes first on the PATH.
"""
import asyncio
import email
import email.policy
import json
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


class Mailbox:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, "%04d" % self.count)
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_content() if not msg.is_multipart() else ""
        info = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "date": str(msg["Date"]),
            "message_id": str(msg["Message-ID"]),
            "mime_version": str(msg["MIME-Version"]),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset(),
            "transfer_encoding": str(msg["Content-Transfer-Encoding"]),
            "defects": [type(d).__name__ for d in msg.defects],
            "body": body.replace("\r\n", "\n"),
        }
        for ext, data in ((".eml", raw), (".json", json.dumps(info).encode())):
            with open(base + ext + ".tmp", "wb") as f:
                f.write(data)
            os.rename(base + ext + ".tmp", base + ext)
        return "250 OK"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: smtp_sink.py DIR")
    box = Mailbox(sys.argv[1])
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(box, hostname="sink.test"), "127.0.0.1", 0))
    print(server.sockets[0].getsockname()[1], flush=True)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    loop.run_forever()
    server.close()
    loop.run_until_complete(server.wait_closed())


if __name__ == "__main__":
    main()
