"""A tiny template grammar: alternatives, optional parts, rule references and PII slots.

Syntax of a template string:

- ``{a|b|c}``  one of the alternatives (they may nest);
- ``[x]``      x or nothing (50 %);
- ``<name>``   expand the rule ``name``: first in the local rules (a subcategory's ``np``, ``k``,
  ``v``, ``p``, ``n``), else in the global rules; a rule is a list of templates, one is chosen;
- ``$TYPE``    a personal-data slot (``$NAAM``, ``$ACHTERNAAM``, ``$VOLNAAM``, ``$INITNAAM``,
  ``$VOORNAAM``, ``$BSN``, ``$TEL``, ``$EMAIL``, ``$IBAN``, ``$PC``, ``$PCNR``, ``$ADRES``,
  ``$KENTEKEN``, ``$GEBDAT``), filled by ``pii.py`` and recorded with its exact span.

Templates are compiled once into tuples; expansion uses a ``random.Random`` (fast, deterministic).
"""
from __future__ import annotations

import random
import re
from typing import Callable

# node kinds
LIT, SEQ, ALT, OPT, REF, PII = range(6)

_TOKEN = re.compile(r"\{|\}|\||\[|\]|<[a-zA-Z_0-9]+>|\$[A-Z]+|[^{}|\[\]<$]+|[<$]")


class GrammarError(ValueError):
    pass


def compile_template(text: str):
    tokens = _TOKEN.findall(text)
    pos = 0

    def seq(stop: tuple[str, ...]):
        nonlocal pos
        items = []
        while pos < len(tokens) and tokens[pos] not in stop:
            t = tokens[pos]
            pos += 1
            if t == "{":
                alts = [seq(("|", "}"))]
                while pos < len(tokens) and tokens[pos] == "|":
                    pos += 1
                    alts.append(seq(("|", "}")))
                if pos >= len(tokens) or tokens[pos] != "}":
                    raise GrammarError(f"unclosed {{ in {text!r}")
                pos += 1
                items.append((ALT, tuple(alts)))
            elif t == "[":
                inner = seq(("]",))
                if pos >= len(tokens):
                    raise GrammarError(f"unclosed [ in {text!r}")
                pos += 1
                items.append((OPT, inner))
            elif t.startswith("<") and len(t) > 2:
                items.append((REF, t[1:-1]))
            elif t.startswith("$") and len(t) > 1:
                items.append((PII, t[1:]))
            elif t in ("}", "|", "]"):
                raise GrammarError(f"unexpected {t!r} in {text!r}")
            else:
                if items and items[-1][0] == LIT:
                    items[-1] = (LIT, items[-1][1] + t)
                else:
                    items.append((LIT, t))
        if len(items) == 1:
            return items[0]
        return (SEQ, tuple(items))

    node = seq(())
    if pos != len(tokens):
        raise GrammarError(f"unbalanced template {text!r}")
    return node


def compile_rules(rules: dict[str, list[str]]) -> dict[str, tuple]:
    return {name: tuple(compile_template(t) for t in alts) for name, alts in rules.items()}


LOCAL_NAMES = frozenset(("np", "k", "v", "p", "n", "nk", "nc"))
ALTL, OPTL, GREF = 6, 7, 8  # optimised kinds: all-literal alternatives, literal option, linked global rule


def _optimise(node, rules):
    kind = node[0]
    if kind == SEQ:
        return (SEQ, tuple(_optimise(c, rules) for c in node[1]))
    if kind == ALT:
        alts = tuple(_optimise(c, rules) for c in node[1])
        if all(a[0] == LIT for a in alts):
            return (ALTL, tuple(a[1] for a in alts))
        return (ALT, alts)
    if kind == OPT:
        inner = _optimise(node[1], rules)
        return (OPTL, inner[1]) if inner[0] == LIT else (OPT, inner)
    if kind == REF and node[1] not in LOCAL_NAMES and rules is not None:
        if node[1] not in rules:
            raise GrammarError(f"unknown rule <{node[1]}>")
        return (GREF, node[1], rules)
    return node


def link(rules: dict[str, tuple], global_rules: dict[str, tuple] | None = None) -> dict[str, tuple]:
    """Optimise compiled rules: literal alternatives become one pick, references to global rules
    are bound to the global table (rules named like a local rule stay dynamic)."""
    g = global_rules if global_rules is not None else rules
    return {name: tuple(_optimise(t, g) for t in alts) for name, alts in rules.items()}


class Expander:
    """Expands compiled templates into segments: ``str`` or ``(pii_slot,)`` tuples."""

    def __init__(self, global_rules: dict[str, tuple], rng: random.Random,
                 pii_hook: Callable[[str], tuple] | None = None):
        self.rules = global_rules
        self.rng = rng
        self.rnd = rng.random
        self.pii_hook = pii_hook

    def expand(self, node, local, out) -> None:
        kind = node[0]
        if kind == LIT:
            out.append(node[1])
        elif kind == SEQ:
            ex = self.expand
            for child in node[1]:
                k = child[0]
                if k == LIT:
                    out.append(child[1])
                elif k == ALTL:
                    a = child[1]
                    out.append(a[int(self.rnd() * len(a))])
                else:
                    ex(child, local, out)
        elif kind == ALTL:
            a = node[1]
            out.append(a[int(self.rnd() * len(a))])
        elif kind == ALT:
            alts = node[1]
            self.expand(alts[int(self.rnd() * len(alts))], local, out)
        elif kind == OPTL:
            if self.rnd() < 0.5:
                out.append(node[1])
        elif kind == OPT:
            if self.rnd() < 0.5:
                self.expand(node[1], local, out)
        elif kind == GREF:
            alts = node[2][node[1]]
            if alts:
                self.expand(alts[int(self.rnd() * len(alts))], local, out)
        elif kind == REF:
            name = node[1]
            alts = local.get(name) if local is not None else None
            if alts is None:
                alts = self.rules.get(name)
            if alts is None:
                raise GrammarError(f"unknown rule <{name}>")
            if alts:
                self.expand(alts[int(self.rnd() * len(alts))], local, out)
        else:  # PII
            out.append(self.pii_hook(node[1]) if self.pii_hook is not None else node[1])

    def rule(self, name: str, local: dict[str, tuple] | None, out: list) -> bool:
        alts = (local or {}).get(name) or self.rules.get(name)
        if not alts:
            return False
        self.expand(alts[int(self.rnd() * len(alts))], local, out)
        return True
