"""The category taxonomy (``taxonomy.yaml``): keys, Dutch names and seed words."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

OVERIG = "overig"


@dataclass(frozen=True)
class Subcategory:
    key: str
    name: str
    seeds: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    seeds: tuple[str, ...]
    subcategories: tuple[Subcategory, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Taxonomy":
        cats = []
        for c in data.get("categories") or []:
            subs = tuple(
                Subcategory(str(s["key"]), str(s.get("name", s["key"])), tuple(str(w).lower() for w in s.get("seeds") or ()))
                for s in c.get("subcategories") or []
            )
            cats.append(Category(str(c["key"]), str(c.get("name", c["key"])),
                                 tuple(str(w).lower() for w in c.get("seeds") or ()), subs))
        return cls(tuple(cats))

    @classmethod
    def load(cls, path: str | Path) -> "Taxonomy":
        path = Path(path)
        if not path.exists():
            from ..config import ConfigError

            raise ConfigError(f"setting 'taxonomy_file': {path} does not exist")
        return cls.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")) or {})

    def to_dict(self) -> dict[str, Any]:
        return {"categories": [
            {"key": c.key, "name": c.name, "seeds": list(c.seeds), "subcategories": [
                {"key": s.key, "name": s.name, "seeds": list(s.seeds)} for s in c.subcategories]}
            for c in self.categories]}

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.categories]

    def category_name(self, key: str) -> str:
        for c in self.categories:
            if c.key == key:
                return c.name
        return "Overig" if key == OVERIG else key

    def subcategory_name(self, key: str | None) -> str | None:
        for c in self.categories:
            for s in c.subcategories:
                if s.key == key:
                    return s.name
        return key

    def seed_groups(self, level: str = "subcategory") -> list[dict[str, Any]]:
        """One entry per seeded topic: ``{category, subcategory, name, seeds}``.

        ``level="subcategory"``: one topic per subcategory (its seeds; a category without
        subcategories gets one topic). ``level="category"``: one topic per category, seeded with
        the category's seeds.
        """
        groups = []
        for c in self.categories:
            if level == "subcategory" and c.subcategories:
                for s in c.subcategories:
                    groups.append({"category": c.key, "subcategory": s.key, "name": s.name, "seeds": list(s.seeds)})
            else:
                groups.append({"category": c.key, "subcategory": None, "name": c.name, "seeds": list(c.seeds)})
        return groups


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The taxonomy at ``path`` (default: ``load_config().taxonomy_path``)."""
    if path is None:
        from ..config import load_config

        path = load_config().taxonomy_path
    return Taxonomy.load(path)
