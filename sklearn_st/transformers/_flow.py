"""Dense optical flow between consecutive frames: the motion stream."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from .._dense_flow import PRESETS, as_frames, consecutive_flows, require_cv2
from .._fitted_params import FittedParamsMixin, fit_context
from .._lazy_arrays import LazySamples, lazy_or_computed, value_range
from .._validation import check_more_frames_than, validate_sequences

__all__ = ["OpticalFlow"]


class _LazyFlow(LazySamples):
    def __init__(self, X, sample_shape, preset, low, high):
        super().__init__(X, sample_shape, np.float32)
        self.preset, self.low, self.high = preset, low, high

    def _convert(self, samples):
        return consecutive_flows(as_frames(samples), self.preset, self.low, self.high)


class OpticalFlow(FittedParamsMixin, TransformerMixin, BaseEstimator):
    """Dense optical flow between consecutive frames: how each pixel moves.

    ``(n_samples, n_frames, height, width[, n_channels])`` becomes
    ``(n_samples, n_frames - 1, height, width, 2)`` float32: for each pair of
    consecutive frames, the displacement of every pixel in pixels, channel 0
    down (rows) and channel 1 right (columns), the order of the datasets'
    velocities. It is the motion stream of two-stream networks (Simonyan &
    Zisserman, 2014) as a scikit-learn transformer: a ConvLSTM, a CNN or a
    per-frame PCA after it sees motion, not texture, so what it learns carries
    over to scenes it has not seen.

    The flow is OpenCV's DIS (Kroeger et al., 2016; the ``flow`` extra,
    opencv-python-headless), chosen by measurement on the package's panning
    photographs (``benchmarks/bench_flow.py``, one thread): with
    ``preset='medium'`` a mean end-point error of 0.075 px at 32x32 and 0.062 px
    at 64x64 (0.30 / 0.40 px with sensor noise of sigma 5), 0.36 / 1.5 ms a frame
    pair; Farnebäck 0.29 / 0.73 px; scikit-image's ILK 0.11 / 0.10 px (0.26 /
    0.31 with noise) but 13-15x slower; TV-L1 0.46 / 0.55 px, 30x slower.

    Frames are turned to grey first (RGB by luma, other channel counts by their
    mean) on a 0-255 scale: uint8 frames as they are, others mapped from the
    value range seen in ``fit``. Frames smaller than 16 pixels a side are padded
    by repeating their edges. Frames of one pixel (2-D and 3-D input: a sequence
    of numbers or feature vectors) show no motion: their flow is zero.

    Computed a chunk of samples at a time; for a ``np.memmap`` or another
    indexable array (``h5py.Dataset``, :class:`~sklearn_st.VideoClips`)
    ``transform`` returns a lazy view that computes the flow of the samples read
    from it.

    Parameters
    ----------
    preset : {'ultrafast', 'fast', 'medium'}, default='medium'
        OpenCV's DIS preset: 'fast' takes 0.8x the time of 'medium' for 1.3x
        its error at 32x32 (the same at 64x64); 'ultrafast' 0.4x for 1.8x.

    Attributes
    ----------
    n_features_in_ : int
        Number of frames seen in ``fit`` (``X.shape[1]``).

    sample_shape_ : tuple of int
        Per-sample shape seen in ``fit`` (``X.shape[1:]``).

    data_range_ : tuple of (float, float)
        The smallest and largest value seen in ``fit``: mapped to 0 and 255
        before the flow (not used for uint8 frames).

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a data frame.

    See Also
    --------
    TemporalDifference : Frame differences, the cheaper view of motion.

    References
    ----------
    K. Simonyan and A. Zisserman, "Two-Stream Convolutional Networks for Action
    Recognition in Videos", NeurIPS 27, 2014. https://arxiv.org/abs/1406.2199

    T. Kroeger, R. Timofte, D. Dai and L. Van Gool, "Fast Optical Flow using Dense
    Inverse Search", ECCV 2016. https://arxiv.org/abs/1603.03590

    Examples
    --------
    >>> from sklearn_st import OpticalFlow
    >>> from sklearn_st.datasets import make_panning_photos
    >>> X, y = make_panning_photos(4, n_frames=3, frame_size=32, random_state=0)
    >>> flow = OpticalFlow().fit_transform(X)
    >>> flow.shape, flow.dtype
    ((4, 2, 32, 32, 2), dtype('float32'))
    >>> bool(abs(np.median(flow[0, :, 8:-8, 8:-8, 0]) - y[0, 0]) < 0.2)  # down
    True
    """

    _parameter_constraints: dict = {"preset": [StrOptions(set(PRESETS))]}

    def __init__(self, *, preset="medium"):
        self.preset = preset

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Record the per-sample shape and the value range of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Sequences, 2-D to 5-D, of at least 2 frames.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        require_cv2("OpticalFlow")
        X = validate_sequences(self, X, reset=True)
        why = " (it measures the motion between consecutive frames)"
        check_more_frames_than(X, 1, "OpticalFlow", why)
        low, high = value_range(X)
        self.data_range_ = (float(low), float(high))
        self._record_fitted_params()
        return self

    def transform(self, X):
        """The optical flow between consecutive frames of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Sequences with the per-sample shape seen in ``fit``.

        Returns
        -------
        flow : ndarray or lazy view of shape (n_samples, n_frames - 1, height, \
width, 2)
            float32, channels ``(down, right)`` in pixels per frame; 2-D and 3-D
            input gives frames of one pixel. A lazy view for a memmap or another
            indexable array.
        """
        check_is_fitted(self)
        X_checked = validate_sequences(self, X, reset=False)
        frames = X_checked.shape[2:4] if X_checked.ndim >= 4 else (1, 1)
        sample_shape = (X_checked.shape[1] - 1, *frames, 2)
        return lazy_or_computed(
            X,
            X_checked,
            lambda source: _LazyFlow(
                source, sample_shape, self._fitted("preset"), *self.data_range_
            ),
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = []  # always float32
        return tags
