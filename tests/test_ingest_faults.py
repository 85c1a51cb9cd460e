"""Issue 19: faults in exports that used to pass silently. Each case runs on DuckDB and PostgreSQL,
checks read = stored + duplicate + quarantined, and that every respondent id in the file is
accounted for (stored, or quarantined with its reason)."""
from __future__ import annotations

import json
import socket
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from signalen_lib.ingest import ingest_files
from signalen_lib.ingest.load import mask_pending

KTO_HEADER = "Respondentnummer;Datum;Kanaal;Cijfer;Toelichting;Cluster;Afdeling;Wijk;Buurt"
TAIL = "Dienstverlening;Klantcontactcentrum 14010;Feijenoord;Afrikaanderwijk"


def row(rid: int, text: str, score: int | str = 7, minute: int | None = None) -> str:
    m = rid % 60 if minute is None else minute
    return f"{rid};03-02-2025 14:{m:02d};Telefoon;{score};{text};{TAIL}"


def write(path: Path, rows: list[str], header: str = KTO_HEADER, encoding: str = "utf-8", nl: str = "\r\n") -> Path:
    path.write_bytes((nl.join([header, *rows]) + nl).encode(encoding))
    return path


def run(store, settings, paths, source="kto", **kw):
    res = ingest_files(store, settings, [Path(p) for p in paths], source, mask=False, **kw)
    for f in res.files:
        assert f.status == "ok", f.message
        assert f.rows_read == f.stored + f.duplicates + f.quarantined, f
    return res


def quarantined(store):
    return store.restricted.query_df("SELECT source_file, line, field, reason, raw FROM quarantine ORDER BY line")


def _qid(raw: str, id_col: str, delim: str) -> str:
    try:
        return str(json.loads(raw)[id_col])
    except (ValueError, KeyError, TypeError):
        return raw.split(delim, 1)[0].strip()


def accounted(store, id_col="Respondentnummer", delim=";") -> tuple[set[str], set[str]]:
    stored = set(store.restricted.query_df("SELECT source_record_id FROM signals_raw")["source_record_id"].astype(str))
    q = {_qid(r, id_col, delim) for r in quarantined(store)["raw"]}
    return stored, q


# ---- 1. runaway quote ------------------------------------------------------------------------
def test_stray_quote_does_not_swallow_rows(store, settings, tmp_path):
    ids = list(range(101, 111))
    texts = {i: f"Antwoord van respondent {i}" for i in ids}
    texts[103] = '"ik citeer de brief'  # opens a quote that is never closed on its line
    texts[107] = 'hij zei "stop" tegen mij'  # a later quote closes it
    texts[109] = '"een antwoord over\ntwee regels; met puntkomma"'  # legit multi-line answer
    path = write(tmp_path / "kto_quote.csv", [row(i, texts[i]) for i in ids])
    res = run(store, settings, [path])
    f = res.files[0]
    assert (f.rows_read, f.stored, f.duplicates, f.quarantined) == (10, 9, 0, 1)
    q = quarantined(store)
    assert q.line.tolist() == [4]
    assert "line 4" in q.reason.iloc[0] and "Toelichting" in q.reason.iloc[0] and q.field.iloc[0] == "Toelichting"
    stored, qids = accounted(store)
    assert stored | qids == {str(i) for i in ids} and not stored & qids
    got = store.restricted.query_df("SELECT source_record_id, text, source_row FROM signals_raw ORDER BY source_row")
    by_id = dict(zip(got.source_record_id, got.text))
    assert by_id["107"] == 'hij zei "stop" tegen mij'
    assert by_id["109"] == "een antwoord over\ntwee regels; met puntkomma"
    assert by_id["104"] == "Antwoord van respondent 104"
    assert dict(zip(got.source_record_id, got.source_row))["110"] == 12  # line numbers count the quoted newline


def test_stray_quote_closed_on_next_line_and_one_never_closed(store, settings, tmp_path):
    ids = list(range(1, 9))
    texts = {i: f"Tekst {i}" for i in ids}
    texts[2] = '"citaat zonder einde'
    texts[3] = 'en "hier" staat er een'
    texts[6] = '"loopt door tot het einde van het bestand'
    path = write(tmp_path / "kto_quote2.csv", [row(i, texts[i]) for i in ids])
    res = run(store, settings, [path])
    f = res.files[0]
    assert f.rows_read == 8 and f.quarantined == 2 and f.stored == 6
    assert quarantined(store).line.tolist() == [3, 7]
    stored, qids = accounted(store)
    assert stored | qids == {str(i) for i in ids}


