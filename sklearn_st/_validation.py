"""The array contract: the one place that checks sequence arrays.

Sequences are channel-last, like Keras:

- ``(n_samples, n_frames)``: a univariate sequence;
- ``(n_samples, n_frames, n_features)``: a feature sequence;
- ``(n_samples, n_frames, height, width)``: frames with one channel;
- ``(n_samples, n_frames, height, width, n_channels)``: frames.

Numeric arrays (any bool, int, uint or float dtype, ``np.memmap`` included) are
returned as they are, without a copy: conversion to float happens later, one batch
at a time. So are other indexable arrays (h5py, zarr, dask; see ``_lazy_arrays``), whose
values are checked chunk by chunk. ``n_features_in_`` is the number of frames, as
scikit-learn defines it for such arrays (``X.shape[1]``); ``sample_shape_`` holds the
whole per-sample shape.
"""

import numpy as np
from scipy import sparse
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    column_or_1d,
    validate_data,
)

from ._lazy_arrays import is_indexable_array, sample_chunks
from ._warnings import warn

__all__ = [
    "ShapeWarning",
    "channel_stats",
    "check_finite",
    "check_more_frames_than",
    "check_predict_range",
    "check_sequences",
    "is_label_target",
    "reads_lazily",
    "validate_sequences",
]

SEQUENCE_NDIMS = (2, 3, 4, 5)
#: A 2-D X with at least this many steps draws a ShapeWarning.
_LONG_UNIVARIATE = 1000


class ShapeWarning(UserWarning):
    """``fit`` got X whose shape fits the array contract but looks like another
    layout (channel-first frames, flattened clips, single images). Silence it,
    when the shape is meant, with ``warnings.filterwarnings("ignore",
    category=sklearn_st.ShapeWarning)``."""


def _warn_unlikely_shape(X, name):
    """A :class:`ShapeWarning` when ``X``'s shape looks like a layout mistake."""
    shape = tuple(X.shape)
    message = None
    if X.ndim == 5 and shape[2] <= 4 and shape[4] > 4 * shape[2]:
        message = (
            f"X of shape {shape} is read as (n_samples, n_frames, height={shape[2]}, "
            f"width={shape[3]}, n_channels={shape[4]}). If the frames are "
            f"channel-first (n_samples, n_frames, n_channels={shape[2]}, height, "
            "width), move the channels last: np.moveaxis(X, 2, -1)."
        )
    elif X.ndim == 2 and shape[1] >= _LONG_UNIVARIATE:
        message = (
            f"X of shape {shape} is read as {shape[0]} univariate sequences of "
            f"{shape[1]} steps each. If each row is a flattened clip, reshape it to "
            "(n_samples, n_frames, height, width[, n_channels])."
        )
    elif X.ndim == 4 and shape[3] <= 4 and shape[2] >= 4 * shape[3] + 4:
        message = (
            f"X of shape {shape} is read as (n_samples, n_frames={shape[1]}, "
            f"height={shape[2]}, width={shape[3]}): one channel, and the last axis "
            "as the frames' width. If these are single images (n_samples, height, "
            "width, n_channels), they are not sequences; as clips of one frame "
            "each, add the frame axis: X[:, None] is (n_samples, 1, height, width, "
            "n_channels)."
        )
    elif X.ndim == 3 and shape[1] == shape[2] >= 16:
        message = (
            f"X of shape {shape} is read as (n_samples, n_frames={shape[1]}, "
            f"n_features={shape[2]}): image rows become time steps. If these are "
            "single images, they are not sequences; if they are frames of one "
            "clip each, add the frame axis: X[:, None] is (n_samples, 1, height, "
            "width)."
        )
    if message:
        warn(
            f"{name}: {message} Silence this with warnings.filterwarnings('ignore', "
            "category=sklearn_st.ShapeWarning).",
            ShapeWarning,
        )


