"""Staff shape the categories: merge topics into a category, split a category, move a seed word.

The package's (or the organisation's own) taxonomy file stays as it is. Staff's changes are an
explicit, ordered, audited list of edits in the shared zone's ``category_edits`` table (who, when,
what), applied in order on top of that file by :func:`apply_edits`. Every part that fits or
measures with the taxonomy asks :func:`effective_taxonomy` for it, so a retrain (``signalen topics
fit``) seeds its topics from the shaped taxonomy and the next validation measures the shaped
categories. An edit is never deleted: ``undo`` appends a row that switches an earlier edit off.

The three edits:

* **merge** topics into one category: each topic is a seed group of the taxonomy (a subcategory,
  or a whole category) or a free topic of the current model (its top words become seed words, so
  a retrain seeds a topic for it). Their seed words join in one seed group of the target category
  (new, or existing; optionally as a named subcategory); the groups they came from disappear.
  Hand labels of a merged category or subcategory count for the target (:func:`translate_labels`).
* **split** a category without subcategories into two (or more) named subcategories, each with its
  own seed words, or split a subcategory into two. The topic model then fits a topic for each.
* **move-word**: a seed word leaves one category or subcategory for another; the topic model's
  seeding and the category model's seed priors (``seed_words_from_taxonomy``) follow it.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Sequence

import pandas as pd

from signalen_lib.config import ConfigError
from signalen_lib.vocab.taxonomy import OVERIG, Taxonomy, TaxonomyError, check_taxonomy_dict, load_taxonomy

ACTIONS = ("merge", "split", "move_word", "undo")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class CategoryEditError(ConfigError):
    """An edit that cannot be applied; the message (Dutch: staff see it) says why."""


@dataclass(frozen=True)
class CategoryEdit:
    """One row of ``category_edits``."""

    edit_id: int
    created_at: datetime  # UTC
    author: str
    action: str
    payload: dict
    target_edit: int | None = None

    def describe(self) -> str:
        """One Dutch line for staff: what this edit does."""
        p = self.payload
        if self.action == "merge":
            src = ", ".join(t.get("label") or t["ref"] for t in p["topics"])
            into = p.get("name") or p["category"]
            sub = f" (subcategorie {p.get('subcategory_name') or p['subcategory']})" if p.get("subcategory") else ""
            return f"samengevoegd: {src} → {into}{sub}"
        if self.action == "split":
            parts = " en ".join(f"{x['name']} ({', '.join(x['seeds'])})" for x in p["parts"])
            return f"gesplitst: {p['key']} → {parts}"
        if self.action == "move_word":
            return f"zaadwoord '{p['word']}' verplaatst: {p['from']} → {p['to']}"
        if self.action == "undo":
            return f"ongedaan gemaakt: wijziging {self.target_edit}"
        return self.action


@dataclass
class ShapedTaxonomy:
    """The taxonomy after the edits, with how old keys map to new ones and what could not be applied."""

    taxonomy: Taxonomy
    category_map: dict[str, str] = field(default_factory=dict)  # merged-away category -> its new category
    subcategory_map: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # old sub -> (category, sub)
    problems: list[str] = field(default_factory=list)  # edits that no longer fit the base taxonomy
    applied: list[int] = field(default_factory=list)  # edit ids applied


# ---- applying edits (pure functions of the taxonomy) ------------------------------------------
def _find(data: dict, key: str) -> tuple[dict | None, dict | None]:
    """(category, subcategory or None) holding ``key``; (None, None) when no such key."""
    for c in data["categories"]:
        if c["key"] == key:
            return c, None
        for s in c.get("subcategories") or []:
            if s["key"] == key:
                return c, s
    return None, None


def _words(seq: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(str(w).strip().lower() for w in seq if str(w).strip()))


def _apply_merge(data: dict, p: dict, shaped: ShapedTaxonomy) -> None:
    seeds: list[str] = []
    moved_subs: list[str] = []
    moved_cats: list[str] = []
    target = p["category"]
    for t in p["topics"]:
        if t.get("group"):
            cat, sub = _find(data, t["group"])
            if cat is None:
                raise CategoryEditError(f"'{t['group']}' staat niet (meer) in de taxonomie")
            if sub is not None:
                seeds += sub.get("seeds") or []
                cat["subcategories"] = [s for s in cat["subcategories"] if s is not sub]
                moved_subs.append(sub["key"])
                if not cat["subcategories"] and not cat.get("seeds") and cat["key"] != target:
                    data["categories"].remove(cat)  # nothing left to seed it
                    moved_cats.append(cat["key"])
            else:
                if cat["key"] == target:
                    continue  # merging a category into itself: it stays, the others join it
                seeds += (cat.get("seeds") or []) + [w for s in cat.get("subcategories") or [] for w in s.get("seeds") or []]
                moved_subs += [s["key"] for s in cat.get("subcategories") or []]
                data["categories"].remove(cat)
                moved_cats.append(cat["key"])
        else:  # a free topic: its top words
            seeds += t.get("words") or []
    seeds = _words(seeds)
    cat, sub = _find(data, target)
    if sub is not None:
        raise CategoryEditError(f"'{target}' is een subcategorie; voeg samen in een categorie")
    if cat is None:
        cat = {"key": target, "name": p.get("name") or target, "seeds": [], "subcategories": []}
        data["categories"].append(cat)
    subkey = p.get("subcategory")
    if subkey:
        _, other = _find(data, subkey)
        existing = next((s for s in cat.get("subcategories") or [] if s["key"] == subkey), None)
        if other is not None and existing is None:
            raise CategoryEditError(f"subcategorie '{subkey}' bestaat al elders in de taxonomie")
        if existing is None:
            existing = {"key": subkey, "name": p.get("subcategory_name") or subkey, "seeds": []}
            cat.setdefault("subcategories", []).append(existing)
        existing["seeds"] = _words((existing.get("seeds") or []) + seeds)
        if not cat.get("seeds"):
            cat["seeds"] = list(existing["seeds"])
    elif cat.get("subcategories"):
        raise CategoryEditError(f"categorie '{target}' heeft subcategorieën: kies de subcategorie om in samen te voegen")
    else:
        cat["seeds"] = _words((cat.get("seeds") or []) + seeds)
    for k in moved_cats:
        shaped.category_map[k] = target
    for s in moved_subs:
        shaped.subcategory_map[s] = (target, subkey or None)


def _apply_split(data: dict, p: dict, shaped: ShapedTaxonomy) -> None:
    cat, sub = _find(data, p["key"])
    if cat is None:
        raise CategoryEditError(f"'{p['key']}' staat niet (meer) in de taxonomie")
    parts = [{"key": x["key"], "name": x["name"], "seeds": _words(x["seeds"])} for x in p["parts"]]
    for x in parts:
        if _find(data, x["key"])[0] is not None:
            raise CategoryEditError(f"de sleutel '{x['key']}' bestaat al in de taxonomie")
    if sub is None:
        if cat.get("subcategories"):
            raise CategoryEditError(f"categorie '{cat['key']}' heeft al subcategorieën: splits een van die subcategorieën")
        cat["subcategories"] = parts
    else:
        i = cat["subcategories"].index(sub)
        cat["subcategories"][i:i + 1] = parts
        shaped.subcategory_map[sub["key"]] = (cat["key"], None)


def _apply_move_word(data: dict, p: dict, shaped: ShapedTaxonomy) -> None:
    word = p["word"]
    src_cat, src_sub = _find(data, p["from"])
    dst_cat, dst_sub = _find(data, p["to"])
    if src_cat is None:
        raise CategoryEditError(f"'{p['from']}' staat niet (meer) in de taxonomie")
    if dst_cat is None:
        raise CategoryEditError(f"'{p['to']}' staat niet (meer) in de taxonomie")
    src = src_sub if src_sub is not None else src_cat
    dst = dst_sub if dst_sub is not None else dst_cat
    if word not in (src.get("seeds") or []):
        raise CategoryEditError(f"'{word}' is geen zaadwoord van '{p['from']}'")
    src["seeds"] = [w for w in src["seeds"] if w != word]
    if src_sub is None:  # from a category: also from its subcategories, else the word stays with it
        for s in src_cat.get("subcategories") or []:
            s["seeds"] = [w for w in s.get("seeds") or [] if w != word]
    dst["seeds"] = _words((dst.get("seeds") or []) + [word])
    if src_sub is not None and not src_sub["seeds"]:
        raise CategoryEditError(f"'{p['from']}' zou geen zaadwoorden meer hebben")
    if src_sub is None and not src_cat["seeds"] and not src_cat.get("subcategories"):
        raise CategoryEditError(f"'{p['from']}' zou geen zaadwoorden meer hebben")


_APPLY = {"merge": _apply_merge, "split": _apply_split, "move_word": _apply_move_word}


def active_edits(edits: Sequence[CategoryEdit]) -> list[CategoryEdit]:
    """The edits in force, in order: every merge / split / move-word that no undo switched off."""
    undone = {e.target_edit for e in edits if e.action == "undo"}
    return [e for e in sorted(edits, key=lambda e: e.edit_id) if e.action != "undo" and e.edit_id not in undone]


def apply_edits(taxonomy: Taxonomy, edits: Sequence[CategoryEdit], *, strict: bool = False) -> ShapedTaxonomy:
    """``taxonomy`` with the active ``edits`` applied in order. An edit that no longer fits (e.g.
    the organisation changed its taxonomy file since) is skipped and listed in ``problems``;
    with ``strict`` it raises :class:`CategoryEditError` instead."""
    data = copy.deepcopy(taxonomy.to_dict())
    shaped = ShapedTaxonomy(taxonomy)
    for e in active_edits(edits):
        trial = copy.deepcopy(data)
        try:
            _APPLY[e.action](trial, e.payload, shaped)
            check_taxonomy_dict(trial, source="gewijzigde taxonomie")
        except (CategoryEditError, TaxonomyError, KeyError) as exc:
            if strict:
                raise CategoryEditError(str(exc)) from None
            shaped.problems.append(f"wijziging {e.edit_id} ({e.describe()}) overgeslagen: {exc}")
            continue
        data = trial
        shaped.applied.append(e.edit_id)
    # a chain of merges (a -> b, later b -> c): a ends in c
    for k in list(shaped.category_map):
        seen = {k}
        while shaped.category_map[k] in shaped.category_map and shaped.category_map[k] not in seen:
            seen.add(shaped.category_map[k])
            shaped.category_map[k] = shaped.category_map[shaped.category_map[k]]
    shaped.taxonomy = Taxonomy.from_dict(data)
    return shaped


def translate_labels(labels: pd.DataFrame, shaped: ShapedTaxonomy) -> pd.DataFrame:
    """Hand labels (columns category, subcategory) in the shaped taxonomy's keys: a label of a
    merged category or subcategory counts for the category it was merged into."""
    if labels is None or labels.empty or not (shaped.category_map or shaped.subcategory_map):
        return labels
    out = labels.copy()
    cats = out["category"].astype(object).to_numpy()
    subs = out["subcategory"].astype(object).to_numpy() if "subcategory" in out else [None] * len(out)
    new_c, new_s = [], []
    for c, s in zip(cats, subs):
        s = None if s is None or (isinstance(s, float) and pd.isna(s)) else s
        if s is not None and s in shaped.subcategory_map:
            c, s = shaped.subcategory_map[s]
        elif c in shaped.category_map:
            c, s = shaped.category_map[c], None
        new_c.append(c)
        new_s.append(s)
    out["category"] = new_c
    if "subcategory" in out:
        out["subcategory"] = pd.Series(new_s, index=out.index, dtype=object)
    return out


# ---- the store -------------------------------------------------------------------------------
def list_edits(db) -> list[CategoryEdit]:
    """Every row of ``category_edits`` (undo rows included), in order."""
    if not db.table_exists("category_edits"):
        return []
    df = db.query_df("SELECT edit_id, created_at, author, action, payload, target_edit FROM category_edits ORDER BY edit_id")
    return [CategoryEdit(int(r.edit_id), pd.Timestamp(r.created_at).to_pydatetime(), str(r.author), str(r.action),
                         json.loads(r.payload) if r.payload else {},
                         None if pd.isna(r.target_edit) else int(r.target_edit)) for r in df.itertuples()]


def base_taxonomy(settings) -> Taxonomy:
    """The taxonomy file (the package's, or the organisation's own ``taxonomy_file``)."""
    return load_taxonomy(settings.taxonomy_path)


def shaped_taxonomy(db, settings) -> ShapedTaxonomy:
    """The settings' taxonomy with staff's edits from ``db`` (the shared zone) applied."""
    return apply_edits(base_taxonomy(settings), list_edits(db))


def display_names(db, settings) -> tuple[dict[str, str], dict[str, str]]:
    """({category key: Dutch name}, {subcategory key: Dutch name}) of the shaped taxonomy (so a
    category made by a merge or split shows its name, not its key), with the file's names for keys
    that edits retired (rows stored before the edit still carry them); ``overig`` included."""
    base, shaped = base_taxonomy(settings), shaped_taxonomy(db, settings).taxonomy
    cats: dict[str, str] = {OVERIG: "Overig"}
    subs: dict[str, str] = {OVERIG: "Overig"}
    for tax in (shaped, base):
        for c in tax.categories:
            cats.setdefault(c.key, c.name)
            for sc in c.subcategories:
                subs.setdefault(sc.key, sc.name)
    return cats, subs


def effective_taxonomy(store, settings) -> Taxonomy:
    """The taxonomy every fit and validation uses: the file plus staff's edits in the store."""
    return shaped_taxonomy(store.shared, settings).taxonomy


