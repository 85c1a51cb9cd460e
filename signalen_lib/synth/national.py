"""The synthetic *national* corpus: many organisations on one signal model (issue 16).

``national_plan(n, organisations=24, seed=42, ...)`` decides everything that is not text: which
organisations take part (CBS gemeentecodes for municipalities, ``UWV``, ``DUO``, ``BD`` for the
Belastingdienst), how many signals each gets (its volume), its org units, its local taxonomy
extension and the national event. ``iter_national(plan)`` streams the signals as pandas DataFrame
chunks (one organisation per chunk, at most ``chunk_size`` rows), so 2,000,000 signals never sit
in memory; the texts come from the same grammar as the single-organisation corpus
(``generate.TextMaker``), PII included (masking is part of what is measured).

The national event (``LANDELIJK_EVENT``): a national mailing from ``event_day`` on raises the rate of
one national category (``EVENT_CATEGORY``) by ``event_factor`` in the affected organisations only;
a second group is affected later (``late_day``); the rest are never affected (the comparison and
placebo group). ``plan.truth()`` says which organisation was affected from which day and the true
relative effect on the expected daily count of that category (``event_factor - 1``).

Chunk columns: the canonical record fields of ``schema.FIELDS`` (``text`` is *raw*: it holds the
synthetic PII), plus ``org_code``, ``org_name``, and the ground truth ``true_category`` (national
category), ``true_subcategory`` (subcategory of the national taxonomy), ``true_local_subcategory``
(the organisation's local key, or ``""``), ``true_perception``, ``true_event`` (bool: the signal is
part of the event's excess volume, drawn with the excess share of its day).

Same (n, organisations, seed, start, end, event_factor) -> the same chunks, whatever the chunk
size used downstream for partitioning: each organisation's signals come from a random stream of
their own, drawn in blocks of ``BLOCK`` rows.
"""
from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from signalen_lib.schema import ORG_UNITS, UNKNOWN
from signalen_lib.synth import events as ev
from signalen_lib.synth.generate import (BASE_PERCEPTION, CAT_TONE, CHANNEL_WEIGHTS, GENERIC, N_CATS_DIST, ORG_MAP,
                                         PERCEPTIONS, PII_RATE, SCORE_DIST, SUB_ORG, WEEKDAY, TextMaker, _read_geo,
                                         _source_weights, _topics, _write_interview, _write_klacht, _write_kto,
                                         _write_terugbel, assemble)

LANDELIJK_EVENT = "landelijke_brief"
EVENT_CATEGORY = "informatie_brieven"
EVENT_FACTOR = 1.8
EVENT_DAY_FRACTION = 0.6  # of the period: first wave
LATE_DAY_FRACTION = 0.8  # second wave ("later affected")
AFFECTED_SHARE = 0.4
LATE_SHARE = 0.2
BLOCK = 20_000  # rows per random block of one organisation
ORG_NOISE_SD = 0.10  # per organisation and week: log-normal level noise (all categories)
CAT_NOISE_SD = 0.08  # per organisation, category and week

MUNICIPAL_UNITS = ORG_UNITS


@dataclass(frozen=True)
class LocalSub:
    """A local subcategory: the organisation's own key and name for (a share of) one subject,
    rolling up into a national category."""
    key: str
    name: str
    parent: str  # national category key
    like: str  # "category/subcategory" of the text grammar whose texts it gets
    share: float = 1.0  # share of that subject's signals labelled with the local key


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    kind: str  # "gemeente" | "uitvoeringsorganisatie"
    inhabitants: int  # municipalities: inhabitants; agencies: clients (for rates per 10,000)
    weight: float  # relative signal volume
    units: dict = field(default_factory=dict)  # cluster -> afdelingen
    local: tuple = ()  # LocalSub, ...
    sources: tuple = ("kto", "klacht", "terugbelnotitie", "interview")
    categories: dict | None = None  # agencies: category -> weight (all sources); None: the municipal mix

    def to_config(self) -> dict:
        """The organisation as configuration (``organisations.yaml``): what a new organisation supplies."""
        return {"code": self.code, "name": self.name, "kind": self.kind, "inhabitants": self.inhabitants,
                "local_taxonomy": [{"key": s.key, "name": s.name, "parent": s.parent} for s in self.local]}


