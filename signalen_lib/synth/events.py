"""The patterns injected into the synthetic corpus, as daily multipliers on a topic's volume.

Each event has a key (used in ``ground_truth/signals.csv`` column ``events`` and in
``events.json``), a kind (seasonal / new_signal / policy / mailing / improvement), its dates and
the (category, subcategory) topics it touches. Dates are placed at fixed fractions of the
generated period, so they depend on ``start``/``end`` only, never on the seed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

BBQ = ("overlast", "barbecue")
GRIT = ("openbare_ruimte", "gladheid")
LACHGAS = ("overlast", "lachgas")
SLAGBOOM = ("nieuw_slagboom", "slagboom_testlocatie")
MAILING_TOPICS = {  # topic -> peak multiplier on the first day after a letter arrives
    ("belastingen", "aanslag"): 14.0,
    ("belastingen", "woz"): 8.0,
    ("belastingen", "kwijtschelding"): 4.0,
    ("belastingen", "incasso"): 3.0,
    ("betalingsregeling", "regeling_aanvragen"): 4.0,
    ("informatie_brieven", "onduidelijke_brief"): 3.0,
}
MAILING_DECAY_DAYS = 7.0  # e-folding time of the peak after a mailing
MAILING_DELAY_DAYS = 2  # letters arrive two days after they are sent
MAILING_WINDOW_DAYS = 28
IMPROVEMENT_CATEGORY = "betalingsregeling"
IMPROVEMENT_VOLUME_FACTOR = 0.55  # call-back notes on betalingsregeling after the change
LACHGAS_FACTOR = 4.0
LACHGAS_RAMP_DAYS = 21

# Perception (klacht, neutraal, compliment) of KTO answers on betalingsregeling before/after.
IMPROVEMENT_PERCEPTION_BEFORE = (0.66, 0.24, 0.10)
IMPROVEMENT_PERCEPTION_AFTER = (0.24, 0.40, 0.36)

KEYS = ("seizoen_barbecue", "seizoen_strooien", "nieuw_slagboom", "beleid_lachgas", "brieven_aanslag",
        "verbetering_betalingsregeling")


@dataclass
class EventPlan:
    days: np.ndarray  # datetime64[D]
    new_signal_day: np.datetime64
    policy_day: np.datetime64
    improvement_day: np.datetime64
    mailing_days: list[np.datetime64]
    cold_spells: list[tuple[np.datetime64, int]] = field(default_factory=list)

    @property
    def n_days(self) -> int:
        return len(self.days)

    def index(self, day: np.datetime64) -> int:
        return int((day - self.days[0]).astype(int))


def _last_weekday(year: int, month: int, weekday: int) -> np.datetime64:
    """Last given weekday (0=Monday) of a month."""
    nxt = np.datetime64(f"{year + (month == 12)}-{(month % 12) + 1:02d}-01")
    d = nxt - np.timedelta64(1, "D")
    while (int(d.astype("datetime64[D]").astype(int)) - 4) % 7 != weekday:  # 1970-01-01 was a Thursday
        d -= np.timedelta64(1, "D")
    return d


def _first_weekday(year: int, month: int, weekday: int) -> np.datetime64:
    d = np.datetime64(f"{year}-{month:02d}-01")
    while (int(d.astype(int)) - 4) % 7 != weekday:
        d += np.timedelta64(1, "D")
    return d


def plan_events(days: np.ndarray, rng: np.random.Generator) -> EventPlan:
    n = len(days)
    at = lambda frac: days[min(n - 1, int(round(frac * (n - 1))))]  # noqa: E731
    years = range(int(str(days[0])[:4]), int(str(days[-1])[:4]) + 1)
    mailings = []
    for y in years:
        for d in (_last_weekday(y, 2, 4), _first_weekday(y, 9, 4)):  # last Friday of Feb, first Friday of Sep
            if days[0] <= d <= days[-1] - np.timedelta64(14, "D"):
                mailings.append(d)
    if not mailings:
        mailings = [at(0.2)]
    # cold spells: a few runs of 2-6 days in Dec-Feb (drawn from the seed: weather differs per run)
    spells = []
    months = days.astype("datetime64[M]").astype(int) % 12 + 1
    winter_idx = np.flatnonzero(np.isin(months, (12, 1, 2)))
    if len(winter_idx):
        k = max(1, len(winter_idx) // 30)
        for i in rng.choice(winter_idx, size=min(k, len(winter_idx)), replace=False):
            spells.append((days[int(i)], int(rng.integers(2, 7))))
    spells.sort()
    improvement = at(0.55)  # a working process changes on a Monday
    while (int(improvement.astype(int)) - 4) % 7 != 0 and improvement < days[-1]:
        improvement += np.timedelta64(1, "D")
    return EventPlan(days=days, new_signal_day=at(0.62), policy_day=at(0.35), improvement_day=improvement,
                     mailing_days=sorted(mailings), cold_spells=spells)


def seasonal_barbecue(days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    doy = (days - days.astype("datetime64[Y]")).astype(int)
    base = np.exp(1.8 * np.cos(2 * np.pi * (doy - 196) / 365.25))
    warm = np.exp(rng.normal(0.0, 0.45, size=len(days)))  # warm and cool days
    f = base * warm
    return f / f.mean()


def seasonal_gritting(plan: EventPlan) -> np.ndarray:
    days = plan.days
    doy = (days - days.astype("datetime64[Y]")).astype(int)
    f = np.clip(np.cos(2 * np.pi * (doy - 15) / 365.25), 0.0, None) ** 1.5
    for start, length in plan.cold_spells:
        i = plan.index(start)
        f[i:i + length] *= 6.0
    m = f.mean()
    return f / m if m > 0 else f


def new_signal(plan: EventPlan) -> np.ndarray:
    f = np.zeros(plan.n_days)
    i = plan.index(plan.new_signal_day)
    f[i:] = 1.0
    f[i:i + 3] = (3.0, 2.0, 1.5)[: len(f[i:i + 3])]
    return f


def policy_lachgas(plan: EventPlan) -> np.ndarray:
    f = np.ones(plan.n_days)
    i = plan.index(plan.policy_day)
    ramp = np.minimum(1.0, (np.arange(plan.n_days - i) + 1) / LACHGAS_RAMP_DAYS)
    f[i:] = 1.0 + (LACHGAS_FACTOR - 1.0) * ramp
    return f


def mailing_kernel(plan: EventPlan) -> np.ndarray:
    """Sum over mailings of exp(-(d - mailing - delay)/decay) for d >= mailing + delay."""
    k = np.zeros(plan.n_days)
    x = np.arange(plan.n_days)
    for m in plan.mailing_days:
        j = plan.index(m) + MAILING_DELAY_DAYS
        dx = x - j
        k += np.where(dx >= 0, np.exp(-np.clip(dx, 0, None) / MAILING_DECAY_DAYS), 0.0)
    return k