def _insert(db, settings, author: str, action: str, payload: dict, target_edit: int | None = None) -> CategoryEdit:
    author = (author or "").strip()
    if not author:
        raise CategoryEditError("vul uw naam in: elke wijziging wordt met naam vastgelegd")
    edits = list_edits(db)
    edit = CategoryEdit(max((e.edit_id for e in edits), default=0) + 1, datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None),
                        author, action, payload, target_edit)
    if action != "undo":  # it must apply on top of what is in force now
        apply_edits(base_taxonomy(settings), [*edits, edit], strict=True)
    db.insert_df("category_edits", pd.DataFrame([{
        "edit_id": edit.edit_id, "created_at": pd.Timestamp(edit.created_at), "author": author, "action": action,
        "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True), "target_edit": target_edit,
    }]))
    return edit


def _check_key(key: str, what: str) -> str:
    key = (key or "").strip()
    if not _KEY.match(key) or key == OVERIG:
        raise CategoryEditError(f"{what} '{key}' is geen geldige sleutel: kleine letters, cijfers en '_' (niet 'overig')")
    return key


def _topic_ref(db, taxonomy: Taxonomy, ref: str) -> dict:
    """A topic to merge: a taxonomy key (a seed group), or a stable topic id of the current model."""
    ref = str(ref).strip()
    if ref in taxonomy.all_keys() and ref != OVERIG:
        return {"ref": ref, "group": ref, "label": taxonomy.names().get(ref, ref)}
    from signalen_lib.vocab.models import current_topic_model

    version = current_topic_model(db) if db.table_exists("topic_models") else None
    row = db.query_df("SELECT stable_id, name, category, subcategory, top_words, seeded FROM topics "
                      "WHERE model_version = ? AND stable_id = ?", [version, ref]) if version else pd.DataFrame()
    if row.empty:
        raise CategoryEditError(f"'{ref}' is geen onderwerp van het huidige model en geen categorie of subcategorie")
    r = row.iloc[0]
    group = r["subcategory"] if bool(r["seeded"]) and isinstance(r["subcategory"], str) else (
        r["category"] if bool(r["seeded"]) else None)
    if group is not None and group in taxonomy.all_keys():
        return {"ref": ref, "group": group, "label": f"{ref} {r['name']}"}
    words = [w for w in str(r["top_words"] or "").split() if len(w) >= 3][:6]
    if not words:
        raise CategoryEditError(f"onderwerp '{ref}' heeft geen woorden om als zaadwoorden te gebruiken")
    return {"ref": ref, "group": None, "words": words, "label": f"{ref} {r['name']}"}