_LAYOUTS = {
    2: "(n_samples, n_frames)",
    3: "(n_samples, n_frames, n_features)",
    4: "(n_samples, n_frames, height, width)",
    5: "(n_samples, n_frames, height, width, n_channels)",
}
_REAL_KINDS = "biuf"


def _name(estimator):
    return "this estimator" if estimator is None else type(estimator).__name__


def check_sequences(
    X, *, estimator=None, ndims=SEQUENCE_NDIMS, hint="", defer_finite=False
):
    """Check that ``X`` is a real, finite, non-empty batch of sequences.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_frames, ...)
        2-D to 5-D input, see the module docstring for the meaning of each.
    estimator : estimator instance, default=None
        Named in error messages.
    ndims : tuple of int, default=(2, 3, 4, 5)
        The numbers of dimensions the caller accepts.
    hint : str, default=""
        Appended to the error raised for a number of dimensions outside ``ndims``.
    defer_finite : bool, default=False
        Leave the NaN and infinity check of an array not in memory
        (:func:`reads_lazily`) to the caller, who reads it anyway (the channel
        statistics of ``fit``, the batches of ``predict``: see
        :func:`check_finite`), so that it is read once, not twice.

    Returns
    -------
    X : ndarray or indexable array
        ``X`` itself when it already is a numeric ndarray (no copy) or an
        indexable array (h5py, zarr, dask ...; checked chunk by chunk, never
        converted whole, see ``sklearn_st._lazy_arrays``).
    """
    name = _name(estimator)
    if sparse.issparse(X):
        raise TypeError(
            f"Sparse data was passed to {name}, but dense sequence arrays are "
            "required. Use '.toarray()' to convert to a dense numpy array."
        )
    indexable = is_indexable_array(X)
    if indexable:
        _check_has_samples(X, name)
    else:
        X = check_array(
            X,
            accept_sparse=False,
            dtype="numeric",
            allow_nd=True,
            ensure_all_finite=not (defer_finite and reads_lazily(X)),
            ensure_min_samples=1,
            ensure_min_features=1,
            estimator=estimator,
            input_name="X",
        )
    if X.dtype.kind not in _REAL_KINDS:
        raise TypeError(
            f"{name} got X with dtype {X.dtype}; expected a real numeric dtype "
            "(bool, int, uint or float)."
        )
    if X.ndim not in ndims:
        layouts = " or ".join(_LAYOUTS[d] for d in ndims)
        message = (
            f"{name} expects X of shape {layouts}, got a {X.ndim}-D array of shape "
            f"{X.shape}."
        )
        raise ValueError(f"{message} {hint}".rstrip())
    if 0 in X.shape[1:]:
        raise ValueError(
            f"Found array with an empty per-sample dimension (shape={X.shape}) "
            f"while {name} requires at least one frame and non-empty frames."
        )
    if indexable and not defer_finite:
        _check_finite_in_chunks(X)
    return X


def _check_has_samples(X, name):
    if X.shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={tuple(X.shape)}) while a minimum "
            f"of 1 is required by {name}."
        )


def check_more_frames_than(X, n_frames, who, why=""):
    """A ``ValueError`` naming ``who`` (and ``why``) unless the validated ``X``
    has more than ``n_frames`` frames."""
    if X.shape[1] <= n_frames:
        raise ValueError(
            f"{who} needs more than {n_frames} frame(s){why}, but X of shape "
            f"{X.shape} has {X.shape[1]} (axis 1; of 2-D X: {X.shape[1]} "
            "feature(s))."
        )


def reads_lazily(X):
    """Whether ``X`` is an array not in memory (an indexable array, a
    ``np.memmap`` or a view of one, as ``check_array`` returns it): read a part
    at a time, checked as it is read."""
    return (
        isinstance(X, np.memmap)
        or isinstance(getattr(X, "base", None), np.memmap)
        or is_indexable_array(X)
    )


