"""Frame encoders: turn image sequences into other sequences or feature sequences."""

from ._cnn import CNNFeatureExtractor
from ._difference import TemporalDifference
from ._flatten import FrameFlattener
from ._flow import OpticalFlow
from ._framewise import FrameWise

__all__ = [
    "CNNFeatureExtractor",
    "FrameFlattener",
    "FrameWise",
    "OpticalFlow",
    "TemporalDifference",
]
