"""Frame-to-frame differences: what moves, without what stands still."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from .._fitted_params import FittedParamsMixin, fit_context
from .._lazy_arrays import LazySamples, lazy_or_computed
from .._validation import check_more_frames_than, validate_sequences

__all__ = ["TemporalDifference", "difference_dtype"]

# integers are differenced in a signed type wide enough for every difference of
# order 1 or 2 of the input type (uint8: -510 to 510 fits int16)
_WIDER = {1: np.int16, 2: np.int32, 4: np.int64, 8: np.int64}


def difference_dtype(dtype):
    """The dtype in which frames of ``dtype`` are differenced: floats as they are,
    bools as int8, integers in a wider signed type (int64 stays int64)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return dtype
    if dtype.kind == "b":
        return np.dtype(np.int8)
    return np.dtype(_WIDER[dtype.itemsize])


def _differences(samples, order, keep_first, dtype):
    """The ``order``-th differences of ``samples`` along time, in ``dtype``; with
    ``keep_first`` preceded by the lower-order differences at the first frame."""
    x = samples.astype(dtype, copy=False)
    parts = [np.diff(x[:, : k + 1], n=k, axis=1) for k in range(order)]
    return np.concatenate(
        [*(parts if keep_first else []), np.diff(x, n=order, axis=1)], axis=1
    )


class _LazyDifferences(LazySamples):
    def __init__(self, X, sample_shape, order, keep_first):
        super().__init__(X, sample_shape, difference_dtype(X.dtype))
        self.order, self.keep_first = order, keep_first

    def _convert(self, samples):
        return _differences(samples, self.order, self.keep_first, self.dtype)


class TemporalDifference(FittedParamsMixin, TransformerMixin, BaseEstimator):
    """Frame-to-frame differences of image sequences: what moves.

    ``(n_samples, n_frames, ...)`` becomes ``(n_samples, n_frames - order, ...)``:
    ``x[t+1] - x[t]`` with ``order=1`` (velocities), ``x[t+1] - 2 x[t] + x[t-1]``
    with ``order=2`` (accelerations). A static background or a static distractor
    vanishes, so a CNN or ConvLSTM after it sees only what moves. With
    ``keep_first=True`` the first frame (and, for ``order=2``, the first
    difference) comes first, as position, velocity and accelerations, and
    nothing is lost: cumulative sums from the highest order down give ``X`` back.

    Integer frames are differenced in a signed type wide enough for the result
    (uint8 to int16, uint16 to int32, ...; bool to int8), floats in their own
    dtype, batch by batch: no float copy is made. For a ``np.memmap`` or another
    indexable array (``h5py.Dataset``) ``transform`` returns a lazy view that
    computes the differences of the samples read from it, a batch at a time.

    Parameters
    ----------
    order : int, default=1
        How many times to difference along time; ``X`` needs more frames than this.

    keep_first : bool, default=False
        Prepend the first frame (and the lower-order differences at it), so that
        the output has ``n_frames`` frames and ``X`` can be recovered.

    Attributes
    ----------
    n_features_in_ : int
        Number of frames seen in ``fit`` (``X.shape[1]``).

    sample_shape_ : tuple of int
        Per-sample shape seen in ``fit`` (``X.shape[1:]``).

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a data frame.

    See Also
    --------
    FrameFlattener : Frames as feature vectors.
    FrameWise : Any scikit-learn transformer applied frame by frame.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_st import TemporalDifference
    >>> X = np.array([[0, 3, 5, 4]], dtype=np.uint8)  # one univariate sequence
    >>> TemporalDifference().fit_transform(X)
    array([[ 3,  2, -1]], dtype=int16)
    >>> TemporalDifference(order=2, keep_first=True).fit_transform(X)
    array([[ 0,  3, -1, -3]], dtype=int16)
    """

    _parameter_constraints: dict = {
        "order": [Interval(Integral, 1, None, closed="left")],
        "keep_first": ["boolean"],
    }

    def __init__(self, *, order=1, keep_first=False):
        self.order = order
        self.keep_first = keep_first

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Record the per-sample shape of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Sequences, 2-D to 5-D, with more than ``order`` frames.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        X = validate_sequences(self, X, reset=True)
        who = f"TemporalDifference(order={self.order})"
        check_more_frames_than(X, self.order, who)
        self._record_fitted_params()
        return self

    def transform(self, X):
        """The frame differences of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Sequences with the per-sample shape seen in ``fit``.

        Returns
        -------
        X_diff : ndarray or lazy view of shape (n_samples, n_out_frames, ...)
            ``n_out_frames`` is ``n_frames - order``, or ``n_frames`` with
            ``keep_first=True``; the dtype is ``difference_dtype(X.dtype)``.
            A lazy view for a memmap or another indexable array.
        """
        check_is_fitted(self)
        X_checked = validate_sequences(self, X, reset=False)
        order, keep_first = self._fitted("order"), self._fitted("keep_first")
        n_frames = X_checked.shape[1] - (0 if keep_first else order)
        sample_shape = (n_frames, *X_checked.shape[2:])
        return lazy_or_computed(
            X,
            X_checked,
            lambda source: _LazyDifferences(source, sample_shape, order, keep_first),
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
