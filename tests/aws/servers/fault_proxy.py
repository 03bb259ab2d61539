#!/usr/bin/python3
"""A forwarding HTTP proxy that injects faults into the first N requests, for the AWS client's
retry tests.

Usage: python3 fault_proxy.py UPSTREAM_PORT
Prints "PORT <n>" once listening on 127.0.0.1. Exits when stdin closes.

Control (never forwarded):
  POST /__fault  {"mode": "status", "status": 503, "code": "SlowDown", "format": "xml"|"json",
                  "count": 2}
                     json errors carry "__type": "com.amazonaws.sqs#<code>", or `type` verbatim
                     when given; `query_error` adds an x-amzn-query-error header
                 {"mode": "drop", "count": 1}          close the connection without an answer
                 {"mode": "delay", "seconds": 3, "count": 1}   wait, then forward
                 {"mode": "skew", "seconds": 3600, "tolerance": 300, "status": 403,
                  "code": "RequestTimeTooSkewed", "format": "xml"|"json", "date_header": true,
                  "count": n}
                     a server whose clock runs `seconds` ahead of the real one (negative: behind):
                     a request whose X-Amz-Date is more than `tolerance` seconds off that clock
                     is answered with the error and a Date header from that clock (unless
                     date_header is false); the message (unless `message` is given) is S3's for
                     xml, and for json quotes the server time as SQS does: "Signature expired:
                     ... (<server time> - 5 min.)". Requests within the tolerance are forwarded.
                     At most `count` answers (default: no limit).
                 {"mode": "none"}
  GET  /__stats  {"requests": n, "faults": n, "early_rejections": n, "amz_dates": [...]}
                 (since the last reset; early rejections were answered after
                 "Expect: 100-continue", before the body; amz_dates: each request's X-Amz-Date, the
                 first 10000)
  POST /__reset  zero the counters and clear the fault
A status fault on a request that sent "Expect: 100-continue" is answered before the body is
read, as S3 does for a request it rejects.
"""
import calendar
import email.utils
import http.client
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM = ("127.0.0.1", int(sys.argv[1]))
LOCK = threading.Lock()
STATE = {"fault": {"mode": "none"}, "remaining": 0, "requests": 0, "faults": 0, "early": 0,
         "amz_dates": []}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "expect", "proxy-connection", "te",
              "upgrade"}


def amz_time(value):
    """Seconds since the epoch of an X-Amz-Date (20150830T123600Z); None when malformed."""
    try:
        return calendar.timegm(time.strptime(value, "%Y%m%dT%H%M%SZ"))
    except (TypeError, ValueError):
        return None


def amz_date(seconds):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds))


def skewed(fault, headers):
    """Whether a request's signing time is out of a skew fault's tolerance."""
    server_now = time.time() + float(fault.get("seconds", 0))
    signed = amz_time(headers.get("X-Amz-Date"))
    return signed is None or abs(server_now - signed) > float(fault.get("tolerance", 300))


def take_fault(headers):
    with LOCK:
        STATE["requests"] += 1
        if len(STATE["amz_dates"]) < 10000:  # long-running users (tests/service) stay bounded
            STATE["amz_dates"].append(headers.get("X-Amz-Date", ""))
        if STATE["remaining"] > 0:
            fault = STATE["fault"]
            if fault.get("mode") == "skew" and not skewed(fault, headers):
                return None
            STATE["remaining"] -= 1
            STATE["faults"] += 1
            return dict(fault)
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="application/json", close=False, headers=None,
             date=None):
        if date is None:
            self.send_response(status)  # with the real Date
        else:
            self.log_request(status)
            self.send_response_only(status)
            self.send_header("Server", self.version_string())
            if date:
                self.send_header("Date", date)
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
        date = None
        extra = ""
        if fault.get("mode") == "skew":
            code = fault.get("code", "RequestTimeTooSkewed")
            status = int(fault.get("status", 403))
            server_now = time.time() + float(fault.get("seconds", 0))
            date = email.utils.formatdate(server_now, usegmt=True) \
                if fault.get("date_header", True) else ""
            signed = self.headers.get("X-Amz-Date", "")
            if fault.get("format") == "json":
                message = "Signature expired: %s is now earlier than %s (%s - 5 min.)" % (
                    signed, amz_date(server_now - 300), amz_date(server_now))
            else:
                message = "The difference between the request time and the current time is too large."
            message = fault.get("message", message)
            extra = "<RequestTime>%s</RequestTime><ServerTime>%s</ServerTime>" % (
                signed, amz_date(server_now))
        else:
            code = fault.get("code", "InternalError")
            status = int(fault.get("status", 500))
            message = "injected " + code
        if fault.get("format") == "json":
            body = json.dumps({"__type": fault.get("type", "com.amazonaws.sqs#" + code),
                               "message": message}).encode()
            headers = [("x-amzn-RequestId", "FAULT-REQUEST-ID")]
            if fault.get("query_error"):
                headers.append(("x-amzn-query-error", fault["query_error"]))
            self.send(status, body, "application/x-amz-json-1.0", close, headers, date)
        else:
            body = ("<Error><Code>%s</Code><Message>%s</Message>%s"
                    "<RequestId>FAULT-REQUEST-ID</RequestId></Error>" % (code, message, extra)).encode()
            self.send(status, body, "application/xml", close, [("x-amz-request-id", "FAULT-REQUEST-ID")],
                      date)

    def handle_expect_100(self):
        if self.path.startswith("/__"):
            return super().handle_expect_100()
        self.pending_fault = take_fault(self.headers)
        if self.pending_fault and self.pending_fault.get("mode") in ("status", "skew"):
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
        fault = getattr(self, "pending_fault", None) if self.headers.get("Expect") \
            else take_fault(self.headers)
        self.pending_fault = None
        if fault:
            mode = fault.get("mode")
            if mode in ("status", "skew"):
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
                default = {"none": 0, "skew": 1 << 30}.get(fault.get("mode"), 1)
                STATE["remaining"] = int(fault.get("count", default))
            return self.send(200, b"{}")
        if self.path == "/__stats":
            with LOCK:
                data = json.dumps({"requests": STATE["requests"], "faults": STATE["faults"],
                                   "early_rejections": STATE["early"],
                                   "amz_dates": STATE["amz_dates"]}).encode()
            return self.send(200, data)
        if self.path == "/__reset":
            with LOCK:
                STATE.update({"fault": {"mode": "none"}, "remaining": 0, "requests": 0, "faults": 0,
                              "early": 0, "amz_dates": []})
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
