"""Pipeline runs and scheduled reports.

- :mod:`.pipeline`: ``run_pipeline`` (01_ingest -> 02_topics -> 03_validate -> aggregates through
  papermill), run records, ``last_successful_run(store)`` and ``pipeline_status(store)`` for the
  dashboard's freshness notice;
- :mod:`.scheduled`: ``run_monthly_reports`` (04_maandrapportage per cluster);
- :mod:`.monthly`: the monthly report's sections (used inside the notebook);
- :mod:`.render`: HTML without code cells (offline) and PDF through headless Chromium;
- :mod:`.lock`: one run at a time per store.
"""
from .pipeline import last_successful_run, pipeline_status, run_pipeline

__all__ = ["last_successful_run", "pipeline_status", "run_pipeline"]
