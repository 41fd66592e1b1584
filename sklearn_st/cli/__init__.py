"""The command line, ``python -m sklearn_st``: ``compare`` finds the best encoder
for your clips, ``forecast`` forecasts their next frames.

Where things are: ``_main`` parses the arguments and runs the command they name;
``_data`` loads the clips (bundled, ``.npz`` or video); ``_compare`` is the
``compare`` command and ``_approaches`` the approaches it knows with their
cross-validation; ``_forecast`` is the ``forecast`` command and its scoring
beside the baselines; ``_report`` writes tables, ``results.json`` and figures.
"""

from ._main import main

__all__ = ["main"]
