# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
period = None  # month to report on, YYYY-MM; None: the previous month
cluster = None  # organisation unit (cluster); None: the whole municipality
config_path = None  # settings YAML; None: SIGNALEN_CONFIG or the defaults
run_id = None  # id of the scheduled run that executes this notebook

# %%
from signalen_lib.reports import monthly

ctx = monthly.open_report(period, cluster, config_path)

# %%
monthly.show_section(ctx, "summary")

# %%
monthly.show_section(ctx, "volumes")

# %%
monthly.show_section(ctx, "categories")

# %%
monthly.show_section(ctx, "risers")

# %%
monthly.show_section(ctx, "kpi")

# %%
monthly.show_section(ctx, "map")

# %%
monthly.show_section(ctx, "alerts")

# %%
monthly.show_section(ctx, "improvements")

# %%
monthly.show_section(ctx, "examples")

# %%
monthly.show_section(ctx, "compliments")

# %%
monthly.show(monthly.footer(ctx))
ctx.close()
