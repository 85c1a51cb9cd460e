# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 Verwerken — onderwerpen en beleving
#
# Verdeelt de gemaskeerde signalen over onderwerpen met een LDA-topicmodel (gensim). Onderwerpen uit de taxonomie (`taxonomy.yaml`) krijgen startwoorden mee; vrije onderwerpen vangen wat niemand had voorzien. Een nieuw model wordt gekoppeld aan het vorige: onderwerpen die niet veranderd zijn houden hun nummer en naam, nieuwe onderwerpen worden gemarkeerd. Elk signaal krijgt tot drie categorieën met een kans; zonder zeker onderwerp wordt het **overig**. Daarna krijgt elk signaal een beleving: compliment, neutraal of klacht.
#
# Namen geven: pas `topic_names.csv` in de map van de modelversie aan (kolommen `name`, `category`, `subcategory`).

# %% tags=["parameters"]
config_path = None  # settings YAML (None: SIGNALEN_CONFIG or the defaults)
database_url = None  # shared zone URL (None: setting database_url)
mode: str = "fit"  # "fit": fit, align and assign; "assign": current model assigns new signals (fits when there is none)
n_topics = None  # number of topics (None: setting n_topics, else one per taxonomy subcategory + free_topics)
n_topics_range = None  # candidates for model selection, e.g. "40,50,66" (None: no selection)
seed = None  # random seed (None: setting seed)
taxonomy_file = None  # taxonomy YAML (None: setting taxonomy_file or the packaged taxonomy)
passes = None  # passes over the corpus (None: automatic)
compare_version = "current"  # model whose topic ids and names are kept ("current", a version, or None)
since = None  # fit on signals received on/after this date (None: all)
until = None  # fit on signals received before this date (None: all)
ldavis: bool = True  # show the pyLDAvis view (offline) when the model is fitted
perception: bool = True  # also assign perception here (the pipeline runs perception as its own recorded step and passes False)
run_id = None  # pipeline run id (recorded only)

# %%
import altair as alt
from IPython.display import display

from signalen_lib.config import load_config
from signalen_lib.store import open_store
from signalen_lib.topics import selection_chart, topic_size_chart
from signalen_lib.topics.notebook import category_table, run_topics_step

overrides = {k: v for k, v in {"database_url": database_url, "taxonomy_file": taxonomy_file}.items() if v is not None}
settings = load_config(config_path, **overrides)
store = open_store(settings, restricted=False)
print(f"mode {mode}, n_topics {n_topics or settings.n_topics or 'volgens de taxonomie'}, seed {settings.seed if seed is None else seed}")

# %%
step = run_topics_step(store, settings, mode=mode, n_topics=n_topics, n_topics_range=n_topics_range, seed=seed,
                       passes=passes, compare_version=compare_version, since=since, until=until)
step.summary()

# %% [markdown]
# ## Keuze van het aantal onderwerpen
#
# Coherentie (c_v, NPMI), diversiteit en perplexiteit op achtergehouden teksten per kandidaat (alleen als `n_topics_range` is gezet).

# %%
if step.selection is not None:
    display(step.selection)
    display(selection_chart(step.selection, chosen=step.chosen_k))
else:
    print("geen modelkeuze gevraagd")

# %% [markdown]
# ## Onderwerpen
#
# Nummer (blijft gelijk bij hertrainen), naam, categorie, omvang en kernwoorden. Nieuwe onderwerpen zijn niet gekoppeld aan een onderwerp van de vorige versie.

# %%
display(topic_size_chart(step.model))
step.topics()

# %%
new = step.new_topics()
print(f"{len(new)} nieuwe onderwerpen t.o.v. de vorige versie")
new

# %% [markdown]
# ## Categorieën van de signalen (rang 1)

# %%
category_table(store, settings, step.model)

# %% [markdown]
# ## pyLDAvis
#
# Interactieve kaart van de onderwerpen; de JavaScript komt uit het pakket (geen internet nodig).

# %%
if ldavis and step.mode == "fit":  # assigning new signals leaves the model, and so this view, unchanged
    from signalen_lib.topics.service import load_signal_texts
    from signalen_lib.topics.vis import display_ldavis

    display(display_ldavis(step.model, load_signal_texts(store)["text"].tolist(), sample=5000))
else:
    print("kaart ongewijzigd: het model wees alleen nieuwe signalen toe" if ldavis else "pyLDAvis uit")

# %%
print(f"model {step.version}; namen aanpassen in {settings.models_dir / step.version / 'topic_names.csv'}")

# %% [markdown]
# ## Beleving: compliment, neutraal of klacht
#
# Geleerd van de KTO-scores (0–6 klacht, 9–10 compliment) en van handmatige labels; werkt ook voor bronnen zonder score.

# %%
if perception:
    from signalen_lib.perception.model import assign_perception, perception_summary_frame

    display(perception_summary_frame(assign_perception(store, settings)))
else:
    print("beleving wordt door de pipeline als eigen stap bepaald")

# %%
store.close()
