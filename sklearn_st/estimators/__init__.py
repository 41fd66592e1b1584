"""Sequence models: scikit-learn estimators that train PyTorch modules via skorch."""

from ._cnn_lstm import CNNLSTMClassifier, CNNLSTMRegressor
from ._convlstm import ConvLSTMClassifier, ConvLSTMRegressor
from ._extrapolation import FlowExtrapolationForecaster, PersistenceForecaster
from ._forecast import ConvLSTMForecaster
from ._lstm import LSTMClassifier, LSTMRegressor

__all__ = [
    "CNNLSTMClassifier",
    "CNNLSTMRegressor",
    "ConvLSTMClassifier",
    "ConvLSTMForecaster",
    "ConvLSTMRegressor",
    "FlowExtrapolationForecaster",
    "LSTMClassifier",
    "LSTMRegressor",
    "PersistenceForecaster",
]
