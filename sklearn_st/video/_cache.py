"""The decoded frames a :class:`~sklearn_st.VideoClips` keeps for later reads: a
least-recently-used store bounded in bytes, so that the frames overlapping clips
share are decoded once when the clips are read in order."""

from collections import OrderedDict

__all__ = ["FrameCache"]


class FrameCache:
    """Frames by key (file, frame index), the least recently used dropped first
    once they hold more than ``max_bytes``; a frame larger than that is not
    kept."""

    def __init__(self, max_bytes):
        self.max_bytes = int(max_bytes)
        self._frames = OrderedDict()
        self._bytes = 0

    def get(self, key):
        """The frame kept under ``key`` (now the most recently used), or None."""
        frame = self._frames.get(key)
        if frame is not None:
            self._frames.move_to_end(key)
        return frame

    def put(self, key, frame):
        if frame.nbytes > self.max_bytes:
            return
        self._frames[key] = frame
        self._bytes += frame.nbytes
        while self._bytes > self.max_bytes:
            _, old = self._frames.popitem(last=False)
            self._bytes -= old.nbytes

    @property
    def nbytes(self):
        """Bytes of the frames kept."""
        return self._bytes

    def __len__(self):
        return len(self._frames)

    def empty(self):
        """A new, empty cache of the same size (for a copy or a pickle)."""
        return FrameCache(self.max_bytes)
