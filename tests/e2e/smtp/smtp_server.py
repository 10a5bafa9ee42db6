#!/usr/bin/python3
"""SMTP server for spamgate's integration tests (run with Debian's /usr/bin/python3).

Listens on 127.0.0.1 only. Requires STARTTLS before AUTH and MAIL (or TLS from
the start with --implicit-tls) and AUTH PLAIN/LOGIN (and XOAUTH2 when
--xoauth2-token is given). Each accepted message is recorded in --spool as
NNNN.eml (raw bytes) and NNNN.json (envelope), the JSON written last. Each
command verb the server receives is appended to <spool>/events.log as
"clear VERB" or "tls VERB", and each AUTH outcome as "auth-ok LOGIN" or
"auth-fail LOGIN". Never used by spamgate itself.
"""
import argparse
import asyncio
import base64
import json
import os
import re
import signal
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

VERBS = {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "QUIT", "RSET", "NOOP", "VRFY"}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--spool", required=True, help="directory for recorded messages and events.log")
    p.add_argument("--user", required=True)
    p.add_argument("--password-file", required=True, help="first line is the password")
    p.add_argument("--xoauth2-token", default="", help="also offer AUTH XOAUTH2 with this bearer token")
    p.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (smtps)")
    p.add_argument("--no-auth", action="store_true", help="offer no AUTH and accept mail without it")
    p.add_argument("--fail-first", type=int, default=0, help="answer 451 to the first N messages")
    p.add_argument("--reject-rcpt", default="", help="answer 550 to recipients matching this regex")
    p.add_argument("--control", default="", help="file: when it holds a reply like '451 ...', DATA gets it")
    return p.parse_args()


class Recorder:
    def __init__(self, args):
        self.args = args
        # Continue after messages a previous run left in the spool (scripts/demo
        # keeps its spool across restarts): never overwrite a recorded message.
        self.count = max([int(n[:4]) for n in os.listdir(args.spool) if n[:4].isdigit() and n.endswith(".eml")],
                         default=0)
        self.data_attempts = 0
        with open(args.password_file) as f:
            self.password = f.readline().rstrip("\r\n")

    def event(self, text):
        with open(os.path.join(self.args.spool, "events.log"), "a") as f:
            f.write(text + "\n")

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.args.user
              and auth_data.password.decode() == self.password)
        login = auth_data.login.decode(errors="replace") if isinstance(auth_data, LoginPassword) else "?"
        self.event(("auth-ok " if ok else "auth-fail ") + login)
        return AuthResult(success=ok, handled=False, auth_data=auth_data)


class Handler:
    def __init__(self, recorder):
        self.recorder = recorder
        self.args = recorder.args

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.args.no_auth:  # advertise no AUTH line at all
            responses = [r for r in responses if not r.startswith("250-AUTH")]
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.args.reject_rcpt and re.search(self.args.reject_rcpt, address):
            return "550 5.1.1 Recipient address rejected: test rule"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.recorder.data_attempts += 1
        if self.recorder.data_attempts <= self.args.fail_first:
            return "451 4.3.0 Temporary failure, try again later"
        if self.args.control and os.path.exists(self.args.control):
            with open(self.args.control) as f:
                reply = f.readline().strip()
            if reply:
                return reply
        self.recorder.count += 1
        base = os.path.join(self.args.spool, "%04d" % self.recorder.count)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_login": session.login_data.decode() if isinstance(session.login_data, bytes) else None,
            "tls": self.args.implicit_tls or session.ssl is not None,
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 2.0.0 OK queued as %04d" % self.recorder.count


def make_handler_class(with_xoauth2):
    if not with_xoauth2:
        return Handler

    class XOAuth2Handler(Handler):
        async def auth_XOAUTH2(self, server, args):
            if len(args) == 2:
                blob = base64.b64decode(args[1])
            else:
                blob = await server.challenge_auth("")
                if not isinstance(blob, bytes):
                    return AuthResult(success=False)
            parts = dict(p.split("=", 1) for p in blob.decode(errors="replace").split("\x01") if "=" in p)
            ok = parts.get("user") == self.args.user and parts.get("auth") == "Bearer " + self.args.xoauth2_token
            self.recorder.event(("auth-ok " if ok else "auth-fail ") + parts.get("user", "?"))
            return AuthResult(success=ok, handled=False, auth_data=LoginPassword(parts.get("user", "").encode(), b""))

    return XOAuth2Handler


class RecordingSMTP(SMTP):
    """Logs the verb of every command line received, and whether TLS was on."""

    def __init__(self, *a, recorder, implicit_tls, **kw):
        super().__init__(*a, **kw)
        self._recorder = recorder
        self._implicit_tls = implicit_tls
        self._in_data = False

    def data_received(self, data):
        tls = self._implicit_tls or self._tls_protocol is not None
        for line in data.split(b"\r\n"):
            word = line.split(b" ", 1)[0].decode(errors="replace").upper()
            if self._in_data:
                if line == b".":
                    self._in_data = False
                continue
            if word in VERBS:
                self._recorder.event(("tls " if tls else "clear ") + word)
                if word == "DATA":
                    self._in_data = True
        super().data_received(data)


async def main():
    args = parse_args()
    os.makedirs(args.spool, exist_ok=True)
    recorder = Recorder(args)
    handler = make_handler_class(bool(args.xoauth2_token))(recorder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    excluded = ["PLAIN", "LOGIN", "XOAUTH2"] if args.no_auth else []

    def factory():
        return RecordingSMTP(
            handler,
            recorder=recorder,
            implicit_tls=args.implicit_tls,
            hostname="smtp.test",
            tls_context=None if args.implicit_tls else context,
            require_starttls=not args.implicit_tls,
            auth_required=not args.no_auth,
            auth_require_tls=not args.implicit_tls,  # aiosmtpd only sees STARTTLS as TLS
            authenticator=recorder.authenticate,
            auth_exclude_mechanism=excluded,
            decode_data=False,
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, "127.0.0.1", args.port,
                                      ssl=context if args.implicit_tls else None)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("listening on 127.0.0.1:%d" % args.port, flush=True)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
