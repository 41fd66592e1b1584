"""Writing RGB frames to an H.264 MP4 file (PyAV): what the bundled videos and the
forecast's animation are written with."""

import os

from ._index import av_module

__all__ = ["VideoWriter"]


class VideoWriter:
    """RGB frames into an H.264 MP4 file through PyAV, as a context manager: a
    file that could not be finished is removed, never left half-written.

    ``crf`` is x264's quality (0 lossless, 18 visually lossless), ``gop`` the
    frames between key frames. Frames are ``(height, width, 3)`` uint8.
    """

    def __init__(self, path, height, width, fps, crf, gop):
        av = av_module()
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
