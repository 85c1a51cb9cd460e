"""Step 3, Visualiseren: the staff dashboard (ipywidgets app served by Voila).

``build_app(settings) -> ipywidgets.Widget`` builds the dashboard; the Voila notebooks in
``notebooks/dashboard/`` call ``show_dashboard`` / ``show_compliments_wall``, which display it and
rebuild it when a visitor arrives after the aggregates were refreshed; ``signalen serve`` starts
Voila (see :mod:`.serve`).
"""
from __future__ import annotations


def build_app(settings=None, **kwargs):
    from signalen_lib.dashboard.app import build_app as _build

    return _build(settings, **kwargs)


def build_compliments_wall(settings=None, **kwargs):
    from signalen_lib.dashboard.app import build_compliments_wall as _build

    return _build(settings, **kwargs)


def show_dashboard(settings=None) -> None:
    from signalen_lib.dashboard.app import build_app as _build, show

    show(_build, settings)


def show_compliments_wall(settings=None, **kwargs) -> None:
    from signalen_lib.dashboard.app import build_compliments_wall as _build, show

    show(_build, settings, **kwargs)


__all__ = ["build_app", "build_compliments_wall", "show_dashboard", "show_compliments_wall"]
