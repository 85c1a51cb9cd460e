"""Labels: saving (one text at a time, immediately), loading, CSV import and export.

A label is what one person said about one text: up to three categories (rank 1 is the main one,
each optionally with a subcategory), a perception (compliment / neutraal / klacht) and an
"unsure" flag. Saving a text again replaces that labeller's earlier label of it.

Every label has a ``purpose``: ``validation`` (the random, stratified validation sample; its
metrics stay unbiased) or ``training`` (texts the workbench proposed by active choice, see
``signalen_lib.categories.active``). The category model learns from training labels only;
validation measures on validation labels only.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from ..schema import PERCEPTIONS
from signalen_lib.vocab.taxonomy import CategoryTree

LABEL_COLUMNS = ["signal_id", "labeller", "category", "subcategory", "rank", "perception", "unsure", "labelled_at", "purpose"]
PURPOSES = ("validation", "training")
CSV_COLUMNS = ["signal_id", "category", "subcategory", "perception", "labeller"]
MAX_CATEGORIES = 3


class LabelError(ValueError):
    """A label or a labels file is wrong; the message names file, line and field where known."""


@dataclass(frozen=True)
class Label:
    signal_id: str
    labeller: str
    categories: tuple[tuple[str, str | None], ...]  # ((category, subcategory|None), ...) rank order
    perception: str | None = None
    unsure: bool = False
    purpose: str = "validation"

    def rows(self, when: datetime | None = None) -> pd.DataFrame:
        when = when or datetime.now().replace(microsecond=0)
        return pd.DataFrame(
            {
                "signal_id": [self.signal_id] * len(self.categories),
                "labeller": [self.labeller] * len(self.categories),
                "category": [c for c, _ in self.categories],
                "subcategory": pd.Series([s for _, s in self.categories], dtype=object),
                "rank": list(range(1, len(self.categories) + 1)),
                "perception": pd.Series([self.perception] * len(self.categories), dtype=object),
                "unsure": [bool(self.unsure)] * len(self.categories),
                "labelled_at": pd.to_datetime([when] * len(self.categories)),
                "purpose": [self.purpose] * len(self.categories),
            }
        )


def check_label(label: Label, tree: CategoryTree | None = None) -> None:
    if not label.labeller or not str(label.labeller).strip():
        raise LabelError("labeller: empty")
    if not label.categories:
        raise LabelError(f"{label.signal_id}: at least one category is needed")
    if len(label.categories) > MAX_CATEGORIES:
        raise LabelError(f"{label.signal_id}: at most {MAX_CATEGORIES} categories per text")
    if len({c for c, _ in label.categories}) != len(label.categories):
        raise LabelError(f"{label.signal_id}: a category appears twice")
    if label.purpose not in PURPOSES:
        raise LabelError(f"purpose: {label.purpose!r} is not one of {', '.join(PURPOSES)}")
    if label.perception is not None and label.perception not in PERCEPTIONS:
        raise LabelError(f"perception: {label.perception!r} is not one of {', '.join(PERCEPTIONS)}")
    if tree is not None:
        for cat, sub in label.categories:
            if tree.get(cat) is None:
                raise LabelError(f"category: unknown category {cat!r}")
            if sub and sub not in tree.subkeys(cat):
                raise LabelError(f"subcategory: {sub!r} is not a subcategory of {cat!r}")


def save_label(db, label: Label, tree: CategoryTree | None = None, *, when: datetime | None = None) -> None:
    """Store one label now (replacing this labeller's earlier label of the same text)."""
    check_label(label, tree)
    with db.transaction():
        db.execute("DELETE FROM labels WHERE signal_id = ? AND labeller = ?", [label.signal_id, label.labeller])
        db.insert_df("labels", label.rows(when))


def delete_label(db, signal_id: str, labeller: str) -> None:
    db.execute("DELETE FROM labels WHERE signal_id = ? AND labeller = ?", [signal_id, labeller])


def load_labels(db, *, labeller: str | None = None, signal_ids: Sequence[str] | None = None,
                purpose: str | None = None) -> pd.DataFrame:
    """All label rows (optionally of one labeller / some signals / one purpose), ordered."""
    sql = f"SELECT {', '.join(LABEL_COLUMNS)} FROM labels"
    where, params = [], []
    if purpose is not None:
        if purpose not in PURPOSES:
            raise LabelError(f"purpose: {purpose!r} is not one of {', '.join(PURPOSES)}")
        where.append("coalesce(purpose, 'validation') = ?")
        params.append(purpose)
    if labeller is not None:
        where.append("labeller = ?")
        params.append(labeller)
    if signal_ids is not None:
        ids = list(signal_ids)
        if not ids:
            return pd.DataFrame(columns=LABEL_COLUMNS)
        where.append(f"signal_id IN ({', '.join('?' * len(ids))})")
        params.extend(ids)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY signal_id, labeller, rank"
    return db.query_df(sql, params)


def main_labels(labels: pd.DataFrame, *, labeller: str | None = None, include_unsure: bool = True) -> pd.DataFrame:
    """One row per signal: the rank-1 category (and subcategory, perception).

    Where several people labelled a text, the most common main category wins (ties: the
    alphabetically first labeller's choice), so metrics use one gold label per text.
    """
    df = labels
    if labeller is not None:
        df = df[df["labeller"] == labeller]
    if not include_unsure and "unsure" in df:
        df = df[~df["unsure"].fillna(False).astype(bool)]
    df = df[df["rank"] == 1] if "rank" in df else df
    if df.empty:
        return pd.DataFrame(columns=["signal_id", "category", "subcategory", "perception", "n_labellers"])
    df = df.sort_values(["signal_id", "labeller"])
    counts = df.groupby(["signal_id", "category"], sort=False).size().rename("votes").reset_index()
    df = df.merge(counts, on=["signal_id", "category"])
    df = df.sort_values(["signal_id", "votes", "labeller"], ascending=[True, False, True], kind="stable")
    n = df.groupby("signal_id").size().rename("n_labellers")
    out = df.drop_duplicates("signal_id", keep="first").set_index("signal_id")
    out = out[["category", "subcategory", "perception"]].join(n).reset_index()
    return out


# ---- CSV -------------------------------------------------------------------------------
def read_labels_csv(
    path: str | Path,
    *,
    tree: CategoryTree | None = None,
    known_ids: Iterable[str] | None = None,
    default_labeller: str = "import",
    purpose: str = "validation",
) -> pd.DataFrame:
    """Read a labels CSV (``signal_id, category`` and optional ``subcategory, perception,
    labeller, rank, unsure, purpose``; ``purpose`` defaults to ``purpose``) into label rows. Several rows for the same signal and labeller become
    ranks 1, 2, 3 in file order. Raises :class:`LabelError` naming file, line and field for an
    unknown id, an unknown category, a bad perception or a missing column."""
    path = Path(path)
    if not path.exists():
        raise LabelError(f"{path}: file does not exist")
    known = set(known_ids) if known_ids is not None else None
    if purpose not in PURPOSES:
        raise LabelError(f"purpose: {purpose!r} is not one of {', '.join(PURPOSES)}")
    rows = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        id_col = "signal_id" if "signal_id" in header else ("id" if "id" in header else None)
        for need, present in (("signal_id", id_col), ("category", "category" in header or None)):
            if not present:
                raise LabelError(f"{path}, line 1, field '{need}': column missing (header: {', '.join(header)})")
        for rec in reader:
            line = reader.line_num

            def bad(field: str, msg: str):
                return LabelError(f"{path}, line {line}, field '{field}': {msg}")

            sid = (rec.get(id_col) or "").strip()
            if not sid:
                raise bad(id_col, "empty id")
            if known is not None and sid not in known:
                raise bad(id_col, f"unknown signal id {sid!r}")
            cat = (rec.get("category") or "").strip()
            if not cat:
                raise bad("category", "empty category")
            if tree is not None and tree.get(cat) is None:
                raise bad("category", f"unknown category {cat!r} (known: {', '.join(tree.keys)})")
            sub = (rec.get("subcategory") or "").strip() or None
            if sub and tree is not None and sub not in tree.subkeys(cat):
                raise bad("subcategory", f"{sub!r} is not a subcategory of {cat!r}")
            per = (rec.get("perception") or "").strip() or None
            if per is not None and per not in PERCEPTIONS:
                raise bad("perception", f"{per!r} is not one of {', '.join(PERCEPTIONS)}")
            lab = (rec.get("labeller") or "").strip() or default_labeller
            unsure = (rec.get("unsure") or "").strip().lower() in ("1", "true", "ja", "yes", "t")
            pur = (rec.get("purpose") or "").strip() or purpose
            if pur not in PURPOSES:
                raise bad("purpose", f"{pur!r} is not one of {', '.join(PURPOSES)}")
            rows.append((sid, lab, cat, sub, per, unsure, pur, line))
    df = pd.DataFrame(rows, columns=["signal_id", "labeller", "category", "subcategory", "perception", "unsure", "purpose", "line"])
    if df.empty:
        return pd.DataFrame(columns=LABEL_COLUMNS)
    df["rank"] = df.groupby(["signal_id", "labeller"]).cumcount() + 1
    over = df[df["rank"] > MAX_CATEGORIES]
    if len(over):
        r = over.iloc[0]
        raise LabelError(f"{path}, line {r['line']}, field 'category': more than {MAX_CATEGORIES} categories for {r['signal_id']}")
    dup = df.duplicated(["signal_id", "labeller", "category"])
    if dup.any():
        r = df[dup].iloc[0]
        raise LabelError(f"{path}, line {r['line']}, field 'category': {r['category']!r} given twice for {r['signal_id']}")
    df["labelled_at"] = pd.Timestamp(datetime.now().replace(microsecond=0))
    df["subcategory"] = df["subcategory"].astype(object)
    df["perception"] = df["perception"].astype(object)
    return df[LABEL_COLUMNS]


def import_labels_csv(db, path: str | Path, *, tree: CategoryTree | None = None, default_labeller: str = "import",
                      purpose: str = "validation") -> int:
    """Check a labels CSV against the signals in the store and the taxonomy, then store it
    (replacing the same labellers' earlier labels of those texts) with ``purpose``. Returns the
    texts imported."""
    known = {r[0] for r in db.execute("SELECT signal_id FROM signals")}
    df = read_labels_csv(path, tree=tree, known_ids=known, default_labeller=default_labeller, purpose=purpose)
    if df.empty:
        return 0
    pairs = df[["signal_id", "labeller"]].drop_duplicates()
    with db.transaction():
        db.executemany("DELETE FROM labels WHERE signal_id = ? AND labeller = ?", pairs.values.tolist())
        db.insert_df("labels", df)
    return len(pairs)


def export_labels_csv(db, path: str | Path, *, labeller: str | None = None) -> int:
    """Write the stored labels as CSV (one row per category; import reads it back). Returns rows."""
    df = load_labels(db, labeller=labeller)
    out = df[["signal_id", "category", "subcategory", "perception", "labeller", "rank", "unsure", "purpose"]].copy()
    out["unsure"] = out["unsure"].fillna(False).astype(bool).map({True: "true", False: "false"})
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False)
    return len(out)