def merge_topics(db, settings, topics: Sequence[str], category: str, *, author: str, name: str | None = None,
                 subcategory: str | None = None, subcategory_name: str | None = None) -> CategoryEdit:
    """Merge ``topics`` (taxonomy keys or stable topic ids of the current model) into ``category``
    (an existing key, or a new one named ``name``), optionally as its subcategory ``subcategory``."""
    if len(list(topics)) < 2 and not subcategory:
        raise CategoryEditError("kies minstens twee onderwerpen om samen te voegen")
    category = _check_key(category, "categorie")
    taxonomy = shaped_taxonomy(db, settings).taxonomy
    if category not in taxonomy.keys and not (name or "").strip():
        raise CategoryEditError(f"'{category}' is een nieuwe categorie: geef haar een naam")
    payload = {"topics": [_topic_ref(db, taxonomy, t) for t in topics], "category": category,
               "name": (name or "").strip() or None}
    if subcategory:
        payload["subcategory"] = _check_key(subcategory, "subcategorie")
        payload["subcategory_name"] = (subcategory_name or "").strip() or None
    return _insert(db, settings, author, "merge", payload)


def split_category(db, settings, key: str, parts: Sequence[dict], *, author: str) -> CategoryEdit:
    """Split category (or subcategory) ``key`` into ``parts``: two or more ``{key, name, seeds}``."""
    if len(parts) < 2:
        raise CategoryEditError("splits in minstens twee subcategorieën")
    clean = []
    for i, x in enumerate(parts, start=1):
        k = _check_key(x.get("key", ""), f"subcategorie {i}")
        nm = (x.get("name") or "").strip()
        seeds = _words(re.split(r"[,\s]+", x["seeds"]) if isinstance(x.get("seeds"), str) else x.get("seeds") or [])
        if not nm:
            raise CategoryEditError(f"subcategorie {i} ('{k}') heeft geen naam")
        if not seeds:
            raise CategoryEditError(f"subcategorie {i} ('{k}') heeft geen zaadwoorden")
        clean.append({"key": k, "name": nm, "seeds": seeds})
    if len({x["key"] for x in clean}) < len(clean):
        raise CategoryEditError("de subcategorieën hebben dezelfde sleutel")
    return _insert(db, settings, author, "split", {"key": key, "parts": clean})


