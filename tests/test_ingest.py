"""Ingest: broken exports of every format; counts reconcile; messages name file, line and field."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from signalen_lib.ingest import FileUnreadable, SourceRefused, ingest_files
from signalen_lib.ingest.normalize import parse_dates, parse_scores

KTO_HEADER = "Respondentnummer;Datum;Kanaal;Cijfer;Toelichting;Cluster;Afdeling;Wijk;Buurt"


def kto_csv(path: Path, rows: list[str], encoding="cp1252", header=KTO_HEADER) -> Path:
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


def ok_rows(n: int, start: int = 1) -> list[str]:
    return [f"{i};03-02-2025 14:{i % 60:02d};Telefoon;{i % 11};Wachttijd was lang, nummer {i};Dienstverlening;Klantcontactcentrum 14010;Feijenoord;Afrikaanderwijk"
            for i in range(start, start + n)]


def run(store, settings, paths, source="kto"):
    return ingest_files(store, settings, [Path(p) for p in paths], source, mask=False)


def check_reconciles(res):
    for f in res.files:
        assert f.rows_read == f.stored + f.duplicates + f.quarantined, f
    return res


def quarantine(store):
    return store.restricted.query_df("SELECT source_file, line, field, reason FROM quarantine ORDER BY line")


# ---- parsing ---------------------------------------------------------------------------
def test_dutch_and_iso_dates():
    s = pd.Series(["3-2-2025", "03-02-2025 14:05", "3 februari 2025", "2025-02-03", "2025-02-03T14:05:00Z", "31-02-2025", "gisteren"])
    got = parse_dates(s)
    assert list(got[:4].dt.date.astype(str)) == ["2025-02-03"] * 4
    assert got[1].hour == 14 and got[1].minute == 5
    assert got[4].hour == 15  # UTC -> Amsterdam (winter time)
    assert pd.isna(got[5]) and pd.isna(got[6])


def test_scores_strict_whole_numbers():
    scores, reasons = parse_scores(pd.Series(["8", "8,5", "tien", "11", "", "0", "10"]))
    assert scores.tolist()[0] == 8 and scores.tolist()[5] == 0 and scores.tolist()[6] == 10
    assert pd.isna(scores[4]) and pd.isna(reasons[4])
    assert "whole number" in reasons[1] and "not a number" in reasons[2] and "outside" in reasons[3]


# ---- CSV ---------------------------------------------------------------------------------
def test_clean_cp1252_csv_is_stored_with_places_resolved(store, settings, tmp_path):
    rows = ok_rows(5) + ["6;3 februari 2025;web;9;Prima geholpen door de medewerker – dank!;Dienstverlening;Stadswinkels;Onbekendewijk;"]
    res = check_reconciles(run(store, settings, [kto_csv(tmp_path / "kto.csv", rows)]))
    f = res.files[0]
    assert (f.rows_read, f.stored, f.duplicates, f.quarantined) == (6, 6, 0, 0)
    assert f.encoding == "cp1252"
    got = store.restricted.query_df("SELECT * FROM signals_raw ORDER BY source_row")
    assert got.loc[0, "signal_id"] == "kto:1" and got.loc[0, "wijk_code"] == "WK059910"
    assert got.loc[0, "buurt"] == "Afrikaanderwijk" and got.loc[0, "channel"] == "telefoon 14010"
    assert "–" in got.loc[5, "text"]  # cp1252 en-dash decoded
    assert got.loc[5, "wijk"] == "onbekend" and got.loc[5, "wijk_code"] == "onbekend"
    assert list(got["source_row"]) == [2, 3, 4, 5, 6, 7]
    # the run belongs to the organisation (issue 16)
    assert store.shared.query_df("SELECT DISTINCT org_code FROM ingest_runs")["org_code"].tolist() == [settings.organisation_code]


def test_broken_rows_are_quarantined_with_line_and_field(store, settings, tmp_path):
    rows = ok_rows(2) + [
        "10;03-02-2025;web;8,5;Acht en een half;;;;",
        "11;03-02-2025;web;tien;Tien!;;;;",
        "12;03-02-2025;web;11;Elf;;;;",
        "13;03-02-2099;web;7;Uit de toekomst;;;;",
        "14;geen datum;web;7;Zonder datum;;;;",
        "15;03-02-2025;web;7;   ;;;;",
        "16,03-02-2025,web,7,Ander scheidingsteken,,,,",
        '17;03-02-2025;web;6;"Tekst met ; puntkomma en\nnieuwe regel";;;;',
        "18;03-02-2025;web;5;<script>alert('x')</script> <b>vet</b>;;;;",
    ]
    path = kto_csv(tmp_path / "kto_broken.csv", rows)
    res = check_reconciles(run(store, settings, [path]))
    f = res.files[0]
    assert f.rows_read == 11 and f.quarantined == 7 and f.stored == 4
    q = quarantine(store)
    by_line = {int(r.line): (r.field, r.reason) for r in q.itertuples()}
    assert by_line[4][0] == "score" and "8,5" in by_line[4][1]
    assert by_line[5][0] == "score" and "tien" in by_line[5][1]
    assert by_line[6][0] == "score" and "outside" in by_line[6][1]
    assert by_line[7][0] == "received_at" and "future" in by_line[7][1]
    assert by_line[8][0] == "received_at" and "geen datum" in by_line[8][1]
    assert by_line[9][0] == "text"
    assert by_line[10][0] == "*" and "delimiter" in by_line[10][1]
    assert set(q["source_file"]) == {str(path)}
    stored = store.restricted.query_df("SELECT source_row, text FROM signals_raw ORDER BY source_row")
    assert "puntkomma en\nnieuwe regel" in stored.text.iloc[2] and stored.source_row.iloc[2] == 11
    assert stored.text.iloc[3].startswith("<script>alert('x')</script>")  # stored as text, verbatim
    assert stored.source_row.iloc[3] == 13  # line numbers count the quoted newline


def test_truncated_csv_quarantines_the_cut_record(store, settings, tmp_path):
    path = tmp_path / "kto_cut.csv"
    kto_csv(path, ok_rows(3) + ['4;03-02-2025;web;7;"Deze tekst is afgebroken midden in'])
    data = path.read_bytes().rstrip(b"\r\n")
    path.write_bytes(data)
    res = check_reconciles(run(store, settings, [path]))
    assert res.files[0].stored == 3 and res.files[0].quarantined == 1
    assert "cut off" in quarantine(store).reason.iloc[0]


def test_missing_required_column_refuses_the_file_naming_it(store, settings, tmp_path):
    path = kto_csv(tmp_path / "kto_nocol.csv", ok_rows(3), header=KTO_HEADER.replace("Toelichting", "Opmerking"))
    res = run(store, settings, [path])
    f = res.files[0]
    assert f.status == "unreadable" and "Toelichting" in f.message and str(path) in f.message
    assert store.restricted.count("signals_raw") == 0


def test_empty_and_missing_files_are_reported_not_crashing(store, settings, tmp_path):
    empty = tmp_path / "leeg.csv"
    empty.write_bytes(b"")
    res = run(store, settings, [empty, tmp_path / "bestaat_niet.csv"])
    assert [f.status for f in res.files] == ["unreadable", "unreadable"]
    assert "empty" in res.files[0].message and "does not exist" in res.files[1].message
    header_only = kto_csv(tmp_path / "alleen_kop.csv", [])
    res = check_reconciles(run(store, settings, [header_only]))
    assert res.files[0].status == "ok" and res.files[0].rows_read == 0


def test_wrong_declared_encoding_names_the_line(store, settings, tmp_path):
    import dataclasses

    from signalen_lib.ingest.load import ingest_file
    from signalen_lib.ingest.sources import get_source

    spec = dataclasses.replace(get_source(settings, "kto"), encoding="utf-8")
    path = kto_csv(tmp_path / "kto.csv", ok_rows(2) + ["9;03-02-2025;web;7;Café – één;;;;"], encoding="cp1252")
    f = ingest_file(store, settings, path, spec, "run-x")
    assert f.status == "unreadable" and "line 4" in f.message and "utf-8" in f.message
    # auto-detection reads the same file
    res = check_reconciles(run(store, settings, [path]))
    assert res.files[0].stored == 3 and res.files[0].encoding == "cp1252"


def test_utf8_bom_and_comma_delimiter_detected(store, settings, tmp_path):
    header = KTO_HEADER.replace(";", ",")
    rows = [r.replace(";", ",").replace("Wachttijd was lang, nummer", "Wachttijd was lang nummer") for r in ok_rows(3)]
    path = kto_csv(tmp_path / "kto_utf8.csv", rows, encoding="utf-8-sig", header=header)
    res = check_reconciles(run(store, settings, [path]))
    assert res.files[0].stored == 3 and res.files[0].encoding == "utf-8-sig"


def test_large_text_is_stored_whole(store, settings, tmp_path):
    big = "Lange klacht over de afvalinzameling. " * 2700  # ~100 KB
    path = kto_csv(tmp_path / "kto_big.csv", [f"1;03-02-2025;web;3;{big};;;;"], encoding="utf-8")
    check_reconciles(run(store, settings, [path]))
    assert store.restricted.scalar("SELECT length(text) FROM signals_raw") == len(big)


# ---- dedupe and idempotency -------------------------------------------------------------
def test_same_file_twice_and_overlapping_export_add_no_duplicates(store, settings, tmp_path):
    a = kto_csv(tmp_path / "jan.csv", ok_rows(10) + [ok_rows(1, 3)[0]])  # row 3 twice within the file
    r1 = check_reconciles(run(store, settings, [a]))
    assert (r1.files[0].stored, r1.files[0].duplicates) == (10, 1)
    r2 = check_reconciles(run(store, settings, [a]))
    assert (r2.files[0].stored, r2.files[0].duplicates) == (0, 11)
    b = kto_csv(tmp_path / "jan_feb.csv", ok_rows(15, 6))  # overlaps rows 6..10
    r3 = check_reconciles(run(store, settings, [b]))
    assert (r3.files[0].stored, r3.files[0].duplicates) == (10, 5)
    assert store.restricted.count("signals_raw") == 20


def test_changed_record_with_same_id_is_quarantined(store, settings, tmp_path):
    run(store, settings, [kto_csv(tmp_path / "a.csv", ok_rows(3))])
    changed = [ok_rows(1, 2)[0].replace("Wachttijd", "Gewijzigde tekst")]
    res = check_reconciles(run(store, settings, [kto_csv(tmp_path / "b.csv", changed)]))
    assert res.files[0].quarantined == 1
    assert quarantine(store).field.iloc[0] == "source_record_id"


# ---- XLSX, JSON, JSONL ------------------------------------------------------------------
def _xlsx(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Klachten"
    ws.append(["Zaaknummer", "Datum ontvangst", "Kanaal", "Omschrijving", "Organisatieonderdeel", "Afdeling", "Wijkcode", "Buurtcode"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_xlsx_with_native_and_text_dates(store, settings, tmp_path):
    import datetime as dt

    path = _xlsx(tmp_path / "klachten.xlsx", [
        ["Z-1", "3 februari 2025", "E-mail", "Klacht over de bejegening aan de balie", "Dienstverlening", "Stadswinkels", "WK059901", "BU05990112"],
        ["Z-2", dt.datetime(2025, 3, 4, 9, 30), "brief", "Mijn aanvraag duurt al 8 weken", "Stadsontwikkeling", "Vergunningen", "WK059999", None],
        ["Z-3", "4 maart 2025", "web", None, "Stadsbeheer", "Parkeren", None, None],
    ])
    res = check_reconciles(run(store, settings, [path], source="klacht"))
    assert (res.files[0].stored, res.files[0].quarantined) == (2, 1)
    got = store.restricted.query_df("SELECT * FROM signals_raw ORDER BY signal_id")
    assert list(got.signal_id) == ["klacht:Z-1", "klacht:Z-2"]
    assert got.loc[0, "buurt"] == "Cool" and got.loc[1, "wijk"] == "onbekend"
    assert pd.Timestamp(got.loc[1, "received_at"]) == pd.Timestamp("2025-03-04 09:30")
    q = quarantine(store)
    assert q.line.iloc[0] == 4 and q.field.iloc[0] == "text"


def test_truncated_xlsx_is_unreadable_with_file_name(store, settings, tmp_path):
    path = _xlsx(tmp_path / "k.xlsx", [["Z-1", "3 februari 2025", "web", "tekst", "", "", "", ""]])
    path.write_bytes(path.read_bytes()[:500])
    res = run(store, settings, [path], source="klacht")
    assert res.files[0].status == "unreadable" and "k.xlsx" in res.files[0].message


def test_jsonl_with_broken_and_truncated_lines(store, settings, tmp_path):
    lines = [json.dumps({"id": f"T{i}", "aangemaakt": "2025-05-01T10:00:00", "kanaal": "telefoon", "notitie": f"klt belt ivm betalingsregeling {i}", "cluster": "Dienstverlening", "afdeling": "Belastingen", "buurtcode": "BU05990110"}) for i in range(4)]
    lines.insert(2, "{dit is geen json}")
    lines.append('{"id": "T9", "aangemaakt": "2025-05-0')
    path = tmp_path / "notities.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    res = check_reconciles(run(store, settings, [path], source="terugbelnotitie"))
    assert (res.files[0].rows_read, res.files[0].stored, res.files[0].quarantined) == (6, 4, 2)
    assert sorted(quarantine(store).line.tolist()) == [3, 6]


def test_truncated_json_array_keeps_complete_records(store, settings, tmp_path):
    recs = [{"interview_id": f"I{i}", "datum": "2025-06-0" + str(i + 1), "notities": f"Interview {i}: wachttijd en bejegening", "cluster": "Dienstverlening", "afdeling": "Stadswinkels", "wijk": "Charlois"} for i in range(3)]
    text = json.dumps(recs, ensure_ascii=False)
    path = tmp_path / "interviews.json"
    path.write_text(text[: len(text) - 30], encoding="utf-8")
    res = check_reconciles(run(store, settings, [path], source="interview"))
    assert res.files[0].stored == 2 and res.files[0].quarantined == 1


# ---- register ---------------------------------------------------------------------------
def test_unregistered_and_unapproved_sources_are_refused(settings_factory, tmp_path):
    path = kto_csv(tmp_path / "kto.csv", ok_rows(2))
    reg = tmp_path / "sources.yaml"
    reg.write_text(
        "sources:\n  kto:\n    kind: kto\n    path: kto/*.csv\n    format: csv\n"
        "    columns: {source_record_id: Respondentnummer, received_at: Datum, text: Toelichting}\n"
        "    approval: {approved: false}\n"
    )
    s2 = settings_factory("duckdb", sources_file=str(reg))
    from signalen_lib.store import open_store

    with open_store(s2) as st:
        with pytest.raises(SourceRefused, match="not approved"):
            ingest_files(st, s2, [path], "kto", mask=False)
        with pytest.raises(SourceRefused, match="not in the source register"):
            ingest_files(st, s2, [path], "enquete2", mask=False)
        assert st.restricted.count("signals_raw") == 0


# ---- crash safety -----------------------------------------------------------------------
def test_interrupt_midway_leaves_no_partial_rows(store, settings, tmp_path, monkeypatch):
    import dataclasses

    path = kto_csv(tmp_path / "kto.csv", ok_rows(120))
    small = settings.model_copy(update={"ingest_chunk_rows": 50})
    calls = {"n": 0}

    def progress(msg):
        calls["n"] += 1
        if calls["n"] == 2:  # after two chunks are written, before commit
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest_files(store, small, [path], "kto", mask=False, progress=progress)
    assert store.restricted.count("signals_raw") == 0
    assert store.restricted.count("quarantine") == 0
    res = check_reconciles(run(store, settings, [path]))
    assert res.files[0].stored == 120


def test_killed_process_leaves_no_partial_rows(settings, tmp_path):
    """SIGKILL the CLI while it writes a big file: nothing of that file is stored; a rerun stores all."""
    path = kto_csv(tmp_path / "kto_big.csv", ok_rows(20_000))
    env = {**os.environ, "SIGNALEN_DATA_DIR": str(settings.data_dir), "SIGNALEN_REPORTS_DIR": str(settings.reports_dir),
           "SIGNALEN_DATABASE_URL": settings.database_url or "", "SIGNALEN_RESTRICTED_URL": settings.restricted_url or "",
           "SIGNALEN_INGEST_CHUNK_ROWS": "2000"}
    cmd = [sys.executable, "-m", "signalen_lib.cli", "ingest", str(path), "--source", "kto", "--no-mask"]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    killed = False
    for line in proc.stderr:
        if "chunk 2/" in line:
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
    proc.wait(timeout=60)
    assert killed, "the ingest finished before it could be killed"
    from signalen_lib.store import open_store

    with open_store(settings) as st:
        assert st.restricted.count("signals_raw") == 0
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "stored 20000" in done.stdout
    with open_store(settings) as st:  # the killed run is not left 'running'
        statuses = sorted(r[0] for r in st.shared.execute("SELECT status FROM ingest_runs"))
    assert statuses == ["interrupted", "ok"]
