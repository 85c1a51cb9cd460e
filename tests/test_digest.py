"""The daily alert digest, sent through an SMTP server that the test starts on 127.0.0.1."""
from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes, policy

import pandas as pd
import pytest

from signalen_lib.dashboard.digest import new_alerts, send_digest


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greeting, EHLO/HELO, MAIL, RCPT, DATA, QUIT."""

    def handle(self):
        self.wfile.write(b"220 localhost test SMTP\r\n")
        rcpts, data = [], None
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("ascii", "replace").strip().upper()
            if cmd.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250 localhost\r\n")
            elif cmd.startswith("MAIL FROM"):
                self.wfile.write(b"250 OK\r\n")
            elif cmd.startswith("RCPT TO"):
                rcpts.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self.wfile.write(b"250 OK\r\n")
            elif cmd == "DATA":
                self.wfile.write(b"354 go ahead\r\n")
                chunks = []
                while (ln := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    chunks.append(ln)
                data = b"".join(chunks)
                self.server.received.append((rcpts, data))  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif cmd == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


@pytest.fixture
def smtp_server():
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    srv.received = []  # type: ignore[attr-defined]
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _history(store, rows):
    df = pd.DataFrame(rows, columns=["day", "level", "category", "subcategory", "observed", "expected", "is_new"])
    df["day"] = pd.to_datetime(df["day"])
    for c in ("ratio", "z", "p_value"):
        df[c] = 1.0
    df["first_seen"] = df["day"]
    store.shared.insert_df("alert_history", df)


def test_digest_sends_only_new_alerts_in_dutch(store, settings_factory, backend, smtp_server):
    _history(store, [
        ("2026-03-01", "categorie", "afval", "", 30, 10.0, False),
        ("2026-03-02", "categorie", "afval", "", 35, 10.0, False),      # still alerting: not news
        ("2026-03-02", "categorie", "parkeren", "", 22, 6.0, False),    # new today
        ("2026-03-02", "onderwerp", "overig", "slagboom", 9, 0.0, True),  # a new topic
    ])
    assert set(new_alerts(store)["category"]) == {"parkeren", "overig"}
    settings = settings_factory(backend, smtp_host="127.0.0.1", smtp_port=smtp_server.server_address[1],
                                smtp_from="signalen@gemeente.test", alert_recipients=["team@gemeente.test"])
    assert send_digest(store, settings) == {"sent_to": 1}
    (rcpts, raw), = smtp_server.received
    assert rcpts == ["team@gemeente.test"]
    msg = message_from_bytes(raw, policy=policy.default)
    body = msg.get_content()
    assert msg["Subject"] == "Signalering 02-03-2026: 2 nieuw"
    assert "Parkeren: 22 signalen in 3 dagen, verwacht 6,0" in body
    assert "nieuw onderwerp" in body and "Afval" not in body


def test_digest_is_skipped_visibly_without_recipients(store, settings):
    assert send_digest(store, settings) == {"skipped": "geen ontvangers of mailserver ingesteld (alert_recipients, smtp_host)"}