# ---- 2. dedupe by record id ------------------------------------------------------------------
def test_same_answer_same_minute_by_different_respondents_is_kept(store, settings, tmp_path):
    a = write(tmp_path / "a.csv", [row(2701, "Prima", 9, 5), row(2702, "Prima", 3, 5), row(2703, "Prima", 1, 5)])
    r1 = run(store, settings, [a])
    assert (r1.files[0].stored, r1.files[0].duplicates) == (3, 0)
    scores = store.restricted.query_df("SELECT source_record_id, score FROM signals_raw ORDER BY source_record_id")
    assert scores.score.tolist() == [9, 3, 1]
    r2 = run(store, settings, [a])  # the same file again adds nothing
    assert (r2.files[0].stored, r2.files[0].duplicates) == (0, 3)
    b = write(tmp_path / "b.csv", [row(2702, "Prima", 3, 5), row(2703, "Prima", 1, 5), row(2704, "Prima", 8, 5)])
    r3 = run(store, settings, [b])  # overlapping export
    assert (r3.files[0].stored, r3.files[0].duplicates) == (1, 2)
    assert store.restricted.count("signals_raw") == 4
    stored, _ = accounted(store)
    assert stored == {"2701", "2702", "2703", "2704"}


def test_rows_without_record_id_fall_back_to_content(store, settings, tmp_path):
    rows = [f";03-02-2025 14:05;web;{s};Prima;{TAIL}" for s in (9, 9, 3)]
    res = run(store, settings, [write(tmp_path / "noid.csv", rows)])
    assert (res.files[0].stored, res.files[0].duplicates) == (2, 1)
    assert sorted(store.restricted.query_df("SELECT score FROM signals_raw")["score"].tolist()) == [3, 9]
    res = run(store, settings, [write(tmp_path / "noid.csv", rows)])
    assert (res.files[0].stored, res.files[0].duplicates) == (0, 3)


def test_store_written_with_the_old_dedupe_key_does_not_duplicate(store, settings, tmp_path):
    """A store filled before the key included the record id: re-ingesting finds the old rows."""
    import pandas as pd

    from signalen_lib.ingest.load import content_hash

    a = write(tmp_path / "a.csv", [row(1, "Goed geholpen"), row(2, "Slecht")])
    run(store, settings, [a])
    got = store.restricted.query_df("SELECT signal_id, received_at, text FROM signals_raw")
    legacy = content_hash("kto", pd.to_datetime(got.received_at), got.text)
    for sid, h in zip(got.signal_id, legacy):
        store.restricted.execute("UPDATE signals_raw SET content_hash = ? WHERE signal_id = ?", [h, sid])
    res = run(store, settings, [a])
    assert (res.files[0].stored, res.files[0].duplicates, res.files[0].quarantined) == (0, 2, 0)


# ---- 3. personal data outside the text column ------------------------------------------------
def test_labels_and_record_ids_with_personal_data_are_masked_in_shared_zone(store, settings, tmp_path):
    def rec(rid, afdeling, kanaal="telefoon", cluster="Dienstverlening"):
        return json.dumps({"id": rid, "aangemaakt": "2025-05-01T10:00:00", "kanaal": kanaal, "cluster": cluster,
                           "afdeling": afdeling, "notitie": f"klant belt over betalingsregeling ({rid[:2]})",
                           "buurtcode": "BU05990110"})
    lines = [rec("jan.jansen@gmail.com", "Belastingen"), rec("T2", "bsn 123456782"),
             rec("T3", "Belastingen", kanaal="mail van p.devries@hotmail.com"), rec("T4", "Belastingen", cluster="Team Jan Jansen 0612345678"),
             rec("123456782", "Belastingen")]
    path = tmp_path / "notities.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    res = run(store, settings, [path], source="terugbelnotitie")
    assert res.files[0].stored == 5
    mask_pending(store, settings)
    shared = store.shared.query_df("SELECT * FROM signals ORDER BY signal_id")
    assert len(shared) == 5
    blob = shared.astype(str).to_csv()
    for pii in ("jan.jansen@gmail.com", "123456782", "p.devries@hotmail.com", "0612345678"):
        assert pii not in blob, pii
    ids = shared.signal_id.tolist()
    assert "terugbelnotitie:T2" in ids and "terugbelnotitie:T3" in ids
    pseud = [i for i in ids if i.startswith("terugbelnotitie:pid-")]
    assert len(pseud) == 2  # the e-mail and the BSN-shaped id
    assert set(shared.loc[shared.signal_id.isin(pseud), "source_record_id"]) == {i.split(":", 1)[1] for i in pseud}
    assert "Belastingen" in set(shared.afdeling) and set(shared.cluster) >= {"Dienstverlening"}
    # the restricted zone keeps the original id; re-ingest finds the same pseudonym
    raw = store.restricted.query_df("SELECT signal_id, source_record_id FROM signals_raw")
    assert "jan.jansen@gmail.com" in set(raw.source_record_id)
    res = run(store, settings, [path], source="terugbelnotitie")
    assert (res.files[0].stored, res.files[0].duplicates) == (0, 5)
    assert sorted(store.restricted.query_df("SELECT signal_id FROM signals_raw").signal_id) == sorted(ids)
    # the summary and run message do not carry the id either
    assert "jan.jansen" not in "\n".join(res.summary_lines())


