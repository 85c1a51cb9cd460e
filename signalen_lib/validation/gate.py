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
    enforced: bool = True  # settings.gate_enforce; False only for a demo: warn, do not stop

    def as_dict(self) -> dict:
        return {
            "passed": self.passed, "macro_f1": self.macro_f1, "kappa": self.kappa,
            "min_macro_f1": self.min_macro_f1, "min_kappa": self.min_kappa, "reasons": list(self.reasons),
            "enforced": self.enforced,
        }

    def banner_html(self) -> str:
        """A green or red banner in Dutch for the validation notebook and the report."""
        if self.passed:
            color, title = "#1b5e20", "Kwaliteitspoort gehaald"
            body = (f"macro-F1 {self.macro_f1:.2f} (minimaal {self.min_macro_f1:.2f}), "
                    f"kappa {self.kappa:.2f} (minimaal {self.min_kappa:.2f}). De resultaten mogen gepubliceerd worden.")
            bg = "#e8f5e9"
        else:
            color, title, bg = "#b71c1c", "Kwaliteitspoort NIET gehaald: niet publiceren", "#ffebee"
            body = "; ".join(self.reasons) + ". De geplande pipeline stopt hier."
            if not self.enforced:
                title = "Kwaliteitspoort NIET gehaald (waarschuwing: poort staat uit, alleen voor een demo)"
                body = "; ".join(self.reasons) + ". De resultaten zijn niet goed genoeg om te publiceren."
        return (
            f'<div class="signalen-gate" data-passed="{str(self.passed).lower()}" style="border:3px solid {color};'
            f'background:{bg};color:{color};padding:12px 16px;font-size:1.15em;font-weight:bold;margin:8px 0">'
            f"{html.escape(title)}<div style='font-weight:normal;font-size:0.9em'>{html.escape(body)}</div></div>"
        )

    def raise_if_failed(self) -> None:
        if not self.passed and self.enforced:
            raise QualityGateFailed("quality gate failed: " + "; ".join(self.reasons))


def check_gate(macro_f1: float, kappa: float, *, min_macro_f1: float, min_kappa: float) -> GateResult:
    reasons = []
    if not (macro_f1 >= min_macro_f1):  # NaN fails too
        reasons.append(f"macro-F1 {macro_f1:.2f} < {min_macro_f1:.2f}")
    if not (kappa >= min_kappa):
        reasons.append(f"kappa {kappa:.2f} < {min_kappa:.2f}")
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
