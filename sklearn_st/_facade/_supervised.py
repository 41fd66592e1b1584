"""Targets on the facade: the regressor and classifier bases, and the target
encodings they share with the supervised feature extractor."""

import numpy as np
import torch
from scipy.special import softmax
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_class_weight

from .._fitted_params import fit_context
from ._docs import CLASS_WEIGHT_PARAM_DOCS
from ._estimator import TRAINING_PARAMS, BaseSequenceEstimator
from ._training import PrecisionNetClassifier, PrecisionNetRegressor

__all__ = [
    "BaseSequenceClassifier",
    "BaseSequenceRegressor",
    "encode_labels",
    "numeric_targets",
    "standardize_targets",
]


def standardize_targets(y, mean=None, scale=None, sample_weight=None):
    """Numeric targets as standardized float32 columns, with their mean and scale.

    Returns ``(y_std, mean, scale)``; ``y_std`` has shape ``(n_samples,
    n_outputs)``. ``mean`` and ``scale`` are learned from ``y`` (weighted by
    ``sample_weight``) unless given (to standardize more data as before); a
    constant target gets a scale of 1.
    """
    y = np.asarray(y, dtype=np.float64)
    y = y.reshape(len(y), -1)
    if mean is None:
        mean = np.average(y, axis=0, weights=sample_weight)
        scale = np.sqrt(np.average((y - mean) ** 2, axis=0, weights=sample_weight))
        scale[scale == 0] = 1.0
    return ((y - mean) / scale).astype(np.float32), mean, scale


def numeric_targets(estimator, y, *, continues, sample_weight=None):
    """``y`` standardized for training ``estimator``.

    A new fit learns the scaling (``_y_mean``, ``_y_scale``) and records whether
    ``y`` was 1-D (``_y_1d``); continued training applies the recorded scaling
    and needs as many outputs as the first fit.
    """
    if not continues:
        estimator._y_1d = np.ndim(y) == 1
        y_std, estimator._y_mean, estimator._y_scale = standardize_targets(
            y, sample_weight=sample_weight
        )
        return y_std
    n_outputs = np.shape(y)[1] if np.ndim(y) == 2 else 1
    if n_outputs != len(estimator._y_mean):
        raise ValueError(
            f"y has {n_outputs} outputs, but {type(estimator).__name__} was fitted "
            f"on {len(estimator._y_mean)}; set warm_start=False to start afresh."
        )
    return standardize_targets(y, estimator._y_mean, estimator._y_scale)[0]


def encode_labels(y, classes):
    """The int64 codes of labels ``y`` in the sorted ``classes``; a label outside
    ``classes`` is a ``ValueError`` that names it."""
    unknown = np.setdiff1d(y, classes)
    if len(unknown):
        raise ValueError(
            f"y contains labels not in classes {classes.tolist()}: {unknown.tolist()}."
        )
    return np.searchsorted(classes, y).astype(np.int64)


