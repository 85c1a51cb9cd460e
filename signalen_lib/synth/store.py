"""Small self-made data for the dashboard's tests, browser tests and benchmarks.

Until the synthetic corpus and the topic/perception parts run end to end, the dashboard is built
against signals this module writes itself (masked text only, shared zone), with the columns
DEVELOPING.md lists. ``synthetic_aggregates`` makes ``agg_daily`` rows directly at large scale
(the 1,000,000-signal benchmark), without individual signals.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np
import pandas as pd

from signalen_lib.config import Settings
from signalen_lib.vocab.taxonomy import load_taxonomy

# Tables of other parts (topics, perception) with the columns of DEVELOPING.md. CREATE ... IF NOT
# EXISTS: when those parts' migrations already made them, nothing happens.
PART_TABLES = (
    """CREATE TABLE IF NOT EXISTS topic_models (
        model_version TEXT PRIMARY KEY, created_at TIMESTAMP, params TEXT, seed INTEGER,
        n_docs INTEGER, data_hash TEXT, lib_versions TEXT, metrics TEXT, is_current BOOLEAN, path TEXT, org_code TEXT)""",
    """CREATE TABLE IF NOT EXISTS signal_categories (
        signal_id TEXT, model_version TEXT, rank INTEGER, category TEXT, subcategory TEXT, prob FLOAT8)""",
    """CREATE TABLE IF NOT EXISTS signal_perception (
        signal_id TEXT PRIMARY KEY, model_version TEXT, perception TEXT, prob FLOAT8)""",
)

SOURCES = {"kto": ["telefoon", "stadswinkel", "online"], "klacht": ["online", "email"],
           "terugbelnotitie": ["telefoon"], "interview": ["gesprek"]}
ORG = {"Dienstverlening": ["Klantcontactcentrum 14010", "Stadswinkels"],
       "Stadsbeheer": ["Afval en Reiniging", "Buitenruimte"],
       "Werk en Inkomen": ["Inkomensondersteuning", "Schuldhulpverlening"],
       "Stadsontwikkeling": ["Bouw- en Woningtoezicht", "Parkeren"]}

CANARY_NAME = "Jantje Kanarievogel"
CANARY_PHONE = "06-98765432"
SCRIPT_TEXT = "<script>alert('xss')</script> de container is weer niet geleegd"

_WORDS = {
    "klacht": ["Ik ben niet tevreden over", "Het duurt veel te lang met", "Slecht geregeld:", "Al weken problemen met"],
    "neutraal": ["Vraag over", "Ik wil graag informatie over", "Melding over", "Hoe zit het met"],
    "compliment": ["Heel vriendelijk geholpen met", "Top geregeld:", "Complimenten voor de hulp bij", "Snel opgelost:"],
}


@lru_cache(maxsize=4)
def taxonomy(path) -> dict:
    """{category key: (name, {subcategory key: name})} (from :func:`signalen_lib.vocab.load_taxonomy`)."""
    return {c.key: (c.name, {s.key: s.name for s in c.subcategories}) for c in load_taxonomy(path).categories}


def buurten(settings: Settings) -> pd.DataFrame:
    return pd.read_csv(settings.geo_dir / "rotterdam_buurten.tsv", sep="\t", dtype=str)


def demo_signals(settings: Settings, n: int = 4000, seed: int = 7, end: str = "2026-11-20",
                 days: int = 730, spike_category: str = "afval", new_topic: bool = True) -> dict[str, pd.DataFrame]:
    """DataFrames for signals, topic_models, signal_categories and signal_perception.

    Volume has a yearly season (afval peaks in summer, parkeren in winter), ``spike_category`` gets
    4x its usual volume in the last 3 days, and ``nieuw_slagboom`` appears only on the last day.
    Texts are already masked ([NAAM], [TELEFOON]); two rows carry the privacy/escaping canaries.
    """
    rng = np.random.default_rng(seed)
    tax = taxonomy(str(settings.taxonomy_path))
    cats = list(tax)
    end_ts = pd.Timestamp(end)
    start = end_ts - pd.Timedelta(days=days - 1)
    day_index = pd.date_range(start, end_ts, freq="D")
    doy = day_index.day_of_year.to_numpy()
    season = {c: 1 + 0.5 * np.sin(2 * np.pi * (doy - 100 - 37 * i) / 365.25) for i, c in enumerate(cats)}
    weights = np.array([1.0 / (1 + i * 0.25) for i in range(len(cats))])
    rows_day, rows_cat = [], []
    # expected volume per (day, category), then multinomial draw of n signals
    mat = np.stack([season[c] * w for c, w in zip(cats, weights)], axis=1)  # days x cats
    mat[-3:, cats.index(spike_category)] *= 4.0 if spike_category in cats else 1.0
    p = (mat / mat.sum()).ravel()
    counts = rng.multinomial(n, p).reshape(mat.shape)
    for d in range(len(day_index)):
        for j, c in enumerate(cats):
            k = counts[d, j]
            if k:
                rows_day.extend([day_index[d]] * k)
                rows_cat.extend([c] * k)
    if new_topic:
        rows_day.extend([end_ts] * 8)
        rows_cat.extend(["nieuw_slagboom"] * 8)
    m = len(rows_day)
    bu = buurten(settings)
    b_idx = rng.integers(0, len(bu), m)
    src = rng.choice(list(SOURCES), m, p=[0.55, 0.2, 0.2, 0.05])
    clusters = list(ORG)
    cl = rng.choice(clusters, m)
    perception = rng.choice(["klacht", "neutraal", "compliment"], m, p=[0.45, 0.35, 0.20])
    cat_arr = np.array(rows_cat, dtype=object)
    subs = np.empty(m, dtype=object)
    for c in set(rows_cat):
        idx = np.flatnonzero(cat_arr == c)
        opts = sorted(tax[c][1]) if c in tax and tax[c][1] else (["slagboom_testlocatie"] if c == "nieuw_slagboom" else ["overig"])
        subs[idx] = np.array(opts, dtype=object)[rng.integers(0, len(opts), len(idx))]
    base = np.select([perception == "klacht", perception == "neutraal"], [4, 7], 9)
    score_vals = np.clip(base + rng.integers(-2, 3, m), 0, 10)
    is_kto = src == "kto"
    lead = {p_: np.array(_WORDS[p_], dtype=object) for p_ in _WORDS}
    lead_idx = rng.integers(0, 4, m)
    cnames = {c: (tax[c][0] if c in tax else "de slagboom bij de testlocatie").lower() for c in set(rows_cat)}
    texts = [f"{lead[perception[i]][lead_idx[i]]} {cnames[rows_cat[i]]} ({subs[i].replace('_', ' ')}), signaal {i}."
             for i in range(m)]
    minutes = rng.integers(8 * 60, 20 * 60, m)
    ch = np.empty(m, dtype=object)
    for s_, chans in SOURCES.items():
        idx = np.flatnonzero(src == s_)
        ch[idx] = np.array(chans, dtype=object)[rng.integers(0, len(chans), len(idx))]
    af = np.empty(m, dtype=object)
    for c_, afds in ORG.items():
        idx = np.flatnonzero(cl == c_)
        af[idx] = np.array(afds, dtype=object)[rng.integers(0, len(afds), len(idx))]
    recs = {
        "signal_id": [f"{s_}:{i}" for i, s_ in enumerate(src)], "source": src, "source_record_id": [str(i) for i in range(m)],
        "received_at": pd.DatetimeIndex(rows_day) + pd.to_timedelta(minutes, unit="m"), "channel": ch, "cluster": cl,
        "afdeling": af, "wijk_code": bu.wijkcode.to_numpy()[b_idx], "wijk": bu.wijknaam.to_numpy()[b_idx],
        "buurt_code": bu.buurtcode.to_numpy()[b_idx], "buurt": bu.buurtnaam.to_numpy()[b_idx],
        "score": pd.array(np.where(is_kto, score_vals, 0), dtype="Int64"), "text": texts,
    }
    subs = list(subs)
    perception = perception.copy()
    sig = pd.DataFrame(recs)
    sig.loc[~is_kto, "score"] = pd.NA
    # canaries: the masked form of a text with a name and phone number, and a script tag
    sig.loc[0, "text"] = "Mijn naam is [NAAM] en mijn nummer is [TELEFOON], bel me terug over de container."
    sig.loc[1, "text"] = SCRIPT_TEXT
    for i in (0, 1):
        sig.loc[i, "received_at"] = end_ts + pd.Timedelta(hours=23, minutes=58 + i)  # newest: first on the examples page
        rows_cat[i], subs[i] = "afval", "container"
        perception[i] = "klacht"
    sig["content_hash"] = [hashlib.sha256(t.encode()).hexdigest()[:32] + str(i) for i, t in enumerate(sig["text"])]
    sig["ingested_at"] = pd.Timestamp("2026-11-21 06:00")
    mv = "demo-1"
    tm = pd.DataFrame([{"model_version": mv, "created_at": pd.Timestamp("2026-11-21 05:00"), "params": '{"n_topics": 16}',
                        "seed": seed, "n_docs": m, "data_hash": "demo", "lib_versions": "{}",
                        "metrics": '{"coherence_c_v": 0.52}', "is_current": True, "path": "",
                        "org_code": settings.organisation_code}])
    sc = pd.DataFrame({"signal_id": sig.signal_id, "model_version": mv, "rank": 1,
                       "category": rows_cat, "subcategory": subs, "prob": 0.8})
    sc.loc[sc.index % 13 == 5, ["category", "subcategory"]] = ["overig", "overig"]
    sp = pd.DataFrame({"signal_id": sig.signal_id, "model_version": "demo-perc-1", "perception": perception, "prob": 0.9})
    return {"signals": sig, "topic_models": tm, "signal_categories": sc, "signal_perception": sp}


def fill_demo_store(store, settings: Settings, **kwargs) -> dict:
    """Write :func:`demo_signals` into the shared zone and refresh the aggregates."""
    from signalen_lib.dashboard.aggregates import refresh_aggregates

    frames = demo_signals(settings, **kwargs)
    db = store.shared
    for stmt in PART_TABLES:
        db.execute(stmt)
    for table in ("signals", "topic_models", "signal_categories", "signal_perception"):
        db.insert_df(table, frames[table])
    return refresh_aggregates(store, settings)


def synthetic_aggregates(settings: Settings, n_signals: int = 1_000_000, seed: int = 11,
                         end: str = "2026-11-20", days: int = 730) -> pd.DataFrame:
    """agg_daily rows for ``n_signals`` signals over ``days`` days, drawn directly (no signals)."""
    rng = np.random.default_rng(seed)
    tax = taxonomy(str(settings.taxonomy_path))
    bu = buurten(settings)
    pairs = [(c, s) for c, (_, subs) in tax.items() for s in (subs or {"overig": ""})] + [("overig", "overig")]
    org = [(c, a) for c, afds in ORG.items() for a in afds]
    srcch = [(s, ch) for s, chs in SOURCES.items() for ch in chs]
    end_ts = pd.Timestamp(end)
    day_index = pd.date_range(end_ts - pd.Timedelta(days=days - 1), end_ts, freq="D")
    doy = day_index.day_of_year.to_numpy()
    dw = 1 + 0.4 * np.sin(2 * np.pi * (doy - 120) / 365.25)
    # draw each signal's attributes, then count identical combinations
    m = n_signals
    d = rng.choice(len(day_index), m, p=dw / dw.sum())
    pw = np.array([1.0 / (1 + i * 0.1) for i in range(len(pairs))])
    cat = rng.choice(len(pairs), m, p=pw / pw.sum())
    o = rng.integers(0, len(org), m)
    b = rng.integers(0, len(bu), m)
    sc_ = rng.choice(len(srcch), m)
    per = rng.choice(3, m, p=[0.45, 0.35, 0.2])
    df = pd.DataFrame({"d": d, "cat": cat, "o": o, "b": b, "sc": sc_, "per": per})
    scored = np.array([s == "kto" for s, _ in srcch])[sc_]
    df["n_scored"] = scored.astype(int)
    df["n_dissatisfied"] = (scored & (per == 0) & (rng.random(m) < 0.8)).astype(int)
    df["n"] = 1
    g = df.groupby(["d", "cat", "o", "b", "sc", "per"], sort=False)[["n", "n_scored", "n_dissatisfied"]].sum().reset_index()
    pairs_a, org_a, srcch_a = np.array(pairs, dtype=object), np.array(org, dtype=object), np.array(srcch, dtype=object)
    out = pd.DataFrame({
        "day": day_index[g.d.to_numpy()],
        "category": pairs_a[g.cat.to_numpy(), 0], "subcategory": pairs_a[g.cat.to_numpy(), 1],
        "cluster": org_a[g.o.to_numpy(), 0], "afdeling": org_a[g.o.to_numpy(), 1],
        "wijk_code": bu.wijkcode.to_numpy()[g.b.to_numpy()], "buurt_code": bu.buurtcode.to_numpy()[g.b.to_numpy()],
        "source": srcch_a[g.sc.to_numpy(), 0], "channel": srcch_a[g.sc.to_numpy(), 1],
        "perception": np.array(["klacht", "neutraal", "compliment"], dtype=object)[g.per.to_numpy()],
        "n": g.n.to_numpy(), "n_scored": g.n_scored.to_numpy(), "n_dissatisfied": g.n_dissatisfied.to_numpy(),
    })
    return out
