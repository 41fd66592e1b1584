"""What every forecaster shares, learned or not: the horizon, the clips it
needs, and ``fit`` without targets."""

from numbers import Integral

from sklearn.utils._param_validation import Interval

__all__ = ["ForecasterMixin"]


class ForecasterMixin:
    """Mixin of the forecasters: ``predict(context)`` gives the ``horizon``
    frames after each clip, ``score(X)`` is minus the mean squared error of
    forecasting the last ``horizon`` frames of each clip of ``X``."""

    _parameter_constraints: dict = {
        "horizon": [Interval(Integral, 1, None, closed="left")],
    }

    def _check_n_frames(self, n_frames, horizon, n_context=None):
        """``n_frames``, or a ``ValueError`` when clips that short leave no
        context (or less than ``n_context``) before the last ``horizon``
        frames."""
        needed = int(horizon) + (1 if n_context is None else n_context)
        if n_frames < needed:
            context = "" if n_context is None else f", n_context={n_context}"
            raise ValueError(
                f"{type(self).__name__}(horizon={horizon}{context}) needs clips "
                f"of at least {needed} frames, but X has {n_frames} frame(s) (for "
                f"2-D X: {n_frames} feature(s))."
            )
        return n_frames

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.input_tags.three_d_array = True
        return tags
