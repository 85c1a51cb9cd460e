"""An organisation's own taxonomy: ``signalen validate --taxonomy FILE`` (standalone) and store
mode with ``taxonomy_file`` set; the file is checked, the labels must use its categories, the
number of topics follows it."""
from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest
import yaml

from signalen_lib.cli import main
from signalen_lib.topics.model import topics_for
from signalen_lib.vocab.taxonomy import Taxonomy, TaxonomyError

# eight categories of a (fictional) water board: the first three words of each are its seeds,
# the texts use all ten, so the models must learn more than the seed words
WORDS = {
    "dijken": ["dijk", "kade", "dijkversterking", "damwand", "talud", "kruin", "waterkering", "afschuiving", "inspectie", "steenbekleding"],
    "sloten": ["sloot", "baggeren", "maaisel", "beschoeiing", "kroos", "waterpeil", "oever", "krooshek", "duiker", "slootkant"],
    "riolering": ["riool", "putdeksel", "verstopping", "rioolgemaal", "afvoer", "kolk", "stankoverlast", "rioolbuis", "overstort", "regenpijp"],
    "waterkwaliteit": ["blauwalg", "zwemwater", "vissterfte", "zuurstof", "helderheid", "botulisme", "monster", "troebel", "waterplanten", "kwaliteit"],
    "heffingen": ["aanslag", "zuiveringsheffing", "watersysteemheffing", "kwijtschelding", "betalingsregeling", "bezwaar", "woz", "termijnen", "aanslagbiljet", "tarief"],
    "vergunningen": ["watervergunning", "keur", "melding", "aanvraag", "steiger", "lozing", "ontheffing", "handhaving", "beschoeien", "bouwplan"],
    "wegen": ["fietspad", "wegdek", "gat", "bermen", "belijning", "drempel", "gladheid", "strooien", "verkeersbord", "asfalt"],
    "muskusratten": ["muskusrat", "beverrat", "klem", "vangst", "graafschade", "holen", "bestrijder", "kadaver", "vangkooi", "ondermijning"],
}
FILLER = ["ik", "wil", "graag", "melden", "dat", "de", "het", "bij", "ons", "al", "weken", "echt", "niet", "goed", "geregeld",
          "waterschap", "medewerker", "mevrouw", "helaas", "snel"]


def _taxonomy_dict() -> dict:
    return {"categories": [{"key": k, "name": k.capitalize(), "seeds": w[:3]} for k, w in WORDS.items()]}


def _texts(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    keys = list(WORDS)
    rows = []
    for i in range(n):
        k = keys[i % len(keys)]
        words = list(rng.choice(WORDS[k], int(rng.integers(2, 5)))) + list(rng.choice(FILLER, int(rng.integers(4, 8))))
        rng.shuffle(words)
        rows.append({"id": f"ws:{i}", "text": " ".join(words).capitalize() + ".", "category": k})
    return pd.DataFrame(rows)


def _run(argv) -> tuple[int, str]:
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(argv)
    return code, buf.getvalue()


@pytest.fixture
def org(tmp_path):
    tax = tmp_path / "waterschap.yaml"
    tax.write_text(yaml.safe_dump(_taxonomy_dict(), allow_unicode=True), encoding="utf-8")
    cfg = tmp_path / "cfg.yaml"  # no n_topics: the number follows the taxonomy
    cfg.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "data"), "reports_dir": str(tmp_path / "reports")}))
    df = _texts(480, seed=4)
    texts, labels = tmp_path / "texts.csv", tmp_path / "labels.csv"
    df[["id", "text"]].to_csv(texts, index=False)
    df[["id", "category"]].iloc[:240].to_csv(labels, index=False)
    return {"tax": tax, "cfg": cfg, "texts": texts, "labels": labels, "df": df}


