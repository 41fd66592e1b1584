"""Decoding the frames of a video file that are asked for: from the key frame
before them, seeking past groups of pictures not needed, each frame scaled (and
cut to size where asked) by FFmpeg while it is decoded."""

import numbers
from dataclasses import dataclass

import numpy as np

from ._index import av_module, open_video, positive

__all__ = ["Geometry", "decode", "scene_cuts"]


@dataclass(frozen=True)
class Geometry:
    """How a file's frames become the frames read: FFmpeg scales them to
    ``scaled`` ``(height, width)``, then the middle ``size`` is kept (the same
    unless a ``crop`` asked for another aspect ratio)."""

    scaled: tuple
    size: tuple

    @classmethod
    def exact(cls, size):
        """Frames scaled to ``size``, nothing cut."""
        return cls(tuple(size), tuple(size))

    @classmethod
    def of(cls, index, size, crop=False):
        """The geometry of ``index``'s file read at ``size``: None keeps the
        file's; an int scales the shorter side to it keeping the aspect ratio
        (as torchvision's ``Resize``); ``(height, width)`` is exact: stretched
        to it, or with ``crop`` scaled to cover it keeping the aspect ratio and
        cut to its middle (torchvision's ``Resize`` then ``CenterCrop``)."""
        if size is None:
            return cls.exact((index.height, index.width))
        if isinstance(size, numbers.Integral):
            side = positive("size", size)
            if index.height <= index.width:
                return cls.exact(
                    (side, max(1, round(side * index.width / index.height)))
                )
            return cls.exact((max(1, round(side * index.height / index.width)), side))
        try:
            height, width = size
        except (TypeError, ValueError):
            raise ValueError(
                f"size must be None, an int or (height, width), got {size!r}."
            ) from None
        height = positive("size height", height)
        width = positive("size width", width)
        if not crop:
            return cls.exact((height, width))
        scale = max(height / index.height, width / index.width)
        scaled = (
            max(height, round(index.height * scale)),
            max(width, round(index.width * scale)),
        )
        return cls(scaled, (height, width))

    def cut(self, rgb):
        """The middle ``size`` of a frame decoded at ``scaled``."""
        if self.scaled == self.size:
            return rgb
        top = (self.scaled[0] - self.size[0]) // 2
        left = (self.scaled[1] - self.size[1]) // 2
        return rgb[top : top + self.size[0], left : left + self.size[1]]


def decode(index, wanted, geometry, on_frame):
    """Decode the frames ``wanted`` (sorted, unique indices) of ``index``'s file,
    calling ``on_frame(i, rgb)`` with each as ``(height, width, 3)`` uint8 as
    ``geometry`` (a :class:`Geometry`) sizes it.

    Decoding starts at the key frame before the first frame wanted and goes on
    while the next frame wanted lies in the same group of pictures; past it, the
    decoder seeks to that frame's key frame. Frames in between are decoded (as
    codecs require) but not converted.
    """
    av = av_module()
    height, width = geometry.scaled
    scale = {}
    if (height, width) != (index.height, index.width):
        # FFmpeg's scaler; pixel-area averaging when shrinking, as OpenCV advises
        scale = {"width": width, "height": height, "interpolation": "AREA"}
    cut = geometry.cut
    k, from_start = 0, False
    with open_video(index.path) as container:
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
                    on_frame(i, cut(frame.to_ndarray(format="rgb24", **scale)))
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


def scene_cuts(index, threshold, side=32):
    """The frames of ``index``'s file whose 32x32 grey thumbnail differs from the
    previous frame's by more than ``threshold`` on average (0-1 scale)."""
    thumbnails = np.empty((len(index), side, side), dtype=np.float32)

    def store(i, rgb):
        thumbnails[i] = rgb.mean(axis=-1) / 255.0

    decode(index, np.arange(len(index)), Geometry.exact((side, side)), store)
    change = np.abs(np.diff(thumbnails, axis=0)).mean(axis=(1, 2))
    return np.flatnonzero(change > threshold) + 1
