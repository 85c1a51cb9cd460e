"""What drives a low score: categories and words associated with dissatisfied KTO scores.

For scored signals (KTO) in a window, each text's main category (rank 1 of the current topic
model in ``signal_categories``) is compared with its score:

* ``low_rate``: share of the category's scores that are low (<= ``dissatisfied_max_score``);
* ``share_of_low``: the category's share of *all* low scores (sums to 1 over categories) - where
  the dissatisfied ratings are;
* ``lift``: low_rate / overall low rate, with a 95% interval (Katz log method) and a two-sided
  Fisher/chi-square p-value for "this category's low rate differs from the rest";
* ``excess_low``: low scores beyond what the overall rate predicts (n x (low_rate - overall)) and
  ``share_of_excess``: how much of all excess dissatisfaction the category accounts for.

Within a category, words are ranked by the weighted log-odds ratio with an informative Dirichlet
prior (Monroe, Colaresi & Quinn 2008) between texts with a low and a high score: ``z`` > 2 means
the word is clearly more typical of low-score texts.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from signalen_lib.store.queries import where_clause
from signalen_lib.vocab.models import current_topic_model

_TOKEN = re.compile(r"[a-zà-ÿ]+(?:-[a-zà-ÿ]+)*")
_PLACEHOLDER = re.compile(r"[\[<{][^\[\]<>{}\s]{1,30}[\]>}]")


def _stop_words() -> frozenset[str]:
    try:
        from signalen_lib.text.stopwords import stop_words

        return frozenset(stop_words())
    except Exception:  # the text part may not be there yet
        return frozenset("""de het een en van in op te dat die is niet met voor zijn er aan ook als maar om bij
        dan nog wel naar was of heb ik je u we wij ze zij hij mijn me mij uw hun hebben werd worden
        door over tot uit nu al dit deze zo kan kon moet moest zou heel erg geen wat hoe waar wie""".split())


def load_scored(store, start=None, end=None, filters: dict | None = None, level: str = "category") -> pd.DataFrame:
    """Scored signals with their main category (``overig`` without one): signal_id, score, text, category, subcategory."""
    db = store.shared
    mv = current_topic_model(db)
    where, params = where_clause(start, end, filters, alias="s")
    where = (where + " AND " if where else " WHERE ") + "s.score IS NOT NULL"
    if mv is not None and db.table_exists("signal_categories"):
        sql = ("SELECT s.signal_id, s.score, s.text, COALESCE(c.category, 'overig') AS category, "
               "COALESCE(c.subcategory, 'overig') AS subcategory FROM signals s "
               "LEFT JOIN (SELECT signal_id, category, subcategory FROM signal_categories WHERE rank = 1 AND model_version = ?) c "
               f"ON c.signal_id = s.signal_id{where}")
        params = [mv] + params
    else:
        sql = f"SELECT s.signal_id, s.score, s.text, 'overig' AS category, 'overig' AS subcategory FROM signals s{where}"
    df = db.query_df(sql, params)
    df["score"] = pd.to_numeric(df["score"])
    df["text"] = df["text"].astype("object").fillna("")
    return df


def category_drivers(
    df: pd.DataFrame, *, level: str = "category", dissatisfied_max_score: int = 6, min_cell_size: int = 5
) -> pd.DataFrame:
    """Per category (or subcategory): n, n_low, low_rate, share_of_low, lift (+95% CI), p_value,
    excess_low, share_of_excess, sorted by excess_low. Categories with fewer than
    ``min_cell_size`` scores are dropped."""
    if df.empty:
        return pd.DataFrame(columns=[level, "n", "n_low", "low_rate", "share_of_low", "lift", "lift_ci_low",
                                     "lift_ci_high", "p_value", "excess_low", "share_of_excess"])
    low = df["score"] <= dissatisfied_max_score
    keys = [level] if level == "category" else ["category", "subcategory"]
    g = df.assign(low=low).groupby(keys, observed=True)["low"].agg(n="size", n_low="sum").reset_index()
    N, K = len(df), int(low.sum())
    overall = K / N if N else np.nan
    g = g[g["n"] >= min_cell_size].copy()
    g["low_rate"] = g["n_low"] / g["n"]
    g["share_of_low"] = g["n_low"] / K if K else np.nan
    # rate ratio category vs rest (Katz log CI), and a test of equal rates
    rest_n, rest_k = N - g["n"], K - g["n_low"]
    a, b = g["n_low"] + 0.5, rest_k + 0.5
    rr = (a / (g["n"] + 0.5)) / (b / (rest_n + 0.5))
    se = np.sqrt(1 / a - 1 / (g["n"] + 0.5) + 1 / b - 1 / (rest_n + 0.5))
    g["lift"] = g["low_rate"] / overall if overall else np.nan
    g["rate_ratio_vs_rest"] = rr
    g["lift_ci_low"] = rr * np.exp(-1.96 * se)
    g["lift_ci_high"] = rr * np.exp(1.96 * se)
    pv = []
    for n, k, rn, rk in zip(g["n"], g["n_low"], rest_n, rest_k):
        table = np.array([[k, n - k], [rk, rn - rk]])
        if table.min() >= 5:
            pv.append(float(stats.chi2_contingency(table, correction=False)[1]))
        else:
            pv.append(float(stats.fisher_exact(table)[1]))
    g["p_value"] = pv
    g["excess_low"] = g["n"] * (g["low_rate"] - overall)
    pos = g["excess_low"].clip(lower=0).sum()
    g["share_of_excess"] = g["excess_low"].clip(lower=0) / pos if pos > 0 else 0.0
    return g.sort_values("excess_low", ascending=False).reset_index(drop=True)


def word_drivers(
    texts_low: Sequence[str], texts_high: Sequence[str], *, n: int = 10, min_count: int = 3, stop_words=None
) -> pd.DataFrame:
    """Words typical of low-score texts vs high-score texts: weighted log-odds with an
    informative Dirichlet prior. Columns: word, n_low_texts, n_high_texts, log_odds, z."""
    stop = _stop_words() if stop_words is None else stop_words

    def counts(texts):
        c = Counter()
        docs = Counter()
        for t in texts:
            toks = [w for w in _TOKEN.findall(_PLACEHOLDER.sub(" ", str(t)).lower()) if len(w) > 2 and w not in stop]
            c.update(toks)
            docs.update(set(toks))
        return c, docs

    cl, dl = counts(texts_low)
    ch, dh = counts(texts_high)
    vocab = [w for w in set(cl) | set(ch) if cl[w] + ch[w] >= min_count]
    if not vocab:
        return pd.DataFrame(columns=["word", "n_low_texts", "n_high_texts", "log_odds", "z"])
    yl = np.array([cl[w] for w in vocab], float)
    yh = np.array([ch[w] for w in vocab], float)
    prior = (yl + yh)
    alpha = prior / prior.sum() * 500.0  # prior strength: 500 pseudo-tokens spread by overall frequency
    a0 = alpha.sum()
    nl, nh = yl.sum(), yh.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (np.log((yl + alpha) / (nl + a0 - yl - alpha)) - np.log((yh + alpha) / (nh + a0 - yh - alpha)))
        var = 1 / (yl + alpha) + 1 / (yh + alpha)
        z = d / np.sqrt(var)
    out = pd.DataFrame({"word": vocab, "n_low_texts": [dl[w] for w in vocab], "n_high_texts": [dh[w] for w in vocab],
                        "log_odds": d, "z": z})
    return out.sort_values("z", ascending=False).head(n).reset_index(drop=True)


def drivers(
    store,
    start=None,
    end=None,
    *,
    settings=None,
    level: str = "category",
    filters: dict | None = None,
    n_words: int = 8,
    min_texts_for_words: int = 20,
) -> pd.DataFrame:
    """Categories associated with low scores (see :func:`category_drivers`) with a ``words`` column:
    the ``n_words`` words most typical of the category's low-score texts (``z`` > 2 only), as a
    "; "-separated string, and ``words_detail`` (list of dicts with z-scores)."""
    if settings is None:
        from signalen_lib.config import load_config

        settings = load_config()
    if level not in ("category", "subcategory"):
        raise ValueError("level is 'category' or 'subcategory'")
    df = load_scored(store, start, end, filters)
    out = category_drivers(df, level=level, dissatisfied_max_score=settings.dissatisfied_max_score,
                           min_cell_size=settings.min_cell_size)
    stop = _stop_words()
    words, details = [], []
    for _, row in out.iterrows():
        m = df["category"] == row["category"]
        if level == "subcategory":
            m &= df["subcategory"] == row["subcategory"]
        sub = df[m]
        low = sub["score"] <= settings.dissatisfied_max_score
        if low.sum() < min_texts_for_words or (~low).sum() < min_texts_for_words:
            words.append("")
            details.append([])
            continue
        w = word_drivers(sub.loc[low, "text"], sub.loc[~low, "text"], n=n_words, stop_words=stop)
        w = w[w["z"] > 2]
        words.append("; ".join(w["word"]))
        details.append(w.round(3).to_dict("records"))
    out["words"] = words
    out["words_detail"] = details
    return out


def kpi_impact(counts: pd.DataFrame, min_cell: int = 5) -> pd.DataFrame:
    """Per category: how much the dissatisfied share of all scores would fall if the dissatisfied
    signals of that category were solved (``impact`` = its dissatisfied scores / all scores, in
    share points), with a Wilson 95%-interval. ``counts``: category, n_scored, n_dissatisfied.
    Categories with fewer than ``min_cell`` dissatisfied scores are left out (small-cell rule)."""
    from signalen_lib.reports.kpi import wilson

    cols = ["category", "n_scored", "n_dissatisfied", "impact", "impact_lo", "impact_hi"]
    total = float(counts["n_scored"].sum()) if len(counts) else 0.0
    if total <= 0:
        return pd.DataFrame(columns=cols)
    df = counts[counts["n_dissatisfied"] >= min_cell].copy()
    if df.empty:
        return pd.DataFrame(columns=cols)
    k = df["n_dissatisfied"].to_numpy(float)
    lo, hi = wilson(k, np.full(len(df), total))
    df["impact"], df["impact_lo"], df["impact_hi"] = k / total, lo, hi
    return df[cols].sort_values("impact", ascending=False).reset_index(drop=True)
