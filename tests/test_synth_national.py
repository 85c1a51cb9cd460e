"""The synthetic national corpus (issue 16): organisations, local taxonomies, the national event."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from signalen_lib.synth.national import (EVENT_CATEGORY, ORGANISATIONS, iter_national, national_plan,
                                         write_national)


def _all(plan, **kw):
    return pd.concat(list(iter_national(plan, **kw)), ignore_index=True)


def test_chunks_stream_and_do_not_depend_on_chunk_size():
    plan = national_plan(6000, organisations=5, seed=3, chunk_size=700)
    chunks = list(iter_national(plan))
    assert all(len(c) <= 700 for c in chunks)
    assert all(c["org_code"].nunique() == 1 for c in chunks)
    a = pd.concat(chunks, ignore_index=True)
    b = _all(plan, chunk_size=50_000)
    assert len(a) == 6000 and a["signal_id"].is_unique
    pd.testing.assert_frame_equal(a.sort_values("signal_id").reset_index(drop=True),
                                  b.sort_values("signal_id").reset_index(drop=True))
    assert set(a["org_code"]) == {o.code for o in ORGANISATIONS[:5]}
    # same seed -> same corpus; other seed -> other texts
    c = _all(national_plan(6000, organisations=5, seed=3))
    assert c["text"].tolist() == b["text"].tolist()
    d = _all(national_plan(6000, organisations=5, seed=4))
    assert d["text"].tolist() != b["text"].tolist()


def test_organisations_differ_and_local_subcategories_roll_up():
    plan = national_plan(20000, organisations=7, seed=5)
    df = _all(plan)
    counts = df["org_code"].value_counts()
    assert counts["BD"] > counts["GM0344"]  # volume follows the organisation's size
    # agencies have no municipal subjects; their texts do not name Rotterdam
    uwv = df[df["org_code"] == "UWV"]
    assert not set(uwv["true_category"]) & {"afval", "parkeren", "overlast"}
    assert not uwv["text"].str.contains("Rotterdam").any()
    assert set(uwv["afdeling"]) <= {"Klantcontactcentrum", "Klachtenbehandeling", "WW", "WIA", "Ziektewet"}
    loc = df[df["true_local_subcategory"] != ""]
    org_local = {o.code: {s.key: s.parent for s in o.local} for o in plan.organisations}
    assert len(loc) > 100
    for r in loc.itertuples():
        assert org_local[r.org_code][r.true_local_subcategory] == r.true_category
    # only Rotterdam has wijk/buurt (its CBS geo file ships with the package)
    assert (df.loc[df.org_code == "GM0599", "buurt_code"] != "onbekend").mean() > 0.9
    assert (df.loc[df.org_code != "GM0599", "buurt_code"] == "onbekend").all()


def test_national_event_hits_the_affected_organisations_only():
    plan = national_plan(120_000, organisations=8, seed=9, event_factor=2.0)
    truth = plan.truth()
    assert truth["organisations"]["GM0599"]["true_effect"] in (0.0, 1.0)
    groups = {"early": [c for c, d in plan.event_start.items() if d == plan.event_day],
              "late": [c for c, d in plan.event_start.items() if d == plan.late_day],
              "never": [c for c, d in plan.event_start.items() if d is None]}
    assert all(groups.values())
    df = _all(plan)
    df["cat"] = df["true_category"] == EVENT_CATEGORY
    df["post"] = df["received_at"] >= pd.Timestamp(plan.event_day)
    df = df[df["received_at"] < pd.Timestamp(plan.late_day)]
    share = df.groupby(["org_code", "post"])["cat"].mean().unstack()
    ratio = share[True] / share[False]
    assert ratio[groups["early"]].min() > 1.5
    assert ratio[groups["never"]].max() < 1.35
    assert ratio[groups["late"]].max() < 1.35
    ev = df[df["true_event"]]
    assert set(ev["org_code"]) <= set(groups["early"]) and ev["post"].all()
    assert (ev["true_category"] == EVENT_CATEGORY).all()


def test_write_national_gives_each_organisation_its_exports(tmp_path):
    plan = national_plan(3000, organisations=4, seed=2)
    summary = write_national(plan, tmp_path)
    assert summary["n"] == 3000
    for o in plan.organisations:
        assert (tmp_path / o.code / "kto" / "kto_export.csv").exists()
        assert (tmp_path / o.code / "klacht" / "klachten_export.xlsx").exists()
    kto = pd.read_csv(tmp_path / "GM0363" / "kto" / "kto_export.csv", sep=";", encoding="cp1252", dtype=str)
    assert kto["Respondentnummer"].str.startswith("GM0363-").all()
    truth = json.loads((tmp_path / "ground_truth" / "national_event.json").read_text(encoding="utf-8"))
    assert set(truth["organisations"]) == {o.code for o in plan.organisations}
    gt = pd.read_csv(tmp_path / "ground_truth" / "signals_GM0363.csv")
    assert len(gt) == summary["organisations"]["GM0363"] == len(kto) + len(
        pd.read_excel(tmp_path / "GM0363" / "klacht" / "klachten_export.xlsx", engine="openpyxl")) + sum(
        1 for _ in open(tmp_path / "GM0363" / "terugbelnotitie" / "terugbelnotities.jsonl")) + len(
        json.loads((tmp_path / "GM0363" / "interview" / "interviews.json").read_text(encoding="utf-8")))


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="organisations"):
        national_plan(100, organisations=1)
    with pytest.raises(ValueError, match="unknown organisation code"):
        national_plan(100, organisations=["GM0599", "XX"])
    assert np.isclose(national_plan(100).event_factor - 1, national_plan(100).truth()["true_relative_effect_volume"])
