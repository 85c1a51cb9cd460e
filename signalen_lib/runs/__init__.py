"""Running the steps: the pipeline runner (papermill), its lock, run records and scheduled reports.

- :mod:`.pipeline`: ``run_pipeline`` (the step notebooks and library steps in order), run records,
  ``last_successful_run(store)`` and ``pipeline_status(store)`` for the dashboard's freshness notice;
- :mod:`.scheduled`: ``run_monthly_reports`` (04_maandrapportage per cluster);
- :mod:`.lock`: one run at a time per store.
"""
from signalen_lib.runs.pipeline import last_successful_run, pipeline_status, run_pipeline

__all__ = ["last_successful_run", "pipeline_status", "run_pipeline"]
