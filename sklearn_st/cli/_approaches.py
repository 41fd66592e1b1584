"""The approaches ``python -m sklearn_st compare`` knows and how it
cross-validates them.

Each approach is a scikit-learn estimator (a Pipeline where it has an encoder
step); every (approach, fold) pair is one job: fit on the training folds, score
on the held-out one, timed. The models are imported when they are made, so that
the command line answers ``--help`` without loading torch.
"""

import hashlib
import importlib.util
import time

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import RidgeClassifierCV, RidgeCV
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedGroupKFold,
    StratifiedKFold,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from .._lazy_arrays import subset
from ..model_selection import RecordingTimeSplit
from ._report import describe_estimator

__all__ = [
    "DEFAULT_MODELS",
    "MODELS",
    "chance",
    "default_models",
    "make_folds",
    "make_models",
    "n_parameters",
    "run",
]

#: The approaches ``compare`` knows, by their command-line key.
MODELS = {
    "flatten": "FrameFlattener -> LSTM",
    "framewise-pca": "FrameWise(PCA 16) -> LSTM",
    "cnn": "CNNFeatureExtractor -> LSTM",
    "cnn-lstm": "CNN-LSTM (end to end)",
    "convlstm": "ConvLSTM",
    "diff-cnn": "TemporalDifference -> CNNFeatureExtractor -> LSTM",
    "diff-cnn-lstm": "TemporalDifference -> CNN-LSTM",
    "diff-convlstm": "TemporalDifference -> ConvLSTM",
    "ridge": "FrameFlattener(time) -> Ridge",
    "flow-pca": "OpticalFlow -> FrameWise(PCA 16) -> LSTM",
    "flow-cnn": "OpticalFlow -> CNNFeatureExtractor -> LSTM",
    "flow-convlstm": "OpticalFlow -> ConvLSTM",
}
#: What ``compare`` runs unless ``--models`` says otherwise: every approach but the
#: two that feed an LSTM the pixels of single frames, which do not see a camera's
#: motion over real texture (user guide: below 0.3 R^2 on the held-out photographs).
#: Ridge stays as the linear floor. The flow- ones need OpenCV (the flow extra):
#: see :func:`default_models`.
DEFAULT_MODELS = [key for key in MODELS if key not in ("flatten", "framewise-pca")]


def default_models():
    """:data:`DEFAULT_MODELS` that this install can run, and a note on the ones it
    cannot (None when it runs them all): the flow- approaches need OpenCV."""
    if importlib.util.find_spec("cv2") is not None:
        return list(DEFAULT_MODELS), None
    left_out = [key for key in DEFAULT_MODELS if key.startswith("flow-")]
    note = (
        f"note: {', '.join(left_out)} left out: the optical flow needs OpenCV "
        '(pip install "sklearn_st[flow]", or ".[flow]" from a checkout)'
    )
    return [key for key in DEFAULT_MODELS if key not in left_out], note


def chance(classification):
    """The chance row's name and estimator: the prior's most frequent class for
    labels (accuracy = its share), the training mean for numbers (R^2 about 0)."""
    if classification:
        return "chance (most frequent class)", DummyClassifier(strategy="prior")
    return "chance (the training mean)", DummyRegressor()


def make_folds(
    X, y, *, cv, classification, groups=None, recordings=False, random_state=None
):
    """The ``(train, test)`` index pairs of a ``cv``-fold cross-validation.

    ``recordings``: clips cut from longer recordings (a VideoClips, or ``groups``
    naming each clip's recording) that a target must be learned within, so folds
    are contiguous stretches of time of every recording
    (:class:`~sklearn_st.model_selection.RecordingTimeSplit`). Else ``groups``:
    whole groups held out (stratified for labels). Else shuffled folds of
    independent clips, stratified for labels.
    """
    if recordings:
        return list(RecordingTimeSplit(cv).split(X, groups=groups))
    if groups is not None:
        if classification:
            splitter = StratifiedGroupKFold(cv, shuffle=True, random_state=random_state)
        else:
            splitter = GroupKFold(cv)
    else:
        kind = StratifiedKFold if classification else KFold
        splitter = kind(cv, shuffle=True, random_state=random_state)
    return list(splitter.split(np.zeros((len(y), 1)), y, groups))


