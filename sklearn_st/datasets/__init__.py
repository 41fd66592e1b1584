"""Bundled data, generated on the spot from data installed with scikit-learn and
scikit-image (nothing is downloaded): clips as arrays (``_generated``:
:func:`make_moving_digits`, :func:`make_panning_photos`) and video files
(``_videos``: :func:`write_moving_squares_video`, :func:`write_camera_video`)."""

from ._generated import (
    CAMERA_EFFECTS,
    DIRECTIONS,
    HELD_OUT_PHOTOS,
    PHOTOS,
    make_moving_digits,
    make_panning_photos,
)
from ._videos import write_camera_video, write_moving_squares_video

__all__ = [
    "CAMERA_EFFECTS",
    "DIRECTIONS",
    "HELD_OUT_PHOTOS",
    "PHOTOS",
    "make_moving_digits",
    "make_panning_photos",
    "write_camera_video",
    "write_moving_squares_video",
]
