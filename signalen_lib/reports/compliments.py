"""The best compliments per org unit and period, for the compliments wall and reports.

Texts in the shared zone are already masked, but a wall on a screen in a work location is the
most public place a text can go, so :func:`residual_pii` is a deliberately strict *second line*
that works independently of the masking step. A text is rejected when it has:

* a phone-number-like digit run (7+ digits, with or without separators; 14010 is fine), a
  postcode, an e-mail address, an IBAN, a licence plate, a date like 12-03-1980, or a house number after a
  street-like word or "nummer";
* a form of address followed by a word that is not a function word ("mw. Jansen",
  "meneer pietersen", "dhr K."), or initials ("J. de Vries");
* a capitalised word that is not at the start of a sentence and not in an allow-list (Rotterdam's
  wijk and buurt names, the organisation's units, the taxonomy's names, a few product names);
  a capitalised sentence-initial word that is neither a known Dutch word (simplemma's
  dictionary) nor allowed.

Only texts with perception ``compliment`` pass to the ranking. Texts with masking placeholders
(``<PERSOON>``) are safe but read badly; they are used only when there are too few without.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import pandas as pd

from signalen_lib.schema import ORG_UNITS
from signalen_lib.store.queries import where_clause

_PLACEHOLDER = re.compile(r"[\[<{][^\[\]<>{}\s]{1,30}[\]>}]")
_PHONE = re.compile(r"(?<!\d)(?:\+|00)?\d(?:[\s.\-/()]{0,2}\d){6,}(?!\d)")
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?[A-Z]{2}\b|\b[1-9]\d{3}[a-z]{2}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\b[\w.+-]+\s?\(at\)\s?[\w-]+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{4}\s?\d", re.I)
_PLATE = re.compile(r"\b(?=[A-Z0-9-]{6,8}\b)(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{1,3}-[A-Z0-9]{1,3}-[A-Z0-9]{1,3}\b", re.I)
_DATE = re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b")
_STREET_NO = re.compile(
    r"\b[\wÀ-ÿ'-]*(?:straat|laan|weg|plein|singel|kade|dijk|gracht|dreef|hof|steeg|pad|plaats|baan|boulevard|"
    r"markt|haven|park|erf|ring|wal)\s+\d+\s?[a-zA-Z]?\b|\b(?:nummer|nr\.?|huisnummer|no\.?)\s*\d+", re.I)
_ADDRESS_FORM = re.compile(r"\b(?:mw|mevr|mvr|mevrouw|dhr|hr|heer|meneer|mijnheer|mej|juffrouw|fam|familie|dr|drs|ir|mr|prof)\b\.?\s+([\wÀ-ÿ'-]+)", re.I)
_INITIALS = re.compile(r"\b[A-Z]\.\s?(?:[A-Z]\.\s?)*(?:[a-z]{1,3}\s)?[A-Z][a-zà-ÿ]")
_WORD = re.compile(r"[A-Za-zÀ-ÿ][\wÀ-ÿ'’-]*")
_SENT_SPLIT = re.compile(r"(?<=[.!?:;])\s+|\n+|[\"“”„()]")

# Words that may follow a form of address ("mevrouw was erg vriendelijk").
_FUNCTION_WORDS = frozenset("""
aan achter af al alle als bij daar dan dat de die dit door een en er had heeft hem hen het hier hij hun
ik in is je kon kwam maar me met mij mijn na naar niet nog nu of om ook op over te toen tot u uit van
vanuit voor waar was wat we werd wij wilde zij ze zei zeer zich zo zou heel erg echt super enorm
gisteren vandaag vanochtend vanmiddag aan die de van
""".split())

# Capitalised words that may appear anywhere (besides places and org units).
_ALLOW = frozenset("""
rotterdam rotterdammer rotterdammers rotterdamse nederland nederlands nederlandse gemeente
stadswinkel stadswinkels kcc digid mijnloket loket belastingdienst uwv duo svb cak ggd ret ns roteb
whatsapp facebook twitter instagram google internet website app iphone android
corona covid p+r pr ov ik u uw we wij jullie wmo woz bsn apk id ok tv pc sms kcc ggd ret ns ah
maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april mei juni juli
augustus september oktober november december kerst pasen
top super prima bedankt dank fijn heel erg echt goed zeer perfect geweldig duidelijk snel vriendelijk
""".split())


@lru_cache(maxsize=1)
def allowed_words() -> frozenset[str]:
    """Lower-case words that may be capitalised: :data:`_ALLOW`, Rotterdam's wijk/buurt names,
    org units and taxonomy names (each word of a multi-word name)."""
    words = set(_ALLOW)

    def add(name: str) -> None:
        for w in _WORD.findall(str(name)):
            words.add(w.lower())

    for cluster, afdelingen in ORG_UNITS.items():
        add(cluster)
        for a in afdelingen:
            add(a)
    try:
        from signalen_lib.config import PACKAGE_DIR

        geo = pd.read_csv(PACKAGE_DIR / "geo" / "rotterdam_buurten.tsv", sep="\t", dtype=str)
        for col in ("buurtnaam", "wijknaam"):
            for v in geo[col].dropna():
                add(v)
    except Exception:  # noqa: BLE001 - allow-list shrinks, check only gets stricter
        pass
    from signalen_lib.vocab.taxonomy import load_taxonomy

    for name in load_taxonomy().names().values():
        add(name)
    return frozenset(words)


def _known_dutch(word: str) -> bool:
    try:
        import simplemma

        return bool(simplemma.is_known(word.lower(), lang="nl"))
    except Exception:  # noqa: BLE001 - without the dictionary every unknown capital is rejected
        return False


def residual_pii(text: str, extra_allowed: Sequence[str] = ()) -> list[str]:
    """Reasons (Dutch-free short codes with the offending fragment) why ``text`` may still
    identify a person; an empty list means it passed every check."""
    text = str(text or "")
    reasons: list[str] = []
    body = _PLACEHOLDER.sub(" ", text)
    for name, rx in (("email", _EMAIL), ("iban", _IBAN), ("licence plate", _PLATE), ("postcode", _POSTCODE), ("date", _DATE),
                     ("address", _STREET_NO)):
        m = rx.search(body)
        if m:
            reasons.append(f"{name}: {m.group(0).strip()}")
    for m in _PHONE.finditer(body):
        digits = re.sub(r"\D", "", m.group(0))
        if len(digits) >= 7:
            reasons.append(f"phone: {m.group(0).strip()}")
            break
    for m in _ADDRESS_FORM.finditer(body):
        nxt = m.group(1)
        if nxt.lower() not in _FUNCTION_WORDS:
            reasons.append(f"name after form of address: {m.group(0).strip()}")
            break
    m = _INITIALS.search(body)
    if m:
        reasons.append(f"initials: {m.group(0).strip()}")
    allow = allowed_words() | {w.lower() for w in extra_allowed}
    for sent in _SENT_SPLIT.split(body):
        words = _WORD.findall(sent)
        for i, w in enumerate(words):
            if not w[0].isupper():
                continue
            lw = w.lower().strip("'’-")
            if lw in allow:
                continue
            if w.isupper() and 4 <= len(w) <= 5:  # an acronym; short ones (RG, GSC) may be initials
                continue
            if i == 0:
                if _known_dutch(lw):
                    continue
                reasons.append(f"unknown capitalised word at sentence start: {w}")
            else:
                reasons.append(f"capitalised word: {w}")
            break
        else:
            continue
        break
    return reasons


def is_safe_for_wall(text: str) -> bool:
    return not residual_pii(text)


_NEGATIVE = re.compile(r"\b(maar|helaas|jammer|echter|ondanks|klacht|slecht|boos|teleurgesteld|nooit|niet)\b", re.I)
_POSITIVE = re.compile(r"\b(bedankt|dank|vriendelijk|behulpzaam|fijn|top|super|goed|snel|duidelijk|geweldig|"
                       r"prettig|compliment|complimenten|tevreden|geholpen|meedenken|meegedacht|netjes|hartelijk)\w*", re.I)


def quality(text: str, p_compliment: float, score: float | None = None) -> float:
    """Rank score for a compliment: model probability, length in a readable range, positive words,
    no hedging ('maar', 'helaas'), a high KTO score, no placeholders."""
    t = str(text)
    n = len(t)
    q = float(p_compliment)
    q += 0.3 if 40 <= n <= 280 else (0.1 if 25 <= n <= 400 else -0.5)
    q += min(len(_POSITIVE.findall(t)), 3) * 0.05
    q -= len(_NEGATIVE.findall(t)) * 0.15
    if score is not None and not pd.isna(score):
        q += 0.1 * max(0.0, float(score) - 7)
    if _PLACEHOLDER.search(t):
        q -= 0.5
    letters = sum(ch.isalpha() for ch in t)
    if letters and sum(ch.isupper() for ch in t) / letters > 0.5:
        q -= 0.5  # shouting
    return q


def _norm(t: str) -> str:
    return re.sub(r"[^a-zà-ÿ0-9]+", " ", str(t).lower()).strip()


def best_compliments(
    store,
    cluster: str | None = None,
    start=None,
    end=None,
    n: int = 10,
    *,
    afdeling: str | None = None,
    filters: dict | None = None,
    min_prob: float = 0.6,
    settings=None,
    min_chars: int = 25,
    max_chars: int = 500,
) -> pd.DataFrame:
    """Up to ``n`` clear, positive, masked and non-identifying compliments within [start, end).

    Candidates: ``signal_perception.perception = 'compliment'`` with ``prob >= min_prob`` (without a
    perception table: KTO scores 9-10). Every candidate passes :func:`residual_pii`; texts with
    placeholders only fill up when there are too few without. Near-duplicates are dropped. When
    the selection holds fewer than ``settings.min_cell_size`` compliments, nothing is returned
    (``df.attrs['suppressed'] = True``). Columns: signal_id, received_at, source, channel,
    cluster, afdeling, wijk, text, prob, score, quality, has_placeholder.
    """
    if settings is None:
        from signalen_lib.config import load_config

        settings = load_config()
    db = store.shared
    f = dict(filters or {})
    if cluster is not None:
        f["cluster"] = cluster
    if afdeling is not None:
        f["afdeling"] = afdeling
    where, params = where_clause(start, end, f, alias="s")
    cols = "s.signal_id, s.received_at, s.source, s.channel, s.cluster, s.afdeling, s.wijk, s.score, s.text"
    use_perception = db.table_exists("signal_perception") and db.count("signal_perception") > 0
    if use_perception:
        cond = "p.perception = 'compliment' AND p.prob >= ?"
        sql = (f"SELECT {cols}, COALESCE(p.p_compliment, p.prob) AS prob FROM signals s "
               f"JOIN signal_perception p ON p.signal_id = s.signal_id"
               f"{where}{' AND ' if where else ' WHERE '}{cond}")
        params = params + [float(min_prob)]
    else:
        sql = f"SELECT {cols}, 1.0 AS prob FROM signals s{where}{' AND ' if where else ' WHERE '}s.score >= 9"
    df = db.query_df(sql, params)
    out_cols = ["signal_id", "received_at", "source", "channel", "cluster", "afdeling", "wijk", "text", "prob",
                "score", "quality", "has_placeholder"]
    empty = pd.DataFrame(columns=out_cols)
    empty.attrs["suppressed"] = False
    if df.empty:
        return empty
    df["text"] = df["text"].astype("object").fillna("")
    df = df[df["text"].str.len().between(min_chars, max_chars)]
    if len(df) < settings.min_cell_size:
        empty.attrs["suppressed"] = True
        return empty
    df = df.assign(
        quality=[quality(t, p, s) for t, p, s in zip(df["text"], df["prob"], df["score"])],
        has_placeholder=df["text"].str.contains(_PLACEHOLDER),
        _norm=df["text"].map(_norm),
    )
    df = df.sort_values(["has_placeholder", "quality"], ascending=[True, False])
    df = df.drop_duplicates("_norm")
    df = df[df["_norm"].str[:40].duplicated() == False]  # noqa: E712 - near-duplicates (same opening)
    chosen = []
    for idx, t in zip(df.index, df["text"]):
        if not residual_pii(t):
            chosen.append(idx)
            if len(chosen) >= n:
                break
    out = df.loc[chosen, out_cols].reset_index(drop=True)
    out["prob"] = out["prob"].astype(float)
    out.attrs["suppressed"] = False
    return out
