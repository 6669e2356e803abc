#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""fake-acme.py -- a hostile ACME server for tests/acme/hostile.sh.

    fake-acme.py PORT CERT KEY [LEAF-PEM]

HTTPS on 127.0.0.1:PORT.  The first path segment names a scenario: the
directory of scenario S is /S/dir, and each answer is well formed except
the one the scenario breaks (malformed JSON, huge or endless bodies,
wrong types, too many entries, bad tokens, problems with control
characters and subproblems, redirects, a slow answer, an authorization
that stays pending).  Signatures are
not checked: the point is what the client does with the answers.
"""
import json
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, CERT, KEY = int(sys.argv[1]), sys.argv[2], sys.argv[3]
LEAF = open(sys.argv[4]).read() if len(sys.argv) > 4 else ""
NAME = "a.tlsdeck.test"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def base(self, s):
        return "https://%s/%s" % (self.headers.get("Host"), s)

    def send(self, code, body, ctype="application/json", headers=(),
             length=True):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        s = self.path.strip("/").split("/")[0]
        if s == "nonce-bad":
            self.send_header("Replay-Nonce", "a b$c")
        elif s != "nonce-missing":
            self.send_header("Replay-Nonce",
                             "nonce%d" % int(time.time() * 1e6))
        for k, v in headers:
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def problem(self, code, ptype, detail, extra=None, headers=()):
        p = {"type": "urn:ietf:params:acme:error:" + ptype,
             "detail": detail, "status": code}
        if extra:
            p.update(extra)
        self.send(code, p, "application/problem+json", headers)

    def directory(self, s):
        d = {"newNonce": self.base(s + "/nonce"),
             "newAccount": self.base(s + "/account"),
             "newOrder": self.base(s + "/order"),
             "meta": {"termsOfService": "https://ca.test/terms"}}
        if s == "dir-notjson":
            return self.send(200, "<html>hello</html>", "text/html")
        if s == "dir-huge":
            return self.send(200, "{" + " " * (2 << 20) + "}")
        if s == "dir-stream":
            # No length: a body that goes on until the client stops.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                self.wfile.write(b"{")
                for _ in range(64):
                    self.wfile.write(b" " * 65536)
            except OSError:
                pass
            self.close_connection = True
            return
        if s == "dir-types":
            d["newNonce"] = 42
        if s == "dir-http":
            d["newOrder"] = "http://127.0.0.1/order"
        if s == "dir-array":
            return self.send(200, [d])
        if s == "dir-dup":
            return self.send(200, '{"newNonce":"%s","newNonce":"%s"}' % (
                d["newNonce"], d["newNonce"]))
        if s == "dir-deep":
            return self.send(200, "[" * 100000 + "]" * 100000)
        if s == "dir-nul":
            d["newAccount"] = d["newAccount"] + "\u0000x"
        if s == "dir-redirect":
            return self.send(302, "", "text/plain",
                             [("Location", self.base("other/dir"))])
        if s == "dir-500":
            return self.send(500, "oops", "text/plain")
        if s == "slow":
            time.sleep(60)
        return self.send(200, d)

    def order_obj(self, s, status):
        o = {"status": status,
             "identifiers": [{"type": "dns", "value": NAME}],
             "authorizations": [self.base(s + "/authz/1")],
             "finalize": self.base(s + "/finalize/1")}
        if status == "valid":
            o["certificate"] = self.base(s + "/cert/1")
        if s == "order-types":
            o["authorizations"] = self.base(s + "/authz/1")
        if s == "order-many":
            o["authorizations"] = [self.base(s + "/authz/%d" % i)
                                   for i in range(1000)]
        if s == "order-invalid":
            o["status"] = "invalid"
            o["error"] = {"type": "urn:ietf:params:acme:error:caa",
                          "detail": "CAA record forbids issuance",
                          "identifier": {"type": "dns", "value": NAME}}
        return o

    def handle_any(self):
        parts = self.path.strip("/").split("/")
        s, ep = parts[0], parts[1] if len(parts) > 1 else ""
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        if ep == "dir":
            return self.directory(s)
        if ep == "nonce":
            return self.send(200, "", "text/plain")
        if ep == "account":
            if s == "account-problem":
                return self.problem(
                    400, "malformed",
                    "bad\u001b[31m stuff\nsecond line\u0007")
            if s == "account-nolocation":
                return self.send(201, {"status": "valid"})
            return self.send(201, {"status": "valid"}, headers=[
                ("Location", self.base(s + "/acct/1"))])
        if ep == "acct":
            return self.send(200, {"status": "valid"})
        if ep == "order" and len(parts) == 2:
            if s == "order-rejected":
                return self.problem(
                    400, "rejectedIdentifier", "Some names were rejected",
                    {"subproblems": [{
                        "type": "urn:ietf:params:acme:error:"
                                "rejectedIdentifier",
                        "detail": "forbidden name",
                        "identifier": {"type": "dns",
                                       "value": "bad.tlsdeck.test"}}]})
            if s == "rate-limited":
                return self.problem(
                    429, "rateLimited",
                    "too many certificates for tlsdeck.test",
                    headers=[("Retry-After", "3600")])
            return self.send(201, self.order_obj(s, "pending"), headers=[
                ("Location", self.base(s + "/order/1"))])
        if ep == "order":
            return self.send(200, self.order_obj(s, "ready"))
        if ep == "authz":
            a = {"identifier": {"type": "dns", "value": NAME},
                 "status": "valid",
                 "challenges": [{"type": "http-01", "status": "valid",
                                 "url": self.base(s + "/chall/1"),
                                 "token": "A" * 43}]}
            if s == "authz-badtoken":
                a["status"] = "pending"
                a["challenges"][0]["token"] = "../../../etc/passwd"
            if s == "authz-types":
                a["challenges"] = {"type": "http-01"}
            if s == "pending-forever":
                # Never validated: the client listens until it stops.
                a["status"] = "pending"
                a["challenges"][0]["status"] = "pending"
            return self.send(200, a)
        if ep == "chall":
            return self.send(200, {"type": "http-01", "status": "pending",
                                   "url": self.base(s + "/chall/1"),
                                   "token": "A" * 43})
        if ep == "finalize":
            if s == "finalize-badcsr":
                return self.problem(400, "badCSR",
                                    "key too small for this CA")
            return self.send(200, self.order_obj(s, "valid"))
        if ep == "cert":
            if s == "cert-garbage":
                return self.send(200, "not a certificate",
                                 "application/pem-certificate-chain")
            return self.send(200, LEAF, "application/pem-certificate-chain")
        return self.send(404, "not found", "text/plain")

    do_GET = do_POST = do_HEAD = handle_any


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
srv = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
srv.daemon_threads = True
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
