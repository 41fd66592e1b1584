"""Video files into clips of the array contract (the ``video`` extra: PyAV).

:func:`~sklearn_st.read_video` decodes a file into ``(n_frames, height, width,
3)`` uint8 RGB frames, scaled while decoding by FFmpeg's scaler;
:func:`~sklearn_st.sliding_clips` cuts frames into overlapping clips as a read-only
view; :class:`~sklearn_st.VideoClips` is the lazy version of both over one or many
files: an indexable array of clips that decodes only the
clips asked for, which every estimator reads as it reads an HDF5 dataset, with the
recording and start time of each clip for splits that keep overlapping clips of a
recording on one side.
"""

import copy
import numbers
import os
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ._arrays import lazy_getitem
from ._optional import require

__all__ = ["VideoClips", "read_video", "sliding_clips"]


def _av():
    return require("av", extra="video", package="PyAV", needed_by="reading video")


class VideoWriter:
    """RGB frames into an H.264 MP4 file through PyAV, as a context manager: a
    file that could not be finished is removed, never left half-written.

    ``crf`` is x264's quality (0 lossless, 18 visually lossless), ``gop`` the
    frames between key frames. Frames are ``(height, width, 3)`` uint8.
    """

    def __init__(self, path, height, width, fps, crf, gop):
        av = _av()
        self.path = os.fspath(path)
        self._av = av
        self._container = av.open(self.path, mode="w")
        stream = self._container.add_stream("libx264", rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "g": str(gop)}
        self._stream = stream

    def write(self, frame):
        video_frame = self._av.VideoFrame.from_ndarray(frame, format="rgb24")
        for packet in self._stream.encode(video_frame):
            self._container.mux(packet)

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        try:
            if kind is None:
                for packet in self._stream.encode():
                    self._container.mux(packet)
        finally:
            self._container.close()
            if kind is not None and os.path.exists(self.path):
                os.remove(self.path)


def _positive(name, value):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


@dataclass(frozen=True)
class _Index:
    """What demuxing a file (reading its packets, decoding nothing) tells: the
    presentation timestamp of every frame in order, the frames that start a
    group of pictures (where decoding can begin), the frame size and rate."""

    path: str
    pts: np.ndarray  # int64, sorted: frame i is the one shown i-th
    keyframes: np.ndarray  # indices into pts of the key frames, sorted
    height: int
    width: int
    time_base: float

    def __len__(self):
        return len(self.pts)

    def keyframe_before(self, i):
        """The last key frame at or before frame ``i`` (0 if none is marked)."""
        k = np.searchsorted(self.keyframes, i, side="right") - 1
        return int(self.keyframes[k]) if k >= 0 else 0

    def position(self, pts):
        """The frame index of a decoded frame's timestamp (None if unknown)."""
        if pts is None:
            return None
        i = int(np.searchsorted(self.pts, pts))
        return i if i < len(self.pts) and self.pts[i] == pts else None


def _open(path):
    """An open PyAV container of ``path`` with a video stream, or one clear error
    naming the file."""
    av = _av()
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such video file.")
    try:
        container = av.open(path)
    except av.FFmpegError as error:
        raise ValueError(
            f"{path}: not a video file that FFmpeg can read ({error})."
        ) from error
    if not container.streams.video:
        container.close()
        raise ValueError(f"{path}: the file holds no video stream.")
    return container


