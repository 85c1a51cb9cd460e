"""What notebooks/01_verzamelen.ipynb shows: reconciliation, quarantine reasons, a masked sample."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..store import Store
from .load import IngestResult


class IngestFailed(RuntimeError):
    """One or more files could not be read at all; raised so a papermill run stops at ingest."""


@dataclass
class IngestReport:
    results: list[IngestResult]
    reconciliation: pd.DataFrame
    quarantine_reasons: pd.DataFrame
    sample: pd.DataFrame

    def raise_if_failed(self, enabled: bool = True) -> None:
        failed = [f for r in self.results for f in r.failed_files]
        if failed and enabled:
            raise IngestFailed("; ".join(f.message for f in failed))


def ingest_report(store: Store, results: list[IngestResult], sample_size: int = 10) -> IngestReport:
    rows = []
    for r in results:
        for f in r.files:
            rows.append({
                "bron": f.source, "bestand": f.source_file.rsplit("/", 1)[-1], "status": f.status,
                "gelezen": f.rows_read, "opgeslagen": f.stored, "dubbel": f.duplicates,
                "quarantaine": f.quarantined, "klopt": f.reconciles, "seconden": round(f.seconds, 1),
                "melding": "; ".join([f.message] * bool(f.message) + [f"waarschuwing: {w}" for w in f.warnings]),
            })
    rec = pd.DataFrame(rows, columns=["bron", "bestand", "status", "gelezen", "opgeslagen", "dubbel", "quarantaine", "klopt", "seconden", "melding"])
    run_ids = [r.run_id for r in results]
    if run_ids:
        q = store.restricted.query_df(
            f"SELECT source AS bron, field AS veld, reason AS reden, count(*) AS aantal FROM quarantine "
            f"WHERE run_id IN ({', '.join('?' * len(run_ids))}) GROUP BY source, field, reason ORDER BY aantal DESC LIMIT 50",
            run_ids,
        )
        sample = store.shared.query_df(
            f"SELECT signal_id, source AS bron, received_at AS ontvangen, channel AS kanaal, wijk, score AS cijfer, text AS tekst "
            f"FROM signals WHERE ingest_run_id IN ({', '.join('?' * len(run_ids))}) ORDER BY signal_id LIMIT {int(sample_size)}",
            run_ids,
        )
    else:
        q = pd.DataFrame(columns=["bron", "veld", "reden", "aantal"])
        sample = pd.DataFrame()
    return IngestReport(results, rec, q, sample)
