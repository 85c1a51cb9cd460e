"""Step 5, Verbeteren: the improvement register and the measured effect of each improvement.

- :mod:`.register`: improvements (what was changed, when, for which categories/wijken/channels);
- :mod:`.effect`: interrupted time series on weekly volume and dissatisfaction, with a Dutch verdict.
"""