def _index(path):
    """The :class:`_Index` of ``path`` (its first video stream)."""
    av = _av()
    path = os.fspath(path)
    with _open(path) as container:
        stream = container.streams.video[0]
        pts, keys, last_dts = [], [], None
        try:
            for packet in container.demux(stream):
                if packet.size == 0 or packet.is_discard:
                    # the demuxer's final empty packet; a frame an edit list
                    # leaves out (the decoder shows it neither)
                    continue
                if packet.pts is None:
                    raise ValueError(
                        f"{path}: frame {len(pts)} has no timestamp (a raw stream, "
                        "or packets without times), so its frames cannot be found "
                        "again by seeking. Put the stream into a container first, "
                        "e.g. ffmpeg -i IN -c copy OUT.mp4."
                    )
                if packet.dts is not None:
                    if last_dts is not None and packet.dts <= last_dts:
                        raise ValueError(
                            f"{path}: the timestamps jump back at frame "
                            f"{len(pts)} (decoding time {packet.dts} after "
                            f"{last_dts}), as in recordings joined end to end; "
                            "frames cannot be told apart by time. Split it at "
                            "that frame, or re-time it, e.g. ffmpeg -i IN "
                            "-fflags +genpts OUT.mp4."
                        )
                    last_dts = packet.dts
                pts.append(packet.pts)
                keys.append(packet.is_keyframe)
        except av.FFmpegError as error:
            raise ValueError(
                f"{path}: the video stream is unreadable ({error})."
            ) from error
        context = stream.codec_context
        height, width = context.height, context.width
        time_base = float(stream.time_base or 0)
    if not pts or not height or not width:
        raise ValueError(f"{path}: the video stream has no timed frames to read.")
    pts = np.asarray(pts, dtype=np.int64)
    order = np.argsort(pts, kind="stable")
    pts, keys = pts[order], np.asarray(keys)[order]
    same = np.flatnonzero(np.diff(pts) == 0)
    if len(same):
        raise ValueError(
            f"{path}: frames {int(same[0])} and {int(same[0]) + 1} (in time order) "
            f"have one timestamp ({int(pts[same[0]])}), so they cannot be told "
            "apart by time; re-time the file, e.g. ffmpeg -i IN -fflags +genpts "
            "OUT.mp4."
        )
    keyframes = np.flatnonzero(keys)
    return _Index(path, pts, keyframes, height, width, time_base)


def _output_size(index, size):
    """``(height, width)`` of the frames read from ``index``'s file at ``size``:
    None keeps the file's; an int scales the shorter side to it keeping the
    aspect ratio (as torchvision's ``Resize``); ``(height, width)`` is exact."""
    if size is None:
        return index.height, index.width
    if isinstance(size, numbers.Integral):
        side = _positive("size", size)
        if index.height <= index.width:
            return side, max(1, round(side * index.width / index.height))
        return max(1, round(side * index.height / index.width)), side
    try:
        height, width = size
    except (TypeError, ValueError):
        raise ValueError(
            f"size must be None, an int or (height, width), got {size!r}."
        ) from None
    return _positive("size height", height), _positive("size width", width)