def _gm(code, name, inhabitants, local=()):
    return Organisation(code, name, "gemeente", inhabitants, inhabitants / 1000.0, MUNICIPAL_UNITS, tuple(local))


_AGENCY_CATS = {
    "UWV": dict(werk_inkomen=30, betalingsregeling=6, bereikbaarheid=16, status_aanvraag=16, informatie_brieven=14,
                bejegening=12, zorg_welzijn=6),
    "DUO": dict(werk_inkomen=14, betalingsregeling=22, bereikbaarheid=14, status_aanvraag=14, informatie_brieven=18,
                bejegening=12, burgerzaken=6),
    "BD": dict(belastingen=34, betalingsregeling=16, bereikbaarheid=16, status_aanvraag=10, informatie_brieven=14,
               bejegening=10),
}

ORGANISATIONS: tuple[Organisation, ...] = (
    _gm("GM0599", "Rotterdam", 664_000),
    _gm("GM0363", "Amsterdam", 931_000, [LocalSub("grachten_kades", "Grachten en kades", "openbare_ruimte",
                                                  "openbare_ruimte/bestrating", 0.5)]),
    Organisation("UWV", "UWV", "uitvoeringsorganisatie", 1_400_000, 900.0,
                 {"Klantcontact": ("Klantcontactcentrum", "Klachtenbehandeling"),
                  "Uitkeringen": ("WW", "WIA", "Ziektewet")},
                 (LocalSub("ww_uitkering", "WW-uitkering", "werk_inkomen", "werk_inkomen/uitkering_betaling"),
                  LocalSub("wia_keuring", "WIA-keuring", "werk_inkomen", "werk_inkomen/reintegratie")),
                 ("kto", "klacht", "terugbelnotitie"), _AGENCY_CATS["UWV"]),
    _gm("GM0518", "'s-Gravenhage", 566_000, [LocalSub("strand_boulevard", "Strand en boulevard", "overlast",
                                                      "overlast/geluidsoverlast", 0.3)]),
    _gm("GM0344", "Utrecht", 374_000, [LocalSub("fietsenstalling", "Fietsenstallingen", "verkeer",
                                                "verkeer/fietsparkeren")]),
    Organisation("DUO", "DUO", "uitvoeringsorganisatie", 900_000, 420.0,
                 {"Klantcontact": ("Klantcontactcentrum", "Klachtenbehandeling"),
                  "Studiefinanciering": ("Studiefinanciering", "Terugbetalen")},
                 (LocalSub("studieschuld", "Studieschuld terugbetalen", "betalingsregeling",
                           "betalingsregeling/regeling_aanvragen"),
                  LocalSub("studiefinanciering", "Studiefinanciering", "werk_inkomen", "werk_inkomen/uitkering_betaling")),
                 ("kto", "klacht", "terugbelnotitie"), _AGENCY_CATS["DUO"]),
    Organisation("BD", "Belastingdienst", "uitvoeringsorganisatie", 9_000_000, 1300.0,
                 {"Klantcontact": ("BelastingTelefoon", "Klachtenbehandeling"),
                  "Particulieren": ("Inkomstenbelasting", "Toeslagen", "Invordering")},
                 (LocalSub("toeslagen", "Toeslagen", "belastingen", "belastingen/kwijtschelding"),
                  LocalSub("aangifte_ib", "Aangifte inkomstenbelasting", "belastingen", "belastingen/aanslag")),
                 ("kto", "klacht", "terugbelnotitie"), _AGENCY_CATS["BD"]),
    _gm("GM0772", "Eindhoven", 246_000),
    _gm("GM0014", "Groningen", 241_000, [LocalSub("aardbevingsschade", "Aardbevingsschade", "wonen_vergunningen",
                                                  "wonen_vergunningen/bouwoverlast", 0.5)]),
    _gm("GM0855", "Tilburg", 227_000),
    _gm("GM0034", "Almere", 222_000),
    _gm("GM0758", "Breda", 187_000),
    _gm("GM0268", "Nijmegen", 183_000),
    _gm("GM0202", "Arnhem", 167_000),
    _gm("GM0392", "Haarlem", 164_000),
    _gm("GM0200", "Apeldoorn", 166_000),
    _gm("GM0153", "Enschede", 161_000),
    _gm("GM0796", "'s-Hertogenbosch", 160_000),
    _gm("GM0193", "Zwolle", 134_000),
    _gm("GM0546", "Leiden", 127_000),
    _gm("GM0080", "Leeuwarden", 126_000),
    _gm("GM0935", "Maastricht", 122_000, [LocalSub("carnaval", "Carnaval", "overlast", "overlast/geluidsoverlast", 0.2)]),
    _gm("GM0505", "Dordrecht", 121_000),
    _gm("GM0503", "Delft", 105_000),
    _gm("GM0307", "Amersfoort", 160_000),
    _gm("GM0479", "Zaanstad", 158_000),
    _gm("GM0637", "Zoetermeer", 127_000),
    _gm("GM0402", "Hilversum", 92_000),
)
DEFAULT_ORGANISATIONS = 24


