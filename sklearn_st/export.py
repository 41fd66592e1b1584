"""Export fitted models to ONNX, to predict without PyTorch (onnxruntime, any
ONNX runtime).

:func:`to_onnx` writes one graph for a fitted estimator or transformer, or for a
``Pipeline`` of sklearn_st steps: clips of the fitted layout in (uint8 or float,
as the example), the package's input scaling inside, the outputs as ``predict``,
``predict_proba`` or ``transform`` give them out. The clip length is fixed at the
example's; the batch axis is dynamic.
"""

import contextlib
import copy
import functools
import json
import logging
import warnings

import numpy as np
import torch
from sklearn.base import is_classifier, is_regressor
from sklearn.decomposition import PCA, IncrementalPCA, TruncatedSVD
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.utils.validation import check_is_fitted

from ._facade import BaseSequenceEstimator
from ._facade._net_state import plain_module
from ._optional import require
from ._validation import check_sequences
from .estimators import (
    ConvLSTMForecaster,
    FlowExtrapolationForecaster,
    PersistenceForecaster,
)
from .nn import ForecastFrames, FrameFeatures
from .nn._convlstm import force_path
from .nn._inference import (
    Affine,
    FlattenFrames,
    FrameDifferences,
    FrameLinear,
    Frames,
    LabelsAndProbabilities,
    Standardized,
)
from .transformers import (
    CNNFeatureExtractor,
    FrameFlattener,
    FrameWise,
    OpticalFlow,
    TemporalDifference,
)

__all__ = ["to_onnx"]

#: the input dtypes a graph can take (ONNX tensor types that torch exports)
_INPUT_DTYPES = frozenset(
    "uint8 int8 int16 int32 int64 float16 float32 float64".split()
)


