-- The national store's signals, partitioned by organisation (LIST) and month (LIST of 'YYYY-MM'),
-- as measured in benchmarks/bench_national_store.py. One leaf partition per organisation-month:
-- queries of one organisation or one month touch only its partitions, and retention of an
-- organisation-month is DETACH + DROP of one table.
CREATE TABLE IF NOT EXISTS national_signals (
    signal_id   TEXT NOT NULL,
    org_code    TEXT NOT NULL,
    month       TEXT NOT NULL,          -- 'YYYY-MM' of received_at
    received_at TIMESTAMP NOT NULL,
    source      TEXT,
    channel     TEXT,
    cluster     TEXT,
    afdeling    TEXT,
    wijk_code   TEXT,
    score       INTEGER,
    category    TEXT,                   -- national category
    subcategory TEXT,
    perception  TEXT,
    text        TEXT,                   -- masked text only
    PRIMARY KEY (org_code, month, signal_id)
) PARTITION BY LIST (org_code);

-- per organisation that joins (here Rotterdam, GM0599), and per month (created ahead by the nightly run)
CREATE TABLE IF NOT EXISTS national_signals_gm0599 PARTITION OF national_signals
    FOR VALUES IN ('GM0599') PARTITION BY LIST (month);
CREATE TABLE IF NOT EXISTS national_signals_gm0599_202612 PARTITION OF national_signals_gm0599
    FOR VALUES IN ('2026-12');

-- retention of one organisation-month:
-- ALTER TABLE national_signals_gm0599 DETACH PARTITION national_signals_gm0599_202611;
-- DROP TABLE national_signals_gm0599_202611;