# ---- 4. encodings ----------------------------------------------------------------------------
def test_utf8_file_with_one_cp1252_line(store, settings, tmp_path):
    lines = [row(i, f"Café één {i}").encode("utf-8") for i in range(1, 7)]
    lines[3] = row(4, "Café één 4").encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\r\n".join([KTO_HEADER.encode(), *lines]) + b"\r\n")
    res = run(store, settings, [path])
    f = res.files[0]
    assert (f.rows_read, f.stored) == (6, 6)
    texts = store.restricted.query_df("SELECT text FROM signals_raw ORDER BY source_row").text.tolist()
    assert texts == [f"Café één {i}" for i in range(1, 7)]
    assert any("line(s) 5" in w and "cp1252" in w for w in f.warnings), f.warnings
    assert "mixed encodings" in "\n".join(res.summary_lines())
    msg = store.shared.scalar("SELECT message FROM ingest_runs WHERE run_id = ?", [res.run_id])
    assert "mixed encodings" in msg


@pytest.mark.parametrize("bom", [True, False])
def test_utf16_unicode_text_export(store, settings, tmp_path, bom):
    rows = [row(i, f"Één keer goed geholpen {i}").replace(";", "\t") for i in range(1, 4)]
    text = "\r\n".join([KTO_HEADER.replace(";", "\t"), *rows]) + "\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16") if bom else text.encode("utf-16-le"))
    res = run(store, settings, [path])
    assert res.files[0].stored == 3 and res.files[0].encoding.startswith("utf-16")
    stored, _ = accounted(store)
    assert stored == {"1", "2", "3"}
    assert "Één keer goed geholpen 1" in store.restricted.query_df("SELECT text FROM signals_raw").text.tolist()


# ---- 5. control characters and database errors ------------------------------------------------
def test_nul_bytes_are_removed_same_on_both_backends(store, settings, tmp_path):
    rows = [row(1, "Goed\x00 geholpen"), row(2, "\x00\x00"), row(3, "Prima").replace("Klantcontactcentrum", "Klant\x00contactcentrum"),
            row(4, "Gewoon")]
    res = run(store, settings, [write(tmp_path / "nul.csv", rows)])
    f = res.files[0]
    assert (f.rows_read, f.stored, f.quarantined) == (4, 3, 1)
    q = quarantined(store)
    assert q.line.tolist() == [3] and q.field.iloc[0] == "text" and "control characters" in q.reason.iloc[0]
    assert "\x00" not in q.raw.iloc[0]  # PostgreSQL TEXT takes no NUL: quarantine keeps it escaped
    got = store.restricted.query_df("SELECT source_record_id, text, afdeling FROM signals_raw ORDER BY source_row")
    assert got.text.tolist() == ["Goed geholpen", "Prima", "Gewoon"]
    assert got.afdeling.tolist()[1] == "Klantcontactcentrum 14010"
    assert any("control characters" in w for w in f.warnings)
    stored, qids = accounted(store)
    assert stored | qids == {"1", "2", "3", "4"}
    assert store.shared.scalar("SELECT status FROM ingest_runs WHERE run_id = ?", [res.run_id]) == "ok"


