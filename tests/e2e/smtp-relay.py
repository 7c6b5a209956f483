#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The test rig's SMTP relay: Dovecot's submission service relays to it, and
it delivers into the test Dovecot by LMTP, so a message sent by skua is
found in the recipient's INBOX over IMAP.

A recipient whose local part is not a test user is refused at RCPT (550).
Each accepted message is also kept in SPOOL as N.eml with its envelope in
N.env ("MAIL FROM" line, then one "RCPT TO" line per recipient).
Run by tests/e2e/lib.sh (smtp_start); stops on SIGTERM.
"""
import argparse
import os
import signal
import smtplib
import threading

from aiosmtpd.controller import Controller


class Relay:
    def __init__(self, users, lmtp_port, spool):
        self.users = set(users)
        self.lmtp_port = lmtp_port
        self.spool = spool
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        local = address.rsplit("@", 1)[0]
        if local not in self.users:
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.spool, str(n))
        with open(base + ".eml", "wb") as f:
            f.write(data)
        with open(base + ".env", "w") as f:
            f.write("MAIL FROM %s\n" % envelope.mail_from)
            for r in envelope.rcpt_tos:
                f.write("RCPT TO %s\n" % r)
        try:
            # One LMTP transaction per recipient: smtplib reads only one
            # reply after DATA, and LMTP gives one per recipient.
            for r in envelope.rcpt_tos:
                with smtplib.LMTP("127.0.0.1", self.lmtp_port) as lmtp:
                    lmtp.sendmail(envelope.mail_from, [r.rsplit("@", 1)[0]],
                                  data)
        except Exception as e:  # said to the client, which fails the send
            return "451 4.3.0 LMTP delivery failed: %s" % str(e)[:200]
        return "250 2.0.0 delivered as %d" % n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--lmtp-port", type=int, required=True)
    ap.add_argument("--users", required=True)
    ap.add_argument("--spool", required=True)
    ap.add_argument("--ready", required=True)
    a = ap.parse_args()
    os.makedirs(a.spool, exist_ok=True)
    relay = Relay(a.users.split(","), a.lmtp_port, a.spool)
    ctl = Controller(relay, hostname="127.0.0.1", port=a.port,
                     data_size_limit=50 * 1024 * 1024)
    ctl.start()
    with open(a.ready, "w") as f:
        f.write("%d\n" % os.getpid())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    ctl.stop()


if __name__ == "__main__":
    main()
