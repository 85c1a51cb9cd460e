# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 Verzamelen — inlezen van exports
#
# Leest de exports van elke geregistreerde en goedgekeurde bron in, controleert elke rij, ontdubbelt, en bewaart ze in de afgeschermde zone; daarna gaat alleen gemaskeerde tekst naar de gedeelde zone. Elke ingelezen rij is terug te vinden: opgeslagen, dubbel of in quarantaine met de reden.

# %% tags=["parameters"]
config_path = None  # settings YAML; None: SIGNALEN_CONFIG or the defaults
raw_dir = None  # folder with the exports; None: data_dir/raw
sources: str = "all"  # comma-separated source names, or all for every approved source
run_id = None  # pipeline run id; None: a new one
mask: bool = True  # mask new signals into the shared zone after storing them
fail_on_unreadable: bool = True  # raise, and so stop a pipeline, when a file cannot be read at all
reread_unchanged: bool = False  # also read exports whose content was ingested before (they only give duplicates)


# %%
from pathlib import Path

import pandas as pd

from signalen_lib.config import load_config
from signalen_lib.ingest import ingest_all, ingest_files, load_register
from signalen_lib.ingest.notebook import ingest_report
from signalen_lib.store import open_store

settings = load_config(config_path)
raw = Path(raw_dir) if raw_dir else settings.raw_dir
store = open_store(settings)

# %%
if sources == "all":
    results = ingest_all(store, settings, raw, mask=mask, run_id=run_id, skip_unchanged=not reread_unchanged)
else:
    register = load_register(settings)
    results = [ingest_files(store, settings, sorted(raw.glob(register[s].path)), s, run_id=f"{run_id}-{s}" if run_id else None, mask=mask,
                            skip_unchanged=not reread_unchanged)
               for s in sources.split(",")]
report = ingest_report(store, results)
report.reconciliation

# %% [markdown]
# ## Redenen van quarantaine
#
# Alleen bestand, regel, veld en reden; de inhoud van de rij blijft in de afgeschermde zone.

# %%
report.quarantine_reasons

# %% [markdown]
# ## Voorbeeld van opgeslagen signalen (gemaskeerd, gedeelde zone)

# %%
report.sample

# %%
store.close()
report.raise_if_failed(fail_on_unreadable)