class BaseSequenceRegressor(RegressorMixin, BaseSequenceEstimator):
    """A regressor on the facade: standardized targets, mean squared error."""

    _net_class = PrecisionNetRegressor
    _targets = "numeric"
    _validation_scoring = "r2"
    _attribute_docs = {"n_outputs_": ("int", "Number of targets.")}

    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train one epoch on ``X`` and ``y``, starting from the fitted state.

        The first call builds the net and learns the input and target scaling
        from its data; later calls need the same per-sample shape and outputs.

        %(fit_parameters)s

        %(returns_self)s
        """
        return self._fit(X, y, partial=True, sample_weight=sample_weight)

    def _fit(self, X, y, *, partial, sample_weight=None):
        continues = self._begin_fit(partial)
        X, y = self._validate(X, y, reset=not continues)
        weight = self._check_weights(sample_weight, X)
        y = numeric_targets(self, y, continues=continues, sample_weight=weight)
        self.n_outputs_ = y.shape[1]
        return self._fit_net(
            X, y, continues=continues, partial=partial, sample_weight=weight
        )

    def _n_module_outputs(self):
        return self.n_outputs_

    def predict(self, X):
        """Predict targets for sequences ``X``.

        %(predict_parameters)s

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, float64.
        """
        y = self._forward(X).astype(np.float64) * self._y_scale + self._y_mean
        return y.ravel() if self._y_1d else y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class BaseSequenceClassifier(ClassifierMixin, BaseSequenceEstimator):
    """A classifier on the facade: encoded labels, cross-entropy, softmax.

    Differs from :class:`BaseSequenceRegressor` only in its targets (any labels,
    ``classes_``), its loss (cross-entropy weighted by ``class_weight``) and its
    outputs (``predict_proba`` is the softmax of the head's logits).
    """

    _net_class = PrecisionNetClassifier
    _validation_scoring = "accuracy"
    # the loss's weighting may change when training goes on; the classes may not
    _training_params = TRAINING_PARAMS | {"class_weight"}
    _parameter_constraints: dict = {
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }
    _param_docs = CLASS_WEIGHT_PARAM_DOCS
    _targets = "labels"
    _attribute_docs = {
        "classes_": ("ndarray of shape (n_classes,)", "The class labels."),
    }

    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train one epoch on ``X`` and ``y``, starting from the fitted state.

        As scikit-learn's MLP: the first call needs ``classes``, every label any
        call will see; it builds the net and learns the input scaling from its
        data. Later calls need the same per-sample shape.

        %(fit_parameters)s
        classes : array-like of shape (n_classes,), default=None
            All the labels; required on the first call, ignored after it.

        %(returns_self)s
        """
        return self._fit(
            X, y, partial=True, classes=classes, sample_weight=sample_weight
        )

    def _fit(self, X, y, *, partial, classes=None, sample_weight=None):
        continues = self._begin_fit(partial)
        X, y = self._validate(X, y, reset=not continues, labels=True)
        weight = self._check_weights(sample_weight, X)
        if not continues:
            if partial and classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
            classes = np.unique(classes if partial else y)
            if len(classes) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes, but "
                    f"the data contains only one class: {classes.tolist()[0]!r}."
                )
            self.classes_ = classes
        codes = encode_labels(y, self.classes_)
        self._class_weights = self._weights(
            y, partial=partial, continues=continues, sample_weight=weight
        )
        return self._fit_net(
            X, codes, continues=continues, partial=partial, sample_weight=weight
        )

    def _weights(self, y, *, partial, continues, sample_weight=None):
        """The class weights of the loss: ``class_weight`` as it is now; 'balanced'
        from this ``y``, except in a ``partial_fit`` after the first, which keeps
        the first call's."""
        if self.class_weight is None:
            return None
        if self.class_weight == "balanced":
            if partial and continues:
                return self._class_weights
            # a class whose samples all weigh 0 is missing, as a sample of
            # weight 0 is one left out (its balanced weight would be infinite)
            present = y if sample_weight is None else y[sample_weight > 0]
            missing = np.setdiff1d(self.classes_, present)
            if len(missing):
                call = "the first partial_fit call's y" if partial else "y"
                zero = np.intersect1d(missing, y)  # in y, but weighing 0
                weighed = (
                    f" (the samples of {zero.tolist()} all have sample_weight 0)"
                    if len(zero)
                    else ""
                )
                raise ValueError(
                    "class_weight='balanced' weighs the classes by their frequency "
                    f"in {call}, which lacks {missing.tolist()}{weighed}. Pass a "
                    "dict of weights instead, e.g. compute_class_weight('balanced', "
                    "classes=classes, y=y_all) on the labels of all the training "
                    "data."
                )
        if sample_weight is not None and self.class_weight == "balanced":
            # by the classes' weighted counts (scikit-learn >= 1.7's own rule;
            # its compute_class_weight takes no sample_weight before 1.7)
            counts = np.array([sample_weight[y == c].sum() for c in self.classes_])
            return counts.sum() / (len(self.classes_) * counts)
        return compute_class_weight(self.class_weight, classes=self.classes_, y=y)

    def _n_module_outputs(self):
        return len(self.classes_)

    def _criterion(self):
        weight = self._class_weights
        if weight is not None:
            weight = torch.as_tensor(weight, dtype=torch.float32)
        return torch.nn.CrossEntropyLoss(weight=weight)

    def predict_proba(self, X):
        """Class probabilities for sequences ``X``.

        %(predict_parameters)s

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``, float64.
        """
        return softmax(self._forward(X).astype(np.float64), axis=1)

    def predict(self, X):
        """Predict class labels for sequences ``X``.

        %(predict_parameters)s

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        logits = self._forward(X)  # checks that the model is fitted
        return self.classes_[np.argmax(logits, axis=1)]
