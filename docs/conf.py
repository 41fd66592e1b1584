"""Sphinx configuration of sklearn_st's documentation (built offline: nothing is
fetched, so no intersphinx; references to our own objects must resolve)."""

import os
from importlib.metadata import version as _version

project = "sklearn_st"
author = "sklearn_st developers"
release = _version("sklearn_st")
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "_templates", "auto_examples/*.ipynb"]
templates_path = ["_templates"]

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# broken cross-references fail the build (sphinx-build -W); names of other
# libraries cannot resolve offline and are let through
nitpicky = True
nitpick_ignore_regex = [
    (
        r"py:.*",
        r"(numpy|np|torch|sklearn|skorch|scipy|h5py|onnx|onnxruntime|joblib"
        r"|dask|pandas|av|cv2|skops|accelerate)(\..*)?",
    ),
    (
        r"py:.*",
        r"(array-like|ndarray|dtype|callable|optional|default|of|shape|or"
        r"|int|float|str|bool|tuple|list|dict|None|object|path-like|estimator"
        r"|Pipeline|slice|iterable|generator|Module|Tensor)",
    ),
]

myst_heading_anchors = 3

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_st {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]  # wide tables scroll
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    # the pages of wide tables give the right column to them
    "secondary_sidebar_items": {
        "**": ["page-toc", "sourcelink"],
        "guide/forecasting": [],
        "guide/performance": [],
        "guide/choosing": [],
    },
}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # run at build time: the examples under a minute (the others are shown with
    # the output recorded in their last cell)
    "filename_pattern": r"/(plot_|read_video)",
    # SKLEARN_ST_DOCS_RUN_EXAMPLES=0 builds the pages without running them (CI,
    # whose test suite runs every example already, smaller)
    "plot_gallery": os.environ.get("SKLEARN_ST_DOCS_RUN_EXAMPLES", "1") != "0",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
}
