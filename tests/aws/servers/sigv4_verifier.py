#!/usr/bin/python3
"""An HTTP server that recomputes the SigV4 signature of every request it receives with
botocore (Debian's python3-botocore, an independent implementation) and answers 403 when the
client's signature differs. Used by the AWS client's integration tests.

Usage: /usr/bin/python3 sigv4_verifier.py [--tls CERT KEY]
Prints "PORT <n>" once listening on 127.0.0.1. Exits when stdin closes.

Unsigned control paths:
  POST /__verifier/credentials  {"ACCESS_KEY_ID": "secret", ...}   secrets it may check against
  GET  /__verifier/stats        {"verified": n, "rejected": n, "last": {...}}
Signed requests: PUT stores the body under the path, GET/HEAD return it (404 if absent),
POST answers "{}" (SQS JSON). The decoded path/query of the last request are in stats, so tests
can check that what the client meant is what the server understood.
"""
import datetime
import hashlib
import json
import re
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock
from urllib.parse import unquote_to_bytes

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import quote
from botocore.credentials import Credentials

SECRETS = {}
STATS = {"verified": 0, "rejected": 0, "last": None, "failures": []}
OBJECTS = {}
LOCK = threading.Lock()

AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
    r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$")


def decode(s):
    return unquote_to_bytes(s).decode("utf-8", errors="surrogateescape")


def parse_query(raw):
    """Decodes the wire query with plain percent-decoding ('+' stays '+', as SigV4 expects)."""
    params = []
    if raw:
        for pair in raw.split("&"):
            name, _, value = pair.partition("=")
            params.append((decode(name), decode(value)))
    return params


def botocore_signature(method, host, raw_path, params, headers, body, access_key, secret,
                       token, region, service, amz_date):
    url = "http://" + host + raw_path
    request = AWSRequest(method=method, url=url, headers=headers, data=body,
                         params=params or None)
    moment = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
    signer_class = S3SigV4Auth if service == "s3" else SigV4Auth
    with mock.patch("botocore.auth.datetime") as fake:
        fake.datetime.utcnow.return_value = moment
        fake.datetime.strptime = datetime.datetime.strptime
        signer = signer_class(Credentials(access_key, secret, token or None), service, region)
        signer.add_auth(request)
    auth = request.headers["Authorization"]
    return auth.split("Signature=")[1], signer.canonical_request(request)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and Expect: 100-continue

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", content_type="application/xml", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amz-request-id", "VERIFIER")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def reject(self, message):
        with LOCK:
            STATS["rejected"] += 1
            STATS["failures"].append(message[:2000])
        body = ("<Error><Code>SignatureDoesNotMatch</Code><Message>%s</Message>"
                "<RequestId>VERIFIER</RequestId></Error>" % message.replace("<", "&lt;").replace("&", "&amp;"))
        self.reply(403, body.encode())

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def handle_any(self):
        body = self.read_body()
        # The request target exactly as sent: http.server rewrites a leading "//" in self.path.
        target = self.requestline.split(" ")[1]
        raw_path, _, raw_query = target.partition("?")
        if raw_path.startswith("/__verifier/"):
            return self.control(raw_path, body)
        auth = self.headers.get("Authorization", "")
        m = AUTH_RE.match(auth)
        if not m:
            return self.reject("missing or malformed Authorization: " + auth[:60])
        access_key, day, region, service, signed, client_sig = m.groups()
        with LOCK:
            secret = SECRETS.get(access_key)
        if secret is None:
            return self.reject("unknown access key " + access_key)
        signed_names = signed.split(";")
        amz_date = self.headers.get("x-amz-date", "")
        if not amz_date.startswith(day):
            return self.reject("x-amz-date does not match the credential scope day")
        # Every x-amz-* header and the content type must be covered by the signature.
        for name in self.headers.keys():
            lname = name.lower()
            if (lname.startswith("x-amz-") or lname in ("host", "content-type")) and lname not in signed_names:
                return self.reject("header %s is sent but not signed" % lname)
        if service == "s3":
            sent_hash = self.headers.get("x-amz-content-sha256", "")
            if sent_hash != hashlib.sha256(body).hexdigest():
                return self.reject("x-amz-content-sha256 is not the body's SHA-256")
        headers = {}
        for name in signed_names:
            values = self.headers.get_all(name) or []
            if name in ("x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "authorization"):
                continue  # botocore sets these itself
            headers[name] = ",".join(values)
        token = self.headers.get("x-amz-security-token", "")
        params = parse_query(raw_query)
        expected, canonical = botocore_signature(
            self.command, self.headers.get("Host", ""), raw_path, params, headers, body,
            access_key, secret, token, region, service, amz_date)
        if expected != client_sig:
            return self.reject("botocore computed %s, client sent %s; botocore canonical request:\n%s"
                               % (expected, client_sig, canonical))
        decoded_path = decode(raw_path)
        # For S3 the wire path must be exactly what the SDKs produce from the decoded key.
        if service == "s3" and quote(decoded_path, safe="/~") != raw_path:
            return self.reject("path %s is not encoded as the SDKs encode it (%s)"
                               % (raw_path, quote(decoded_path, safe="/~")))
        with LOCK:
            STATS["verified"] += 1
            STATS["last"] = {"method": self.command, "path": decoded_path, "query": params,
                             "body_sha256": hashlib.sha256(body).hexdigest(),
                             "signed_headers": signed_names, "service": service}
        if self.command == "PUT":
            with LOCK:
                OBJECTS[decoded_path] = body
            return self.reply(200, extra={"ETag": '"%s"' % hashlib.md5(body).hexdigest()})
        if self.command in ("GET", "HEAD"):
            with LOCK:
                data = OBJECTS.get(decoded_path)
            if data is None:
                return self.reply(404, b"<Error><Code>NoSuchKey</Code><Message>absent</Message></Error>")
            return self.reply(200, data, "application/octet-stream")
        if self.command == "DELETE":
            return self.reply(204)
        return self.reply(200, b"{}", "application/x-amz-json-1.0")

    def control(self, path, body):
        if path == "/__verifier/credentials":
            with LOCK:
                SECRETS.update(json.loads(body or b"{}"))
            return self.reply(200, b"{}", "application/json")
        if path == "/__verifier/stats":
            with LOCK:
                data = json.dumps(STATS).encode()
            return self.reply(200, data, "application/json")
        return self.reply(404)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = handle_any


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()  # until the test closes our stdin (or dies)


if __name__ == "__main__":
    main()
