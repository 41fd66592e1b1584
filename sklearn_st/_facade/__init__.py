"""The shared layer: the base estimator every model and learned transformer
extends, its target handling, batches, training helpers, persistence and
docstring templates. ``estimators/`` and ``transformers/`` stand on it; it stands
on ``nn/`` and the array contract (``_validation``, ``_lazy_arrays``)."""

from ._estimator import TRAINING_PARAMS, BaseSequenceEstimator
from ._frame_cnn import FrameCNNMixin
from ._supervised import (
    BaseSequenceClassifier,
    BaseSequenceRegressor,
    encode_labels,
    numeric_targets,
)
from ._training import EpochProgress

__all__ = [
    "TRAINING_PARAMS",
    "BaseSequenceClassifier",
    "BaseSequenceEstimator",
    "BaseSequenceRegressor",
    "EpochProgress",
    "FrameCNNMixin",
    "encode_labels",
    "numeric_targets",
]
