"""scikit-learn compatible sequence models for spatio-temporal image data.

The estimators, transformers and ``datasets`` are loaded on first use, so that
``import sklearn_st.nn`` (pure PyTorch) imports neither scikit-learn nor skorch.
"""

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sklearn_st")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

# public name: the subpackage that defines it
_LAZY = {
    "CNNFeatureExtractor": ".transformers",
    "CNNLSTMClassifier": ".estimators",
    "CNNLSTMRegressor": ".estimators",
    "ConvLSTMClassifier": ".estimators",
    "ConvLSTMForecaster": ".estimators",
    "ConvLSTMRegressor": ".estimators",
    "EpochProgress": "._facade",
    "FlowExtrapolationForecaster": ".estimators",
    "FrameFlattener": ".transformers",
    "FrameWise": ".transformers",
    "LSTMClassifier": ".estimators",
    "LSTMRegressor": ".estimators",
    "OpticalFlow": ".transformers",
    "PersistenceForecaster": ".estimators",
    "ShapeWarning": "._validation",
    "TemporalDifference": ".transformers",
    "VideoClips": ".video",
    "read_video": ".video",
    "sliding_clips": ".video",
    "to_onnx": ".export",
}

__all__ = [
    "CNNFeatureExtractor",
    "CNNLSTMClassifier",
    "CNNLSTMRegressor",
    "ConvLSTMClassifier",
    "ConvLSTMForecaster",
    "ConvLSTMRegressor",
    "EpochProgress",
    "FlowExtrapolationForecaster",
    "FrameFlattener",
    "FrameWise",
    "LSTMClassifier",
    "LSTMRegressor",
    "OpticalFlow",
    "PersistenceForecaster",
    "ShapeWarning",
    "TemporalDifference",
    "VideoClips",
    "__version__",
    "datasets",
    "export",
    "metrics",
    "read_video",
    "sliding_clips",
    "to_onnx",
    "video",
]


def __getattr__(name):
    if name in ("datasets", "export", "metrics", "video"):
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # loaded once
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *__all__})
