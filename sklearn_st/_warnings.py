"""Warnings that point at the user's line, not into the libraries."""

import importlib.util
import os
import sys
import warnings

__all__ = ["warn"]


def _package_dirs():
    """The folders of sklearn_st and of the libraries between it and the user
    (found without importing them: the command line's ``--help`` loads no
    torch)."""
    dirs = [os.path.dirname(os.path.abspath(__file__))]
    for name in ("sklearn", "skorch", "torch", "joblib"):
        spec = importlib.util.find_spec(name)
        dirs += list(spec.submodule_search_locations or []) if spec else []
    return tuple(os.path.join(d, "") for d in dirs)


_PACKAGE_DIRS = _package_dirs()


def warn(message, category=UserWarning):
    """``warnings.warn`` with the ``stacklevel`` of the first caller outside
    sklearn_st, scikit-learn, skorch, torch and joblib: the line of the user's
    ``fit``, ``predict`` or ``cross_validate``, whichever path led here."""
    # stacklevel 1 is this line, 2 the caller: sys._getframe(1)
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIRS):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
