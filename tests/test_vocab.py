"""The shared vocabulary: Dutch formatting, the taxonomy, the current model, run ids — each defined once."""
from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import pandas as pd

from signalen_lib.vocab import fmt
from signalen_lib.vocab.ids import new_run_id
from signalen_lib.vocab.models import current_topic_model
from signalen_lib.vocab.taxonomy import OVERIG, load_category_tree, load_taxonomy

PKG = Path(__file__).resolve().parents[1] / "signalen_lib"


def test_dutch_numbers_and_dates():
    assert fmt.fmt_int(12345) == "12.345"
    assert fmt.fmt_int(None) == "–" and fmt.fmt_int(float("nan")) == "–"
    assert fmt.fmt_pct(0.1234) == "12,3%"
    assert fmt.fmt_pct(-0.3, signed=True) == "−30,0%"
    assert fmt.fmt_pct(0.3, signed=True, digits=0) == "+30%"
    assert fmt.fmt_pct(math.inf) == "–"
    assert fmt.fmt_num(1234.5, 2) == "1.234,50"
    assert fmt.fmt_date("2026-11-03") == "03-11-2026"
    assert fmt.fmt_date_long("2026-11-03") == "3 november 2026"
    assert fmt.month_name("2026-10-01") == "oktober 2026"
    # naive timestamps are UTC; shown in Amsterdam time (winter: +1)
    assert fmt.fmt_datetime(pd.Timestamp("2026-01-05 12:00"), "Europe/Amsterdam") == "05-01-2026 13:00"
    # a naive time of this machine's clock (datetime.now()) is shown in the organisation's zone
    from datetime import datetime

    now = datetime.now().replace(second=0, microsecond=0)
    assert fmt.fmt_datetime(now, "Europe/Amsterdam", utc=False) == fmt.fmt_datetime(now.astimezone(), "Europe/Amsterdam")
    assert fmt.fmt_datetime(now.astimezone(), "Europe/Amsterdam") == now.astimezone().astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")


def test_taxonomy_names_and_tree_come_from_one_reader(settings_factory):
    settings = settings_factory("duckdb")
    tax = load_taxonomy(settings.taxonomy_path)
    tree = load_category_tree(settings.taxonomy_path)
    assert tree.keys[:-1] == tax.keys and tree.keys[-1] == OVERIG
    names = tax.names()
    assert names[OVERIG] == "Overig"
    for c in tax.categories:
        assert names[c.key] == c.name == tree.name(c.key)
        assert tree.subkeys(c.key) == [s.key for s in c.subcategories]


def test_run_ids_sort_by_time_and_name_their_kind():
    a, b = new_run_id("ingest"), new_run_id("pipeline")
    assert re.fullmatch(r"\d{8}-\d{6}-ingest-[0-9a-f]{4}", a)
    assert re.fullmatch(r"\d{8}-\d{6}-pipeline-[0-9a-f]{4}", b)


def test_current_model_is_the_flagged_one(store):
    db = store.shared
    assert current_topic_model(db) is None
    db.execute("INSERT INTO topic_models (model_version, created_at, is_current) VALUES ('a', ?, FALSE)",
               [pd.Timestamp("2026-01-01").to_pydatetime()])
    db.execute("INSERT INTO topic_models (model_version, created_at, is_current) VALUES ('b', ?, TRUE)",
               [pd.Timestamp("2025-01-01").to_pydatetime()])
    assert current_topic_model(db) == "b"


# Concepts that must be defined in exactly one module of the package.
ONE_PLACE = {
    "OVERIG": "vocab/taxonomy.py",
    "fmt_int": "vocab/fmt.py",
    "fmt_pct": "vocab/fmt.py",
    "month_name": "vocab/fmt.py",
    "new_run_id": "vocab/ids.py",
    "current_topic_model": "vocab/models.py",
    "current_perception_model": "vocab/models.py",
    "load_taxonomy": "vocab/taxonomy.py",
    "load_category_tree": "vocab/taxonomy.py",
    "bsn_valid": "privacy/recognizers.py",
    "iban_valid": "privacy/recognizers.py",
    "kpi": "reports/kpi.py",
}


def test_each_concept_is_defined_once():
    found: dict[str, list[str]] = {}
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            names = []
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            for n in names:
                if n in ONE_PLACE:
                    found.setdefault(n, []).append(path.relative_to(PKG).as_posix())
    for name, where in ONE_PLACE.items():
        assert found.get(name) == [where], f"{name} is defined in {found.get(name)}, expected only {where}"
    # nobody but the taxonomy module opens the taxonomy file
    readers = [p.relative_to(PKG).as_posix() for p in PKG.rglob("*.py")
               if "taxonomy.yaml" in p.read_text(encoding="utf-8") and p.name not in ("taxonomy.py", "config.py")]
    assert readers == [], f"these modules name taxonomy.yaml themselves: {readers}"