def move_seed_word(db, settings, word: str, source: str, target: str, *, author: str) -> CategoryEdit:
    """Move seed word ``word`` from category/subcategory ``source`` to ``target``."""
    word = (word or "").strip().lower()
    if not word:
        raise CategoryEditError("geen zaadwoord opgegeven")
    if source == target:
        raise CategoryEditError("van en naar zijn dezelfde categorie")
    return _insert(db, settings, author, "move_word", {"word": word, "from": source, "to": target})


def undo_edit(db, settings, edit_id: int | None = None, *, author: str) -> CategoryEdit:
    """Switch off edit ``edit_id`` (default: the last one in force), recorded as an undo row."""
    active = active_edits(list_edits(db))
    if not active:
        raise CategoryEditError("er is geen wijziging om ongedaan te maken")
    if edit_id is None:
        edit_id = active[-1].edit_id
    if edit_id not in {e.edit_id for e in active}:
        raise CategoryEditError(f"wijziging {edit_id} is niet van kracht (al ongedaan gemaakt, of bestaat niet)")
    return _insert(db, settings, author, "undo", {}, target_edit=int(edit_id))


def edits_frame(db) -> pd.DataFrame:
    """The audit list for staff (Dutch columns): nr, wanneer, wie, wijziging, van kracht."""
    from signalen_lib.vocab.fmt import fmt_datetime

    edits = list_edits(db)
    active = {e.edit_id for e in active_edits(edits)}
    return pd.DataFrame([{"nr": e.edit_id, "wanneer": fmt_datetime(e.created_at), "wie": e.author,
                          "wijziging": e.describe(), "van kracht": "ja" if e.edit_id in active or e.action == "undo" else "nee"}
                         for e in edits], columns=["nr", "wanneer", "wie", "wijziging", "van kracht"])


def categories_frame(taxonomy: Taxonomy) -> pd.DataFrame:
    """The shaped categories for staff: categorie, subcategorie, zaadwoorden (Dutch columns)."""
    rows = []
    for c in taxonomy.categories:
        rows.append({"sleutel": c.key, "categorie": c.name, "subcategorie": "", "zaadwoorden": ", ".join(c.seeds)})
        for s in c.subcategories:
            rows.append({"sleutel": s.key, "categorie": c.name, "subcategorie": s.name, "zaadwoorden": ", ".join(s.seeds)})
    return pd.DataFrame(rows, columns=["sleutel", "categorie", "subcategorie", "zaadwoorden"])
