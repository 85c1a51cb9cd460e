"""Measuring the masker.

- :func:`eval_conll`: person-name masking on a CoNLL-2002 file (``token POS IOB`` per line,
  ``-DOCSTART-`` lines, blank lines between sentences). Each sentence's text is its tokens joined
  with single spaces; findings (character spans) are mapped back onto tokens. ``per_recall`` is
  the share of gold PER tokens covered by any placeholder; ``o_masked`` the share of gold O tokens
  masked; token-level precision/recall/F1 per type compare PER with PERSOON, LOC with LOCATIE and
  ORG with ORGANISATIE findings (found, whether or not masked).
- :func:`eval_synthetic`: recall per entity type on the synthetic corpus's ground-truth spans
  (``ground_truth/pii_spans.jsonl``), separately for held-out names/streets.

Nothing here is trained: the CoNLL data (research use only) is read in place to measure.
"""
from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterator

from .masker import Masker, get_masker

_TYPE_OF = {"PERSOON": "PER", "LOCATIE": "LOC", "ORGANISATIE": "ORG"}


def read_conll(path: str | Path) -> Iterator[list[tuple[str, str]]]:
    """Sentences as lists of (token, entity class) with classes PER/LOC/ORG/MISC/O."""
    sent: list[tuple[str, str]] = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                if sent:
                    yield sent
                    sent = []
                continue
            if parts[0] == "-DOCSTART-":
                if sent:
                    yield sent
                    sent = []
                continue
            tag = parts[-1]
            sent.append((parts[0], "O" if tag == "O" else tag.split("-", 1)[-1]))
    if sent:
        yield sent


def eval_conll(path: str | Path, masker: Masker | None = None, limit: int | None = None,
               batch_size: int = 5000) -> dict:
    masker = masker or get_masker()
    sents = list(read_conll(path))
    if limit:
        sents = sents[:limit]
    texts, offsets = [], []
    for s in sents:
        pos, offs = 0, []
        for tok, _ in s:
            offs.append((pos, pos + len(tok)))
            pos += len(tok) + 1
        texts.append(" ".join(t for t, _ in s))
        offsets.append(offs)
    t0 = time.perf_counter()
    found = []
    for i in range(0, len(texts), batch_size):
        found.extend(masker.analyze_many(texts[i:i + batch_size]))
    seconds = time.perf_counter() - t0

    gold_n, pred_n, tp = Counter(), Counter(), Counter()
    per_cov = per_tot = o_masked = o_tot = 0
    for s, offs, fs in zip(sents, offsets, found):
        masked_spans = [(f.start, f.end) for f in fs if f.entity_type in masker.masked_types]
        typed = [(f.start, f.end, _TYPE_OF.get(f.entity_type)) for f in fs]
        for (tok, gold), (a, b) in zip(s, offs):
            is_masked = any(fs_ < b and a < fe for fs_, fe in masked_spans)
            pred = next((t for fs_, fe, t in typed if t and fs_ < b and a < fe), None)
            if gold == "PER":
                per_tot += 1
                per_cov += is_masked
            elif gold == "O":
                o_tot += 1
                o_masked += is_masked
            for T in ("PER", "LOC", "ORG"):
                gold_n[T] += gold == T
                pred_n[T] += pred == T
                tp[T] += gold == T and pred == T
    out = {
        "file": str(path),
        "sentences": len(sents),
        "per_tokens": per_tot,
        "o_tokens": o_tot,
        "per_recall": round(per_cov / per_tot, 4) if per_tot else None,
        "o_masked": round(o_masked / o_tot, 5) if o_tot else None,
    }
    for T in ("PER", "LOC", "ORG"):
        p = tp[T] / pred_n[T] if pred_n[T] else 0.0
        r = tp[T] / gold_n[T] if gold_n[T] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[T] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": gold_n[T]}
    out["texts_per_second"] = round(len(texts) / seconds, 1) if seconds else None
    return out


# ---- synthetic corpus -----------------------------------------------------------------

