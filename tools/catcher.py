#!/usr/bin/env python3
"""Local mail and SMS catcher, so a person can read what the product sends.

- SMTP sink (default 127.0.0.1:1025): each message is stored as
  ``<dir>/mail/<timestamp>-<id>.eml``.
- HTTP server (default 127.0.0.1:8070):
  - emulates Odoo's IAP SMS API (JSON-RPC, see odoo/addons/sms/tools/sms_api.py)
    for a database whose system parameter ``sms.endpoint`` points here; each
    text is stored as ``<dir>/sms/<timestamp>-<uuid>.json`` and reported as sent;
  - ``/`` lists received emails and SMS; ``/mail/<name>`` shows one email,
    ``/mail/<name>/raw`` its source; ``/api/messages`` gives the lists as JSON.

Run: python tools/catcher.py [--dir var/catcher] [--host 127.0.0.1]
"""

import argparse
import email
import email.policy
import html
import json
import re
import uuid
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

NAME_RE = re.compile(r"^[\w.-]+$")
SMS_API_SEND = "/api/sms/3/send"
# Account management calls of the same API: always answered with success.
SMS_API_ACCOUNT = {
    "/api/sms/1/account/create",
    "/api/sms/2/account/verify",
    "/api/sms/1/account/update_sender",
}


def _stamp():
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _utc(moment):
    """'YYYY-MM-DD HH:MM:SS' in UTC; naive datetimes are taken as UTC."""
    if moment.tzinfo:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class Store:
    """Messages on disk: one .eml per email, one .json per SMS."""

    def __init__(self, root):
        self.mail_dir = Path(root, "mail")
        self.sms_dir = Path(root, "sms")
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.sms_dir.mkdir(parents=True, exist_ok=True)

    def add_mail(self, mail_from, rcpt_tos, data):
        envelope = (
            f"X-Catcher-Envelope-From: {mail_from}\r\n"
            f"X-Catcher-Envelope-To: {', '.join(rcpt_tos)}\r\n"
        ).encode()
        path = self.mail_dir / f"{_stamp()}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(envelope + data)
        return path

    def add_sms(self, number, body, sms_uuid):
        record = {
            "received": _utc(datetime.now(UTC)),
            "number": number,
            "body": body,
            "uuid": sms_uuid,
        }
        path = self.sms_dir / f"{_stamp()}-{sms_uuid}.json"
        path.write_text(
            json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        return path

    def mail_path(self, name):
        path = self.mail_dir / name
        return (
            path
            if NAME_RE.match(name) and path.suffix == ".eml" and path.is_file()
            else None
        )

    @staticmethod
    def parse_mail(path):
        return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)

    def mails(self):
        """Summaries of all emails, newest first."""
        result = []
        for path in sorted(self.mail_dir.glob("*.eml"), reverse=True):
            msg = self.parse_mail(path)
            try:
                date = parsedate_to_datetime(msg["Date"])
            except (TypeError, ValueError):  # no Date header: time of receipt
                date = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            result.append(
                {
                    "name": path.name,
                    "date": _utc(date),
                    "from": str(msg["From"] or ""),
                    "to": str(msg["To"] or msg["X-Catcher-Envelope-To"] or ""),
                    "subject": str(msg["Subject"] or ""),
                }
            )
        return result

    def sms(self):
        """All SMS, newest first."""
        return [
            json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(self.sms_dir.glob("*.json"), reverse=True)
        ]


class SmtpHandler:
    """aiosmtpd handler storing every message."""

    def __init__(self, store):
        self.store = store

    async def handle_DATA(self, server, session, envelope):
        self.store.add_mail(
            envelope.mail_from,
            envelope.rcpt_tos,
            envelope.original_content or envelope.content,
        )
        return "250 Message accepted for delivery"


PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 2em; }}
th, td {{ text-align: left; padding: .3em .6em; border-bottom: 1px solid #ddd; vertical-align: top; }}
th {{ background: #f3f3f3; }}
td:first-child {{ white-space: nowrap; }}
iframe {{ width: 100%; height: 70vh; border: 1px solid #ccc; }}
.muted {{ color: #777; }}
</style></head><body>{body}</body></html>"""


def _page(title, body):
    return PAGE.format(title=html.escape(title), body=body).encode()


def _index_page(store):
    esc = html.escape
    mails = store.mails()
    sms = store.sms()
    mail_rows = (
        "".join(
            f"<tr><td>{esc(m['date'])}</td><td>{esc(m['from'])}</td><td>{esc(m['to'])}</td>"
            f'<td><a href="/mail/{esc(m["name"])}">{esc(m["subject"]) or "(no subject)"}</a></td></tr>'
            for m in mails
        )
        or '<tr><td colspan="4" class="muted">No email yet.</td></tr>'
    )
    sms_rows = (
        "".join(
            f"<tr><td>{esc(s['received'])}</td><td>{esc(s['number'])}</td>"
            f"<td>{esc(s['body']).replace(chr(10), '<br>')}</td></tr>"
            for s in sms
        )
        or '<tr><td colspan="3" class="muted">No SMS yet.</td></tr>'
    )
    body = (
        "<h1>Catcher</h1>"
        f"<h2>Emails ({len(mails)})</h2>"
        "<table><tr><th>Date (UTC)</th><th>From</th><th>To</th><th>Subject</th></tr>"
        f"{mail_rows}</table>"
        f"<h2>SMS ({len(sms)})</h2>"
        "<table><tr><th>Received (UTC)</th><th>Number</th><th>Text</th></tr>"
        f"{sms_rows}</table>"
    )
    return _page("Catcher", body)


def _mail_page(store, path):
    esc = html.escape
    msg = store.parse_mail(path)
    headers = "".join(
        f"<tr><th>{name}</th><td>{esc(str(msg[name] or ''))}</td></tr>"
        for name in ("Date", "From", "To", "Cc", "Reply-To", "Subject")
        if msg[name]
    )
    part = msg.get_body(preferencelist=("html", "plain"))
    if part is None:
        content = '<p class="muted">No text body.</p>'
    elif part.get_content_type() == "text/html":
        # Sandboxed: the email's HTML is shown as is, but cannot run scripts.
        content = (
            f'<iframe sandbox srcdoc="{esc(part.get_content(), quote=True)}"></iframe>'
        )
    else:
        content = f"<pre>{esc(part.get_content())}</pre>"
    attachments = [
        a.get_filename() or a.get_content_type() for a in msg.iter_attachments()
    ]
    files = (
        "<p>Attachments: " + ", ".join(esc(name) for name in attachments) + "</p>"
        if attachments
        else ""
    )
    body = (
        f'<p><a href="/">&larr; all messages</a> &middot; <a href="/mail/{esc(path.name)}/raw">source</a></p>'
        f"<table>{headers}</table>{files}{content}"
    )
    return _page(str(msg["Subject"] or path.name), body)


class HttpHandler(BaseHTTPRequestHandler):
    store = None  # set by make_http_server()

    def do_GET(self):
        if self.path == "/":
            return self._send(
                HTTPStatus.OK, "text/html; charset=utf-8", _index_page(self.store)
            )
        if self.path == "/api/messages":
            payload = {"mail": self.store.mails(), "sms": self.store.sms()}
            return self._send_json(payload)
        match = re.fullmatch(r"/mail/([^/]+?)(/raw)?", self.path)
        path = match and self.store.mail_path(match[1])
        if path and match[2]:
            return self._send(
                HTTPStatus.OK, "text/plain; charset=utf-8", path.read_bytes()
            )
        if path:
            return self._send(
                HTTPStatus.OK, "text/html; charset=utf-8", _mail_page(self.store, path)
            )
        return self._send(HTTPStatus.NOT_FOUND, "text/plain", b"Not found")

    def do_POST(self):
        try:
            request = json.loads(
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
            )
            params = request.get("params") or {}
        except (ValueError, AttributeError):
            return self._send(
                HTTPStatus.BAD_REQUEST, "text/plain", b"Expected a JSON-RPC request"
            )
        if self.path == SMS_API_SEND:
            result = self._sms_send(params)
        elif self.path in SMS_API_ACCOUNT:
            result = {"state": "success"}
        else:
            return self._send(HTTPStatus.NOT_FOUND, "text/plain", b"Not found")
        return self._send_json(
            {"jsonrpc": "2.0", "id": request.get("id"), "result": result}
        )

    def _sms_send(self, params):
        """/api/sms/3/send: messages = [{content, numbers: [{uuid, number}]}]."""
        result = []
        for message in params.get("messages", []):
            for recipient in message.get("numbers", []):
                self.store.add_sms(
                    recipient["number"], message["content"], recipient["uuid"]
                )
                result.append(
                    {"uuid": recipient["uuid"], "state": "success", "credit": 0}
                )
        return result

    def _send_json(self, payload):
        self._send(
            HTTPStatus.OK,
            "application/json",
            json.dumps(payload, ensure_ascii=False).encode(),
        )

    def _send(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def make_http_server(store, host, port):
    handler = type("BoundHttpHandler", (HttpHandler,), {"store": store})
    return ThreadingHTTPServer((host, port), handler)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dir",
        default=str(Path(__file__).resolve().parent.parent / "var" / "catcher"),
        help="where messages are stored (default: var/catcher)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8070)
    args = parser.parse_args()

    store = Store(args.dir)
    smtp = Controller(SmtpHandler(store), hostname=args.host, port=args.smtp_port)
    smtp.start()
    http_server = make_http_server(store, args.host, args.http_port)
    print(
        f"Catcher: SMTP on {args.host}:{args.smtp_port}, web on http://{args.host}:{args.http_port}, "
        f"messages in {args.dir}",
        flush=True,
    )
    try:
        http_server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        http_server.server_close()
        smtp.stop()


if __name__ == "__main__":
    main()
