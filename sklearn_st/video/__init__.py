"""Video files into clips of the array contract (the ``video`` extra: PyAV).

:func:`~sklearn_st.read_video` decodes a file into ``(n_frames, height, width,
3)`` uint8 RGB frames, scaled while decoding by FFmpeg's scaler;
:func:`~sklearn_st.sliding_clips` cuts frames into overlapping clips as a read-only
view; :class:`~sklearn_st.VideoClips` is the lazy version of both over one or many
files: an indexable array of clips that decodes only the
clips asked for, which every estimator reads as it reads an HDF5 dataset, with the
recording and start time of each clip for splits that keep overlapping clips of a
recording on one side.

Inside: ``_index`` (what demuxing a file tells), ``_decoder`` (decoding the
frames asked for, with seeking), ``_cache`` (decoded frames kept for later
reads), ``_frames`` (``read_video``, ``sliding_clips``), ``_clips``
(``VideoClips``) and ``_writer`` (H.264 files for the bundled videos).
"""

from ._clips import VideoClips
from ._frames import read_video, sliding_clips

__all__ = ["VideoClips", "read_video", "sliding_clips"]