def make_models(
    keys, *, classification, max_epochs=None, random_state=None, callbacks=None
):
    """The estimators of the approaches ``keys``, in that order, as a dict;
    ``callbacks`` go to every neural model (e.g. a progress bar over epochs)."""
    neural = {"random_state": random_state}
    if max_epochs is not None:
        neural["max_epochs"] = max_epochs
    if callbacks:
        neural["callbacks"] = callbacks
    from ..estimators import (
        CNNLSTMClassifier,
        CNNLSTMRegressor,
        ConvLSTMClassifier,
        ConvLSTMRegressor,
        LSTMClassifier,
        LSTMRegressor,
    )
    from ..transformers import (
        CNNFeatureExtractor,
        FrameFlattener,
        FrameWise,
        OpticalFlow,
        TemporalDifference,
    )

    index = int(classification)  # each pair below is (regressor, classifier)
    lstm = (LSTMRegressor, LSTMClassifier)[index]
    cnn_lstm = (CNNLSTMRegressor, CNNLSTMClassifier)[index]
    convlstm = (ConvLSTMRegressor, ConvLSTMClassifier)[index]
    ridge = (RidgeCV, RidgeClassifierCV)[index]
    build = {
        "flatten": lambda: make_pipeline(FrameFlattener(), lstm(**neural)),
        "framewise-pca": lambda: make_pipeline(FrameWise(), lstm(**neural)),
        "cnn": lambda: make_pipeline(CNNFeatureExtractor(**neural), lstm(**neural)),
        "cnn-lstm": lambda: cnn_lstm(**neural),
        "convlstm": lambda: convlstm(**neural),
        "diff-cnn": lambda: make_pipeline(
            TemporalDifference(), CNNFeatureExtractor(**neural), lstm(**neural)
        ),
        "diff-cnn-lstm": lambda: make_pipeline(
            TemporalDifference(), cnn_lstm(**neural)
        ),
        "diff-convlstm": lambda: make_pipeline(
            TemporalDifference(), convlstm(**neural)
        ),
        "ridge": lambda: make_pipeline(
            FrameFlattener(flatten_time=True),
            StandardScaler(),
            ridge(alphas=np.logspace(-2, 4, 13)),
        ),
        "flow-pca": lambda: make_pipeline(OpticalFlow(), FrameWise(), lstm(**neural)),
        "flow-cnn": lambda: make_pipeline(
            OpticalFlow(), CNNFeatureExtractor(**neural), lstm(**neural)
        ),
        "flow-convlstm": lambda: make_pipeline(OpticalFlow(), convlstm(**neural)),
    }
    return {key: build[key]() for key in keys}


def n_parameters(estimator):
    """Number of learned weights a fitted estimator predicts with.

    Torch modules count their parameters (for :class:`CNNFeatureExtractor` the
    encoder only: its decoder or training head is not used to predict); linear
    models their coefficients and intercepts, PCA its components and mean (inside
    FrameWise too); scalers count nothing.
    """
    if isinstance(estimator, Pipeline):
        return sum(n_parameters(step) for _, step in estimator.steps)
    if hasattr(estimator, "transformer_"):  # FrameWise
        return n_parameters(estimator.transformer_)
    if hasattr(estimator, "net_"):
        module = estimator.net_.module_
        if hasattr(module, "encoder") and not hasattr(estimator, "predict"):
            module = module.encoder  # CNNFeatureExtractor: what transform uses
        return sum(p.numel() for p in module.parameters())
    names = ("coef_", "intercept_")
    if hasattr(estimator, "components_"):  # PCA and kin; a scaler's mean_ is not
        names = ("components_", "mean_")
    return sum(np.size(getattr(estimator, name, ())) for name in names)


def _fit_and_score(key, fold, model, X, y, train, test, signature):
    model = clone(model)
    start = time.perf_counter()
    model.fit(subset(X, train), y[train])
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    score = model.score(subset(X, test), y[test])
    predict_s = time.perf_counter() - start
    return key, signature, fold, score, fit_s, predict_s, n_parameters(model)


def fit_signature(model, X, y, train, test):
    """What makes one (model, fold) fit the same fit again: the estimator as
    described, the data's shape, dtype and targets, and the fold's indices."""
    parts = [
        repr(describe_estimator(model)).encode(),
        repr((tuple(X.shape), str(X.dtype))).encode(),
        np.asarray(y).astype(str).tobytes(),
        np.asarray(train, dtype=np.int64).tobytes(),
        np.asarray(test, dtype=np.int64).tobytes(),
    ]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def run(
    models,
    X,
    y,
    *,
    folds,
    names=None,
    n_jobs=None,
    progress=None,
    done=None,
    on_result=None,
):
    """Cross-validate every model over ``folds`` (``(train, test)`` index pairs,
    see :func:`make_folds`); returns one result dict per model.

    ``names`` maps the models' keys to what the report calls them (default:
    :data:`MODELS`). ``progress`` is called once per finished (model, fold) job,
    e.g. a tqdm bar's ``update``. ``done`` maps :func:`fit_signature` to the
    result (``[fold, score, fit_s, predict_s, n_parameters]``) of fits finished
    before, which are not run again; ``on_result(key, signature, result)`` is
    called as each new fit finishes (to record it).
    """
    names = MODELS if names is None else names
    done = {} if done is None else done
    results = {key: [] for key in models}
    jobs = []
    for key, model in models.items():
        for fold, (train, test) in enumerate(folds):
            signature = fit_signature(model, X, y, train, test)
            if signature in done:
                results[key].append(list(done[signature]))
                continue
            jobs.append(
                delayed(_fit_and_score)(key, fold, model, X, y, train, test, signature)
            )
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    for key, signature, *result in parallel(jobs):
        results[key].append(result)
        if on_result is not None:
            on_result(key, signature, result)
        if progress is not None:
            progress()
    report = []
    for key, rows in results.items():
        _, scores, fit_s, predict_s, n_params = (
            np.asarray(col) for col in zip(*sorted(rows), strict=True)
        )
        report.append(
            {
                "key": key,
                "name": names[key],
                "estimator": describe_estimator(models[key]),
                "scores": scores.tolist(),
                "score_mean": float(scores.mean()),
                "score_std": float(scores.std()),
                "fit_seconds_mean": float(fit_s.mean()),
                "predict_seconds_mean": float(predict_s.mean()),
                "n_parameters": int(n_params.max()),
            }
        )
    return report
