#!/usr/bin/python3
"""A forwarding HTTP proxy that injects faults into the first N requests, for the AWS client's
retry tests.

Usage: python3 fault_proxy.py UPSTREAM_PORT
Prints "PORT <n>" once listening on 127.0.0.1. Exits when stdin closes.

Control (never forwarded):
  POST /__fault  {"mode": "status", "status": 503, "code": "SlowDown", "format": "xml"|"json",
                  "count": 2}
                 {"mode": "drop", "count": 1}          close the connection without an answer
                 {"mode": "delay", "seconds": 3, "count": 1}   wait, then forward
                 {"mode": "none"}
  GET  /__stats  {"requests": n, "faults": n, "early_rejections": n}  (since the last reset;
                 early rejections were answered after "Expect: 100-continue", before the body)
  POST /__reset  zero the counters and clear the fault
A status fault on a request that sent "Expect: 100-continue" is answered before the body is
read, as S3 does for a request it rejects.
"""
import http.client
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM = ("127.0.0.1", int(sys.argv[1]))
LOCK = threading.Lock()
STATE = {"fault": {"mode": "none"}, "remaining": 0, "requests": 0, "faults": 0, "early": 0}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "expect", "proxy-connection", "te",
              "upgrade"}


def take_fault():
    with LOCK:
        STATE["requests"] += 1
        if STATE["remaining"] > 0:
            STATE["remaining"] -= 1
            STATE["faults"] += 1
            return dict(STATE["fault"])
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="application/json", close=False, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or []):
            self.send_header(k, v)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error_reply(self, fault, close=False):
        code = fault.get("code", "InternalError")
        status = int(fault.get("status", 500))
        if fault.get("format") == "json":
            body = json.dumps({"__type": "com.amazonaws.sqs#" + code,
                               "message": "injected " + code}).encode()
            self.send(status, body, "application/x-amz-json-1.0", close,
                      [("x-amzn-RequestId", "FAULT-REQUEST-ID")])
        else:
            body = ("<Error><Code>%s</Code><Message>injected %s</Message>"
                    "<RequestId>FAULT-REQUEST-ID</RequestId></Error>" % (code, code)).encode()
            self.send(status, body, "application/xml", close, [("x-amz-request-id", "FAULT-REQUEST-ID")])

    def handle_expect_100(self):
        if self.path.startswith("/__"):
            return super().handle_expect_100()
        self.pending_fault = take_fault()
        if self.pending_fault and self.pending_fault.get("mode") == "status":
            # Reject before the body is sent; the unread body makes the connection unusable.
            with LOCK:
                STATE["early"] += 1
            self.error_reply(self.pending_fault, close=True)
            return False
        return super().handle_expect_100()

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/__"):
            return self.control(body)
        fault = getattr(self, "pending_fault", None) if self.headers.get("Expect") else take_fault()
        self.pending_fault = None
        if fault:
            mode = fault.get("mode")
            if mode == "status":
                return self.error_reply(fault)
            if mode == "drop":
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if mode == "delay":
                time.sleep(float(fault.get("seconds", 1)))
        self.forward(body)

    def forward(self, body):
        conn = http.client.HTTPConnection(*UPSTREAM, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        conn.request(self.command, self.path, body=body if body or self.command in ("PUT", "POST") else None,
                     headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        try:
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", resp.getheader("Content-Length") if self.command == "HEAD"
                             and resp.getheader("Content-Length") else str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout); nothing to do
        conn.close()

    def control(self, body):
        if self.path == "/__fault":
            fault = json.loads(body or b"{}")
            with LOCK:
                STATE["fault"] = fault
                STATE["remaining"] = int(fault.get("count", 0 if fault.get("mode") == "none" else 1))
            return self.send(200, b"{}")
        if self.path == "/__stats":
            with LOCK:
                data = json.dumps({"requests": STATE["requests"], "faults": STATE["faults"],
                                   "early_rejections": STATE["early"]}).encode()
            return self.send(200, data)
        if self.path == "/__reset":
            with LOCK:
                STATE.update({"fault": {"mode": "none"}, "remaining": 0, "requests": 0, "faults": 0,
                              "early": 0})
            return self.send(200, b"{}")
        return self.send(404, b"{}")

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = handle_any


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