def select_organisations(organisations) -> list[Organisation]:
    """``organisations``: a count (the first N of :data:`ORGANISATIONS`) or a list of codes/objects."""
    if isinstance(organisations, int):
        if not 2 <= organisations <= len(ORGANISATIONS):
            raise ValueError(f"organisations must be between 2 and {len(ORGANISATIONS)} (got {organisations})")
        return list(ORGANISATIONS[:organisations])
    by_code = {o.code: o for o in ORGANISATIONS}
    out = []
    for o in organisations:
        if isinstance(o, Organisation):
            out.append(o)
        elif o in by_code:
            out.append(by_code[o])
        else:
            raise ValueError(f"unknown organisation code {o!r} (known: {', '.join(by_code)})")
    if len({o.code for o in out}) != len(out):
        raise ValueError("organisation codes must be unique")
    return out


@dataclass
class NationalPlan:
    n: int
    seed: int
    start: str
    end: str
    organisations: list
    counts: dict  # org code -> number of signals
    event_day: str
    late_day: str
    event_start: dict  # org code -> first affected day (YYYY-MM-DD) or None
    event_factor: float
    chunk_size: int = 50_000

    def affected(self) -> list[str]:
        return [c for c, d in self.event_start.items() if d]

    def truth(self) -> dict:
        """The ground truth of the national event (JSON-able)."""
        return {"key": LANDELIJK_EVENT, "kind": "national_mailing", "category": EVENT_CATEGORY,
                "event_day": self.event_day, "late_day": self.late_day,
                "true_relative_effect_volume": round(self.event_factor - 1.0, 6),
                "definition": "expected daily count of the national category in an affected organisation, "
                              "after / before - 1, all else equal",
                "organisations": {o.code: {"name": o.name, "kind": o.kind, "inhabitants": o.inhabitants,
                                           "n": self.counts[o.code], "affected_from": self.event_start[o.code],
                                           "true_effect": round(self.event_factor - 1.0, 6) if self.event_start[o.code] else 0.0}
                                  for o in self.organisations},
                "period": {"start": self.start, "end": self.end}}


