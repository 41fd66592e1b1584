"""Frames in memory: :func:`read_video` decodes a file (or part of it) into an
array, :func:`sliding_clips` cuts an array of frames into overlapping clips as a
view."""

import numpy as np

from ._decoder import Geometry, decode
from ._index import index_video, positive

__all__ = ["n_clips", "read_video", "sliding_clips", "too_few"]


def read_video(path, *, size=None, crop=False, step=1, start=None, stop=None):
    """Read a video file into RGB frames, scaled while decoding.

    Parameters
    ----------
    path : str or os.PathLike
        A video file that FFmpeg reads (MP4, MKV, AVI, MOV, WebM, ...); its first
        video stream is read.
    size : int, tuple of (int, int) or None, default=None
        Frame size of the result: None keeps the file's; an int scales the
        shorter side to it and keeps the aspect ratio; ``(height, width)`` is
        exact (see ``crop``). Frames are scaled by FFmpeg's scaler as they are
        decoded (pixel-area averaging), so the full-size frames are never kept.
    crop : bool, default=False
        With ``size=(height, width)`` of another aspect ratio than the file's:
        scale the frames to cover that size keeping their aspect ratio and keep
        the middle (torchvision's ``Resize`` then ``CenterCrop``) instead of
        stretching them to it.
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
    step = positive("step", step)
    index = index_video(path)
    wanted = np.arange(len(index))[slice(start, stop, step)]
    if len(wanted) == 0:
        raise ValueError(
            f"{index.path}: no frame in start={start}, stop={stop}, step={step} of "
            f"its {len(index)} frames."
        )
    geometry = Geometry.of(index, size, crop)
    height, width = geometry.size
    frames = np.empty((len(wanted), height, width, 3), dtype=np.uint8)
    position = {int(i): t for t, i in enumerate(wanted)}

    def store(i, rgb):
        frames[position[i]] = rgb

    decode(index, wanted, geometry, store)
    return frames


def n_clips(n_total, n_frames, stride, step):
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
    n_frames = positive("n_frames", n_frames)
    stride, step = positive("stride", stride), positive("step", step)
    frames = np.asanyarray(frames)
    if frames.ndim == 0:
        raise ValueError("frames must have at least one dimension (time).")
    count = n_clips(len(frames), n_frames, stride, step)
    if count == 0:
        raise ValueError(too_few(len(frames), n_frames, step))
    first = frames.strides[0]
    return np.lib.stride_tricks.as_strided(
        frames,
        shape=(count, n_frames, *frames.shape[1:]),
        strides=(stride * first, step * first, *frames.strides[1:]),
        writeable=False,
    )


def too_few(n_total, n_frames, step):
    """What to say when ``n_total`` frames hold no clip of ``n_frames`` frames
    ``step`` apart."""
    span = (n_frames - 1) * step + 1
    most = (n_total - 1) // step + 1
    spread = f" {step} apart" if step > 1 else ""
    return (
        f"{n_total} frames are too few for one clip of {n_frames} frames{spread}, "
        f"which spans {span} frames; use n_frames={most} or fewer"
        + (" or a smaller step." if step > 1 else ".")
    )