def _read_synthetic_texts(root: Path) -> dict[str, str]:
    """signal_id -> text for the four synthetic sources (files as written by `signalen demo-data`)."""
    import pandas as pd

    texts: dict[str, str] = {}
    p = root / "kto" / "kto_export.csv"
    if p.exists():
        df = pd.read_csv(p, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
        texts.update({f"kto:{i}": t for i, t in zip(df["Respondentnummer"], df["Toelichting"])})
    p = root / "klacht" / "klachten_export.xlsx"
    if p.exists():
        df = pd.read_excel(p, dtype=str, engine="openpyxl").fillna("")
        texts.update({f"klacht:{i}": t for i, t in zip(df["Zaaknummer"], df["Omschrijving"])})
    p = root / "terugbelnotitie" / "terugbelnotities.jsonl"
    if p.exists():
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    texts[f"terugbelnotitie:{rec['id']}"] = rec.get("notitie") or ""
    p = root / "interview" / "interviews.json"
    if p.exists():
        data = json.loads(p.read_text(encoding="utf-8"))
        recs = data if isinstance(data, list) else data.get("interviews", [])
        for rec in recs:
            texts[f"interview:{rec['interview_id']}"] = rec.get("notities") or ""
    return texts


def eval_synthetic(root: str | Path, masker: Masker | None = None, batch_size: int = 5000) -> dict:
    """Recall per ground-truth type (a span counts when every letter/digit in it is masked), overall
    and for held-out values; plus the share of non-PII characters masked."""
    root = Path(root)
    masker = masker or get_masker()
    gt_path = root / "ground_truth" / "pii_spans.jsonl"
    spans = [json.loads(ln) for ln in gt_path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    texts = _read_synthetic_texts(root)
    ids = sorted(texts)
    t0 = time.perf_counter()
    masked_findings: dict[str, list] = {}
    for i in range(0, len(ids), batch_size):
        chunk = ids[i:i + batch_size]
        _, fs = masker.mask_many([texts[s] for s in chunk])
        masked_findings.update(zip(chunk, fs))
    seconds = time.perf_counter() - t0
    hit, tot = Counter(), Counter()
    hit_h, tot_h = Counter(), Counter()
    misses: dict[str, list] = defaultdict(list)
    gold_chars: dict[str, set] = defaultdict(set)
    for sp in spans:
        sid = sp["signal_id"]
        text = texts.get(sid)
        if text is None:
            continue
        a, b = int(sp["start"]), int(sp["end"])
        gold_chars[sid].update(range(a, b))
        cov = set()
        for f in masked_findings.get(sid, []):
            cov.update(range(f.start, f.end))
        need = [k for k in range(a, b) if k < len(text) and text[k].isalnum()]
        ok = all(k in cov for k in need)
        typ = sp["type"]
        tot[typ] += 1
        hit[typ] += ok
        if sp.get("heldout"):
            tot_h[typ] += 1
            hit_h[typ] += ok
        if not ok and len(misses[typ]) < 10:
            misses[typ].append(text[max(0, a - 30):b + 15])
    over = chars = 0
    for sid in ids:
        text = texts[sid]
        cov = set()
        for f in masked_findings.get(sid, []):
            cov.update(range(f.start, f.end))
        g = gold_chars.get(sid, set())
        for k, ch in enumerate(text):
            if ch.isalnum() and k not in g:
                chars += 1
                over += k in cov
    return {
        "dir": str(root),
        "texts": len(ids),
        "spans": sum(tot.values()),
        "recall": {t: round(hit[t] / tot[t], 4) for t in sorted(tot)},
        "recall_heldout": {t: round(hit_h[t] / tot_h[t], 4) for t in sorted(tot_h)},
        "support": dict(sorted(tot.items())),
        "support_heldout": dict(sorted(tot_h.items())),
        "non_pii_chars_masked": round(over / chars, 5) if chars else None,
        "texts_per_second": round(len(ids) / seconds, 1) if seconds else None,
        "examples_missed": dict(misses),
    }
