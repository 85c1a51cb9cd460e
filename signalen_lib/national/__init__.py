"""National signaalmanagement (issue 16): many organisations on one signal model.

- ``publish.py``: federation — an organisation publishes masked signals and derived rows, or only
  aggregates (its agreement, setting ``national_publish``), to the national store (``signalen publish``);
- ``tables.py``: the national store's own tables (``national_organisations``, ``national_aggregates``);
- ``effect.py``: the effect of a national policy or mailing across organisations
  (difference-in-differences against unaffected and later-affected organisations), Dutch verdict;
- ``view.py``: the national comparison the dashboard shows in a national store;
- ``commands.py``: ``signalen publish`` and ``signalen national-effect``.

The organisation itself is a setting of every deployment (``organisation_code``,
``organisation_name``); the national category set is read by ``vocab.taxonomy.load_national_taxonomy``.
"""
