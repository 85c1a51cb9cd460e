"""The quality gate: below ``settings.gate_macro_f1`` or ``settings.gate_kappa`` a scheduled
pipeline stops before publishing."""
from __future__ import annotations

import html
from dataclasses import dataclass, field


class QualityGateFailed(RuntimeError):
    """Raised (after the red banner is shown) so that a papermill run exits non-zero."""


@dataclass(frozen=True)
class GateResult:
    passed: bool
    macro_f1: float
    kappa: float
    min_macro_f1: float
    min_kappa: float
    reasons: tuple[str, ...] = field(default_factory=tuple)
    enforced: bool = True  # settings.gate_enforce; False: warn, do not stop
    validated: bool = True  # False: no hand labels yet, nothing measured ("nog niet gevalideerd")

    def as_dict(self) -> dict:
        return {
            "passed": self.passed, "macro_f1": self.macro_f1, "kappa": self.kappa,
            "min_macro_f1": self.min_macro_f1, "min_kappa": self.min_kappa, "reasons": list(self.reasons),
            "enforced": self.enforced, "validated": self.validated,
        }

    @property
    def state(self) -> str:
        """``gehaald``, ``niet gehaald`` or ``nog niet gevalideerd``."""
        if not self.validated:
            return "nog niet gevalideerd"
        return "gehaald" if self.passed else "niet gehaald"

    def banner_html(self) -> str:
        """A green, red or amber banner in Dutch for the validation notebook, the dashboard and the report."""
        if not self.validated:
            color, bg, title = "#8a5300", "#fff4e0", "Model nog niet gevalideerd"
            body = ("Er zijn nog geen handmatig gelabelde signalen. Label de voorgestelde steekproef "
                    "(labeltool of signalen labels next); de volgende verwerking meet dan de kwaliteit.")
        elif self.passed:
            color, title = "#1b5e20", "Kwaliteitspoort gehaald"
            from signalen_lib.vocab.fmt import fmt_num

            body = (f"macro-F1 {fmt_num(self.macro_f1, 2)} (minimaal {fmt_num(self.min_macro_f1, 2)}), "
                    f"kappa {fmt_num(self.kappa, 2)} (minimaal {fmt_num(self.min_kappa, 2)}). De resultaten mogen gepubliceerd worden.")
            bg = "#e8f5e9"
        else:
            color, title, bg = "#b71c1c", "Kwaliteitspoort NIET gehaald: niet publiceren", "#ffebee"
            body = "; ".join(self.reasons) + ". De geplande pipeline stopt hier."
            if not self.enforced:
                title = "Kwaliteitspoort NIET gehaald (waarschuwing: poort staat uit, alleen voor een demo)"
                body = "; ".join(self.reasons) + ". De resultaten zijn niet goed genoeg om te publiceren."
        return (
            f'<div class="signalen-gate" data-passed="{str(self.passed).lower()}" data-state="{html.escape(self.state)}" style="border:3px solid {color};'
            f'background:{bg};color:{color};padding:12px 16px;font-size:1.15em;font-weight:bold;margin:8px 0">'
            f"{html.escape(title)}<div style='font-weight:normal;font-size:0.9em'>{html.escape(body)}</div></div>"
        )

    def raise_if_failed(self) -> None:
        if self.validated and not self.passed and self.enforced:
            raise QualityGateFailed("quality gate failed: " + "; ".join(self.reasons))


def _below(value: float, minimum: float) -> str:
    """'0,63 < 0,70' (Dutch decimals; three digits where two would hide the difference)."""
    from signalen_lib.vocab.fmt import fmt_num

    digits = 2 if round(value, 2) != round(minimum, 2) else 3
    return f"{fmt_num(value, digits)} < {fmt_num(minimum, digits)}"


def check_gate(macro_f1: float, kappa: float, *, min_macro_f1: float, min_kappa: float) -> GateResult:
    reasons = []
    if not (macro_f1 >= min_macro_f1):  # NaN fails too
        reasons.append(f"macro-F1 {_below(macro_f1, min_macro_f1)}")
    if not (kappa >= min_kappa):
        reasons.append(f"kappa {_below(kappa, min_kappa)}")
    return GateResult(not reasons, float(macro_f1), float(kappa), float(min_macro_f1), float(min_kappa), tuple(reasons))


def gate_from_settings(metrics: dict, settings, *, min_macro_f1: float | None = None, min_kappa: float | None = None) -> GateResult:
    """Gate on an :func:`~signalen_lib.validation.metrics.evaluate` result with the thresholds from
    config (overridable, e.g. by notebook parameters)."""
    import dataclasses

    result = check_gate(
        metrics["macro_f1"], metrics["kappa"],
        min_macro_f1=settings.gate_macro_f1 if min_macro_f1 is None else min_macro_f1,
        min_kappa=settings.gate_kappa if min_kappa is None else min_kappa,
    )
    return dataclasses.replace(result, enforced=bool(getattr(settings, "gate_enforce", True)))


def not_validated(settings) -> GateResult:
    """The gate's state before anyone labelled: nothing measured, nothing blocked."""
    return GateResult(False, float("nan"), float("nan"), float(settings.gate_macro_f1), float(settings.gate_kappa),
                      ("nog geen gelabelde signalen",), enforced=bool(getattr(settings, "gate_enforce", True)),
                      validated=False)


def gate_from_record(row: dict, settings) -> GateResult:
    """The gate as recorded in ``validation_runs`` (metrics JSON + gate_passed)."""
    import json

    metrics = json.loads(row.get("metrics") or "{}") if isinstance(row.get("metrics"), str) else (row.get("metrics") or {})
    g = metrics.get("gate") or {}
    if not g or not g.get("validated", True):
        return not_validated(settings)
    return GateResult(bool(g.get("passed")), float(g.get("macro_f1") or float("nan")), float(g.get("kappa") or float("nan")),
                      float(g.get("min_macro_f1", settings.gate_macro_f1)), float(g.get("min_kappa", settings.gate_kappa)),
                      tuple(g.get("reasons") or ()), enforced=bool(g.get("enforced", True)))