def test_validate_with_an_eight_category_taxonomy_end_to_end(org):
    code, out = _run(["validate", "--texts", str(org["texts"]), "--labels", str(org["labels"]), "--taxonomy", str(org["tax"]),
                      "--train-fraction", "0.3", "--seed", "1", "--json", "--config", str(org["cfg"])])
    assert code == 0, out
    r = json.loads([ln for ln in out.splitlines() if ln.strip()][-1])
    from signalen_lib.config import load_config

    tax = Taxonomy.load(org["tax"])
    assert r["pipeline"]["n_topics"] == topics_for(tax, load_config(org["cfg"]).free_topics) == 8 + 8
    assert "taxonomy-seeded" in r["pipeline"]["topic_model"]
    assert r["categories"] == sorted(WORDS)
    assert r["n_train"] + r["n_test"] == 240
    # the taxonomy's seed words are the only prior: seeded, the workbench learns these texts well
    assert r["workbench"]["accuracy"] > 0.8 and r["workbench"]["macro_f1"] > 0.8
    # the topic model alone (no labels, only the taxonomy's seeds) already finds most categories
    assert r["topic_model_only"] is not None and r["topic_model_only"]["accuracy"] > 0.5


def test_labels_outside_the_taxonomy_name_line_and_field(org, capsys):
    bad = org["labels"].with_name("bad.csv")
    df = org["df"][["id", "category"]].iloc[:20].copy()
    df.iloc[5, 1] = "parkeren"  # the package's category, not the water board's
    df.to_csv(bad, index=False)
    code, _ = _run(["validate", "--texts", str(org["texts"]), "--labels", str(bad), "--taxonomy", str(org["tax"]),
                    "--json", "--config", str(org["cfg"])])
    assert code == 2
    err = capsys.readouterr().err
    assert "bad.csv, line 7, field 'category': unknown category 'parkeren'" in err


@pytest.mark.parametrize("edit, field", [
    (lambda d: d["categories"][2].update(key="Riolering!"), "categories[2].key"),
    (lambda d: d["categories"][3].update(seeds="blauwalg"), "categories[3].seeds"),
    (lambda d: d["categories"][4].update(seeds=[]), "categories[4].seeds"),
    (lambda d: d["categories"][5].update(key="dijken"), "categories[5].key"),
    (lambda d: d["categories"][6].update(zaden=["x"]), "categories[6].zaden"),
    (lambda d: d["categories"][1].update(subcategories=[{"key": "kroos", "name": "Kroos"}]), "categories[1].subcategories[0].seeds"),
    (lambda d: d["categories"][0].update(key="overig"), "categories[0].key"),
])
def test_a_wrong_taxonomy_file_is_an_error_naming_file_and_field(org, capsys, edit, field):
    d = _taxonomy_dict()
    edit(d)
    org["tax"].write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TaxonomyError) as exc:
        Taxonomy.load(org["tax"])
    assert f"waterschap.yaml, field '{field}'" in str(exc.value)
    code, _ = _run(["validate", "--texts", str(org["texts"]), "--labels", str(org["labels"]), "--taxonomy", str(org["tax"]),
                    "--json", "--config", str(org["cfg"])])
    assert code == 2 and f"waterschap.yaml, field '{field}'" in capsys.readouterr().err


def test_store_mode_with_the_organisations_taxonomy(settings_factory, org):
    """The same taxonomy as the setting ``taxonomy_file``: a real topic fit on the store follows
    it (16 topics), and validation against hand labels in the store runs end to end."""
    from signalen_lib.store import open_store
    from signalen_lib.topics.service import fit_store
    from signalen_lib.validation.labels import import_labels_csv
    from signalen_lib.vocab.taxonomy import load_category_tree
    from signalen_lib.validation.report import validate_store

    settings = settings_factory("duckdb", taxonomy_file=str(org["tax"]))
    df = org["df"]
    sig = pd.DataFrame({"signal_id": df["id"], "source": "kto", "received_at": pd.Timestamp("2025-03-01"),
                        "text": df["text"], "content_hash": df["id"]})
    with open_store(settings) as store:
        store.shared.insert_df("signals", sig)
        model = fit_store(store, settings, passes=3, coherence_sample=200)
        assert model.n_topics == topics_for(Taxonomy.load(org["tax"]), settings.free_topics) == 16
        path = org["labels"].with_name("store_labels.csv")
        df.iloc[:200].rename(columns={"id": "signal_id"})[["signal_id", "category"]].assign(labeller="anna").to_csv(path, index=False)
        assert import_labels_csv(store.shared, path, tree=load_category_tree(settings.taxonomy_path)) == 200
    report = validate_store(settings, n_boot=0, write=False, record=False)
    assert report.metrics["n"] == 200
    per = report.metrics["per_category"]
    assert set(per["category"]) <= set(WORDS) | {"overig"} and len(set(per["category"]) & set(WORDS)) == 8
    assert report.metrics["accuracy"] > 0.5