def _check_finite_in_chunks(X, chunk_bytes=1 << 24):
    """``check_array``'s finiteness check for an indexable array, read in chunks."""
    if X.dtype.kind != "f":
        return
    for chunk in sample_chunks(X, chunk_bytes):
        check_finite(chunk)


def check_finite(samples):
    """scikit-learn's ``ValueError`` when the samples read hold NaN or infinity."""
    if samples.dtype.kind == "f" and not np.isfinite(samples).all():
        what = "NaN" if np.isnan(samples).any() else "infinity"
        raise ValueError(f"Input X contains {what}.")


def _check_sample_shape(estimator, X, any_n_frames=False):
    expected, got = tuple(estimator.sample_shape_), X.shape[1:]
    if got == expected:
        return
    name = _name(estimator)
    if any_n_frames:
        if len(got) == len(expected) and got[1:] == expected[1:]:
            return
        raise ValueError(
            f"X has per-sample shape {got}, but {name} was fitted on per-sample "
            f"shape {expected}: clips need its frame shape "
            f"{('n_frames', *expected[1:])}."
        )
    frames = ""
    if got[0] != expected[0]:
        # scikit-learn's wording, so that its n_features_in_ checks recognise it
        frames = (
            f"X has {got[0]} features, but {name} is expecting {expected[0]} "
            "features as input (features are frames here). "
        )
    raise ValueError(
        f"{frames}X has per-sample shape {got}, but {name} was fitted on "
        f"per-sample shape {expected}."
    )


def _check_targets(estimator, y, X, labels):
    if y is None:
        raise ValueError(
            f"{_name(estimator)} requires y to be passed, but the target y is None."
        )
    y = check_array(
        y,
        ensure_2d=False,
        dtype=None if labels else "numeric",
        ensure_all_finite=True,
        estimator=estimator,
        input_name="y",
    )
    if labels:
        # one label per sample (a column vector warns, as in scikit-learn), of a
        # classification type: continuous targets are refused
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
    check_consistent_length(X, y)
    return y


def is_label_target(y):
    """Whether ``y`` holds class labels: one column of integers, strings, booleans
    or objects. Float (and complex) targets, and several columns, are numeric."""
    y = np.asarray(y)
    return y.ndim == 1 and y.dtype.kind not in "fc"


def validate_sequences(
    estimator,
    X,
    y="no_validation",
    *,
    reset,
    ndims=SEQUENCE_NDIMS,
    hint="",
    labels=False,
    any_n_frames=False,
    defer_finite=False,
):
    """Validate ``X`` (and ``y``) for ``estimator`` and record or check its shape.

    With ``reset=True`` (in ``fit``) sets ``n_features_in_`` (the number of frames),
    ``sample_shape_`` and, for data frames, ``feature_names_in_``. With
    ``reset=False`` rejects any other per-sample shape, naming both shapes; with
    ``any_n_frames=True`` too, clips of 3 to 5 dimensions may have any number of
    frames (a 2-D sequence's length is scikit-learn's ``n_features`` and stays
    fixed). ``y`` holds numeric targets, or class labels with ``labels=True``.
    ``defer_finite``: see :func:`check_sequences`.

    Returns ``X``, or ``(X, y)`` when ``y`` is given.
    """
    X_array = check_sequences(
        X, estimator=estimator, ndims=ndims, hint=hint, defer_finite=defer_finite
    )
    any_n_frames = any_n_frames and X_array.ndim > 2
    if reset:
        _warn_unlikely_shape(X_array, _name(estimator))
    else:
        _check_sample_shape(estimator, X_array, any_n_frames)
    if reset or not any_n_frames:
        # feature names and n_features_in_ from scikit-learn itself; the array is
        # already checked above (feature names exist for 2-D X alone)
        validate_data(estimator, X, skip_check_array=True, reset=reset)
    if reset:
        estimator.sample_shape_ = X_array.shape[1:]
    if isinstance(y, str) and y == "no_validation":
        return X_array
    return X_array, _check_targets(estimator, y, X_array, labels)


