"""The daily alert digest: new Signalering alerts by e-mail, for people who do not open the dashboard.

``digest_message(store, settings)`` builds a Dutch plain-text message from ``alert_history``: the
alerts that fired for the first time on the last day of data (a series that was already alerting
the day before is not news). ``send_digest`` sends it through the organisation's SMTP relay
(``smtp_host``, ``smtp_port``, ``smtp_from``, ``alert_recipients``); without recipients or relay
nothing is sent and the pipeline step says so. The message holds counts and category names only,
never a citizen's text.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pandas as pd

from signalen_lib.categories.edits import display_names
from signalen_lib.dashboard.alerts import alert_history
from signalen_lib.vocab.fmt import fmt_date, fmt_int, fmt_num


def new_alerts(store, day=None) -> pd.DataFrame:
    """Alerts of ``day`` (default: the last day in the history) that did not fire the day before."""
    hist = alert_history(store.shared)
    if hist.empty:
        return hist
    hist["day"] = pd.to_datetime(hist["day"])
    day = pd.Timestamp(day).normalize() if day is not None else hist["day"].max()
    today = hist[hist["day"] == day]
    yesterday = hist[hist["day"] == day - pd.Timedelta(days=1)]
    seen = set(zip(yesterday["level"], yesterday["category"], yesterday["subcategory"]))
    keep = [(lv, c, s) not in seen for lv, c, s in zip(today["level"], today["category"], today["subcategory"])]
    return today[keep].reset_index(drop=True)


def digest_message(store, settings, day=None) -> EmailMessage | None:
    """The digest as an e-mail (None when there is nothing new)."""
    alerts = new_alerts(store, day)
    if alerts.empty:
        return None
    cats, subs = display_names(store.shared, settings)  # the taxonomy with staff's edits
    names = {**subs, **cats}
    when = fmt_date(alerts["day"].iloc[0])
    lines = [f"Signalering van {when}: {fmt_int(len(alerts))} nieuwe signalering(en).", ""]
    for r in alerts.itertuples():
        what = names.get(r.category, r.category) + (f" — {names.get(r.subcategory, r.subcategory)}"
                                                     if r.level == "onderwerp" and r.subcategory else "")
        why = ("nieuw onderwerp" if r.is_new else
               f"{fmt_int(r.observed)} signalen in 3 dagen, verwacht {fmt_num(r.expected, 1)}")
        lines.append(f"- {what}: {why}")
    lines += ["", "Bekijk de details in het dashboard, tabblad Signalering.",
              f"U ontvangt dit bericht omdat u op de verzendlijst van signalen staat ({settings.smtp_from})."]
    msg = EmailMessage()
    msg["Subject"] = f"Signalering {when}: {len(alerts)} nieuw"
    msg["From"] = settings.smtp_from
    msg["To"] = ", ".join(settings.alert_recipients)
    msg.set_content("\n".join(lines))
    return msg


def send_digest(store, settings, day=None) -> dict:
    """Send the digest; a pipeline step (skipped, with the reason, when not configured or nothing is new)."""
    if not settings.alert_recipients or not settings.smtp_host:
        return {"skipped": "geen ontvangers of mailserver ingesteld (alert_recipients, smtp_host)"}
    msg = digest_message(store, settings, day)
    if msg is None:
        return {"skipped": "geen nieuwe signaleringen"}
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        smtp.send_message(msg)
    return {"sent_to": len(settings.alert_recipients)}
