"""Leak benchmark on short, hand-written citizen lines (issue 17): recall per class of personal
data, and how many ordinary words stay readable.

    .venv/bin/python benchmarks/bench_privacy_leaks.py [--lines FILE ...] [--show]

Three files of lines, written as citizens write (lower case, typos, no punctuation), independently
of the synthetic generator's lists: ``privacy_leak_lines.txt`` (written after the first rules and
used while developing them), ``privacy_leak_lines_heldout.txt`` (written after the rules; its
first run showed gaps that were then closed) and ``privacy_leak_lines_fresh.txt`` (written last;
its first-run figure is the honest one). Markup: ``{class:value}`` is
personal data, ``[word]`` an ordinary word that must stay. A value counts as masked when every
letter and digit of it is covered by a masked finding. Each line is masked on its own
(``Masker.mask``), as ``signalen mask-text`` would with one line per batch, and once more as one
batch (``mask_many``: the batch's casing evidence then plays along).
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LINES = [Path(__file__).with_name(f"privacy_leak_lines{s}.txt") for s in ("", "_heldout", "_fresh")]
_MARK = re.compile(r"\{(\w+):([^{}]+)\}|\[([^\[\]]+)\]")


def parse(path: Path) -> list[tuple[str, str, list[tuple[str, int, int]]]]:
    """(section, plain text, [(class or 'keep', start, end), ...]) per line."""
    out, section = [], ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("# ---"):
            section = raw[5:].strip()
            continue
        if not raw.strip() or raw.startswith("#"):
            continue
        text, spans, pos = [], [], 0
        for m in _MARK.finditer(raw):
            text.append(raw[pos:m.start()])
            start = sum(map(len, text))
            value = m.group(2) if m.group(1) else m.group(3)
            text.append(value)
            spans.append((m.group(1) or "keep", start, start + len(value)))
            pos = m.end()
        text.append(raw[pos:])
        out.append((section, "".join(text), spans))
    return out


def score(items, findings_per_line) -> dict:
    hit, tot, keep_ok, keep_tot = Counter(), Counter(), 0, 0
    leaks, over = [], []
    for (section, text, spans), findings in zip(items, findings_per_line):
        cov = set()
        for f in findings:
            cov.update(range(f.start, f.end))
        for cls, a, b in spans:
            need = [k for k in range(a, b) if text[k].isalnum()]
            if cls == "keep":
                keep_tot += 1
                ok = not any(k in cov for k in need)
                keep_ok += ok
                if not ok:
                    over.append((text[a:b], text))
            else:
                tot[cls] += 1
                ok = all(k in cov for k in need)
                hit[cls] += ok
                if not ok:
                    leaks.append((cls, text[a:b], text))
    return {"recall": {c: (hit[c], tot[c]) for c in sorted(tot)}, "kept": (keep_ok, keep_tot),
            "leaks": leaks, "over": over}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=Path, nargs="+", default=LINES)
    ap.add_argument("--show", action="store_true", help="print each masked line")
    args = ap.parse_args()
    from signalen_lib.privacy import get_masker

    masker = get_masker()
    for path in args.lines:
        print(f"== {path.name}")
        run(masker, parse(path), args.show)


def run(masker, items, show: bool) -> None:
    texts = [t for _, t, _ in items]
    single = [masker.mask(t).findings for t in texts]
    _, batch = masker.mask_many(texts)
    print(f"{len(items)} lines, {sum(1 for *_, s in items for c, *_ in s if c != 'keep')} personal-data values, "
          f"{sum(1 for *_, s in items for c, *_ in s if c == 'keep')} ordinary words that must stay")
    for label, fs in (("one line at a time", single), ("one batch", batch)):
        res = score(items, fs)
        h = sum(a for a, _ in res["recall"].values())
        n = sum(b for _, b in res["recall"].values())
        print(f"\n{label}: recall {h}/{n} = {h / n:.3f}; ordinary words kept {res['kept'][0]}/{res['kept'][1]}")
        for cls, (a, b) in res["recall"].items():
            print(f"  {cls:14s} {a:3d}/{b:<3d} {a / b:.2f}")
        for cls, value, text in res["leaks"]:
            print(f"  LEAK {cls}: {value!r} in {text!r}")
        for word, text in res["over"]:
            print(f"  OVER-MASKED: {word!r} in {text!r}")
    if show:
        for t in texts:
            print(masker.mask(t).text)


if __name__ == "__main__":
    main()