def test_database_error_is_a_named_reason_and_the_run_is_marked_failed(store, settings, tmp_path):
    store.restricted.execute("ALTER TABLE quarantine RENAME TO quarantine_moved")
    path = write(tmp_path / "kto.csv", [row(1, "Goed"), row(2, "Slecht", score="tien")])
    res = ingest_files(store, settings, [path], "kto", mask=False)
    f = res.files[0]
    assert f.status == "failed" and "database refused" in f.message and str(path) in f.message
    assert "Traceback" not in f.message and f.stored == 0
    assert store.restricted.count("signals_raw") == 0  # the file's transaction was rolled back
    assert any("NOT STORED" in line for line in res.summary_lines())
    status, msg = store.shared.execute("SELECT status, message FROM ingest_runs WHERE run_id = ?", [res.run_id])[0]
    assert status == "failed" and "database refused" in msg


def test_interrupted_and_stale_runs_are_not_left_running(store, settings, tmp_path):
    path = write(tmp_path / "kto.csv", [row(i, f"Tekst {i}") for i in range(1, 4)])

    def boom(msg):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest_files(store, settings, [path], "kto", mask=False, progress=boom, run_id="run-int")
    assert store.shared.scalar("SELECT status FROM ingest_runs WHERE run_id = 'run-int'") == "interrupted"
    dead = subprocess.Popen(["true"])
    dead.wait()
    store.shared.execute(
        "INSERT INTO ingest_runs (run_id, source, started_at, status, pid, host) VALUES ('run-stale', 'kto', ?, 'running', ?, ?)",
        [datetime(2025, 1, 1), dead.pid, socket.gethostname()])
    store.shared.execute(
        "INSERT INTO ingest_runs (run_id, source, started_at, status, pid, host) VALUES ('run-other', 'kto', ?, 'running', 1, 'other-host')",
        [datetime(2025, 1, 1)])
    run(store, settings, [path])
    rows = dict(store.shared.execute("SELECT run_id, status FROM ingest_runs"))
    assert rows["run-stale"] == "interrupted" and rows["run-other"] == "running"
    assert "running" not in {v for k, v in rows.items() if k not in ("run-other",)}


# ---- 6. smaller ones ---------------------------------------------------------------------------
def test_quarantine_is_idempotent_per_file_line_reason(store, settings, tmp_path):
    path = write(tmp_path / "kto.csv", [row(1, "Goed"), row(2, "Slecht", score="tien"), row(3, "   ")])
    for _ in range(6):
        res = run(store, settings, [path])
        assert res.files[0].quarantined == 2
    q = quarantined(store)
    assert q.line.tolist() == [3, 4]
    assert set(store.restricted.query_df("SELECT run_id FROM quarantine").run_id) == {res.run_id}


def test_scores_only_whole_numbers(store, settings, tmp_path):
    rows = [row(1, "a", "1e1"), row(2, "b", "8,0"), row(3, "c", "8.0"), row(4, "d", "0x8"), row(5, "e", "10"), row(6, "f", "8,5"),
            row(7, "g", "jan@voorbeeld.nl")]
    res = run(store, settings, [write(tmp_path / "kto.csv", rows)])
    assert (res.files[0].stored, res.files[0].quarantined) == (3, 4)
    assert "jan@" not in "\n".join(res.summary_lines()) and "(value not shown)" in "\n".join(res.summary_lines())
    got = store.restricted.query_df("SELECT source_record_id, score FROM signals_raw ORDER BY source_row")
    assert got.score.tolist() == [8, 8, 10]
    q = quarantined(store)
    assert q.field.tolist() == ["score"] * 4 and "'1e1' is not a number" in q.reason.iloc[0]
    stored, qids = accounted(store)
    assert stored | qids == {str(i) for i in range(1, 8)}


def test_unmapped_columns_are_reported_and_personal_ones_flagged(store, settings, tmp_path):
    header = KTO_HEADER + ";BSN;Opmerking intern;E-mailadres"
    rows = [row(i, f"Tekst {i}") + f";12345678{i};x;a{i}@b.nl" for i in range(1, 3)]
    res = run(store, settings, [write(tmp_path / "kto.csv", rows, header=header)])
    assert res.files[0].stored == 2
    w = " ".join(res.files[0].warnings)
    assert "'BSN'" in w and "'Opmerking intern'" in w and "personal data" in w
    personal = w.split("look(s) like personal data")[0].rsplit(";", 1)[1]
    assert "'BSN'" in personal and "'E-mailadres'" in personal and "Opmerking" not in personal
    assert "'BSN'" in "\n".join(res.summary_lines())
    msg = store.shared.scalar("SELECT message FROM ingest_runs WHERE run_id = ?", [res.run_id])
    assert "'BSN'" in msg and "personal data" in msg
    assert "12345678" not in msg and "@b.nl" not in msg
