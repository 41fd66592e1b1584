"""Sequence models: scikit-learn estimators that train PyTorch modules via skorch."""

from ._lstm import LSTMRegressor

__all__ = ["LSTMRegressor"]
