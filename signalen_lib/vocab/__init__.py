"""The words every part shares, each defined once.

- :mod:`.taxonomy`: the category taxonomy (keys, Dutch names, seed words) and ``OVERIG``;
- :mod:`.models`: which topic and perception model is current;
- :mod:`.fmt`: Dutch number, percentage and date formatting;
- :mod:`.ids`: run ids.
"""
from signalen_lib.vocab.taxonomy import OVERIG, CategoryTree, Taxonomy, load_category_tree, load_taxonomy

__all__ = ["OVERIG", "CategoryTree", "Taxonomy", "load_category_tree", "load_taxonomy"]
