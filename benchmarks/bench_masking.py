"""Masking throughput: texts/second for ~200-character Dutch texts, with our masker and with
DEDUCE alone on the same texts in the same run; prints both, the ratio, and start-up times.

    .venv/bin/python benchmarks/bench_masking.py [--n 5000] [--deduce-n 2000] [--no-deduce]
    .venv/bin/python benchmarks/bench_masking.py --conll ../shared/data/real/conll2002_ned/ned.testa

Texts: generated here from fixed templates (citizen-style sentences with names from DEDUCE's lists
and Dutch phone numbers, e-mail addresses, postcodes, BSNs, ...: about half the texts carry
personal data), or with ``--synthetic DIR`` the texts of a `signalen demo-data` corpus cut to
~200 characters. DEDUCE builds its lookup cache once into ``<cache_dir>/deduce`` (never inside
site-packages); the first run therefore shows DEDUCE's full build time, later runs its cache load.
With ``--conll`` it also runs the CoNLL evaluation (per_recall, o_masked, per-type P/R/F1).

Long texts (issue 19): masking time of one text of 1k, 10k, 100k and 1M characters (the same
template sentences joined into one text; ``--long-sizes``, ``--no-long`` to skip). Long texts are
masked in overlapping windows, so the time should grow linearly with the length.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from signalen_lib.config import load_config  # noqa: E402

OPENERS = [
    "Ik heb {when} gebeld over {topic} en ben doorverbonden met {person}.",
    "{person} van de afdeling {dept} heeft mij {adv} geholpen met {topic}.",
    "Klant belt over {topic}, wil teruggebeld worden op {phone}.",
    "Al {n} weken wacht ik op een reactie over {topic}, dit is echt {adj}.",
    "Melding over {topic} bij {street} is nog steeds niet opgepakt.",
    "Mijn buurman {person} heeft ook geklaagd over {topic} in de wijk.",
    "Heel {adj} contact, de medewerker was {adv} en dacht mee over {topic}.",
    "Graag reactie per mail naar {email} over {topic}.",
]
FOLLOWERS = [
    " Mijn BSN is {bsn} en mijn postcode {pc}.",
    " Het zaaknummer is {case}.",
    " De auto met kenteken {plate} staat er al dagen.",
    " Het bedrag kan naar {iban}.",
    " Verder geen opmerkingen, bedankt.",
    " Ik hoop dat het nu snel wordt opgelost.",
    " De wachttijd aan de telefoon was veel te lang.",
    " Dank voor de snelle afhandeling!",
]
TOPICS = ["de container", "mijn parkeervergunning", "de aanslag afvalstoffenheffing", "een kapotte lantaarnpaal",
          "de uitkering", "het grofvuil", "de bijstand", "een paspoortaanvraag", "overlast van buren", "de stoep"]


def _names():
    from signalen_lib.privacy.lists import load_lexicon

    lex = load_lexicon()
    return sorted(n for n in lex.first_names if n.isalpha())[:5000], sorted(n for n in lex.surnames if n.isalpha())[:8000]


def make_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    firsts, surs = _names()

    def person():
        r = rng.random()
        s = rng.choice(surs)
        if r < 0.3:
            return f"{rng.choice(['mw.', 'dhr.', 'mevrouw', 'meneer'])} {s}"
        if r < 0.6:
            return f"{rng.choice(firsts)} {rng.choice(['', 'van ', 'de ', 'van der '])}{s}"
        return f"{rng.choice(firsts)[0]}. {s}"

    def digits(k):
        return "".join(str(rng.randint(0, 9)) for _ in range(k))

    out = []
    for _ in range(n):
        text = ""
        while len(text) < 170:
            tpl = rng.choice(OPENERS) if not text else rng.choice(FOLLOWERS)
            text += tpl.format(
                when=rng.choice(["gisteren", "vorige week", "maandag"]), topic=rng.choice(TOPICS), person=person(),
                dept=rng.choice(["Parkeren", "Belastingen", "Afval en Reiniging"]), adv=rng.choice(["vriendelijk", "snel", "slecht"]),
                phone=rng.choice([f"06-{digits(8)}", f"010 {digits(3)} {digits(2)} {digits(2)}"]), n=rng.randint(2, 9),
                adj=rng.choice(["slecht", "goed", "teleurstellend", "prettig"]), street=f"de {rng.choice(surs)}straat {rng.randint(1, 200)}",
                email=f"{rng.choice(firsts).lower()}.{rng.choice(surs).lower()}@gmail.com", bsn=digits(9),
                pc=f"30{rng.randint(11, 89)} {rng.choice('ABCDEGHJKLMN')}{rng.choice('ABCDEGHJKLMN')}",
                case=f"Z-2024-{digits(6)}", plate=f"{digits(2)}-{rng.choice(['GHJ', 'KLN', 'RST'])}-{digits(1)}",
                iban="NL91ABNA0417164300",
            )
        out.append(text[:230])
    return out


def synthetic_texts(root: Path, n: int) -> list[str]:
    from signalen_lib.privacy.evaluate import _read_synthetic_texts

    texts = [t for t in _read_synthetic_texts(root).values() if t]
    out = []
    for t in texts:
        out.append(t[:230])
        if len(out) >= n:
            break
    return out


def bench_ours(texts: list[str]) -> dict:
    from signalen_lib.privacy import Masker
    from signalen_lib.privacy.lists import load_lexicon

    load_lexicon.cache_clear()  # start-up includes reading DEDUCE's raw lists
    t0 = time.perf_counter()
    masker = Masker()
    startup = time.perf_counter() - t0
    masker.mask_many(texts[:200])  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    masked, findings = masker.mask_many(texts)
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    masker.mask_many(texts, n_jobs=2)
    sec2 = time.perf_counter() - t0
    return {"startup_s": round(startup, 2), "texts_per_second": round(len(texts) / sec, 1),
            "texts_per_cpu_second": round(len(texts) / cpu, 1), "texts_per_second_2_jobs": round(len(texts) / sec2, 1),
            "findings": sum(len(f) for f in findings), "masker": masker}


def bench_long(masker, sizes: list[int]) -> list[dict]:
    """Masking time of one long text per size (characters)."""
    base = " ".join(make_texts(max(1, max(sizes) // 200 + 10), seed=11))
    while len(base) < max(sizes):
        base = base + " " + base
    out = []
    for size in sizes:
        text = base[:size]
        t0, c0 = time.perf_counter(), time.process_time()
        res = masker.mask(text)
        sec, cpu = time.perf_counter() - t0, time.process_time() - c0
        out.append({"chars": size, "seconds": round(sec, 2), "cpu_seconds": round(cpu, 2),
                    "findings": len(res.findings), "chars_per_second": round(size / sec)})
    return out


def bench_deduce(texts: list[str], cache_dir: Path) -> dict:
    import deduce

    cache_dir.mkdir(parents=True, exist_ok=True)
    first = not any(cache_dir.iterdir())
    t0 = time.perf_counter()
    d = deduce.Deduce(cache_path=cache_dir)
    startup = time.perf_counter() - t0
    d.deidentify(texts[0])
    t0, c0 = time.perf_counter(), time.process_time()
    n_ann = 0
    for t in texts:
        n_ann += len(d.deidentify(t).annotations)
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"startup_s": round(startup, 2), "cache_built_now": first, "texts_per_second": round(len(texts) / sec, 1),
            "texts_per_cpu_second": round(len(texts) / cpu, 1), "findings": n_ann}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000, help="texts for our masker")
    ap.add_argument("--deduce-n", type=int, default=2000, help="texts (the first N of the same set) for DEDUCE")
    ap.add_argument("--no-deduce", action="store_true")
    ap.add_argument("--synthetic", type=Path, help="use texts of a demo-data corpus")
    ap.add_argument("--conll", type=Path, help="also run the CoNLL evaluation on this file")
    ap.add_argument("--long-sizes", default="1000,10000,100000,1000000", help="long-text sizes (characters)")
    ap.add_argument("--no-long", action="store_true", help="skip the long-text timings")
    args = ap.parse_args()
    settings = load_config()
    texts = synthetic_texts(args.synthetic, args.n) if args.synthetic else make_texts(args.n)
    avg = sum(map(len, texts)) / len(texts)
    print(f"texts: {len(texts)}, mean length {avg:.0f} characters, cpus: {os.cpu_count()}")
    ours = bench_ours(texts)
    print(f"signalen masker: start-up {ours['startup_s']} s, {ours['texts_per_second']} texts/s wall, "
          f"{ours['texts_per_cpu_second']} texts per CPU-second ({len(texts)} texts, one process), {ours['findings']} findings; "
          f"mask_many(n_jobs=2): {ours['texts_per_second_2_jobs']} texts/s wall")
    print(f"machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus "
          "(wall-clock figures are only meaningful on an otherwise idle machine)")
    if not args.no_long:
        for r in bench_long(ours["masker"], [int(x) for x in args.long_sizes.split(",") if x]):
            print(f"long text {r['chars']:>9,} characters: {r['seconds']:7.2f} s wall, {r['cpu_seconds']:7.2f} s CPU, "
                  f"{r['chars_per_second']:,} characters/s, {r['findings']} findings")
    if not args.no_deduce:
        sub = texts[: args.deduce_n]
        ours_sub = ours["masker"]
        t0, c0 = time.perf_counter(), time.process_time()
        ours_sub.mask_many(sub)
        ours_same = len(sub) / (time.perf_counter() - t0)
        ours_same_cpu = len(sub) / (time.process_time() - c0)
        ded = bench_deduce(sub, settings.cache_dir / "deduce")
        print(f"DEDUCE {__import__('deduce').__version__}: start-up {ded['startup_s']} s "
              f"({'built cache now' if ded['cache_built_now'] else 'from cache'} in {settings.cache_dir / 'deduce'}), "
              f"{ded['texts_per_second']} texts/s wall, {ded['texts_per_cpu_second']} texts per CPU-second "
              f"({len(sub)} texts), {ded['findings']} annotations")
        print(f"same {len(sub)} texts: signalen {ours_same:.1f} texts/s vs DEDUCE {ded['texts_per_second']} texts/s "
              f"(ratio {ours_same / ded['texts_per_second']:.1f}x); per CPU-second {ours_same_cpu:.1f} vs "
              f"{ded['texts_per_cpu_second']} (ratio {ours_same_cpu / ded['texts_per_cpu_second']:.1f}x)")
    if args.conll:
        from signalen_lib.privacy.evaluate import eval_conll

        print("conll signalen:", json.dumps(eval_conll(args.conll, ours["masker"])))
        if not args.no_deduce:
            print("conll DEDUCE:", json.dumps(deduce_conll(args.conll, settings.cache_dir / "deduce")))


def deduce_conll(path: Path, cache_dir: Path) -> dict:
    """The same token-level figures for DEDUCE alone (any DEDUCE annotation counts as masked;
    its person annotations count as PER)."""
    import deduce

    from signalen_lib.privacy.evaluate import read_conll

    d = deduce.Deduce(cache_path=cache_dir)
    sents = list(read_conll(path))
    per_cov = per_tot = o_m = o_tot = tp = pred = 0
    t0 = time.perf_counter()
    for s in sents:
        text = " ".join(t for t, _ in s)
        anns = [(a.start_char, a.end_char, a.tag) for a in d.deidentify(text).annotations]
        pos = 0
        for tok, gold in s:
            a, b = pos, pos + len(tok)
            pos = b + 1
            hit = [tag for (x, y, tag) in anns if x < b and a < y]
            is_per = any(("persoon" in tag or "patient" in tag) for tag in hit)
            if gold == "PER":
                per_tot += 1
                per_cov += bool(hit)
                tp += is_per
            elif gold == "O":
                o_tot += 1
                o_m += bool(hit)
            pred += is_per
    sec = time.perf_counter() - t0
    return {"per_recall": round(per_cov / per_tot, 4), "o_masked": round(o_m / o_tot, 5),
            "PER_precision": round(tp / pred, 4) if pred else 0.0, "PER_recall": round(tp / per_tot, 4),
            "texts_per_second": round(len(sents) / sec, 1)}


if __name__ == "__main__":
    main()
