"""Flatten image frames into feature vectors."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._available_if import available_if
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from .._fitted_params import FittedParamsMixin, fit_context
from .._lazy_arrays import FlatFrames, is_indexable_array
from .._validation import validate_sequences

__all__ = ["FrameFlattener"]


class FrameFlattener(FittedParamsMixin, TransformerMixin, BaseEstimator):
    """Flatten every frame of a sequence into one feature vector.

    ``(n_samples, n_frames, *frame)`` becomes ``(n_samples, n_frames,
    prod(frame))``, the input of :class:`LSTMRegressor`. With
    ``flatten_time=True`` the time axis is flattened too, giving ``(n_samples,
    n_frames * prod(frame))`` for any tabular scikit-learn estimator. The output is a
    view of the input whenever its memory layout allows (no copy, same dtype); for
    an indexable array that is not a NumPy array (an ``h5py.Dataset``, say) it is a
    lazy view that reads only the samples asked for, so out-of-core data stays out
    of memory through a pipeline.

    Parameters
    ----------
    flatten_time : bool, default=False
        Also flatten the time axis into the features.

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
    LSTMRegressor : Reads the flattened frames as a feature sequence.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_st import FrameFlattener
    >>> X = np.zeros((4, 8, 32, 32, 1), dtype=np.uint8)
    >>> FrameFlattener().fit_transform(X).shape
    (4, 8, 1024)
    >>> FrameFlattener(flatten_time=True).fit_transform(X).shape
    (4, 8192)
    """

    _parameter_constraints: dict = {"flatten_time": ["boolean"]}

    def __init__(self, *, flatten_time=False):
        self.flatten_time = flatten_time

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Record the per-sample shape of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Sequences, 2-D to 5-D.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        validate_sequences(self, X, reset=True)
        self._record_fitted_params()
        return self

    def transform(self, X):
        """Flatten the frames of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Sequences with the per-sample shape seen in ``fit``.

        Returns
        -------
        X_flat : ndarray of shape (n_samples, n_frames, n_frame_features) or \
                (n_samples, n_frames * n_frame_features)
            A view of ``X`` when its layout allows, a lazy view of an indexable
            array that is not a NumPy array; same dtype.
        """
        check_is_fitted(self)
        X = validate_sequences(self, X, reset=False)
        if self._fitted("flatten_time"):
            shape = (int(np.prod(X.shape[1:])),)
        else:
            shape = (X.shape[1], int(np.prod(X.shape[2:])))
        if is_indexable_array(X):
            return FlatFrames(X, shape)
        return X.reshape(X.shape[0], *shape)

    @available_if(lambda self: self._fitted("flatten_time"))
    def get_feature_names_out(self, input_features=None):
        """Names of the output features (only with ``flatten_time=True``).

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Names of the frames (the ``n_features_in_`` axis); defaults to
            ``feature_names_in_`` or ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str
            ``<frame>`` for univariate input, else ``<frame>_<i>_<j>...`` with the
            index inside the frame.
        """
        check_is_fitted(self)
        frames = _check_feature_names_in(self, input_features)
        frame_shape = self.sample_shape_[1:]
        if not frame_shape:
            return frames
        suffixes = ["_".join(map(str, i)) for i in np.ndindex(*frame_shape)]
        return np.asarray([f"{f}_{s}" for f in frames for s in suffixes], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
