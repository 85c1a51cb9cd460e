"""Perception model, drivers and the compliments wall (issue 8)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signalen_lib.reports.compliments import best_compliments, residual_pii
from signalen_lib.reports.drivers import category_drivers, drivers, word_drivers
from signalen_lib.perception.model import (
    CLASSES, PerceptionClassifier, assign_perception, majority_labels, weak_labels,
)

POS = ["heel vriendelijk geholpen, dank je wel", "super snel en duidelijk antwoord gekregen", "top service, fijne medewerker",
       "prettig contact en goed meegedacht", "snel geholpen, heel tevreden"]
NEU = ["het was goed maar het duurde wat lang", "redelijk geholpen, antwoord was deels duidelijk",
       "op zich prima, wel lang in de wacht", "het ging wel, niet heel snel", "antwoord gekregen, moet nog afwachten"]
NEG = ["niemand belt terug, heel slecht", "al weken geen reactie, waardeloos", "onbeschofte medewerker, nooit meer",
       "lang wachten en niet geholpen, slecht", "boos over de slechte behandeling, geen antwoord"]


def _corpus(n_per: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    i = 0
    for texts, scores, truth in ((POS, (8, 9, 10), "compliment"), (NEU, (6, 7), "neutraal"), (NEG, (0, 2, 4, 5), "klacht")):
        for k in range(n_per):
            t = texts[k % len(texts)] + f" ({rng.choice(['ja', 'nee', 'ok'])})"
            rows.append({"signal_id": f"kto:{i}", "source": "kto", "score": int(rng.choice(scores)), "text": t, "truth": truth})
            i += 1
    # complaints: no score, mostly klacht, phrased like the negative KTO texts
    for k in range(80):
        t = "Klacht: " + NEG[k % len(NEG)] + (" en de brief klopt niet" if k % 2 else "")
        truth = "klacht"
        if k % 10 == 0:
            t, truth = "Klacht ingetrokken, de medewerker heeft het netjes en vriendelijk opgelost", "compliment"
        rows.append({"signal_id": f"klacht:{k}", "source": "klacht", "score": None, "text": t, "truth": truth})
    return pd.DataFrame(rows)


def test_weak_labels_follow_the_bins():
    got = weak_labels([0, 5, 6, 7, 8, 10, None, np.nan])
    assert list(got) == ["klacht", "klacht", "neutraal", "neutraal", "compliment", "compliment", None, None]


def test_classifier_learns_from_scores_and_handles_unscored_source():
    df = _corpus()
    m = PerceptionClassifier(min_df=1).fit(df["text"], scores=df["score"], sources=df["source"])
    assert list(m.classes_) == list(CLASSES)
    p = m.predict_proba(df["text"], sources=df["source"])
    assert p.shape == (len(df), 3) and np.allclose(p.sum(axis=1), 1)
    kto = df["source"] == "kto"
    acc = (m.predict(df.loc[kto, "text"], sources=df.loc[kto, "source"]) == df.loc[kto, "truth"]).mean()
    assert acc > 0.9
    # the complaint source had no score: its class mix was re-estimated (EM) and most complaints are klacht
    assert m.prior_method_["klacht"] == "em" and m.prior_method_["kto"] == "scores"
    pred = m.predict(df.loc[~kto, "text"], sources=df.loc[~kto, "source"])
    assert (pred == "klacht").mean() > 0.8


def test_hand_labels_correct_the_weak_labels():
    df = _corpus()
    # a phrase that weak labels call neutraal (all its KTO scores are 6-7) but people label klacht
    extra = pd.DataFrame({"signal_id": [f"kto:x{i}" for i in range(40)], "source": "kto", "score": [6, 7] * 20,
                          "text": ["het spookt bij de balie"] * 40, "truth": "klacht"})
    df = pd.concat([df, extra], ignore_index=True)
    y = np.where(df["signal_id"].isin(extra["signal_id"].iloc[:20]), "klacht", None)
    plain = PerceptionClassifier(min_df=1).fit(df["text"], scores=df["score"])
    fixed = PerceptionClassifier(min_df=1).fit(df["text"], y, scores=df["score"])
    assert plain.predict(["het spookt bij de balie"])[0] == "neutraal"
    assert fixed.predict(["het spookt bij de balie"])[0] == "klacht"


def test_majority_labels_resolves_several_labellers():
    lab = pd.DataFrame({"signal_id": ["a", "a", "a", "b", "c"], "labeller": list("xyzxx"),
                        "perception": ["klacht", "neutraal", "klacht", "compliment", None]})
    got = majority_labels(lab)
    assert got.to_dict() == {"a": "klacht", "b": "compliment"}


def _insert(store, df: pd.DataFrame, start="2025-01-06"):
    n = len(df)
    t = pd.Timestamp(start) + pd.to_timedelta(np.arange(n) * 6, unit="h")
    sig = pd.DataFrame({
        "signal_id": df["signal_id"], "source": df["source"], "received_at": t,
        "channel": df.get("channel", pd.Series(["web"] * n)).to_numpy(dtype=object),
        "cluster": df.get("cluster", pd.Series(["Dienstverlening"] * n)).to_numpy(dtype=object),
        "afdeling": df.get("afdeling", pd.Series(["Burgerzaken"] * n)).to_numpy(dtype=object),
        "wijk": "Charlois", "wijk_code": "WK059915",
        "score": pd.array(df["score"], dtype="Int64"), "text": df["text"],
        "content_hash": [f"h{i}" for i in range(n)],
    })
    store.shared.insert_df("signals", sig)


def test_assign_perception_writes_the_table(store, settings):
    df = _corpus(n_per=40)
    _insert(store, df)
    labels = pd.DataFrame({"signal_id": df["signal_id"].iloc[::7], "perception": df["truth"].iloc[::7]})
    summary = assign_perception(store, settings, labels, model=PerceptionClassifier(min_df=1))
    got = store.shared.query_df("SELECT * FROM signal_perception")
    assert len(got) == len(df) and set(got["perception"]) <= set(CLASSES)
    assert got["prob"].between(1 / 3, 1).all()
    assert np.allclose(got[["p_klacht", "p_neutraal", "p_compliment"]].sum(axis=1), 1)
    assert summary["evaluation"]["kto_vs_score_bins"]["accuracy"] > 0.8
    assert store.shared.scalar("SELECT count(*) FROM perception_models WHERE is_current") == 1
    assert store.shared.query_df("SELECT DISTINCT org_code FROM perception_models")["org_code"].tolist() == [settings.organisation_code]
    # a second run replaces, it does not append
    assign_perception(store, settings, labels, model=PerceptionClassifier(min_df=1), evaluate=False)
    assert store.shared.count("signal_perception") == len(df)
    assert store.shared.scalar("SELECT count(*) FROM perception_models WHERE is_current") == 1


# ---- drivers ---------------------------------------------------------------------------------
def test_category_drivers_find_the_category_with_low_scores():
    rng = np.random.default_rng(1)
    rows = []
    for cat, p_low, n in (("betalingsregeling", 0.8, 200), ("afval", 0.3, 400), ("parkeren", 0.3, 400)):
        for i in range(n):
            low = rng.random() < p_low
            text = ("niemand belt terug over mijn regeling" if low and cat == "betalingsregeling" else "prima geholpen met de vraag")
            rows.append({"category": cat, "subcategory": cat, "score": int(rng.integers(0, 6)) if low else int(rng.integers(8, 11)),
                         "text": text})
    df = pd.DataFrame(rows)
    out = category_drivers(df)
    assert out.loc[0, "category"] == "betalingsregeling"
    assert out.loc[0, "lift_ci_low"] > 1 and out.loc[0, "p_value"] < 0.001
    assert abs(out["share_of_low"].sum() - 1) < 1e-9
    w = word_drivers(df.loc[(df.category == "betalingsregeling") & (df.score <= 6), "text"],
                     df.loc[(df.category == "betalingsregeling") & (df.score > 6), "text"])
    assert set(w["word"].head(3)) & {"belt", "terug", "regeling", "niemand"}


def test_drivers_from_the_store_use_the_current_topic_model(store, settings):
    from helpers_synth_store import _ensure_topic_tables

    df = _corpus(n_per=40)
    _insert(store, df)
    db = store.shared
    _ensure_topic_tables(db)
    db.execute("INSERT INTO topic_models (model_version, created_at, is_current) VALUES ('old', '2024-01-01', FALSE)")
    db.execute("INSERT INTO topic_models (model_version, created_at, is_current) VALUES ('new', '2025-01-01', TRUE)")
    cats = pd.DataFrame({"signal_id": df["signal_id"], "rank": 1, "subcategory": None, "prob": 0.9,
                         "category": np.where(df["truth"] == "klacht", "bereikbaarheid", "bejegening")})
    db.insert_df("signal_categories", cats.assign(model_version="new"))
    db.insert_df("signal_categories", cats.assign(model_version="old", category="parkeren"))
    out = drivers(store, settings=settings, min_texts_for_words=1000)
    assert "parkeren" not in set(out["category"])
    top = out.iloc[0]
    assert top["category"] == "bereikbaarheid" and top["low_rate"] > 0.9


# ---- compliments wall --------------------------------------------------------------------------
CANARY_FRAGMENTS = ["Jansen", "06-12345678", "Kerkstraat 12", "3011 AB", "Pietersen", "Vries", "Sanne",
                    "0612345678", "+31 10 739 1846", "j.jansen@example.nl", "Zwaluwstaartstraat 117b", "GZ-731-X"]
UNSAFE = [
    "Heel fijn geholpen door mw. Jansen, echt top service van de gemeente!",
    "Super vriendelijk geholpen, bel gerust terug op 06-12345678 als er nog iets is.",
    "Top geholpen met mijn paspoort, ik woon op de Kerkstraat 12 dus het was dichtbij.",
    "Vriendelijk en snel geholpen, postcode 3011 AB klopte meteen in het systeem.",
    "Complimenten voor meneer pietersen, die heeft mij heel goed geholpen vandaag.",
    "Geweldig geholpen door J. de Vries aan de balie, heel duidelijk uitgelegd.",
    "De medewerker Sanne heeft mij super goed geholpen, heel fijn contact gehad.",
    "Heel prettig contact, mijn nummer is 0612345678 voor als er vragen zijn, top!",
    "Fijn geholpen, mijn vaste nummer is +31 10 739 1846 bedankt voor alles.",
    "Snel geholpen via mail j.jansen@example.nl, echt een hele goede service.",
    "Heel netjes geholpen met de stoep voor Zwaluwstaartstraat 117b, bedankt!",
    "Keurig geholpen met de auto met kenteken GZ-731-X, heel vriendelijke dame.",
]
SAFE = [
    "Heel vriendelijk en snel geholpen aan de telefoon, duidelijk uitgelegd wat ik moest doen.",
    "Top service in de Stadswinkel, binnen tien minuten klaar met mijn paspoort.",
    "Fijn dat de medewerker van 14010 goed meedacht over mijn betalingsregeling.",
    "Super geholpen, de medewerker was geduldig en behulpzaam. Complimenten!",
    "Prettig contact, de grofvuil afspraak in Charlois was snel geregeld.",
    "Duidelijke uitleg over de parkeervergunning, heel tevreden over de hulp.",
    "Heel goed geholpen door de medewerker, vriendelijk en deskundig.",
]


def test_residual_pii_flags_every_canary_and_passes_clean_texts():
    for t in UNSAFE:
        assert residual_pii(t), t
    for t in SAFE:
        assert residual_pii(t) == [], (t, residual_pii(t))


def test_no_canary_reaches_the_compliments_wall(store, settings):
    texts = UNSAFE + SAFE + ["Vriendelijk geholpen door <PERSOON>, heel fijn en snel geregeld allemaal."]
    n = len(texts)
    df = pd.DataFrame({"signal_id": [f"kto:c{i}" for i in range(n)], "source": "kto", "score": 10, "text": texts})
    _insert(store, df)
    per = pd.DataFrame({"signal_id": df["signal_id"], "model_version": "t", "perception": "compliment",
                        "prob": 0.99, "p_compliment": 0.99})
    store.shared.insert_df("signal_perception", per)
    wall = best_compliments(store, n=50, settings=settings)
    shown = " ".join(wall["text"])
    for frag in CANARY_FRAGMENTS:
        assert frag.lower() not in shown.lower(), frag
    assert set(wall["text"]) >= set(SAFE[:5])
    # placeholder texts come after every clean one
    assert wall["has_placeholder"].tolist() == sorted(wall["has_placeholder"].tolist())
    assert wall["text"].iloc[-1].startswith("Vriendelijk geholpen door <PERSOON>")
    top3 = best_compliments(store, n=3, settings=settings)
    assert len(top3) == 3 and not top3["has_placeholder"].any()


def test_small_selection_is_suppressed(store, settings):
    df = pd.DataFrame({"signal_id": ["kto:a", "kto:b"], "source": "kto", "score": 10, "text": SAFE[:2],
                       "cluster": ["Stadsbeheer", "Stadsbeheer"]})
    _insert(store, df)
    store.shared.insert_df("signal_perception", pd.DataFrame({"signal_id": df["signal_id"], "model_version": "t",
                                                              "perception": "compliment", "prob": 0.99}))
    wall = best_compliments(store, cluster="Stadsbeheer", settings=settings)
    assert wall.empty and wall.attrs["suppressed"]


def test_assign_perception_reads_the_labels_table(store, settings):
    df = _corpus(n_per=30)
    _insert(store, df)
    if not store.shared.table_exists("labels"):
        pytest.skip("the validation part's labels table is not there")
    sub = df.iloc[::5]
    lab = pd.DataFrame({"signal_id": sub["signal_id"], "labeller": "a", "category": "overig", "rank": 1,
                        "perception": sub["truth"]})
    store.shared.insert_df("labels", lab)
    summary = assign_perception(store, settings, model=PerceptionClassifier(min_df=1), evaluate=False)
    assert summary["n_labelled"] == len(sub)


def test_a_source_in_a_staff_voice_is_judged_by_the_lexicon():
    """KTO texts in the citizen's own words teach "a problem described = klacht"; call-back notes
    written by staff in the third person report problems neutrally and say so when the citizen
    was angry. Without any hand label the notes get mostly the lexicon's judgement, the
    first-person complaint letters the model's."""
    from signalen_lib.perception.lexicon import first_person_share, lexicon_counts, voice_weight

    rng = np.random.default_rng(3)
    problems = ["de container is al weken niet geleegd", "mijn aanslag klopt niet", "de lantaarnpaal is kapot",
                "ik heb nog geen reactie op mijn aanvraag", "de stoep ligt open"]
    rows = []
    for i in range(240):
        p = problems[i % 5]
        kind = i % 3
        text = [f"ik vind het slecht: {p}", f"ik had een vraag, het ging wel: {p}", "ik ben heel vriendelijk geholpen, top"][kind]
        score = [int(rng.integers(0, 5)), int(rng.integers(6, 8)), int(rng.integers(8, 11))][kind]
        rows.append({"signal_id": f"kto:{i}", "source": "kto", "score": score, "text": text,
                     "truth": ["klacht", "neutraal", "compliment"][kind]})
    for i in range(100):
        angry = i % 4 == 0
        p = problems[i % 5].replace("mijn", "haar").replace("ik heb", "mw heeft")
        rows.append({"signal_id": f"tb:{i}", "source": "terugbelnotitie", "score": None,
                     "text": f"klt belt. {p}. {'klant erg boos. ' if angry else ''}graag terugbellen",
                     "truth": "klacht" if angry else "neutraal"})
        rows.append({"signal_id": f"kl:{i}", "source": "klacht", "score": None,
                     "text": f"geachte heer, mevrouw, ik wil melden dat {problems[(i + 2) % 5]}", "truth": "klacht"})
    df = pd.DataFrame(rows)
    assert lexicon_counts("niet vriendelijk en slecht") == (2, 0) and lexicon_counts("heel vriendelijk, top") == (0, 2)
    tb, kl = df["source"] == "terugbelnotitie", df["source"] == "klacht"
    assert first_person_share(df.loc[tb, "text"].tolist()) == 0.0
    assert voice_weight(df.loc[kl, "text"].tolist(), 0.9) == 1.0
    for lexicon_prior in (False, True):
        m = PerceptionClassifier(min_df=1, lexicon_prior=lexicon_prior).fit(df["text"], scores=df["score"], sources=df["source"])
        pred = m.predict(df["text"], sources=df["source"])
        acc_tb = (pred[tb] == df.loc[tb, "truth"]).mean()
        acc_kl = (pred[kl] == df.loc[kl, "truth"]).mean()
        if not lexicon_prior:
            assert acc_tb < 0.5  # the KTO lesson calls every reported problem a klacht
        else:
            assert m.describe_priors()["terugbelnotitie"]["text_model_weight"] < 0.2
            assert m.describe_priors()["klacht"]["text_model_weight"] == 1.0
            assert acc_tb > 0.9 and acc_kl > 0.9
    # with hand labels on the notes, those labels choose the model's weight against the lexicon
    # (out of fold), and the notes stay right
    y = np.where(tb & (np.arange(len(df)) % 3 == 0), df["truth"], None)
    m = PerceptionClassifier(min_df=1, min_labels_for_prior=20).fit(df["text"], y, scores=df["score"], sources=df["source"])
    assert m.prior_method_["terugbelnotitie"] == "labels" and 0.0 < m.source_voice_["terugbelnotitie"] <= 1.0
    rest = tb & pd.isna(y)
    assert (m.predict(df.loc[rest, "text"], sources=df.loc[rest, "source"]) == df.loc[rest, "truth"]).mean() > 0.9
