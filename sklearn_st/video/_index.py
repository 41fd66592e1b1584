"""The index of a video file: what demuxing it tells (each frame's timestamp, the
key frames where decoding can start, the frame size and rate) without decoding a
frame; bad timestamps refused naming the file and the frame."""

import numbers
import os
from dataclasses import dataclass

import numpy as np

from .._optional import require

__all__ = ["Index", "av_module", "index_video", "open_video", "positive"]


def av_module():
    """PyAV, or an ImportError naming the ``video`` extra."""
    return require("av", extra="video", package="PyAV", needed_by="reading video")


def positive(name, value):
    """``value`` as an int, or a ValueError naming ``name``."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


@dataclass(frozen=True)
class Index:
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


def open_video(path):
    """An open PyAV container of ``path`` with a video stream, or one clear error
    naming the file."""
    av = av_module()
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


def index_video(path):
    """The :class:`Index` of ``path`` (its first video stream)."""
    av = av_module()
    path = os.fspath(path)
    with open_video(path) as container:
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
    return Index(path, pts, keyframes, height, width, time_base)
