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
# # 05 Verbeteren — effect van verbeteracties
#
# Het register van verbeteracties (wat is er veranderd, wanneer, voor welke categorieën) en per actie het gemeten effect: het aantal signalen per week en het aandeel ontevreden KTO-scores, vergeleken met wat zonder de actie verwacht werd (onderbroken tijdreeks met seizoen, met 95%-interval). Daarna begint de cyclus opnieuw: de volgende verzameling laat zien of het effect blijft.

# %% tags=["parameters"]
config_path = None  # settings YAML; None: SIGNALEN_CONFIG or the defaults
improvement_id = None  # only this improvement; None: all registered improvements
save: bool = True  # record the measured effects in the store (the dashboard's Verbeteren tab shows them)
run_id = None  # pipeline run id (recorded only)

# %%
from IPython.display import Markdown, display

from signalen_lib.config import load_config
from signalen_lib.improvements.charts import effect_chart
from signalen_lib.improvements.effect import measure_all
from signalen_lib.improvements.register import list_improvements, register_frame
from signalen_lib.store import open_store

settings = load_config(config_path)
store = open_store(settings, restricted=False)

# %% [markdown]
# ## Register

# %%
register = list_improvements(store)
titles = dict(zip(register["id"], register["title"])) if len(register) else {}
register_frame(register, settings)

# %% [markdown]
# ## Gemeten effect

# %%
results = measure_all(store, settings, ids=[improvement_id] if improvement_id else None, save=save)
if not results:
    print("nog geen verbeteracties geregistreerd (signalen improvements import BESTAND)")
for r in results:
    display(Markdown(f"### {titles.get(r.improvement_id, r.improvement_id)}\n\n**Volume:** {r.verdict_nl}"
                     + (f"\n\n**Ontevredenheid:** {r.dissatisfaction.verdict_nl}" if r.dissatisfaction is not None else "")))
    display(effect_chart(r))

# %%
store.close()
