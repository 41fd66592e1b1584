"""Frame encoders: turn image sequences into feature sequences."""

from ._cnn import CNNFeatureExtractor
from ._flatten import FrameFlattener

__all__ = ["CNNFeatureExtractor", "FrameFlattener"]
