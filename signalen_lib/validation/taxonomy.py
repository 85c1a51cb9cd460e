"""The category tree as the labelling tool and the label checks need it.

Reads ``settings.taxonomy_path`` (``categories: [{key, name, seeds, subcategories: [...]}]``) and
adds ``overig``. Kept small on purpose: the topic model owns the taxonomy's meaning.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

OVERIG = "overig"


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    subcategories: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (key, name)


@dataclass(frozen=True)
class CategoryTree:
    categories: tuple[Category, ...]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.categories]

    def get(self, key: str) -> Category | None:
        for c in self.categories:
            if c.key == key:
                return c
        return None

    def subkeys(self, key: str) -> list[str]:
        c = self.get(key)
        return [k for k, _ in c.subcategories] if c else []

    def name(self, key: str) -> str:
        c = self.get(key)
        return c.name if c else key


def load_category_tree(path: str | Path) -> CategoryTree:
    """The taxonomy's categories (in file order) plus ``overig`` at the end."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    cats = []
    for c in data.get("categories", []):
        subs = tuple((s["key"], s.get("name", s["key"])) for s in c.get("subcategories", []) or [])
        cats.append(Category(c["key"], c.get("name", c["key"]), subs))
    if not any(c.key == OVERIG for c in cats):
        cats.append(Category(OVERIG, "Overig", ()))
    return CategoryTree(tuple(cats))


def tree_from_keys(keys) -> CategoryTree:
    """A flat tree (no subcategories) from label values, e.g. for data without a taxonomy."""
    return CategoryTree(tuple(Category(k, k, ()) for k in sorted(set(keys))))
