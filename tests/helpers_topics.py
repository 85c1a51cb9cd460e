"""A small labelled Dutch-like corpus for the topic tests (pytest puts tests/ on sys.path)."""
from __future__ import annotations

import numpy as np
import pandas as pd


# ---- a small corpus for tests and examples -------------------------------------------------
TOY_TAXONOMY = {"categories": [
    {"key": "afval", "name": "Afval", "seeds": ["container", "grofvuil", "vuilniszak"], "subcategories": []},
    {"key": "parkeren", "name": "Parkeren", "seeds": ["parkeervergunning", "parkeerboete", "parkeerautomaat"], "subcategories": []},
    {"key": "bereikbaarheid", "name": "Bereikbaarheid", "seeds": ["wachttijd", "telefoon", "terugbellen"], "subcategories": []},
    {"key": "belastingen", "name": "Belastingen", "seeds": ["aanslag", "woz", "kwijtschelding"], "subcategories": []},
    {"key": "openbare_ruimte", "name": "Openbare ruimte", "seeds": ["lantaarnpaal", "stoeptegel", "boom"], "subcategories": []},
]}

_TOY_WORDS = {
    "afval": ["container", "grofvuil", "vuilniszak", "ophalen", "stinkt", "afvalpas", "ondergrondse", "matras", "ophaaldag", "klep"],
    "parkeren": ["parkeervergunning", "parkeerboete", "parkeerautomaat", "kenteken", "naheffing", "bezoekersregeling", "parkeerplaats", "auto", "parkeerapp", "bewonersvergunning"],
    "bereikbaarheid": ["wachttijd", "telefoon", "terugbellen", "wachtrij", "minuten", "verbinding", "doorverbonden", "bandje", "bereikbaar", "klantcontactcentrum"],
    "belastingen": ["aanslag", "woz", "kwijtschelding", "bezwaar", "afvalstoffenheffing", "rioolheffing", "taxatie", "aanslagbiljet", "waarde", "beschikking"],
    "openbare_ruimte": ["lantaarnpaal", "stoeptegel", "boom", "snoeien", "verlichting", "losliggende", "bestrating", "donker", "takken", "wegdek"],
    "nieuw_slagboom": ["slagboom", "testlocatie", "coronatest", "knop", "aanraken", "handen", "hygiëne", "teststraat", "besmetting", "bezoekers"],
}
_TOY_FILLER = ["mevrouw", "graag", "gemeente", "echt", "slecht", "goed", "snel", "belachelijk", "vriendelijk",
               "medewerker", "<PERSOON>", "<ADRES>", "vandaag", "weer", "buurt", "helaas", "jammer", "prima"]


def toy_corpus(n: int = 1500, seed: int = 0, *, new_signal_share: float = 0.06, start: str = "2025-01-01",
               days: int = 365, new_signal_from: str | None = None) -> pd.DataFrame:
    """A small labelled Dutch-like corpus: signal_id, received_at, text, category (five taxonomy
    categories of :data:`TOY_TAXONOMY`, a new signal ``nieuw_slagboom`` and a few "nvt" answers)."""
    rng = np.random.default_rng(seed)
    cats = [c["key"] for c in TOY_TAXONOMY["categories"]]
    t0 = pd.Timestamp(start)
    new_from = pd.Timestamp(new_signal_from) if new_signal_from else t0
    rows = []
    for i in range(n):
        when = t0 + pd.Timedelta(minutes=int(rng.integers(0, days * 24 * 60)))
        u = rng.random()
        if u < 0.03:
            rows.append((f"toy:{i:06d}", when, str(rng.choice(["nvt", "N.v.t.", "geen", "-", "niets"])), "overig"))
            continue
        cat = "nieuw_slagboom" if (u < 0.03 + new_signal_share and when >= new_from) else str(rng.choice(cats))
        words = list(rng.choice(_TOY_WORDS[cat], size=int(rng.integers(4, 8)), replace=True))
        words += list(rng.choice(_TOY_FILLER, size=int(rng.integers(2, 6))))
        rng.shuffle(words)
        rows.append((f"toy:{i:06d}", when, " ".join(words).capitalize() + ".", cat))
    return pd.DataFrame(rows, columns=["signal_id", "received_at", "text", "category"])
