"""Any scikit-learn transformer, fitted on frames and applied frame by frame."""

import math

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.decomposition import PCA
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.validation import check_is_fitted

from .._fitted_params import fit_context
from .._validation import validate_sequences

__all__ = ["FrameWise"]

_DEFAULT_COMPONENTS = 16


def _sample_ranges(n_samples, step):
    """``(start, stop)`` of consecutive chunks of ``step`` samples; a short last
    chunk joins the one before (incremental fits need enough rows a call)."""
    starts = list(range(0, n_samples, step))
    if len(starts) > 1 and n_samples - starts[-1] < step:
        starts.pop()
    return [(a, b) for a, b in zip(starts, [*starts[1:], n_samples], strict=True)]


class FrameWise(TransformerMixin, BaseEstimator):
    """A scikit-learn transformer applied to every frame of image sequences.

    ``fit`` fits the transformer on the frames, each frame one sample of its
    flattened pixels; ``transform`` applies it frame by frame, so that
    ``(n_samples, n_frames, height, width, n_channels)`` becomes ``(n_samples,
    n_frames, n_components)``, the input of :class:`LSTMRegressor`. With
    ``FrameWise(PCA(16))`` each frame becomes its 16 principal components: a
    linear encoder between raw pixels and a CNN, tunable in a grid search as
    ``framewise__transformer__n_components``.

    A transformer with ``partial_fit`` (``IncrementalPCA``, ``StandardScaler``,
    ...) is fitted chunk by chunk, so that a memmap or an ``h5py.Dataset`` is never
    converted whole; any other is fitted on all frames at once (``PCA`` then makes
    its float copy of them). ``transform`` always runs a chunk of samples at a
    time.

    Parameters
    ----------
    transformer : transformer or None, default=None
        The transformer to fit on frames (cloned). None is ``PCA`` with 16
        components (or as many as the frames allow when they have fewer values
        or there are fewer frames) and ``random_state=0``, so that refits agree.

    Attributes
    ----------
    transformer_ : transformer
        The fitted clone of ``transformer``.

    n_features_out_ : int
        Length of each transformed frame.

    n_features_in_ : int
        Number of frames seen in ``fit`` (``X.shape[1]``).

    sample_shape_ : tuple of int
        Per-sample shape seen in ``fit`` (``X.shape[1:]``).

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a data frame.

    See Also
    --------
    FrameFlattener : The raw pixels of every frame.
    CNNFeatureExtractor : Learned convolutional features of every frame.

    Examples
    --------
    >>> from sklearn.decomposition import PCA
    >>> from sklearn_st import FrameWise
    >>> from sklearn_st.datasets import make_moving_digits
    >>> X, y = make_moving_digits(20, n_frames=4, frame_size=16, random_state=0)
    >>> FrameWise(PCA(8)).fit_transform(X).shape
    (20, 4, 8)
    """

    _parameter_constraints: dict = {
        "transformer": [HasMethods(["fit", "transform"]), None],
    }

    def __init__(self, transformer=None):
        self.transformer = transformer

    def set_params(self, **params):
        """Set the parameters, as every scikit-learn estimator; the default
        ``transformer=None`` has no parameters to tune: a ``ValueError`` says to
        pass the transformer (``FrameWise(PCA(16))``) whose parameters a grid
        sets."""
        nested = sorted(k for k in params if k.startswith("transformer__"))
        if nested and params.get("transformer", self.transformer) is None:
            raise ValueError(
                f"Cannot set {', '.join(nested)}: FrameWise's transformer is None "
                f"(a PCA with {_DEFAULT_COMPONENTS} components, made in fit). Pass "
                f"the transformer to tune: FrameWise(PCA({_DEFAULT_COMPONENTS})), "
                "then framewise__transformer__n_components works in a grid."
            )
        return super().set_params(**params)

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit the transformer on the frames of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Sequences, 2-D to 5-D; each frame is one sample for the transformer.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        X = validate_sequences(self, X, reset=True)
        n_frames, frame_size = X.shape[1], math.prod(X.shape[2:])
        if self.transformer is None:
            n = min(_DEFAULT_COMPONENTS, frame_size, X.shape[0] * n_frames)
            # seeded: PCA picks a randomized solver for large data
            self.transformer_ = PCA(n_components=n, random_state=0)
        else:
            self.transformer_ = clone(self.transformer)
        if hasattr(self.transformer_, "partial_fit"):
            for start, stop in self._chunks(X, min_frames=256):
                self.transformer_.partial_fit(self._frames(X, start, stop))
        else:
            self.transformer_.fit(self._frames(X, 0, X.shape[0]))
        self.n_features_out_ = self.transformer_.transform(self._frames(X, 0, 1)).shape[
            1
        ]
        return self

    def transform(self, X):
        """Apply the fitted transformer to every frame of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Sequences with the per-sample shape seen in ``fit``.

        Returns
        -------
        X_frames : ndarray of shape (n_samples, n_frames, `n_features_out_`)
            Every frame transformed, in the transformer's output dtype.
        """
        check_is_fitted(self)
        X = validate_sequences(self, X, reset=False)
        out = None
        for start, stop in self._chunks(X):
            frames = self.transformer_.transform(self._frames(X, start, stop))
            if out is None:
                out = np.empty((X.shape[0], X.shape[1], frames.shape[1]), frames.dtype)
            out[start:stop] = frames.reshape(stop - start, X.shape[1], -1)
        return out

    @staticmethod
    def _frames(X, start, stop):
        """Samples ``start:stop`` of ``X`` as rows of frames ``(frames, values)``."""
        samples = np.asarray(X[start:stop])
        return samples.reshape(samples.shape[0] * samples.shape[1], -1)

    @staticmethod
    def _chunks(X, chunk_bytes=1 << 24, min_frames=1):
        """Ranges of samples of about ``chunk_bytes`` as float64, each with at
        least ``min_frames`` frames where ``X`` has that many."""
        sample_bytes = 8 * math.prod(X.shape[1:])
        step = max(1, chunk_bytes // sample_bytes, math.ceil(min_frames / X.shape[1]))
        return _sample_ranges(X.shape[0], step)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
