"""Sequence models: scikit-learn estimators that train PyTorch modules via skorch."""

from ._convlstm import ConvLSTMClassifier, ConvLSTMRegressor
from ._lstm import LSTMClassifier, LSTMRegressor

__all__ = [
    "ConvLSTMClassifier",
    "ConvLSTMRegressor",
    "LSTMClassifier",
    "LSTMRegressor",
]