def to_onnx(estimator, X_example, path=None, *, opset_version=None):
    """Export a fitted sklearn_st model (or a ``Pipeline`` of them) to ONNX.

    The graph takes clips of the fitted per-sample shape, of ``X_example``'s
    dtype (uint8 video stays uint8: the cast and the input scaling are inside the
    graph) and any number of them; its outputs are those of the model's
    methods, computed in float32:

    - a regressor: ``predictions``, as ``predict``;
    - a classifier: ``labels`` (int64 indices into ``classes_``, which the
      model's metadata holds as JSON under ``classes``) and ``probabilities``, as
      ``predict_proba``;
    - ``ConvLSTMForecaster``: ``frames``, the forecast frames in the layout and
      value range of the input, as ``predict``;
    - a transformer (``CNNFeatureExtractor``, ``FrameFlattener``,
      ``TemporalDifference``, ``FrameWise`` of a linear transformer) or a
      ``Pipeline`` of them: ``features``, as ``transform``.

    A ``Pipeline`` becomes one graph; its steps must be sklearn_st transformers
    and its last step an sklearn_st model or transformer.

    Parameters
    ----------
    estimator : fitted estimator or Pipeline
        What to export.
    X_example : array-like of shape (n_samples, n_frames, ...)
        Clips as ``predict`` takes them: the per-sample shape seen in ``fit``, the
        dtype the graph will take (uint8, int8/16/32/64, float16/32/64). The graph
        takes clips of exactly these ``n_frames``.
    path : str or path-like, default=None
        Where to save the model as well.
    opset_version : int, default=None
        The ONNX opset; None: the exporter's default.

    Returns
    -------
    model : onnx.ModelProto
        The model, with ``sklearn_st_estimator`` (the class), ``sklearn_st_version``,
        ``sample_shape`` and (classifiers) ``classes`` in its metadata.

    Raises
    ------
    TypeError
        For what has no ONNX graph: ``OpticalFlow`` (OpenCV's DIS flow is no
        ONNX operator) and ``ConvLSTMForecaster(start='extrapolation')``, which
        moves frames along it; a ``FrameWise`` of a transformer that is not
        linear (PCA, IncrementalPCA, TruncatedSVD, StandardScaler and
        MinMaxScaler are); a step that is not sklearn_st's.

    Notes
    -----
    The graph computes in float32, as the models do: its outputs match the
    methods' to about 1e-6 relative. A model trained in bfloat16 or float16
    predicts under autocast; its graph computes in float32, so they differ by
    that precision's rounding.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime
    >>> from sklearn_st import LSTMRegressor
    >>> from sklearn_st.export import to_onnx
    >>> X = np.random.default_rng(0).random((16, 5, 3), dtype=np.float32)
    >>> model = LSTMRegressor(max_epochs=2, random_state=0).fit(X, X.sum(axis=(1, 2)))
    >>> session = onnxruntime.InferenceSession(to_onnx(model, X).SerializeToString())
    >>> [o.name for o in session.get_outputs()]
    ['predictions']
    >>> out = session.run(None, {"clips": X})[0]
    >>> bool(np.allclose(out, model.predict(X), rtol=1e-4, atol=1e-5))
    True
    """
    onnx = require("onnx", extra="onnx", package="onnx", needed_by="to_onnx")
    require("onnxscript", extra="onnx", package="onnxscript", needed_by="to_onnx")
    steps = _steps(estimator)
    first = steps[0]
    X_example = check_sequences(X_example)
    if X_example.shape[1:] != tuple(first.sample_shape_):
        raise ValueError(
            f"X_example has per-sample shape {X_example.shape[1:]}, but "
            f"{type(first).__name__} was fitted on per-sample shape "
            f"{tuple(first.sample_shape_)}."
        )
    if X_example.dtype.name not in _INPUT_DTYPES:
        raise TypeError(
            f"X_example has dtype {X_example.dtype}; an ONNX graph takes one of "
            f"{', '.join(sorted(_INPUT_DTYPES))}: pass X_example.astype(...)."
        )
    graph = torch.nn.Sequential(*(_graph(step) for step in steps)).eval()
    last = steps[-1]
    outputs = _output_names(last)
    # two clips at least: torch.export would take a batch of one for a constant
    example = torch.from_numpy(np.ascontiguousarray(X_example[:2]))
    if len(example) == 1:
        example = example.expand(2, *example.shape[1:]).contiguous()
    # the ConvLSTMs on their batched path: the same math in native operations,
    # which the exporter translates (the fused path's in-place steps came out
    # wrong in the forecaster's graph, 1e-3 off)
    with torch.no_grad(), force_path("batched"), _exporter_quiet():
        program = torch.onnx.export(
            graph,
            (example,),
            input_names=["clips"],
            output_names=outputs,
            dynamic_shapes=({0: torch.export.Dim("batch")},),
            opset_version=opset_version,
            dynamo=True,
            verbose=False,
        )
    model = program.model_proto
    metadata = {
        "sklearn_st_estimator": type(estimator).__name__,
        "sklearn_st_version": _version(),
        "sample_shape": json.dumps(list(first.sample_shape_)),
    }
    if is_classifier(last):
        metadata["classes"] = json.dumps(np.asarray(last.classes_).tolist())
    for key, value in metadata.items():
        model.metadata_props.add(key=key, value=value)
    if path is not None:
        onnx.save(model, path)
    return model