def _decode(index, wanted, out_size, on_frame):
    """Decode the frames ``wanted`` (sorted, unique indices) of ``index``'s file,
    calling ``on_frame(i, rgb)`` with each as ``(height, width, 3)`` uint8 at
    ``out_size``.

    Decoding starts at the key frame before the first frame wanted and goes on
    while the next frame wanted lies in the same group of pictures; past it, the
    decoder seeks to that frame's key frame. Frames in between are decoded (as
    codecs require) but not converted.
    """
    av = _av()
    height, width = out_size
    scale = {}
    if (height, width) != (index.height, index.width):
        # FFmpeg's scaler; pixel-area averaging when shrinking, as OpenCV advises
        scale = {"width": width, "height": height, "interpolation": "AREA"}
    k, from_start = 0, False
    with _open(index.path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        try:
            while k < len(wanted):
                key = 0 if from_start else index.keyframe_before(wanted[k])
                container.seek(
                    int(index.pts[key]), stream=stream, backward=True, any_frame=False
                )
                reseek, retried = False, from_start
                from_start = False
                for frame in container.decode(stream):
                    i = index.position(frame.pts)
                    if i is None or i < wanted[k]:
                        continue
                    if i > wanted[k]:  # the seek landed past the frame wanted
                        if retried or key == 0:
                            raise ValueError(
                                f"{index.path}: frame {wanted[k]} could not be decoded."
                            )
                        from_start = reseek = True  # decode it from the start
                        break
                    on_frame(i, frame.to_ndarray(format="rgb24", **scale))
                    k += 1
                    if k == len(wanted):
                        break
                    if index.keyframe_before(wanted[k]) > i:
                        reseek = True  # cheaper to seek than to decode up to it
                        break
                if not reseek and k < len(wanted):
                    raise ValueError(
                        f"{index.path}: the stream ended before frame {wanted[k]} "
                        f"of the {len(index)} it lists."
                    )
        except av.FFmpegError as error:
            raise ValueError(
                f"{index.path}: the video stream is unreadable ({error})."
            ) from error


def read_video(path, *, size=None, step=1, start=None, stop=None):
    """Read a video file into RGB frames, scaled while decoding.

    Parameters
    ----------
    path : str or os.PathLike
        A video file that FFmpeg reads (MP4, MKV, AVI, MOV, WebM, ...); its first
        video stream is read.
    size : int, tuple of (int, int) or None, default=None
        Frame size of the result: None keeps the file's; an int scales the
        shorter side to it and keeps the aspect ratio; ``(height, width)`` is
        exact. Frames are scaled by FFmpeg's scaler as they are decoded
        (pixel-area averaging), so the full-size frames are never kept.
    step : int, default=1
        Read every ``step``-th frame.
    start, stop : int or None, default=None
        Frames ``start`` to ``stop`` (exclusive) of the file, counted in
        presentation order as Python slices count (negative from the end).
        Decoding starts at the key frame before ``start``.

    Returns
    -------
    frames : ndarray of shape (n_frames, height, width, 3), dtype uint8
        ``frames[t]`` is frame ``start + t * step`` of the file.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When it is not a video FFmpeg can read, holds no video stream, its
        stream cannot be decoded, or no frame lies in ``start:stop:step``; the
        message names the file.

    See Also
    --------
    sliding_clips : Cut the frames into clips.
    VideoClips : Clips of one or many files, decoded when they are read.

    Examples
    --------
    >>> from sklearn_st.datasets import write_moving_squares_video
    >>> from sklearn_st.video import read_video
    >>> velocity = write_moving_squares_video("demo.mp4", n_frames=48)
    >>> frames = read_video("demo.mp4", size=16, step=2)
    >>> frames.shape, frames.dtype
    ((24, 16, 16, 3), dtype('uint8'))
    """
    step = _positive("step", step)
    index = _index(path)
    wanted = np.arange(len(index))[slice(start, stop, step)]
    if len(wanted) == 0:
        raise ValueError(
            f"{index.path}: no frame in start={start}, stop={stop}, step={step} of "
            f"its {len(index)} frames."
        )
    height, width = _output_size(index, size)
    frames = np.empty((len(wanted), height, width, 3), dtype=np.uint8)
    position = {int(i): t for t, i in enumerate(wanted)}

    def store(i, rgb):
        frames[position[i]] = rgb

    _decode(index, wanted, (height, width), store)
    return frames


def _n_clips(n_total, n_frames, stride, step):
    span = (n_frames - 1) * step + 1
    return 0 if n_total < span else (n_total - span) // stride + 1


def sliding_clips(frames, n_frames, *, stride=1, step=1):
    """Overlapping clips of a sequence of frames, as a read-only view.

    Parameters
    ----------
    frames : array-like of shape (n_total, ...)
        Frames, e.g. from :func:`read_video`; a memmap stays a memmap.
    n_frames : int
        Frames per clip.
    stride : int, default=1
        Frames between the first frames of consecutive clips.
    step : int, default=1
        Frames between consecutive frames of a clip.

    Returns
    -------
    clips : ndarray of shape (n_clips, n_frames, ...)
        ``clips[i, t]`` is ``frames[i * stride + t * step]``: a view of
        ``frames`` (nothing is copied), not writeable. ``n_clips`` is
        ``(n_total - (n_frames - 1) * step - 1) // stride + 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_st.video import sliding_clips
    >>> frames = np.arange(10)
    >>> sliding_clips(frames, 3, stride=4)
    array([[0, 1, 2],
           [4, 5, 6]])
    >>> sliding_clips(frames, 3, stride=3, step=2)[:, :, ...].tolist()
    [[0, 2, 4], [3, 5, 7]]
    """
    n_frames = _positive("n_frames", n_frames)
    stride, step = _positive("stride", stride), _positive("step", step)
    frames = np.asanyarray(frames)
    if frames.ndim == 0:
        raise ValueError("frames must have at least one dimension (time).")
    n_clips = _n_clips(len(frames), n_frames, stride, step)
    if n_clips == 0:
        raise ValueError(
            f"{len(frames)} frames are too few for one clip of {n_frames} frames "
            f"{step} apart (it spans {(n_frames - 1) * step + 1})."
        )
    first = frames.strides[0]
    return np.lib.stride_tricks.as_strided(
        frames,
        shape=(n_clips, n_frames, *frames.shape[1:]),
        strides=(stride * first, step * first, *frames.strides[1:]),
        writeable=False,
    )


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
        drop_scene_cuts=False,
        scene_threshold=0.2,
        cache_bytes=1 << 26,
    ):
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        self.paths = [os.fspath(p) for p in paths]
        if not self.paths:
            raise ValueError("VideoClips needs at least one video file.")
        self.n_frames = _positive("n_frames", n_frames)
        self.stride, self.step = _positive("stride", stride), _positive("step", step)
        self.size = size
        self.drop_scene_cuts = bool(drop_scene_cuts)
        self.scene_threshold = float(scene_threshold)
        self.cache_bytes = int(cache_bytes)
        self._indexes = [_index(path) for path in self.paths]
        sizes = {
            path: _output_size(i, size)
            for path, i in zip(self.paths, self._indexes, strict=True)
        }
        if len(set(sizes.values())) > 1:
            listed = ", ".join(f"{p}: {h}x{w}" for p, (h, w) in sizes.items())
            raise ValueError(
                f"the videos' frames differ in size ({listed}); pass size=(height, "
                "width) to read them at one size."
            )
        self.frame_size = next(iter(sizes.values()))
        span = (self.n_frames - 1) * self.step + 1
        groups, starts, self.scene_cuts = [], [], []
        for f, index in enumerate(self._indexes):
            n = _n_clips(len(index), self.n_frames, self.stride, self.step)
            if n == 0:
                raise ValueError(
                    f"{index.path}: {len(index)} frames are too few for one clip of "
                    f"{self.n_frames} frames {self.step} apart (it spans {span})."
                )
            first = np.arange(n) * self.stride
            cuts = _scene_cuts(index, self.scene_threshold) if drop_scene_cuts else []
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
        self._cache = OrderedDict()
        self._cached_bytes = 0

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
        part._cache, part._cached_bytes = OrderedDict(), 0
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
                self._cache.move_to_end((f, i))
                for r, t in where:
                    out[r, t] = cached

            def store(i, rgb, f=f, targets=targets):
                for r, t in targets[i]:
                    out[r, t] = rgb
                self._remember((f, i), rgb)

            if missing:
                _decode(self._indexes[f], sorted(missing), self.frame_size, store)
        return out

    def _remember(self, key, frame):
        if frame.nbytes > self.cache_bytes:
            return
        self._cache[key] = frame
        self._cached_bytes += frame.nbytes
        while self._cached_bytes > self.cache_bytes:
            _, old = self._cache.popitem(last=False)
            self._cached_bytes -= old.nbytes

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_cache"], state["_cached_bytes"] = OrderedDict(), 0
        return state

    def __repr__(self):
        files = repr(self.paths[0]) if len(self.paths) == 1 else self.paths
        if len(self.paths) > 3:
            files = f"[{self.paths[0]!r}, ... {len(self.paths)} files]"
        return (
            f"VideoClips({files}, n_frames={self.n_frames}, stride={self.stride}, "
            f"step={self.step}, size={self.size!r}): {len(self)} clips of "
            f"{self.frame_size[0]}x{self.frame_size[1]}"
        )


def _scene_cuts(index, threshold, side=32):
    """The frames of ``index``'s file whose 32x32 grey thumbnail differs from the
    previous frame's by more than ``threshold`` on average (0-1 scale)."""
    thumbnails = np.empty((len(index), side, side), dtype=np.float32)

    def store(i, rgb):
        thumbnails[i] = rgb.mean(axis=-1) / 255.0

    _decode(index, np.arange(len(index)), (side, side), store)
    change = np.abs(np.diff(thumbnails, axis=0)).mean(axis=(1, 2))
    return np.flatnonzero(change > threshold) + 1
