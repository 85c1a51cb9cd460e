"""The same store cases on DuckDB and on PostgreSQL."""
from __future__ import annotations

import pandas as pd
import pytest

from signalen_lib.config import ConfigError, load_config
from signalen_lib.store import open_store


def _signals(n: int, start: str = "2025-01-01") -> pd.DataFrame:
    t = pd.date_range(start, periods=n, freq="6h")
    return pd.DataFrame(
        {
            "signal_id": [f"kto:{i}" for i in range(n)],
            "source": ["kto"] * n,
            "received_at": t,
            "channel": ["web" if i % 3 else "telefoon 14010" for i in range(n)],
            "wijk_code": ["WK059901" if i % 2 else "WK059903" for i in range(n)],
            "score": pd.array([i % 11 if i % 4 else None for i in range(n)], dtype="Int64"),
            "text": [f"tekst {i} met \"quotes\", komma's en\nregels" if i % 5 else "" for i in range(n)],
            "content_hash": [f"h{i}" for i in range(n)],
        }
    )


def test_migrations_create_both_zones_and_are_idempotent(store):
    assert store.shared.table_exists("signals")
    assert store.restricted.table_exists("signals_raw")
    assert not store.shared.table_exists("signals_raw"), "raw text table must not exist in the shared zone"
    again = store.migrate()
    assert again["shared"] == [] and again["restricted"] == []
    versions = {r[0] for r in store.shared.execute("SELECT version FROM schema_migrations")}
    assert 1 in versions and 2 not in versions


def test_bulk_insert_roundtrip_keeps_values(store):
    df = _signals(40)
    assert store.shared.insert_df("signals", df) == 40
    got = store.shared.query_df("SELECT * FROM signals ORDER BY received_at").reset_index(drop=True)
    assert list(got["signal_id"]) == list(df["signal_id"])
    assert got.loc[1, "text"] == df.loc[1, "text"]  # quotes, commas and newlines survive
    assert got.loc[0, "text"] == ""  # empty string is not NULL
    assert pd.isna(got.loc[0, "score"]) and int(got.loc[1, "score"]) == 1
    assert pd.Timestamp(got.loc[3, "received_at"]) == pd.Timestamp("2025-01-01 18:00")


def test_insert_ignores_conflicts_when_asked(store):
    df = _signals(10)
    store.shared.insert_df("signals", df)
    store.shared.insert_df("signals", _signals(15), on_conflict_ignore=True)
    assert store.shared.count("signals") == 15


def test_insert_ignoring_conflicts_keeps_the_first_row_of_each_key(store):
    """Both unique keys count (signal_id, and source + content_hash); within one frame the first row
    of a key wins; the stored rows are never overwritten."""
    db = store.shared
    db.insert_df("signals", _signals(5))
    new = _signals(8)
    new["text"] = "nieuw"
    new.loc[5, "content_hash"] = "h1"  # kto:5 has another id but the key of stored kto:1
    extra = new.iloc[[6]].assign(text="tweede")  # kto:6 twice in the frame: the first wins
    with db.transaction():
        db.insert_df("signals", pd.concat([new, extra], ignore_index=True), on_conflict_ignore=True)
    got = db.query_df("SELECT signal_id, text FROM signals ORDER BY signal_id")
    assert got["signal_id"].tolist() == [f"kto:{i}" for i in (0, 1, 2, 3, 4, 6, 7)]
    texts = dict(zip(got["signal_id"], got["text"]))
    assert texts["kto:1"] == _signals(5).loc[1, "text"] and texts["kto:6"] == "nieuw" and texts["kto:7"] == "nieuw"


def test_transaction_rolls_back_on_error(store):
    with pytest.raises(RuntimeError):
        with store.shared.transaction():
            store.shared.insert_df("signals", _signals(5))
            raise RuntimeError("crash midway")
    assert store.shared.count("signals") == 0


def test_counts_by_period_and_filters(store):
    store.shared.insert_df("signals", _signals(4 * 62))  # Jan + Feb 2025
    monthly = store.counts(("source",), period="month")
    assert list(monthly["n"]) == [124, 112, 12]
    web = store.counts(("channel",), filters={"channel": "web"}, start="2025-02-01", end="2025-03-01")
    assert len(web) == 1 and web.loc[0, "channel"] == "web"
    assert web.loc[0, "n"] == sum(1 for i in range(124, 236) if i % 3)


def test_restricted_zone_is_a_separate_database(settings):
    assert settings.shared_url != settings.restricted_zone_url


def test_shared_only_store_refuses_restricted_access(settings):
    with open_store(settings, restricted=False) as st:
        with pytest.raises(PermissionError):
            _ = st.restricted


def test_unreachable_postgres_is_one_line_config_error(tmp_path):
    s = load_config(None, data_dir=str(tmp_path), database_url="postgresql://postgres@127.0.0.1:5499/none")
    with pytest.raises(ConfigError) as exc:
        open_store(s)
    msg = str(exc.value)
    assert "database_url" in msg and "\n" not in msg and "5499" in msg
