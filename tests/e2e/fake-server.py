#!/usr/bin/env python3
"""A scripted mail server on 127.0.0.1 for faults a real server won't produce.

Usage: fake-server.py MODE --port-file FILE [--log FILE] [--lifetime S]

Modes:
  silent          accept connections, read and drop what comes, never answer
  plain-greeting  send "* OK plain fake\\r\\n" and then nothing (a plain
                  server where the client expects TLS)
  imap-inject     an IMAP greeting; CAPABILITY offers STARTTLS; STARTTLS is
                  answered "TAG OK begin TLS\\r\\n* OK injected\\r\\n" in one
                  write (CVE-2020-15953 style); LOGOUT says BYE
  pop3-inject     a POP3 greeting; CAPA offers STLS; STLS is answered
                  "+OK begin TLS\\r\\n+OK injected\\r\\n" in one write
  smtp            an SMTP server without TLS: EHLO offers STARTTLS and
                  AUTH LOGIN only; STARTTLS is answered "220 go ahead\\r\\n
                  250 injected\\r\\n" in one write; AUTH LOGIN asks for the
                  user and the password (logged: "LOGIN-USER name", never
                  the password); MAIL, RCPT, DATA (the message's byte count
                  logged as "DATA-BYTES n"), QUIT
  pop3-nouidl     a plain POP3 server without UIDL serving --count messages
                  (made here, distinct Message-IDs <nouidl-I@fake.test>, one
                  line starting with a dot): CAPA without UIDL (with
                  PIPELINING if --pipelining), USER/PASS (any), STAT, LIST,
                  RETR, DELE, RSET, NOOP, QUIT; UIDL is answered -ERR. A
                  DELE takes effect only at QUIT, as on a real server; QUIT
                  logs "LEFT n" (messages still there). --drop-after-retr K
                  or --drop-after-dele K closes the connection without a
                  word after the K-th RETR or DELE answer of the server's
                  life (once), logged as "DROP". --retr-delay S waits S
                  seconds before each RETR answer (a download that lasts).

It listens on a free port chosen by the kernel and writes that number to
the port file once it accepts connections. The command word of each line a
client sends (never its arguments, so no password) goes to the log file.
It exits by itself after --lifetime seconds (default 60), whatever the
clients do. Python 3 standard library only.
"""

import argparse
import os
import socket
import socketserver
import sys
import threading
import time


