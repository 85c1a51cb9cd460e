"""Dutch preprocessing: tokens, stop words, lemmas, phrases, non-answers, batch = streaming."""
from __future__ import annotations

import pickle

from signalen_lib.text import Preprocessor, is_uninformative, stop_words, tokenize


def test_tokenize_keeps_compounds_diacritics_and_hyphenated_words():
    toks = tokenize("Geïrriteerd over de coronatestlocatie in Kralingen-Crooswijk, café's 2x!")
    assert "geïrriteerd" in toks
    assert "coronatestlocatie" in toks
    assert "kralingen-crooswijk" in toks
    assert "café's" in toks
    assert not any(t.isdigit() for t in toks)


def test_placeholders_stop_words_and_lemmas():
    pre = Preprocessor(phrases=False)
    toks = pre.transform(["Mevrouw <PERSOON> belde graag over de kapotte lantaarnpalen bij de gemeente."])[0]
    assert "lantaarnpaal" in toks          # lemma
    assert "kapot" in toks
    for gone in ("mevrouw", "graag", "gemeente", "de", "<persoon>", "persoon", "over"):
        assert gone not in toks
    assert "gemeente" in stop_words() and "de" in stop_words()


def test_uninformative_answers_give_no_tokens():
    for t in ("nvt", "N.v.t.", "geen", " - ", "", "Niets te melden", "geen opmerkingen.", None):
        assert is_uninformative(t), t
    assert not is_uninformative("geen reactie op mijn klacht over de container")
    pre = Preprocessor(phrases=False)
    assert pre.transform(["nvt", "n.v.t.", "geen"]) == [[], [], []]
    assert pre.transform(["geen reactie op mijn klacht over de container"])[0]


def test_phrases_are_learned_and_applied():
    texts = ["de ondergrondse container is vol", "ondergrondse container kapot", "weer een volle ondergrondse container"] * 10
    texts += ["de straat is vies", "mijn fiets is weg", "de container stinkt", "ondergrondse kelder"] * 3
    pre = Preprocessor(phrases=True, phrase_min_count=3).fit(texts)
    toks = pre.transform(["kapotte ondergrondse container"])[0]
    assert "ondergronds_container" in toks or "ondergrondse_container" in toks


def test_streaming_equals_batch_and_pickles():
    texts = [f"De container in straat {i} is vol en stinkt" if i % 2 else "Parkeervergunning te laat" for i in range(25)]
    pre = Preprocessor().fit(texts)
    batch = pre.transform(texts)
    streamed = [d for chunk in pre.iter_transform(iter(texts), batch_size=7) for d in chunk]
    assert streamed == batch
    again = pickle.loads(pickle.dumps(pre))
    assert again.transform(texts) == batch
