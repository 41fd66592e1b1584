"""Sequence models: scikit-learn estimators that train PyTorch modules via skorch."""

from ._convlstm import ConvLSTMRegressor
from ._lstm import LSTMRegressor

__all__ = ["ConvLSTMRegressor", "LSTMRegressor"]