def national_plan(n: int, organisations=DEFAULT_ORGANISATIONS, seed: int = 42, start: str = "2024-11-01",
                  end: str = "2026-10-31", event_factor: float = EVENT_FACTOR, chunk_size: int = 50_000) -> NationalPlan:
    """Organisations, their volumes and the national event (no texts yet)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if event_factor <= 0:
        raise ValueError("event_factor must be positive")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    orgs = select_organisations(organisations)
    d0, d1 = np.datetime64(str(start), "D"), np.datetime64(str(end), "D")
    if d1 <= d0 + np.timedelta64(60, "D"):
        raise ValueError(f"the period {start} .. {end} must span more than 60 days")
    days = np.arange(d0, d1 + np.timedelta64(1, "D"))
    rng = np.random.default_rng([seed, 16])
    w = np.array([o.weight for o in orgs])
    counts = rng.multinomial(n, w / w.sum())
    at = lambda frac: str(days[int(round(frac * (len(days) - 1)))])  # noqa: E731
    event_day, late_day = at(EVENT_DAY_FRACTION), at(LATE_DAY_FRACTION)
    # which organisations: a random share (drawn from the seed), at least one of each group
    k = len(orgs)
    order = rng.permutation(k)
    n_aff = max(1, int(round(AFFECTED_SHARE * k)))
    n_late = max(1 if k >= 3 else 0, int(round(LATE_SHARE * k)))
    start_of = {}
    for rank, i in enumerate(order):
        start_of[orgs[i].code] = event_day if rank < n_aff else late_day if rank < n_aff + n_late else None
    return NationalPlan(n, seed, str(start), str(end), orgs, {o.code: int(c) for o, c in zip(orgs, counts)},
                        event_day, late_day, start_of, float(event_factor), chunk_size)


# --------------------------------------------------------------------------------------- sampling
def _org_weights(org: Organisation, source: str, topics) -> np.ndarray:
    if org.categories is None:
        return _source_weights(source, topics)
    per_cat: dict = {}
    for t in topics:
        per_cat.setdefault(t[0], []).append(t)
    w = np.array([org.categories.get(t[0], 0) / len(per_cat[t[0]]) for t in topics], dtype=float)
    return w / w.sum()


def _common_multipliers(days, topics, seed: int) -> np.ndarray:
    """National patterns shared by all organisations: seasons, gritting, the lachgas ban."""
    rng = np.random.default_rng([seed, 17])
    plan = ev.plan_events(days, rng)
    tidx = {t: i for i, t in enumerate(topics)}
    M = np.ones((len(topics), len(days)))
    M[tidx[ev.BBQ]] = ev.seasonal_barbecue(days, rng)
    M[tidx[ev.GRIT]] = ev.seasonal_gritting(plan)
    M[tidx[ev.LACHGAS]] = ev.policy_lachgas(plan)
    M[tidx[ev.SLAGBOOM]] = 0.0
    return M


def _org_cells(plan: NationalPlan, org: Organisation, days, topics, M) -> tuple[np.ndarray, list, np.ndarray]:
    """(probabilities over (source, topic, day), sources, excess share of the event per (topic, day))."""
    idx = ORGANISATIONS.index(org) if org in ORGANISATIONS else 1000 + sum(map(ord, org.code))
    rng = np.random.default_rng([plan.seed, 18, idx])
    D, T = len(days), len(topics)
    weeks = (np.arange(D) // 7)
    nw = weeks[-1] + 1
    org_noise = np.exp(rng.normal(0, ORG_NOISE_SD, nw))[weeks]
    cats = sorted({t[0] for t in topics})
    cat_noise = {c: np.exp(rng.normal(0, CAT_NOISE_SD, nw))[weeks] for c in cats}
    ev_mult = np.ones(D)
    start = plan.event_start[org.code]
    if start:
        ev_mult[days >= np.datetime64(start)] = plan.event_factor
    is_event = np.array([t[0] == EVENT_CATEGORY for t in topics])
    weekday = (days.astype(int) - 4) % 7
    srcs = list(org.sources)
    shares = np.array([{"kto": 0.55, "terugbelnotitie": 0.25, "klacht": 0.18, "interview": 0.02}[s] for s in srcs])
    shares /= shares.sum()
    blocks = []
    for s, sh in zip(srcs, shares):
        J = _org_weights(org, s, topics)[:, None] * M * org_noise[None, :]
        for i, t in enumerate(topics):
            J[i] *= cat_noise[t[0]]
        J[is_event] *= ev_mult[None, :]
        J *= np.array(WEEKDAY[s])[weekday][None, :]
        blocks.append(sh * J / J.sum())
    P = np.stack(blocks)  # sources x topics x days
    excess = np.where(is_event[:, None], (ev_mult - 1.0)[None, :] / ev_mult[None, :], 0.0)
    return (P / P.sum()).ravel(), srcs, excess


def _perception_probs(source: str, cat: str) -> np.ndarray:
    p = np.array(BASE_PERCEPTION[source], dtype=float) * np.array(CAT_TONE.get(cat, (1.0, 1.0, 1.0)))
    return p / p.sum()


def _geo_for(org: Organisation):
    if org.code != "GM0599":
        return None
    codes, names, wcodes, wnames, p = _read_geo()
    return codes, names, wcodes, wnames, p


def iter_national(plan: NationalPlan, organisations: list[str] | None = None,
                  chunk_size: int | None = None) -> Iterator[pd.DataFrame]:
    """Yield the signals as DataFrame chunks (one organisation per chunk, in plan order).

    ``organisations``: only these codes (e.g. one worker's share). ``chunk_size``: rows per chunk
    (default the plan's). Chunks are cut from blocks of :data:`BLOCK` rows, so the rows are the
    same whatever ``chunk_size`` is.
    """
    chunk_size = chunk_size or plan.chunk_size
    days = np.arange(np.datetime64(plan.start, "D"), np.datetime64(plan.end, "D") + np.timedelta64(1, "D"))
    topics = _topics()
    M = _common_multipliers(days, topics, plan.seed)
    for org in plan.organisations:
        if organisations is not None and org.code not in organisations:
            continue
        total = plan.counts[org.code]
        if not total:
            continue
        P, srcs, excess = _org_cells(plan, org, days, topics, M)
        buf: list[pd.DataFrame] = []
        held = 0
        for b, lo in enumerate(range(0, total, BLOCK)):
            df = _block(plan, org, b, min(BLOCK, total - lo), P, srcs, excess, days, topics, lo)
            buf.append(df)
            held += len(df)
            while held >= chunk_size:
                cat = pd.concat(buf, ignore_index=True)
                yield cat.iloc[:chunk_size].reset_index(drop=True)
                rest = cat.iloc[chunk_size:].reset_index(drop=True)
                buf, held = ([rest] if len(rest) else []), len(rest)
        if held:
            yield pd.concat(buf, ignore_index=True)


def _block(plan, org, b, m, P, srcs, excess, days, topics, offset) -> pd.DataFrame:
    rng = np.random.default_rng([plan.seed, 19, sum(map(ord, org.code)) * 1000 + len(org.code), b])
    prng = random.Random(f"signalen-national:{plan.seed}:{org.code}:{b}")
    maker = TextMaker(prng)
    T, D = len(topics), len(days)
    cell = np.sort(rng.choice(len(P), size=m, p=P))
    si, rest = cell // (T * D), cell % (T * D)
    ti, di = rest // D, rest % D
    hours = rng.choice(np.arange(8, 20), size=m)
    mins = rng.integers(0, 60, size=m)
    u_perc, u_ev, u_pii, u_ncat, u_loc, u_mis, u_sc = (rng.random(m) for _ in range(7))
    unit_pick = rng.integers(0, 1 << 30, size=m)
    all_units = [(c, a) for c, afd in org.units.items() for a in afd]
    geo = _geo_for(org)
    if geo is not None:
        bi = rng.choice(len(geo[0]), size=m, p=geo[4])
    local_by_topic = {tuple(s.like.split("/")): s for s in org.local}
    generic = [t for t in topics if t[0] in GENERIC]
    org_cats = set(org.categories) if org.categories else None
    scum = {k: np.cumsum(v) / sum(v) for k, v in SCORE_DIST.items()}
    # vectorised draws: number of subjects, perception, score
    ncat = np.ones(m, dtype=int)
    perc_i = np.zeros(m, dtype=int)
    score_a = np.full(m, -1)
    cat_of = np.array([t[0] for t in topics], dtype=object)
    for k_s, s in enumerate(srcs):
        sel_s = si == k_s
        ncat[sel_s] = 1 + np.searchsorted(np.cumsum(N_CATS_DIST[s]), u_ncat[sel_s], side="right").clip(0, 2)
        for c in set(cat_of[np.unique(ti[sel_s])]):
            sel = np.flatnonzero(sel_s & (cat_of[ti] == c))
            perc_i[sel] = np.searchsorted(np.cumsum(_perception_probs(s, c)), u_perc[sel], side="right").clip(0, 2)
    perc_a = np.array(PERCEPTIONS, dtype=object)[perc_i]
    for k_p, p_ in enumerate(PERCEPTIONS):
        sel = np.flatnonzero(perc_i == k_p)
        score_a[sel] = np.searchsorted(scum[p_], u_sc[sel], side="right").clip(0, 10)
    is_kto = np.array([s == "kto" for s in srcs])[si]
    si_l, ti_l, di_l, ncat_l, perc_l, score_l = si.tolist(), ti.tolist(), di.tolist(), ncat.tolist(), perc_a.tolist(), score_a.tolist()
    kto_l, ev_l = is_kto.tolist(), (u_ev < excess[ti, di]).tolist()
    u_pii_l, u_loc_l, u_mis_l, pick_l = u_pii.tolist(), u_loc.tolist(), u_mis.tolist(), unit_pick.tolist()
    day_l = [str(d) for d in days[di]]
    hours_l, mins_l = hours.tolist(), mins.tolist()
    rows = []
    for j in range(m):
        s = srcs[si_l[j]]
        prim = topics[ti_l[j]]
        tl = [prim]
        k = ncat_l[j]
        while len(tl) < k:
            c = generic[int(prng.random() * len(generic))]
            if c[0] not in {x[0] for x in tl} and (org_cats is None or c[0] in org_cats):
                tl.append(c)
            elif prng.random() < 0.3:
                break
        p_ = perc_l[j]
        with_pii = u_pii_l[j] < PII_RATE[s]
        if s == "kto":
            segs = maker.kto(tl, p_, with_pii)
            lower, typo = prng.random() < 0.25, prng.choice((0.0, 0.01, 0.03))
        elif s == "klacht":
            segs, formal = maker.klacht(tl, p_, with_pii)
            lower, typo = False, 0.004
        elif s == "terugbelnotitie":
            segs = maker.terugbel(tl, p_, with_pii)
            lower, typo = prng.random() < 0.3, prng.choice((0.0, 0.01))
        else:
            segs = maker.interview(tl, p_, with_pii)
            lower, typo = False, 0.005
        text, _spans = assemble(segs, prng, typo, lower, sentence_case=True)
        if org.kind == "gemeente":
            if org.code != "GM0599":
                text = text.replace("Rotterdam", org.name).replace("ROTTERDAM", org.name.upper())
            unit_topic = next((x for x in tl if x[0] not in GENERIC), prim)
            if u_mis_l[j] < 0.08:
                unit = all_units[pick_l[j] % len(all_units)]
            else:
                unit = SUB_ORG.get(unit_topic) or ORG_MAP.get(unit_topic[0]) or ("Dienstverlening", "Klantcontactcentrum 14010")
        else:
            text = (text.replace("de gemeente Rotterdam", org.name).replace("gemeente Rotterdam", org.name)
                    .replace("Rotterdam", "Utrecht").replace("ROTTERDAM", "UTRECHT"))  # a client's home town
            unit = all_units[pick_l[j] % len(all_units)]
        loc = local_by_topic.get(prim)
        local_key = loc.key if loc is not None and u_loc_l[j] < loc.share else ""
        rows.append((s, text, unit[0], unit[1], day_l[j], hours_l[j], mins_l[j], prim[0], prim[1], local_key, p_,
                     ev_l[j], score_l[j] if kto_l[j] else None))
    df = pd.DataFrame(rows, columns=["source", "text", "cluster", "afdeling", "day", "hour", "minute", "true_category",
                                     "true_subcategory", "true_local_subcategory", "true_perception", "true_event", "score"])
    seq = np.arange(offset + 1, offset + m + 1)
    rid = [f"{org.code}-{q:08d}" for q in seq]
    df.insert(0, "signal_id", [f"{s}:{r}" for s, r in zip(df["source"], rid)])
    df.insert(2, "source_record_id", rid)
    df["received_at"] = pd.to_datetime(df["day"]) + pd.to_timedelta(df["hour"] * 60 + df["minute"], unit="m")
    df = df.drop(columns=["day", "hour", "minute"])
    chans = np.empty(m, dtype=object)
    for s in set(df["source"]):
        sel = np.flatnonzero(df["source"].to_numpy() == s)
        cw = CHANNEL_WEIGHTS.get(s)
        if cw is None:
            chans[sel] = UNKNOWN
            continue
        names = list(cw)
        if org.kind != "gemeente":
            names = [x.replace("telefoon 14010", "telefoon").replace("stadswinkel", "balie") for x in names]
        w = np.array(list(cw.values()), dtype=float)
        chans[sel] = np.array(names, dtype=object)[rng.choice(len(names), size=len(sel), p=w / w.sum())]
    df["channel"] = chans
    if geo is not None:
        codes, names, wcodes, wnames, _ = geo
        df["wijk_code"] = np.array(wcodes, dtype=object)[bi]
        df["wijk"] = np.array(wnames, dtype=object)[bi]
        df["buurt_code"] = np.array(codes, dtype=object)[bi]
        df["buurt"] = np.array(names, dtype=object)[bi]
    else:
        for c in ("wijk_code", "wijk", "buurt_code", "buurt"):
            df[c] = UNKNOWN
    df["score"] = pd.array(df["score"], dtype="Int64")
    df["content_hash"] = [hashlib.sha256(f"{s}|{t}".encode()).hexdigest()[:32]
                          for s, t in zip(df["signal_id"], df["text"])]
    df["org_code"] = org.code
    df["org_name"] = org.name
    df = df.sort_values(["received_at", "signal_id"], kind="stable").reset_index(drop=True)
    cols = ["signal_id", "source", "source_record_id", "received_at", "channel", "cluster", "afdeling", "wijk_code",
            "wijk", "buurt_code", "buurt", "score", "text", "content_hash", "org_code", "org_name", "true_category",
            "true_subcategory", "true_local_subcategory", "true_perception", "true_event"]
    return df[cols]


def national_chunks(n: int, organisations=DEFAULT_ORGANISATIONS, seed: int = 42, chunk_size: int = 50_000,
                    **kwargs) -> Iterator[pd.DataFrame]:
    """Shortcut: ``iter_national(national_plan(n, organisations, seed, chunk_size=chunk_size, **kwargs))``."""
    return iter_national(national_plan(n, organisations, seed, chunk_size=chunk_size, **kwargs))


# --------------------------------------------------------------------------------------- exports
def write_national(plan: NationalPlan, out_dir) -> dict:
    """Write one folder per organisation (``<out>/<org_code>/``) with its own source exports in the
    formats of ``signalen demo-data`` (KTO CSV, complaints XLSX, call-back notes JSONL, interview
    JSON), plus ``<out>/organisations.yaml`` (each organisation's configuration with its local
    taxonomy) and ``<out>/ground_truth/`` (``national_event.json``, ``signals_<org>.csv``).

    One organisation's rows are in memory at a time (they are written when it is complete).
    """
    import yaml

    out = Path(out_dir)
    gt = out / "ground_truth"
    gt.mkdir(parents=True, exist_ok=True)
    summary = {"n": 0, "organisations": {}}
    cur, parts = None, []

    def flush(code, frames):
        df = pd.concat(frames, ignore_index=True)
        _write_org_exports(out / code, df)
        df[["signal_id", "source", "source_record_id", "received_at", "true_category", "true_subcategory",
            "true_local_subcategory", "true_perception", "true_event", "score"]].to_csv(
            gt / f"signals_{code}.csv", index=False)
        summary["organisations"][code] = int(len(df))
        summary["n"] += int(len(df))

    for chunk in iter_national(plan):
        code = chunk["org_code"].iat[0]
        if cur is not None and code != cur:
            flush(cur, parts)
            parts = []
        cur = code
        parts.append(chunk)
    if parts:
        flush(cur, parts)
    (gt / "national_event.json").write_text(json.dumps(plan.truth(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "organisations.yaml").write_text(
        yaml.safe_dump({"organisations": [o.to_config() for o in plan.organisations]}, allow_unicode=True, sort_keys=False),
        encoding="utf-8")
    summary["affected"] = plan.affected()
    summary["event_day"] = plan.event_day
    return summary


def _write_org_exports(folder: Path, df: pd.DataFrame) -> None:
    """The organisation's exports, through the single-organisation corpus' writers."""
    codes = {}
    geo_cols = ("buurt_code", "buurt", "wijk_code", "wijk")
    for src, part in df.groupby("source", sort=False):
        rows, gcodes, gnames, gwcodes, gwnames = [], [], [], [], []
        for r in part.itertuples(index=False):
            ts = r.received_at
            b = -1
            if r.buurt_code != UNKNOWN:
                key = tuple(getattr(r, c) for c in geo_cols)
                if key not in codes:
                    codes[key] = len(gcodes)
                    gcodes.append(key[0]), gnames.append(key[1]), gwcodes.append(key[2]), gwnames.append(key[3])
                b = codes[key]
            rows.append((r.source_record_id, ts.strftime("%Y-%m-%dT%H:%M:%S"), ts.strftime("%Y-%m-%d"), ts.hour, ts.minute,
                         "" if r.channel == UNKNOWN else r.channel, r.text, (r.cluster, r.afdeling), b,
                         -1 if pd.isna(r.score) else int(r.score)))
        geo = (gcodes, gnames, gwcodes, gwnames)
        if src == "kto":
            _write_kto(folder / "kto" / "kto_export.csv", rows, geo)
        elif src == "klacht":
            _write_klacht(folder / "klacht" / "klachten_export.xlsx", rows, geo,
                          np.datetime64(df["received_at"].max().strftime("%Y-%m-%d"), "D"))
        elif src == "terugbelnotitie":
            _write_terugbel(folder / "terugbelnotitie" / "terugbelnotities.jsonl", rows, geo)
        else:
            _write_interview(folder / "interview" / "interviews.json", rows, geo)
        codes.clear()