class Handler(socketserver.StreamRequestHandler):
    def send(self, data):
        self.wfile.write(data)
        self.wfile.flush()

    def log(self, word):
        if self.server.log_path:
            with self.server.log_lock, open(self.server.log_path, "a") as f:
                f.write(word + "\n")

    def lines(self):
        while True:
            line = self.rfile.readline(8192)
            if not line:
                return
            yield line.decode("latin-1").rstrip("\r\n")

    def handle(self):
        mode = self.server.mode
        try:
            if mode == "silent":
                while self.rfile.read(1):
                    pass
            elif mode == "plain-greeting":
                self.send(b"* OK plain fake\r\n")
                while self.rfile.read(1):
                    pass
            elif mode == "imap-inject":
                self.imap()
            elif mode == "pop3-inject":
                self.pop3()
            elif mode == "smtp":
                self.smtp()
            elif mode == "pop3-nouidl":
                self.pop3_nouidl()
        except OSError:
            pass

    def imap(self):
        self.send(b"* OK fake IMAP ready\r\n")
        for line in self.lines():
            words = line.split(" ", 2)
            tag = words[0].encode("latin-1")
            cmd = words[1].upper() if len(words) > 1 else ""
            self.log(cmd)
            if cmd == "CAPABILITY":
                self.send(b"* CAPABILITY IMAP4rev1 STARTTLS\r\n" + tag + b" OK done\r\n")
            elif cmd == "STARTTLS":
                # Reply and injected response in one write.
                self.send(tag + b" OK begin TLS\r\n* OK injected\r\n")
            elif cmd == "LOGOUT":
                self.send(b"* BYE fake\r\n" + tag + b" OK bye\r\n")
                return
            else:
                self.send(tag + b" BAD unknown command\r\n")

    def pop3(self):
        self.send(b"+OK fake POP3 ready\r\n")
        for line in self.lines():
            cmd = line.split(" ", 1)[0].upper()
            self.log(cmd)
            if cmd == "CAPA":
                self.send(b"+OK\r\nSTLS\r\nUSER\r\n.\r\n")
            elif cmd == "STLS":
                self.send(b"+OK begin TLS\r\n+OK injected\r\n")
            elif cmd == "QUIT":
                self.send(b"+OK bye\r\n")
                return
            else:
                self.send(b"-ERR unknown command\r\n")


    def pop3_nouidl(self):
        srv = self.server
        self.send(b"+OK fake POP3 without UIDL\r\n")
        with srv.box_lock:
            # This session's view: message number -> bytes.
            view = dict(enumerate(srv.box, 1))
        gone = set()
        for line in self.lines():
            words = line.split()
            cmd = words[0].upper() if words else ""
            self.log(cmd)
            arg = None
            if len(words) > 1 and words[1].isdigit():
                arg = int(words[1])
            if cmd == "CAPA":
                caps = b"USER\r\n" + (b"PIPELINING\r\n" if srv.pipelining else b"")
                self.send(b"+OK\r\n" + caps + b".\r\n")
            elif cmd in ("USER", "PASS", "NOOP"):
                self.send(b"+OK\r\n")
            elif cmd == "STAT":
                live = [n for n in view if n not in gone]
                size = sum(len(view[n]) for n in live)
                self.send(b"+OK %d %d\r\n" % (len(live), size))
            elif cmd == "LIST" and arg is None:
                out = [b"+OK\r\n"]
                for n in sorted(view):
                    if n not in gone:
                        out.append(b"%d %d\r\n" % (n, len(view[n])))
                self.send(b"".join(out) + b".\r\n")
            elif cmd == "LIST" and arg in view and arg not in gone:
                self.send(b"+OK %d %d\r\n" % (arg, len(view[arg])))
            elif cmd == "RETR" and arg in view and arg not in gone:
                if srv.retr_delay:
                    time.sleep(srv.retr_delay)
                body = b"".join(
                    (b"." + l if l.startswith(b".") else l)
                    for l in view[arg].splitlines(keepends=True))
                self.send(b"+OK %d octets\r\n" % len(view[arg]) + body + b".\r\n")
                if self.drop("retr"):
                    return
            elif cmd == "DELE" and arg in view and arg not in gone:
                gone.add(arg)
                self.send(b"+OK deleted\r\n")
                if self.drop("dele"):
                    return
            elif cmd == "RSET":
                gone.clear()
                self.send(b"+OK\r\n")
            elif cmd == "QUIT":
                with srv.box_lock:
                    dead = [view[n] for n in gone]
                    srv.box = [m for m in srv.box if not any(m is d for d in dead)]
                    left = len(srv.box)
                self.log("LEFT %d" % left)
                self.send(b"+OK bye\r\n")
                return
            else:
                self.send(b"-ERR no such command or message\r\n")

    def drop(self, what):
        """Whether this answer is the one to drop the connection after."""
        srv = self.server
        with srv.box_lock:
            srv.counts[what] += 1
            if srv.drop_after.get(what) != srv.counts[what]:
                return False
        self.log("DROP")
        # Everything answered so far reaches the client (no reset), then
        # the end of the stream; wait for the client to close.
        self.wfile.flush()
        self.request.shutdown(socket.SHUT_WR)
        while self.rfile.read(4096):
            pass
        return True

    def smtp(self):
        import base64
        self.send(b"220 fake ESMTP\r\n")
        lines = self.lines()
        for line in lines:
            cmd = line.split(" ", 1)[0].upper()
            self.log(cmd)
            if cmd == "EHLO":
                self.send(b"250-fake\r\n250-STARTTLS\r\n250 AUTH LOGIN\r\n")
            elif cmd == "STARTTLS":
                self.send(b"220 go ahead\r\n250 injected\r\n")
            elif cmd == "AUTH" and line.upper().startswith("AUTH LOGIN"):
                self.send(b"334 VXNlcm5hbWU6\r\n")
                user = next(lines, "")
                self.send(b"334 UGFzc3dvcmQ6\r\n")
                next(lines, "")  # the password: never logged
                try:
                    name = base64.b64decode(user).decode("latin-1")
                except ValueError:
                    name = "?"
                self.log("LOGIN-USER " + name)
                self.send(b"235 2.7.0 accepted\r\n")
            elif cmd in ("MAIL", "RCPT"):
                self.send(b"250 ok\r\n")
            elif cmd == "DATA":
                self.send(b"354 go on\r\n")
                n = 0
                for body in lines:
                    if body == ".":
                        break
                    n += len(body) + 2
                self.log("DATA-BYTES %d" % n)
                self.send(b"250 queued\r\n")
            elif cmd == "QUIT":
                self.send(b"221 bye\r\n")
                return
            else:
                self.send(b"500 unknown command\r\n")


def nouidl_message(i):
    """Message i of pop3-nouidl: CRLF lines, sizes that differ."""
    lines = [
        "From: Sender %d <sender%d@fake.test>" % (i, i),
        "To: alice@fake.test",
        "Subject: no UIDL message %d" % i,
        "Date: Mon, 30 Nov 2026 07:00:%02d +0000" % (i % 60),
        "Message-ID: <nouidl-%d@fake.test>" % i,
        "",
        "Message %d of a server without UIDL." % i,
        ".a line that starts with a dot (stuffed on the wire)",
    ]
    lines += ["filler line %d of message %d" % (k, i) for k in range(i % 7 * 5)]
    return ("\r\n".join(lines) + "\r\n").encode()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["silent", "plain-greeting", "imap-inject", "pop3-inject",
                                     "smtp", "pop3-nouidl"])
    p.add_argument("--count", type=int, default=10)
    p.add_argument("--pipelining", action="store_true")
    p.add_argument("--drop-after-retr", type=int)
    p.add_argument("--drop-after-dele", type=int)
    p.add_argument("--retr-delay", type=float, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    p.add_argument("--lifetime", type=float, default=60)
    a = p.parse_args()

    # Bounded whatever happens: no test can leave this running for long.
    timer = threading.Timer(a.lifetime, lambda: os._exit(0))
    timer.daemon = True
    timer.start()

    server = Server(("127.0.0.1", 0), Handler)
    server.mode = a.mode
    server.log_path = a.log
    server.log_lock = threading.Lock()
    server.box_lock = threading.Lock()
    server.box = [nouidl_message(i) for i in range(1, a.count + 1)]
    server.pipelining = a.pipelining
    server.retr_delay = a.retr_delay
    server.counts = {"retr": 0, "dele": 0}
    server.drop_after = {"retr": a.drop_after_retr, "dele": a.drop_after_dele}
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, a.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
