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
# # Validatie: model tegen een handmatig gelabelde steekproef
#
# Vergelijkt de categorieën van het model met de labels van medewerkers: nauwkeurigheid, macro-F1, Cohen's kappa (met 95%-intervallen), per categorie, verwarringsmatrix, dekking tegen de drempel voor 'overig', overeenstemming tussen labelaars, en een eenvoudige basislijn (TF-IDF + logistische regressie). Onder de drempels van de kwaliteitspoort stopt deze notebook met een fout, zodat een geplande pipeline niet publiceert.

# %% tags=["parameters"]
labels_source: str = "store"  # "store" (the labels table) or the path of a labels CSV (signal_id,category,...)
model_version = None  # topic model version to validate; None: the current model
gate_macro_f1 = None  # quality gate: minimum macro-F1; None: setting gate_macro_f1 (0.70)
gate_kappa = None  # quality gate: minimum Cohen's kappa; None: setting gate_kappa (0.60)
config_path = None  # settings YAML; None: SIGNALEN_CONFIG or the defaults
run_id = None  # results go to <reports_dir>/runs/<run_id>/validation; None: a new run id
train_fraction: float = 0.3  # share of the labels the TF-IDF + LR baseline learns from (the rest is held out)
seed: int = 0  # seed for the held-out split and the bootstrap intervals


# %%
from IPython.display import HTML, display

from signalen_lib.config import load_config
from signalen_lib.validation.report import use_offline_charts, validate_store

use_offline_charts()
settings = load_config(config_path)
report = validate_store(
    settings,
    labels_source=labels_source,
    model_version=model_version,
    min_macro_f1=gate_macro_f1,
    min_kappa=gate_kappa,
    train_fraction=train_fraction,
    seed=seed,
    run_id=run_id,
)
display(HTML(report.gate.banner_html()))

# %% [markdown]
# ## Kerncijfers

# %%
if report.validated:
    display(report.summary_frame())
    display(report.heldout_frame())
else:
    print(f"Nog niet gevalideerd: label eerst de voorgestelde steekproef ({report.proposed_sample or 'nog geen'}).")

# %% [markdown]
# ## Per categorie

# %%
if report.validated:
    display(report.per_category_frame())
    display(report.charts['f1_per_category'])

# %% [markdown]
# ## Verwarringsmatrix en dekking

# %%
if report.validated:
    display(report.charts['confusion'])
    display(report.charts['coverage'])

# %% [markdown]
# ## Overeenstemming tussen labelaars

# %%
if report.validated:
    display(report.annotators['pairs'])

# %% [markdown]
# ## Kwaliteitspoort

# %%
report.gate.raise_if_failed()
