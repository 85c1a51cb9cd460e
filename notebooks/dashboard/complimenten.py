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

# %% tags=["parameters"]
config_path = None  # settings YAML; None: SIGNALEN_CONFIG or the defaults
days = 30  # show compliments of the last N days of data

# %%
# Complimenten — muur voor kantoorschermen: served by Voila (`signalen serve`); the logic lives in signalen_lib.dashboard.
from signalen_lib.config import load_config
from signalen_lib.dashboard import show_compliments_wall

show_compliments_wall(load_config(config_path), days=days)
