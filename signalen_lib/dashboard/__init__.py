"""Step 3, Visualiseren: the staff dashboard (ipywidgets app served by Voila).

``build_app(settings) -> ipywidgets.Widget`` is what the Voila notebooks in
``notebooks/dashboard/`` display; ``signalen serve`` starts Voila (see :mod:`.serve`).
"""
from __future__ import annotations


def build_app(settings=None, **kwargs):
    from .app import build_app as _build

    return _build(settings, **kwargs)


def build_compliments_wall(settings=None, **kwargs):
    from .app import build_compliments_wall as _build

    return _build(settings, **kwargs)


__all__ = ["build_app", "build_compliments_wall"]
