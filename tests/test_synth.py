"""The synthetic corpus (issue 3): file contract, injected patterns, PII spans, determinism.

Everything is read back from the files as written (cp1252 CSV, XLSX, JSONL, JSON), as ingest and
the evaluations will read them.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from signalen_lib.config import PACKAGE_DIR
from signalen_lib.schema import CHANNELS, ORG_UNITS
from signalen_lib.synth import bsn_valid, generate, iban_valid, is_heldout

N = 8000
SEED = int(os.environ.get("SIGNALEN_SYNTH_TEST_SEED", "7"))  # other seeds: robustness runs
FILES = ("kto/kto_export.csv", "klacht/klachten_export.xlsx", "terugbelnotitie/terugbelnotities.jsonl",
         "interview/interviews.json", "ground_truth/signals.csv", "ground_truth/pii_spans.jsonl",
         "ground_truth/events.json")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    summary = generate(N, SEED, out)
    return out, summary


@pytest.fixture(scope="module")
def gt(corpus):
    out, _ = corpus
    df = pd.read_csv(out / "ground_truth" / "signals.csv", dtype=str, keep_default_na=False)
    df["ts"] = pd.to_datetime(df["received_at"])
    df["day"] = df["ts"].dt.normalize()
    df["month"] = df["ts"].dt.month
    return df


@pytest.fixture(scope="module")
def events(corpus):
    out, _ = corpus
    doc = json.loads((out / "ground_truth" / "events.json").read_text(encoding="utf-8"))
    return {e["key"]: e for e in doc["events"]}


@pytest.fixture(scope="module")
def texts(corpus):
    """signal_id -> text, read back from each export."""
    out, _ = corpus
    res = {}
    kto = pd.read_csv(out / "kto" / "kto_export.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    res.update({f"kto:{r}": t for r, t in zip(kto["Respondentnummer"], kto["Toelichting"])})
    from openpyxl import load_workbook

    wb = load_workbook(out / "klacht" / "klachten_export.xlsx", read_only=True)
    rows = list(wb["Klachten"].iter_rows(values_only=True))
    wb.close()
    res.update({f"klacht:{r[0]}": r[3] or "" for r in rows[1:]})
    with open(out / "terugbelnotitie" / "terugbelnotities.jsonl", encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            res[f"terugbelnotitie:{o['id']}"] = o["notitie"]
    for o in json.loads((out / "interview" / "interviews.json").read_text(encoding="utf-8")):
        res[f"interview:{o['interview_id']}"] = o["notities"]
    return res


@pytest.fixture(scope="module")
def spans(corpus):
    out, _ = corpus
    with open(out / "ground_truth" / "pii_spans.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _share(df, mask_topic, mask_period):
    return (mask_topic & mask_period).sum() / max(mask_period.sum(), 1)


# ------------------------------------------------------------------------------- file contract
def test_files_and_headers(corpus):
    out, summary = corpus
    for f in FILES:
        assert (out / f).exists(), f
    with open(out / "kto" / "kto_export.csv", encoding="cp1252", newline="") as f:
        header = next(csv.reader(f, delimiter=";"))
    assert header == ["Respondentnummer", "Datum", "Kanaal", "Cijfer", "Toelichting", "Cluster", "Afdeling", "Wijk", "Buurt"]
    from openpyxl import load_workbook

    wb = load_workbook(out / "klacht" / "klachten_export.xlsx", read_only=True)
    assert wb.sheetnames == ["Klachten"]
    first = next(wb["Klachten"].iter_rows(values_only=True))
    wb.close()
    assert list(first) == ["Zaaknummer", "Datum ontvangst", "Kanaal", "Omschrijving", "Organisatieonderdeel", "Afdeling", "Wijkcode", "Buurtcode"]
    o = json.loads((out / "terugbelnotitie" / "terugbelnotities.jsonl").open(encoding="utf-8").readline())
    assert list(o) == ["id", "aangemaakt", "kanaal", "notitie", "cluster", "afdeling", "buurtcode"]
    iv = json.loads((out / "interview" / "interviews.json").read_text(encoding="utf-8"))
    assert list(iv[0]) == ["interview_id", "datum", "notities", "cluster", "afdeling", "wijk"]
    assert sum(summary["sources"].values()) == N
    shares = {k: v / N for k, v in summary["sources"].items()}
    assert abs(shares["kto"] - 0.55) < 0.03 and abs(shares["terugbelnotitie"] - 0.25) < 0.03
    assert abs(shares["klacht"] - 0.18) < 0.03 and abs(shares["interview"] - 0.02) < 0.01


def test_export_values(corpus):
    out, _ = corpus
    geo = pd.read_csv(PACKAGE_DIR / "geo" / "rotterdam_buurten.tsv", sep="\t", dtype=str)
    kto = pd.read_csv(out / "kto" / "kto_export.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    assert kto["Datum"].str.fullmatch(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}").all()
    assert kto["Cijfer"].astype(int).between(0, 10).all()
    assert set(kto["Kanaal"]) <= set(CHANNELS)
    assert set(kto["Wijk"]) - {""} <= set(geo["wijknaam"]) and set(kto["Buurt"]) - {""} <= set(geo["buurtnaam"])
    units = {(c, a) for c, afd in ORG_UNITS.items() for a in afd}
    assert set(zip(kto["Cluster"], kto["Afdeling"])) <= units
    assert kto["Toelichting"].str.contains("\n").any() and kto["Toelichting"].str.contains(";").any()  # quoting
    from openpyxl import load_workbook

    wb = load_workbook(out / "klacht" / "klachten_export.xlsx", read_only=True)
    rows = list(wb["Klachten"].iter_rows(values_only=True))[1:]
    wb.close()
    assert all(re.fullmatch(r"\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) \d{4}", r[1]) for r in rows)
    assert {r[6] for r in rows if r[6]} <= set(geo["wijkcode"]) and {r[7] for r in rows if r[7]} <= set(geo["buurtcode"])
    assert {(r[4], r[5]) for r in rows} <= units
    assert {r[2] for r in rows} <= set(CHANNELS)
    tb = [json.loads(x) for x in (out / "terugbelnotitie" / "terugbelnotities.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", o["aangemaakt"]) for o in tb)
    assert {o["buurtcode"] for o in tb} - {None} <= set(geo["buurtcode"])
    # wijk weighting by inhabitants: the biggest wijk is much more frequent than a tiny one
    counts = kto["Wijk"].value_counts()
    assert counts.get("Feijenoord", 0) > 5 * counts.get("Pernis", 0)


def test_ground_truth_categories(gt, corpus):
    tax = yaml.safe_load((PACKAGE_DIR / "vocab" / "taxonomy.yaml").read_text(encoding="utf-8"))
    keys = {c["key"]: {s["key"] for s in c["subcategories"]} for c in tax["categories"]}
    assert len(keys) >= 12
    assert "nieuw_slagboom" not in keys
    for cat, sub in zip(gt["category"], gt["subcategory"]):
        if cat in ("overig", "nieuw_slagboom"):
            continue
        assert sub in keys[cat], (cat, sub)
    ids = gt["signal_id"].str.split(":", n=1)
    assert (ids.str[0] == gt["source"]).all() and (ids.str[1] == gt["record_id"]).all()
    assert gt["signal_id"].is_unique
    ncat = gt["categories"].str.count(r"\|") + 1
    assert ncat.max() == 3 and (ncat == 2).sum() > 0
    assert set(gt["perception"]) == {"compliment", "neutraal", "klacht"}
    assert (gt["informative"] == "false").sum() > 0
    assert (gt.loc[gt["informative"] == "false", "category"] == "overig").all()
    assert (gt["ts"].max() - gt["ts"].min()).days >= 700  # about two years
    assert gt.groupby("category").size().shape[0] >= 14


def test_texts_are_varied(gt, texts):
    inf = gt[gt["informative"] == "true"]
    t = [texts[s] for s in inf["signal_id"]]
    assert len(set(t)) > 0.97 * len(t)
    # per subcategory, many different phrasings (first 6 words)
    for sub in ("grofvuil", "wachttijd_telefoon", "aanslag"):
        sel = inf.loc[inf["subcategory"] == sub, "signal_id"]
        starts = {" ".join(texts[s].lower().split()[:6]) for s in sel}
        assert len(starts) > 0.6 * len(sel), sub
    nonin = gt.loc[gt["informative"] == "false", "signal_id"]
    assert {texts[s].strip().lower() for s in nonin} & {"nvt", "geen", "prima"}


# ------------------------------------------------------------------------------- patterns
def test_barbecue_summer_and_gritting_winter(gt):
    summer, winter = gt["month"].isin([6, 7, 8]), gt["month"].isin([12, 1, 2])
    bbq, grit = gt["subcategory"] == "barbecue", gt["subcategory"] == "gladheid"
    assert _share(gt, bbq, summer) >= 3 * _share(gt, bbq, winter)
    assert _share(gt, grit, winter) >= 3 * _share(gt, grit, summer)
    assert (gt.loc[bbq, "events"].str.contains("seizoen_barbecue")).all()


def test_new_signal_appears_on_its_day(gt, events):
    day = pd.Timestamp(events["nieuw_slagboom"]["dates"]["start"])
    slag = gt[gt["category"] == "nieuw_slagboom"]
    assert len(slag) >= 20
    assert slag["day"].min() >= day
    assert slag["day"].min() <= day + pd.Timedelta(days=3)  # appears at once
    assert (slag["day"] > gt["day"].max() - pd.Timedelta(days=60)).any()  # and continues
    assert events["nieuw_slagboom"]["in_taxonomy"] is False


def test_new_signal_shares_few_seed_words(gt, texts):
    tax = yaml.safe_load((PACKAGE_DIR / "vocab" / "taxonomy.yaml").read_text(encoding="utf-8"))
    seeds = {w for c in tax["categories"] for w in c["seeds"] + [x for s in c["subcategories"] for x in s["seeds"]]}

    def hits(ids):
        return np.mean([len(set(re.findall(r"[a-zà-ÿ0-9]+", texts[s].lower())) & seeds) for s in ids])

    slag = gt.loc[gt["category"] == "nieuw_slagboom", "signal_id"]
    other = gt.loc[(gt["informative"] == "true") & (gt["category"] != "nieuw_slagboom"), "signal_id"]
    assert hits(slag) < 0.5 * hits(other)


def test_lachgas_rises_after_policy(gt, events):
    day = pd.Timestamp(events["beleid_lachgas"]["dates"]["start"])
    lg = gt[gt["subcategory"] == "lachgas"]
    before = (lg["day"] < day).sum() / max((day - gt["day"].min()).days, 1)
    after_start = day + pd.Timedelta(days=30)
    after = (lg["day"] >= after_start).sum() / max((gt["day"].max() - after_start).days, 1)
    assert after > 2 * before


def test_mailing_peaks(gt, events):
    mails = [pd.Timestamp(d) for d in events["brieven_aanslag"]["dates"]["mailings"]]
    assert len(mails) >= 3
    bel = gt[gt["category"] == "belastingen"]
    weekly = bel.set_index("ts").resample("W-MON", label="left", closed="left").size()
    in_window = pd.Series(False, index=weekly.index)
    for m in mails:
        in_window |= (weekly.index >= m - pd.Timedelta(days=7)) & (weekly.index <= m + pd.Timedelta(days=28))
    base = max(weekly[~in_window].median(), 1)
    for m in mails:
        after = weekly[(weekly.index >= m - pd.Timedelta(days=6)) & (weekly.index <= m + pd.Timedelta(days=20))]
        assert after.max() >= 2.5 * base, m  # the peak week
        assert after.sum() >= 1.8 * len(after) * base, m  # and the weeks after it


def test_improvement_lowers_callbacks_and_dissatisfaction(gt, events):
    e = events["verbetering_betalingsregeling"]
    day = pd.Timestamp(e["dates"]["start"])
    tb = gt[gt["source"] == "terugbelnotitie"]
    after = tb["day"] >= day
    br = tb["category"] == "betalingsregeling"
    ctrl = ~br  # all other call-back notes (mailings fall in both periods)
    ratio_before = (br & ~after).sum() / (ctrl & ~after).sum()
    ratio_after = (br & after).sum() / (ctrl & after).sum()
    assert ratio_after < 0.8 * ratio_before
    kto = gt[(gt["source"] == "kto") & (gt["category"] == "betalingsregeling")]
    dis = kto["score"].astype(int) <= 6
    k_after = kto["day"] >= day
    assert dis[k_after].mean() < dis[~k_after].mean() - 0.05
    te = e["true_effect"]
    assert te["volume"]["relative_change"] == pytest.approx(-0.45)
    d = te["dissatisfied_share"]
    assert d["after"] < d["before"] and d["relative_change"] == pytest.approx(d["after"] / d["before"] - 1, abs=1e-5)


def test_kto_score_follows_perception(gt):
    kto = gt[gt["source"] == "kto"].copy()
    kto["s"] = kto["score"].astype(int)
    means = kto.groupby("perception")["s"].mean()
    assert means["compliment"] > means["neutraal"] + 1 > means["klacht"] + 2
    code = kto["perception"].map({"klacht": 0, "neutraal": 1, "compliment": 2})
    assert pd.Series(code.values).corr(pd.Series(kto["s"].values), method="spearman") > 0.5
    assert (gt.loc[gt["source"] != "kto", "score"] == "").all()


# ------------------------------------------------------------------------------- PII
def test_pii_spans_cover_values_in_every_export(spans, texts, gt):
    assert {s["type"] for s in spans} == {"PERSOON", "BSN", "TELEFOON", "EMAIL", "IBAN", "POSTCODE", "ADRES", "KENTEKEN", "GEBOORTEDATUM"}
    seen_sources = set()
    for s in spans:
        text = texts[s["signal_id"]]
        assert text[s["start"]:s["end"]] == s["value"], s
        seen_sources.add(s["signal_id"].split(":")[0])
    assert seen_sources == {"kto", "klacht", "terugbelnotitie", "interview"}
    # spans of one text do not overlap
    by = {}
    for s in spans:
        by.setdefault(s["signal_id"], []).append((s["start"], s["end"]))
    for lst in by.values():
        lst.sort()
        assert all(a[1] <= b[0] for a, b in zip(lst, lst[1:]))


def test_bsn_iban_checks(spans):
    bsn = [s for s in spans if s["type"] == "BSN"]
    assert any(s["valid"] for s in bsn) and any(not s["valid"] for s in bsn)
    for s in bsn:
        assert bsn_valid(s["value"]) == s["valid"], s["value"]
    ibans = [s["value"] for s in spans if s["type"] == "IBAN"]
    assert ibans and all(iban_valid(v) for v in ibans)


def test_heldout_split(spans):
    persons = [s for s in spans if s["type"] == "PERSOON"]
    held = [s for s in persons if s["heldout"]]
    assert 0.1 < len(held) / len(persons) < 0.3
    for s in held:  # a held-out person has a name part from the held-out list
        toks = s["value"].replace(".", ". ").split()
        parts = {" ".join(toks[i:j]) for i in range(len(toks)) for j in range(i + 1, len(toks) + 1)}
        assert any(is_heldout(p) for p in parts), s["value"]
    values = {s["value"] for s in persons}
    assert len(values) > 0.9 * len(persons)  # names come from a large list, not a handful
    addr = [s for s in spans if s["type"] == "ADRES"]
    assert any(s["heldout"] for s in addr) and any(not s["heldout"] for s in addr)


def test_is_heldout_is_stable():
    assert is_heldout("Jansen") == is_heldout(" jansen ")
    names = [f"naam{i}" for i in range(2000)]
    assert 0.15 < np.mean([is_heldout(n) for n in names]) < 0.25


# ------------------------------------------------------------------------------- determinism
def _digest(folder: Path) -> dict[str, str]:
    return {f: hashlib.sha256((folder / f).read_bytes()).hexdigest() for f in FILES}


def test_same_seed_identical_different_seed_differs(tmp_path):
    a = generate(1200, 11, tmp_path / "a")
    b = generate(1200, 11, tmp_path / "b")
    c = generate(1200, 12, tmp_path / "c")
    assert a == b
    da, db, dc = _digest(tmp_path / "a"), _digest(tmp_path / "b"), _digest(tmp_path / "c")
    assert da == db
    assert all(da[f] != dc[f] for f in FILES if f != "ground_truth/events.json")


def test_custom_period_and_bad_input(tmp_path):
    s = generate(400, 1, tmp_path / "p", start="2025-03-01", end="2025-05-31")
    gt = pd.read_csv(tmp_path / "p" / "ground_truth" / "signals.csv", dtype=str, keep_default_na=False)
    ts = pd.to_datetime(gt["received_at"])
    assert ts.min() >= pd.Timestamp("2025-03-01") and ts.max() < pd.Timestamp("2025-06-01")
    assert sum(s["sources"].values()) == 400
    with pytest.raises(ValueError):
        generate(10, 1, tmp_path / "q", start="2025-05-01", end="2025-04-01")
    with pytest.raises(ValueError):
        generate(10, 1, tmp_path / "q", start="gisteren")


def test_cli_demo_data(tmp_path):
    from typer.testing import CliRunner

    import typer
    from signalen_lib.synth.commands import register

    app = typer.Typer()
    register(app)

    @app.command("noop")
    def _noop() -> None:  # a second command keeps typer from collapsing the group
        pass

    res = CliRunner().invoke(app, ["demo-data", "--n", "120", "--seed", "5", "--out", str(tmp_path / "cli")])
    assert res.exit_code == 0, res.output
    assert "120 signals" in res.output
    assert (tmp_path / "cli" / "ground_truth" / "signals.csv").exists()


def test_heldout_share_zero_uses_generator_part_only(tmp_path):
    generate(600, 3, tmp_path / "g", heldout_share=0.0)
    with open(tmp_path / "g" / "ground_truth" / "pii_spans.jsonl", encoding="utf-8") as f:
        spans = [json.loads(line) for line in f]
    assert spans and not any(s["heldout"] for s in spans)
    from signalen_lib.synth.names import load_pools

    pools = load_pools()
    surnames = set(pools.surnames.generator) | set(pools.interfix_surnames.generator)
    persons = [s["value"] for s in spans if s["type"] == "PERSOON"]
    assert all(any(tok in surnames or tok in pools.first_names.generator for tok in p.split()) for p in persons)


def test_same_files_with_one_or_two_worker_processes(tmp_path):
    generate(900, 8, tmp_path / "one", workers=1)
    generate(900, 8, tmp_path / "two", workers=2)
    assert _digest(tmp_path / "one") == _digest(tmp_path / "two")


def test_cli_bad_dates_exit_2(tmp_path):
    from typer.testing import CliRunner

    import typer
    from signalen_lib.synth.commands import register

    app = typer.Typer()
    register(app)

    @app.command("noop")
    def _noop() -> None:
        pass

    res = CliRunner().invoke(app, ["demo-data", "--n", "10", "--start", "2025-05-01", "--end", "2025-04-01",
                                   "--out", str(tmp_path / "bad")])
    assert res.exit_code == 2
    assert not (tmp_path / "bad" / "ground_truth").exists()
