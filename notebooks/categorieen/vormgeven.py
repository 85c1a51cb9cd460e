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
# # Categorieën vormgeven
#
# Voeg onderwerpen samen tot één categorie, splits een categorie in twee subcategorieën, of verplaats een zaadwoord naar een andere categorie.
# Elke wijziging wordt met uw naam en het tijdstip vastgelegd en kan ongedaan worden gemaakt (tabblad *Geschiedenis*).
# De wijzigingen gelden vanaf de volgende hertraining van het onderwerpmodel; de volgende validatie meet ze.

# %% tags=["parameters"]
author = None  # the staff member's name; None: fill it in in the widget
config_path = None  # settings YAML; None: SIGNALEN_CONFIG or the defaults


# %%
from signalen_lib.config import load_config
from signalen_lib.categories.widget import build_category_editor

build_category_editor(load_config(config_path), author=author)
