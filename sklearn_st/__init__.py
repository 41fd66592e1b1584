"""scikit-learn compatible sequence models for spatio-temporal image data."""

from importlib.metadata import PackageNotFoundError, version

from . import datasets
from .estimators import (
    CNNLSTMClassifier,
    CNNLSTMRegressor,
    ConvLSTMClassifier,
    ConvLSTMRegressor,
    LSTMClassifier,
    LSTMRegressor,
)
from .transformers import CNNFeatureExtractor, FrameFlattener

try:
    __version__ = version("sklearn_st")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "CNNFeatureExtractor",
    "CNNLSTMClassifier",
    "CNNLSTMRegressor",
    "ConvLSTMClassifier",
    "ConvLSTMRegressor",
    "FrameFlattener",
    "LSTMClassifier",
    "LSTMRegressor",
    "__version__",
    "datasets",
]
