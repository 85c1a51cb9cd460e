"""Step 4, Verdiepen & vertalen: what the figures mean, for managers and teams.

- :mod:`.kpi`: the dissatisfaction KPI (share of 0..6 scores, baseline, target) — the one definition
  the dashboard, the monthly report and ``signalen kpi`` use;
- :mod:`.drivers`: which categories drive dissatisfaction;
- :mod:`.compliments`: the best compliments (for the compliments wall);
- :mod:`.monthly`: the monthly report's sections (``notebooks/04_maandrapportage.ipynb``);
- :mod:`.render`: HTML without code cells (offline) and PDF through headless Chromium.
"""