@contextlib.contextmanager
def _exporter_quiet():
    """The exporter's own notices (its internal deprecations, operators of
    packages not installed) silenced: nothing in them is the user's to act on."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _version():
    from . import __version__

    return __version__


def _steps(estimator):
    """The fitted steps of ``estimator`` (itself, or a Pipeline's steps)."""
    steps = (
        [s for _, s in estimator.steps]
        if isinstance(estimator, Pipeline)
        else [estimator]
    )
    steps = [s for s in steps if s is not None and s != "passthrough"]
    for step in steps:
        check_is_fitted(step)
    return steps


def _output_names(last):
    if is_classifier(last):
        return ["labels", "probabilities"]
    if isinstance(last, ConvLSTMForecaster):
        return ["frames"]
    if is_regressor(last):
        return ["predictions"]
    return ["features"]


@functools.singledispatch
def _graph(step):
    """The torch module that computes ``step``'s output from its input."""
    raise TypeError(
        f"{type(step).__name__} cannot be exported to ONNX: to_onnx exports "
        "sklearn_st's models and transformers and Pipelines of them."
    )


@_graph.register
def _(step: OpticalFlow):
    raise TypeError(
        "OpticalFlow cannot be exported to ONNX: its DIS flow is computed "
        "by OpenCV, which has no ONNX operator for it. Export the model that "
        "follows it and compute the flow before the graph (OpticalFlow().transform)."
    )


@_graph.register
def _(step: FlowExtrapolationForecaster):
    raise TypeError(
        "FlowExtrapolationForecaster cannot be exported to ONNX: it moves frames "
        "along OpenCV's DIS flow, which has no ONNX operator."
    )


@_graph.register
def _(step: PersistenceForecaster):
    raise TypeError(
        "PersistenceForecaster has no ONNX graph: its forecast is the last frame "
        "repeated, np.repeat(X[:, -1:], horizon, axis=1)."
    )


@_graph.register
def _(step: FrameFlattener):
    return FlattenFrames(flatten_time=bool(step._fitted("flatten_time")))


@_graph.register
def _(step: TemporalDifference):
    return FrameDifferences(
        int(step._fitted("order")), keep_first=bool(step._fitted("keep_first"))
    )


@_graph.register
def _(step: FrameWise):
    transformer = step.transformer_
    if isinstance(transformer, PCA | IncrementalPCA):
        weight = transformer.components_.T
        if transformer.whiten:
            # as scikit-learn's transform: scales below machine epsilon (of
            # components with no variance) clipped to it
            scale = np.sqrt(transformer.explained_variance_)
            weight = weight / np.maximum(scale, np.finfo(scale.dtype).eps)
        bias = -transformer.mean_ @ weight
    elif isinstance(transformer, TruncatedSVD):
        weight, bias = transformer.components_.T, 0.0
    elif isinstance(transformer, StandardScaler):
        # scikit-learn computes mean_ with with_mean=False (when it computes the
        # variance) but does not subtract it; scale_ is None with with_std=False
        scale = 1.0 if transformer.scale_ is None else transformer.scale_
        mean = transformer.mean_ if transformer.with_mean else 0.0
        weight = np.diag(np.broadcast_to(1.0 / scale, transformer.n_features_in_))
        bias = -np.broadcast_to(mean / scale, transformer.n_features_in_)
    elif isinstance(transformer, MinMaxScaler):
        if transformer.clip:
            raise TypeError("FrameWise(MinMaxScaler(clip=True)) cannot be exported.")
        weight, bias = np.diag(transformer.scale_), transformer.min_
    else:
        raise TypeError(
            f"FrameWise({type(transformer).__name__}) cannot be exported to ONNX: "
            "to_onnx writes FrameWise of a linear transformer (PCA, "
            "IncrementalPCA, TruncatedSVD, StandardScaler, MinMaxScaler) as one "
            "matrix product; other transformers have no graph here."
        )
    return FrameLinear(np.asarray(weight, np.float64), np.asarray(bias, np.float64))


@_graph.register
def _(step: BaseSequenceEstimator):
    module = copy.deepcopy(plain_module(step.net_)).cpu().float().eval()
    head = torch.nn.Identity()
    frames = None
    if isinstance(step, CNNFeatureExtractor):
        module = FrameFeatures(module.encoder, module.stacked_frames)
    elif isinstance(step, ConvLSTMForecaster):
        if step._fitted("start") == "extrapolation":
            raise TypeError(
                "ConvLSTMForecaster(start='extrapolation') cannot be exported to "
                "ONNX: it moves the last frame along OpenCV's DIS optical flow, "
                "which has no ONNX operator. Fit it with start='persistence' to "
                "export it."
            )
        # the frames in the input's units, as predict and score give them
        n_context = step._fitted("n_context")
        frames = None if n_context is None else slice(-int(n_context), None)
        module = ForecastFrames(
            module,
            horizon=int(step._fitted("horizon")),
            mean=step._x_mean,
            scale=step._x_scale,
            sigmoid=step._fitted("loss") == "bce",
        )
        head = Frames(len(step.sample_shape_) + 1)
    elif is_classifier(step):
        head = LabelsAndProbabilities()
    elif is_regressor(step):
        head = Affine(step._y_scale, step._y_mean, squeeze=bool(step._y_1d))
    body = Standardized(module, step._x_mean, step._x_scale, frames=frames)
    return torch.nn.Sequential(body, head)
