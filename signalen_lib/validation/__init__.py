"""Validation against a hand-labelled sample (issue 7).

- sampling: :func:`draw_sample` (stratified by source, period and predicted topic; seeded)
- labels: :func:`save_label`, :func:`load_labels`, :func:`import_labels_csv`, :func:`export_labels_csv`
- metrics: :func:`evaluate`, :func:`coverage_curve`, :func:`inter_annotator`
- learning from labels: :class:`TfidfBaseline`, :class:`LabelInformedAssigner`,
  :func:`learn_topic_category_map`
- gate: :func:`check_gate`, :class:`QualityGateFailed`
- runs: :func:`validate_store` (notebook 03), :func:`validate_texts` (``signalen validate --texts``)
- labelling tool: :func:`signalen_lib.validation.labelling.build_labelling_app`
"""
from .gate import GateResult, QualityGateFailed, check_gate, gate_from_settings
from .labels import (
    Label, LabelError, delete_label, export_labels_csv, import_labels_csv, load_labels, main_labels,
    read_labels_csv, save_label,
)
from .metrics import coverage_curve, evaluate, inter_annotator, summary
from .models import LabelInformedAssigner, TfidfBaseline, learn_topic_category_map, topic_names
from .sampling import draw_sample, load_sample, sampling_frame, save_sample, stratified_sample
from signalen_lib.vocab.taxonomy import OVERIG, CategoryTree, load_category_tree

__all__ = [
    "GateResult", "QualityGateFailed", "check_gate", "gate_from_settings",
    "Label", "LabelError", "delete_label", "export_labels_csv", "import_labels_csv", "load_labels",
    "main_labels", "read_labels_csv", "save_label",
    "coverage_curve", "evaluate", "inter_annotator", "summary",
    "LabelInformedAssigner", "TfidfBaseline", "learn_topic_category_map", "topic_names",
    "draw_sample", "load_sample", "sampling_frame", "save_sample", "stratified_sample",
    "OVERIG", "CategoryTree", "load_category_tree",
    "validate_store", "validate_texts",
]


def __getattr__(name):  # heavy imports (altair, the pipeline) only when asked for
    if name == "validate_store":
        from .report import validate_store

        return validate_store
    if name == "validate_texts":
        from .standalone import validate_texts

        return validate_texts
    raise AttributeError(name)
