"""Clips of one or many video files, decoded when read: :class:`VideoClips`, the
lazy array of clips every estimator reads batch by batch, with the recording and
start time of each clip for splits that keep a recording's overlapping clips
apart."""

import copy
import numbers
import os

import numpy as np

from .._lazy_arrays import lazy_getitem
from ._cache import FrameCache
from ._decoder import Geometry, decode, scene_cuts
from ._frames import n_clips, too_few
from ._index import index_video, positive

__all__ = ["VideoClips"]


class VideoClips:
    """Overlapping clips of one or many video files, decoded when read.

    An indexable array of shape ``(n_clips, n_frames, height, width, 3)`` and
    dtype uint8, like an ``h5py.Dataset``: every estimator and transformer of
    sklearn_st fits, predicts and transforms on it batch by batch, so a recording
    larger than memory is never decoded whole. Each file is cut as
    :func:`sliding_clips` cuts its frames; clip ``i`` of file ``f`` starts at frame
    ``i * stride``. ``X[i]`` decodes clip ``i``; a slice or an array of ints or
    booleans gives a VideoClips of those clips, decoded when read, as
    scikit-learn's ``cross_validate``, ``GridSearchCV`` and ``train_test_split``
    index ``X``, so that their folds are never decoded whole; ``np.asarray``
    decodes. Reading decodes the frames the clips need from the key frame before
    them, converts them to RGB at ``size`` while decoding, and keeps recently
    decoded frames in a cache of at most ``cache_bytes``.

    Opening it demuxes each file once (reads its packets, decodes nothing) to
    count its frames and find its key frames; with ``drop_scene_cuts=True`` it
    also decodes each file once, at 32x32 grey, to find the cuts.

    Parameters
    ----------
    paths : str, os.PathLike or sequence of them
        Video files; their frames must have one size after ``size``.
    n_frames : int
        Frames per clip.
    stride : int, default=1
        Frames between the first frames of consecutive clips of a file.
    step : int, default=1
        Frames between consecutive frames of a clip.
    size : int, tuple of (int, int) or None, default=None
        Frame size, as in :func:`read_video`.
    crop : bool, default=False
        With ``size=(height, width)``: keep each file's aspect ratio and cut
        the middle of its frames to that size, as in :func:`read_video`, so
        that files of different shapes are read at one size undistorted. With
        an int ``size``: where the files' shapes at that shorter side differ,
        read them all at the shape most of them have (the first file's on a
        tie), each cut so.
    drop_scene_cuts : bool, default=False
        Leave out clips that span a scene cut: a pair of consecutive frames
        whose 32x32 grey thumbnails differ by more than ``scene_threshold`` on
        average (on a 0-1 scale).
    scene_threshold : float, default=0.2
        The mean absolute difference of a cut (a camera pan moves thumbnails by
        a few hundredths; a change of scene by tenths).
    cache_bytes : int, default=67108864
        Most bytes of decoded frames kept for later reads (64 MiB): the frames
        that overlapping clips share are decoded once when read in order.

    Attributes
    ----------
    shape : tuple of int
        ``(n_clips, n_frames, height, width, 3)``.
    dtype : numpy.dtype
        uint8.
    groups : ndarray of shape (n_clips,)
        The index in ``paths`` of the file of each clip: pass it to
        ``GroupKFold`` so that the clips of one recording stay on one side.
    start_frames : ndarray of shape (n_clips,)
        The frame of its file where each clip starts.
    start_times : ndarray of shape (n_clips,)
        The same in seconds from the file's first frame: with ``groups``, the
        time order for a split that trains on the earlier part of a recording.
    frame_counts : ndarray of shape (n_files,)
        Frames in each file.
    scene_cuts : list of ndarray
        Per file, the frames that start a new scene (empty unless
        ``drop_scene_cuts=True``).

    Raises
    ------
    FileNotFoundError, ValueError
        As :func:`read_video`, naming the file; also when a file is too short
        for one clip or the files' frame sizes differ.

    See Also
    --------
    read_video, sliding_clips

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import GroupKFold
    >>> from sklearn_st.datasets import write_moving_squares_video
    >>> from sklearn_st.video import VideoClips
    >>> for name in ("a.mp4", "b.mp4"):
    ...     velocity = write_moving_squares_video(name, n_frames=40)
    >>> X = VideoClips(["a.mp4", "b.mp4"], n_frames=8, stride=4, size=16)
    >>> X.shape, X.dtype, X.groups[[0, -1]]
    ((18, 8, 16, 16, 3), dtype('uint8'), array([0, 1]))
    >>> X[0].shape  # one clip, decoded now
    (8, 16, 16, 3)
    >>> part = X[[0, 5]]  # a VideoClips of two clips, decoded when read
    >>> part.shape, np.asarray(part).shape
    ((2, 8, 16, 16, 3), (2, 8, 16, 16, 3))
    >>> train, test = next(GroupKFold(2).split(X, groups=X.groups))
    """

    def __init__(
        self,
        paths,
        n_frames,
        *,
        stride=1,
        step=1,
        size=None,
        crop=False,
        drop_scene_cuts=False,
        scene_threshold=0.2,
        cache_bytes=1 << 26,
    ):
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        self.paths = [os.fspath(p) for p in paths]
        if not self.paths:
            raise ValueError("VideoClips needs at least one video file.")
        self.n_frames = positive("n_frames", n_frames)
        self.stride, self.step = positive("stride", stride), positive("step", step)
        self.size = size
        self.crop = bool(crop)
        self.drop_scene_cuts = bool(drop_scene_cuts)
        self.scene_threshold = float(scene_threshold)
        self.cache_bytes = int(cache_bytes)
        self._indexes = [index_video(path) for path in self.paths]
        self._geometries = [Geometry.of(i, size, crop) for i in self._indexes]
        shapes = [g.size for g in self._geometries]
        if crop and isinstance(size, numbers.Integral) and len(set(shapes)) > 1:
            common = max(shapes, key=shapes.count)  # the first of the most common
            self._geometries = [Geometry.of(i, common, True) for i in self._indexes]
        sizes = {g.size for g in self._geometries}
        if len(sizes) > 1:
            listed = ", ".join(
                f"{p}: {h}x{w}"
                for p, (h, w) in zip(
                    self.paths, (g.size for g in self._geometries), strict=True
                )
            )
            raise ValueError(
                f"the videos' frames differ in size ({listed}); pass size=(height, "
                "width) to read them at one size (crop=True keeps their aspect "
                "ratios)."
            )
        self.frame_size = sizes.pop()
        span = (self.n_frames - 1) * self.step + 1
        groups, starts, self.scene_cuts = [], [], []
        for f, index in enumerate(self._indexes):
            n = n_clips(len(index), self.n_frames, self.stride, self.step)
            if n == 0:
                raise ValueError(
                    f"{index.path}: {too_few(len(index), self.n_frames, self.step)}"
                )
            first = np.arange(n) * self.stride
            cuts = scene_cuts(index, self.scene_threshold) if drop_scene_cuts else []
            cuts = np.asarray(cuts, dtype=np.intp)
            self.scene_cuts.append(cuts)
            if len(cuts):
                # a clip spans a cut when a cut frame lies in (start, start + span)
                after = np.searchsorted(cuts, first, side="right")
                before = np.searchsorted(cuts, first + span - 1, side="right")
                first = first[after == before]
            groups.append(np.full(len(first), f))
            starts.append(first)
        self.groups = np.concatenate(groups)
        self.start_frames = np.concatenate(starts)
        if len(self.groups) == 0:
            raise ValueError("every clip of the videos spans a scene cut.")
        self.frame_counts = np.array([len(i) for i in self._indexes])
        self._cache = FrameCache(self.cache_bytes)

    dtype = np.dtype(np.uint8)

    @property
    def start_times(self):
        """Each clip's start in seconds from its file's first frame."""
        times = np.empty(len(self.groups))
        for f, index in enumerate(self._indexes):
            mine = self.groups == f
            start = index.pts[self.start_frames[mine]] - index.pts[0]
            times[mine] = start * index.time_base
        return times

    @property
    def shape(self):
        return (len(self.groups), self.n_frames, *self.frame_size, 3)

    @property
    def ndim(self):
        return 5

    @property
    def nbytes(self):
        return int(np.prod(self.shape))

    def __len__(self):
        return len(self.groups)

    def __getitem__(self, key):
        # an int decodes its clip; a slice or an array of indices is a lazy
        # VideoClips of those clips (what scikit-learn's splitters index), so a
        # fold of cross_validate is never decoded whole
        return lazy_getitem(self, key, self._read)

    def subset(self, indices):
        """The clips ``indices`` (ints or booleans) as a VideoClips, still
        decoded only when read: ``X[indices]``."""
        ids = np.arange(len(self))[indices]
        part = copy.copy(self)
        part._cache = self._cache.empty()
        part.groups = self.groups[ids]
        part.start_frames = self.start_frames[ids]
        return part

    def __array__(self, dtype=None, copy=None):
        clips = self._read(np.arange(len(self)))
        return clips if dtype is None else clips.astype(dtype, copy=False)

    def _read(self, ids):
        """The clips ``ids`` as a new ``(len(ids), n_frames, height, width, 3)``
        array: cached frames copied, the others decoded file by file."""
        out = np.empty((len(ids), *self.shape[1:]), dtype=np.uint8)
        offsets = np.arange(self.n_frames) * self.step
        files = self.groups[ids]
        for f in np.unique(files):
            rows = np.flatnonzero(files == f)
            frames = self.start_frames[ids[rows]][:, None] + offsets  # (rows, t)
            targets = {}  # frame: where it goes in out
            for r, t in np.ndindex(frames.shape):
                targets.setdefault(int(frames[r, t]), []).append((rows[r], t))
            missing = []
            for i, where in targets.items():
                cached = self._cache.get((f, i))
                if cached is None:
                    missing.append(i)
                    continue
                for r, t in where:
                    out[r, t] = cached

            def store(i, rgb, f=f, targets=targets):
                for r, t in targets[i]:
                    out[r, t] = rgb
                self._cache.put((f, i), rgb)

            if missing:
                decode(self._indexes[f], sorted(missing), self._geometries[f], store)
        return out

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_cache"] = self._cache.empty()
        return state

    def __repr__(self):
        files = repr(self.paths[0]) if len(self.paths) == 1 else self.paths
        if len(self.paths) > 3:
            files = f"[{self.paths[0]!r}, ... {len(self.paths)} files]"
        crop = ", crop=True" if self.crop else ""
        return (
            f"VideoClips({files}, n_frames={self.n_frames}, stride={self.stride}, "
            f"step={self.step}, size={self.size!r}{crop}): {len(self)} clips of "
            f"{self.frame_size[0]}x{self.frame_size[1]}"
        )
