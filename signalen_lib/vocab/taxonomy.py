"""The category taxonomy (``taxonomy.yaml``): keys, Dutch names and seed words — read here only.

``load_taxonomy(path)`` gives the :class:`Taxonomy` the topic model seeds from; ``load_category_tree``
gives the same categories plus ``overig`` as the labelling tool and the label checks need them.
Every other part asks one of these two for names and keys (``Taxonomy.category_name``,
``Taxonomy.subcategory_name``), never the YAML file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from signalen_lib.config import ConfigError

OVERIG = "overig"


class TaxonomyError(ConfigError):
    """A taxonomy file is wrong; the message names the file and the field."""


_KEY = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_CATEGORY_FIELDS = {"key", "name", "seeds", "subcategories", "national"}  # national: the national category it rolls up into
_SUBCATEGORY_FIELDS = {"key", "name", "seeds"}


def check_taxonomy_dict(data: Any, source: str = "taxonomy") -> None:
    """Check a taxonomy as read from YAML (``categories``: key, name, seeds, subcategories) and
    raise :class:`TaxonomyError` naming ``source`` and the field at the first problem: keys are
    lower-case slugs (``a-z``, ``0-9``, ``_``), unique, never ``overig``; seeds are lists of
    words; every seed group (a subcategory, or a category without subcategories) has seed words."""

    def bad(field: str, msg: str) -> TaxonomyError:
        return TaxonomyError(f"{source}, field '{field}': {msg}")

    if not isinstance(data, dict) or not isinstance(data.get("categories"), list) or not data["categories"]:
        raise bad("categories", "a taxonomy needs a non-empty list 'categories'")
    extra = set(data) - {"categories"}
    if extra:
        raise bad(sorted(extra)[0], "unknown field (a taxonomy has only 'categories')")
    seen: dict[str, str] = {}

    def check_node(node: Any, where: str, allowed: set[str]) -> list[str]:
        if not isinstance(node, dict):
            raise bad(where, f"expected a mapping with {', '.join(sorted(allowed))}, got {type(node).__name__}")
        for f in node:
            if f not in allowed:
                raise bad(f"{where}.{f}", f"unknown field (allowed: {', '.join(sorted(allowed))})")
        key = node.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            raise bad(f"{where}.key", f"{key!r} is not a key: use lower-case letters, digits and '_'")
        if key == OVERIG:
            raise bad(f"{where}.key", f"'{OVERIG}' is reserved for texts without a category")
        if key in seen:
            raise bad(f"{where}.key", f"{key!r} is used twice (also at {seen[key]})")
        seen[key] = where
        name = node.get("name", key)
        if not isinstance(name, str) or not name.strip():
            raise bad(f"{where}.name", "the name must be non-empty text")
        seeds = node.get("seeds") or []
        if not isinstance(seeds, list):
            raise bad(f"{where}.seeds", "expected a list of seed words")
        for i, w in enumerate(seeds):
            if not isinstance(w, (str, int)) or not str(w).strip():
                raise bad(f"{where}.seeds[{i}]", f"{w!r} is not a seed word")
        return [str(w) for w in seeds]

    for ci, c in enumerate(data["categories"]):
        where = f"categories[{ci}]"
        seeds = check_node(c, where, _CATEGORY_FIELDS)
        if "national" in c and not (isinstance(c["national"], str) and _KEY.match(c["national"])):
            raise bad(f"{where}.national", f"{c['national']!r} is not a national category key")
        subs = c.get("subcategories") or []
        if not isinstance(subs, list):
            raise bad(f"{where}.subcategories", "expected a list of subcategories")
        for si, s in enumerate(subs):
            if not check_node(s, f"{where}.subcategories[{si}]", _SUBCATEGORY_FIELDS):
                raise bad(f"{where}.subcategories[{si}].seeds", f"subcategory {s['key']!r} has no seed words")
        if not subs and not seeds:
            raise bad(f"{where}.seeds", f"category {c['key']!r} has no seed words (and no subcategories)")


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
    national: str | None = None  # the national category it rolls up into (None: its own key)


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
                                 tuple(str(w).lower() for w in c.get("seeds") or ()), subs,
                                 str(c["national"]) if c.get("national") else None))
        return cls(tuple(cats))

    @classmethod
    def load(cls, path: str | Path) -> "Taxonomy":
        """Read and check a taxonomy file; a wrong file raises :class:`TaxonomyError` naming the
        file and the field (``categories[2].subcategories[0].seeds``)."""
        path = Path(path)
        if not path.exists():
            raise TaxonomyError(f"setting 'taxonomy_file': {path} does not exist")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f", line {mark.line + 1}" if mark is not None else ""
            raise TaxonomyError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
        check_taxonomy_dict(data, source=str(path))
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        return {"categories": [
            {"key": c.key, "name": c.name, "seeds": list(c.seeds), "subcategories": [
                {"key": s.key, "name": s.name, "seeds": list(s.seeds)} for s in c.subcategories],
             **({"national": c.national} if c.national else {})}
            for c in self.categories]}

    # ---- national taxonomy with local extensions (issue 16) -----------------------------------
    def with_local(self, extensions, origin: str = "local_taxonomy") -> "Taxonomy":
        """This taxonomy plus an organisation's local subcategories: ``extensions`` is a list of
        ``{key, name, parent, seeds}`` (``parent``: a category key of this taxonomy)."""
        from signalen_lib.config import ConfigError

        cats = {c.key: c for c in self.categories}
        extra: dict[str, list[Subcategory]] = {}
        known = self.all_keys()
        for i, e in enumerate(extensions or []):
            where = f"{origin}: entry {i + 1}"
            if not isinstance(e, dict) or not e.get("key") or not e.get("parent"):
                raise ConfigError(f"{where}: needs 'key' and 'parent'")
            if e["parent"] not in cats:
                raise ConfigError(f"{where} ({e['key']}): parent '{e['parent']}' is not a category "
                                  f"(categories: {', '.join(cats)})")
            if e["key"] in known:
                raise ConfigError(f"{where}: key '{e['key']}' is already used in the taxonomy")
            known.add(str(e["key"]))
            extra.setdefault(e["parent"], []).append(Subcategory(
                str(e["key"]), str(e.get("name", e["key"])), tuple(str(w).lower() for w in e.get("seeds") or ())))
        return Taxonomy(tuple(Category(c.key, c.name, c.seeds, c.subcategories + tuple(extra.get(c.key, ())), c.national)
                              for c in self.categories))

    def national_map(self, national: "Taxonomy") -> dict[str, str]:
        """{every category and subcategory key of this (local) taxonomy: its national category key};
        a category whose key (or ``national:``) is not a national key maps onto ``overig``."""
        nat = set(national.keys)
        out = {OVERIG: OVERIG}
        for c in self.categories:
            target = c.national or c.key
            target = target if target in nat else OVERIG
            out[c.key] = target
            for s in c.subcategories:
                out.setdefault(s.key, target)
        return out

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


    def names(self) -> dict[str, str]:
        """{category or subcategory key: Dutch name}, ``overig`` included."""
        out = {OVERIG: "Overig"}
        for c in self.categories:
            out[c.key] = c.name
            for s in c.subcategories:
                out.setdefault(s.key, s.name)
        return out

    def all_keys(self) -> set[str]:
        """Category and subcategory keys, plus ``overig``."""
        return set(self.names())


NATIONAL_TAXONOMY = Path(__file__).with_name("national_taxonomy.yaml")


def load_national_taxonomy() -> Taxonomy:
    """The national category set (``vocab/national_taxonomy.yaml``) every organisation maps onto."""
    return load_taxonomy(NATIONAL_TAXONOMY)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The taxonomy at ``path`` (default: ``load_config().taxonomy_path``)."""
    if path is None:
        from signalen_lib.config import load_config

        path = load_config().taxonomy_path
    p = Path(path).resolve()
    return _load_cached(str(p), p.stat().st_mtime_ns if p.exists() else 0)


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> Taxonomy:
    return Taxonomy.load(path)


# ---- the tree the labelling tool and the label checks use (categories + overig) -------------
@dataclass(frozen=True)
class TreeCategory:
    key: str
    name: str
    subcategories: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (key, name)


@dataclass(frozen=True)
class CategoryTree:
    categories: tuple[TreeCategory, ...]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.categories]

    def get(self, key: str) -> TreeCategory | None:
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

    @classmethod
    def from_taxonomy(cls, taxonomy: Taxonomy) -> "CategoryTree":
        cats = [TreeCategory(c.key, c.name, tuple((s.key, s.name) for s in c.subcategories))
                for c in taxonomy.categories]
        if not any(c.key == OVERIG for c in cats):
            cats.append(TreeCategory(OVERIG, "Overig", ()))
        return cls(tuple(cats))


def load_category_tree(path: str | Path) -> CategoryTree:
    """The taxonomy's categories (in file order) plus ``overig`` at the end."""
    return CategoryTree.from_taxonomy(load_taxonomy(path))


def tree_from_keys(keys) -> CategoryTree:
    """A flat tree (no subcategories) from label values, e.g. for data without a taxonomy."""
    return CategoryTree(tuple(TreeCategory(k, k, ()) for k in sorted(set(keys))))
