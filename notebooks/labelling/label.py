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
# # Labelen
#
# Eén tekst tegelijk: kies tot drie categorieën en een beleving. Typ codes en druk op Enter (bv. `3.2 k`); `?` onzeker, `s` overslaan, `t` terug.

# %% tags=["parameters"]
labeller = None  # the labeller's name; None: the tool asks for it
sample_id = None  # labelling sample to work through; None: the latest drawn sample
config_path = None  # settings YAML; None: SIGNALEN_CONFIG or the defaults


# %%
from signalen_lib.config import load_config
from signalen_lib.validation.labelling import build_labelling_app

build_labelling_app(load_config(config_path), labeller=labeller, sample_id=sample_id)
