"""Splits for clips cut from longer recordings.

Overlapping clips of one recording share frames: shuffled into both sides of a
split, a model is tested on frames it trained on, and the score leaks. These
splits keep each test stretch of a recording apart in time from the training
clips: :class:`RecordingTimeSplit` for cross-validation (``cv=``), and
:func:`recording_train_test_split` for one split that tests on the later part of
every recording. Where whole recordings can be held out, scikit-learn's
``GroupKFold`` with ``groups=X.groups`` of a :class:`~sklearn_st.VideoClips`
does that.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
    validate_params,
)
from sklearn.utils.validation import _num_samples

__all__ = ["RecordingTimeSplit", "recording_train_test_split"]


def _timeline(X, groups, gap):
    """Each sample's recording, its time in it, and how close in time a
    training sample may come to a test sample: ``(groups, time, reach)``.

    ``X`` with ``start_frames`` (a VideoClips) is timed in frames, and clips
    overlap within ``(n_frames - 1) * step + 1`` frames; anything else is timed
    by its position among the samples of its recording, and overlaps none.
    """
    n = _num_samples(X)
    if groups is None:
        groups = getattr(X, "groups", None)
    groups = np.zeros(n, dtype=np.intp) if groups is None else np.asarray(groups)
    if groups.shape != (n,):
        raise ValueError(f"groups must have shape ({n},), got {groups.shape}.")
    if hasattr(X, "start_frames"):
        time = np.asarray(X.start_frames)
        overlap = (X.n_frames - 1) * X.step + 1
    else:  # the position of each sample among those of its recording
        time = np.empty(n, dtype=np.intp)
        for g in np.unique(groups):
            mine = np.flatnonzero(groups == g)
            time[mine] = np.arange(len(mine))
        overlap = 1
    # a gap is a margin beyond the overlap: it adds to it, never replaces it
    reach = overlap + (0 if gap == "auto" else int(gap))
    return groups, time, reach


def _split_group(ids, time, reach, test_stretch):
    """Train and test indices within one recording: ``test_stretch`` picks the
    test samples among ``ids`` sorted in time; training samples closer than
    ``reach`` to the test stretch are left out."""
    ordered = ids[np.argsort(time[ids], kind="stable")]
    test = ordered[test_stretch]
    if len(test) == 0:
        return ordered, test
    low, high = time[test].min(), time[test].max()
    rest = np.setdiff1d(ordered, test, assume_unique=True)
    keep = (time[rest] <= low - reach) | (time[rest] >= high + reach)
    return rest[keep], test


class RecordingTimeSplit(BaseCrossValidator):
    """K-fold cross-validation in time within each recording.

    Each recording's samples, in time order, are cut into ``n_splits``
    contiguous stretches; fold ``k`` tests on the ``k``-th stretch of every
    recording and trains on the rest of them, leaving out the training clips
    that would share frames with a test clip, and with ``gap``, the ``gap``
    frames (or samples) beyond them.
    Every recording is on both sides of every fold, so a target that is the
    recording (which video a clip comes from) can be learned and tested, and no
    test frame was seen in training.

    Parameters
    ----------
    n_splits : int, default=3
        Folds, at least 2.
    gap : 'auto' or int, default='auto'
        The margin left between training and test on each side of a test
        stretch, added to the overlap. 'auto' (same as 0): the clips of a
        :class:`~sklearn_st.VideoClips` that share frames with a test
        clip are left out; none of an array (its samples are taken as not
        overlapping). An int ``g`` also leaves out the clips that come within
        ``g`` frames of a test clip (of a VideoClips) or the ``g`` nearest
        samples of the recording (of an array).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_st.model_selection import RecordingTimeSplit
    >>> X = np.zeros((12, 4))  # 12 clips, 6 from each of 2 recordings
    >>> groups = np.repeat([0, 1], 6)
    >>> for train, test in RecordingTimeSplit(3, gap=1).split(X, groups=groups):
    ...     print(train, test)
    [ 3  4  5  9 10 11] [0 1 6 7]
    [ 0  5  6 11] [2 3 8 9]
    [0 1 2 6 7 8] [ 4  5 10 11]
    """

    _parameter_constraints: dict = {
        "n_splits": [Interval(Integral, 2, None, closed="left")],
        "gap": [StrOptions({"auto"}), Interval(Integral, 0, None, closed="left")],
    }

    def __init__(self, n_splits=3, *, gap="auto"):
        self.n_splits = n_splits
        self.gap = gap

    def get_n_splits(self, X=None, y=None, groups=None):
        return int(self.n_splits)

    def split(self, X, y=None, groups=None):
        """Train and test indices of each fold.

        Parameters
        ----------
        X : array-like or VideoClips of shape (n_samples, ...)
            The clips; a VideoClips gives its own recordings and start frames.
        y : ignored
        groups : array-like of shape (n_samples,), default=None
            The recording of each sample (default: ``X.groups``, else one
            recording); within one, samples are in time order.

        Yields
        ------
        train, test : ndarray of int
        """
        validate_parameter_constraints(
            self._parameter_constraints,
            {"n_splits": self.n_splits, "gap": self.gap},
            caller_name=type(self).__name__,
        )
        groups, time, reach = _timeline(X, groups, self.gap)
        recordings = [np.flatnonzero(groups == g) for g in np.unique(groups)]
        for k in range(int(self.n_splits)):
            train, test = [], []
            for ids in recordings:
                bounds = np.linspace(0, len(ids), int(self.n_splits) + 1).astype(int)
                part = _split_group(ids, time, reach, slice(bounds[k], bounds[k + 1]))
                train.append(part[0])
                test.append(part[1])
            yield np.sort(np.concatenate(train)), np.sort(np.concatenate(test))

    def _iter_test_indices(self, X=None, y=None, groups=None):  # pragma: no cover
        for _, test in self.split(X, y, groups):
            yield test


@validate_params(
    {
        "X": "no_validation",
        "test_size": [Interval(Real, 0, 1, closed="neither")],
        "groups": ["array-like", None],
        "gap": [StrOptions({"auto"}), Interval(Integral, 0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def recording_train_test_split(X, *, test_size=0.25, groups=None, gap="auto"):
    """Train on the earlier part of every recording, test on the later part.

    The last ``test_size`` of each recording's samples (in time order) are the
    test samples; training samples that would share frames with a test clip, and
    with ``gap`` those within ``gap`` frames beyond, are left out, as in
    :class:`RecordingTimeSplit`.

    Parameters
    ----------
    X : array-like or VideoClips of shape (n_samples, ...)
        The clips; a VideoClips gives its own recordings and start frames.
    test_size : float, default=0.25
        Share of each recording's samples to test on.
    groups : array-like of shape (n_samples,), default=None
        The recording of each sample (default: ``X.groups``, else one).
    gap : 'auto' or int, default='auto'
        As in :class:`RecordingTimeSplit`.

    Returns
    -------
    train, test : ndarray of int
        Sorted indices of the training and test samples.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_st.model_selection import recording_train_test_split
    >>> recording_train_test_split(np.zeros((8, 3)), test_size=0.25, gap=1)
    (array([0, 1, 2, 3, 4]), array([6, 7]))
    """
    groups, time, reach = _timeline(X, groups, gap)
    train, test = [], []
    for g in np.unique(groups):
        ids = np.flatnonzero(groups == g)
        n_test = max(1, round(test_size * len(ids)))
        part = _split_group(ids, time, reach, slice(len(ids) - n_test, None))
        train.append(part[0])
        test.append(part[1])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))
