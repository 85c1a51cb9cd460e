"""pyLDAvis output that works offline: d3 and LDAvis' JavaScript and CSS inlined from the
pyLDAvis package (no CDN)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from signalen_lib.topics.model import TopicModel


def ldavis_prepare(model: TopicModel, texts: Sequence[str] | None = None, *, theta: np.ndarray | None = None,
                   sample: int = 20_000, R: int = 20):
    """pyLDAvis ``PreparedData`` for a model over (a sample of) texts, topics in model order."""
    import pyLDAvis

    model._check()
    if theta is None or texts is not None:
        texts = list(texts or [])
        if len(texts) > sample:
            rng = np.random.default_rng(model.random_state)
            texts = [texts[i] for i in np.sort(rng.choice(len(texts), sample, replace=False))]
        bows = model.bow(texts)
        theta = model._infer(bows)
        lengths = np.array([sum(c for _, c in b) for b in bows], dtype=float)
    else:
        lengths = np.ones(len(theta))
    keep = lengths > 0
    theta, lengths = theta[keep], lengths[keep]
    tf = np.zeros(len(model.vocab_))
    for i, c in model.dictionary_.cfs.items():
        tf[i] = c
    tf = np.maximum(tf, 1e-12)
    # topic_term_dists must be an array: pyLDAvis iterates it row by row (a DataFrame yields column labels)
    return pyLDAvis.prepare(
        topic_term_dists=np.asarray(model.topic_word_), doc_topic_dists=pd.DataFrame(theta),
        doc_lengths=pd.Series(lengths), vocab=pd.Series(model.vocab_), term_frequency=pd.Series(tf),
        R=R, sort_topics=False, start_index=0,
    )


def _pkg_js() -> tuple[str, str, str]:
    import pyLDAvis.urls as urls

    return (Path(urls.D3_LOCAL).read_text(encoding="utf-8"), Path(urls.LDAVIS_LOCAL).read_text(encoding="utf-8"),
            Path(urls.LDAVIS_CSS_LOCAL).read_text(encoding="utf-8"))


def ldavis_html(prepared, *, visid: str = "ldavis_signalen", full_page: bool = True) -> str:
    """Self-contained HTML: the packaged d3/LDAvis scripts and CSS are inlined, the data embedded.
    The scripts run inside a function that hides AMD ``define`` so they also work in notebooks that
    use require.js."""
    d3, ldavis, css = _pkg_js()
    data = prepared.to_json() if hasattr(prepared, "to_json") else json.dumps(prepared)
    body = f"""<style>{css}</style>
<div id="{visid}" style="background-color:white;"></div>
<script type="text/javascript">
(function(define, module, exports) {{
{d3}
}}).call(window);
</script>
<script type="text/javascript">
(function(define, module, exports) {{
var d3 = window.d3;
{ldavis}
window.LDAvis = LDAvis;
}}).call(window);
</script>
<script type="text/javascript">
new window.LDAvis("#{visid}", {data});
</script>"""
    if not full_page:
        return body
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Onderwerpen (pyLDAvis)</title></head>
<body>
{body}
</body></html>"""


def save_ldavis(model: TopicModel, path: str | Path, texts: Sequence[str] | None = None, **kw) -> Path:
    """Write the offline pyLDAvis page for a model to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ldavis_html(ldavis_prepare(model, texts, **kw)), encoding="utf-8")
    return path


def display_ldavis(model: TopicModel, texts: Sequence[str] | None = None, **kw):
    """IPython HTML object of the offline pyLDAvis view (for notebooks)."""
    from IPython.display import HTML

    return HTML(ldavis_html(ldavis_prepare(model, texts, **kw), full_page=False))
