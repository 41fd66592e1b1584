"""Optional dependencies, imported where they are needed, with the extra to
install named when one is missing."""

import importlib

__all__ = ["require"]


def require(module, *, extra, package, needed_by):
    """``module`` imported, or an ``ImportError`` that says which extra of
    sklearn_st installs ``package`` for ``needed_by``."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"{needed_by} needs {package}: pip install "
            f'"sklearn_st[{extra}]" (or ".[{extra}]" from a checkout).'
        ) from error