def channel_stats(X, *, chunk_bytes=1 << 23, with_range=False, sample_weight=None):
    """Mean and standard deviation per channel, computed in chunks of samples.

    The channel is the last axis of 3-D and 5-D input; 2-D and 4-D input has one
    channel. Each chunk is converted to float64 on its own, so no float copy of the
    whole of ``X`` is ever made. A channel with zero variance gets a scale of 1.
    NaN or infinity is scikit-learn's ``ValueError`` (:func:`check_finite`): the
    pass doubles as the finiteness check of an array read once. With
    ``sample_weight`` (one non-negative weight a sample) the statistics are
    weighted: a sample of weight 2 counts as two copies, one of weight 0 as none.

    Returns
    -------
    mean, scale : ndarray of shape (n_channels,) or float64 scalars
    value_range : tuple of (float, float)
        The smallest and largest value of ``X``, from the same pass; only with
        ``with_range=True``.
    """
    per_channel = X.ndim in (3, 5)
    n_channels = X.shape[-1] if per_channel else 1
    count, mean, m2 = 0, np.zeros(n_channels), np.zeros(n_channels)
    low, high = np.inf, -np.inf
    start = 0
    for chunk in sample_chunks(X, chunk_bytes, itemsize=8):
        check_finite(chunk)
        n_samples = len(chunk)
        converted = chunk.astype(np.float64)  # a copy: ours to overwrite
        del chunk  # one chunk in memory at a time
        converted = converted.reshape(n_samples, -1, n_channels)
        low, high = min(low, converted.min()), max(high, converted.max())
        if sample_weight is None:
            n = converted.shape[0] * converted.shape[1]
            chunk_mean = converted.mean(axis=(0, 1))
            converted -= chunk_mean
            chunk_m2 = np.square(converted, out=converted).sum(axis=(0, 1))
        else:
            weight = sample_weight[start : start + n_samples, None, None]
            start += n_samples
            n = weight.sum() * converted.shape[1]
            if n == 0:
                continue
            chunk_mean = (converted * weight).sum(axis=(0, 1)) / n
            converted -= chunk_mean
            chunk_m2 = (np.square(converted, out=converted) * weight).sum(axis=(0, 1))
        delta = chunk_mean - mean
        total = count + n
        # Chan et al.'s pairwise update of the mean and the sum of squares
        mean = mean + delta * (n / total)
        m2 = m2 + chunk_m2 + delta**2 * (count * n / total)
        count = total
        del converted  # before the next chunk is read: one float chunk at a time
    scale = np.sqrt(m2 / count)
    scale[scale < 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1)] = 1.0
    stats = (mean, scale) if per_channel else (mean[0], scale[0])
    return (*stats, (float(low), float(high))) if with_range else stats


def check_predict_range(estimator, fitted_range, value_range):
    """A warning when the values ``predict`` got (``value_range``) look scaled
    otherwise than those of ``fit`` (``fitted_range``): 0-255 at fit and 0-1 now,
    or the other way round. The model standardizes with fit's statistics, so
    such input gives near-constant predictions, with no error."""
    if fitted_range is None:
        return
    (fit_low, fit_high), (low, high) = fitted_range, value_range
    unit = 0 <= low < high <= 1  # a constant clip tells nothing of scaling
    # both ways round, for values that cannot be negative (pixels): signed ones
    # (differences, optical flow) may well lie in [0, 1] for a few clips
    if 0 <= fit_low and ((fit_high > 2 and unit) or (fit_high <= 1 and high > 2)):
        warn(
            f"{_name(estimator)} was fitted on values from {fit_low:g} to "
            f"{fit_high:g}, but X ranges from {low:g} to {high:g}: scaled otherwise "
            "(e.g. 0-255 at fit, 0-1 now), it gives near-constant predictions. "
            "Scale X as at fit."
        )
