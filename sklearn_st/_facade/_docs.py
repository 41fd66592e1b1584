"""Docstrings written once: the facade's parameters and attributes, and the blocks
that the methods of every model share.

A docstring line that holds only ``%(name)s`` is replaced by the snippet ``name``,
indented as that line; :func:`render_class_doc` fills a class's ``%(parameters)s``
and ``%(attributes)s`` from the docs its classes declare, in ``__init__`` order, with
the defaults of ``__init__``.
"""

import inspect
import re
import textwrap

__all__ = [
    "CLASS_WEIGHT_PARAM_DOCS",
    "FACADE_ATTRIBUTE_DOCS",
    "FACADE_PARAM_DOCS",
    "fill_templates",
    "method_docs",
    "render_class_doc",
]

# name: (type, description); the default is read from the class's __init__
FACADE_PARAM_DOCS = {
    "max_epochs": (
        "int",
        "Number of passes over the training data (an upper bound with "
        "``early_stopping=True``).",
    ),
    "batch_size": (
        "int",
        "Samples per mini-batch, in training and in prediction. Only one batch is "
        "converted to float32 at a time.",
    ),
    "lr": ("float", "Learning rate of the optimizer."),
    "optimizer": (
        "{'adam', 'adamw', 'sgd'}",
        "Optimizer; 'sgd' uses Nesterov momentum 0.9, as scikit-learn's MLP.",
    ),
    "weight_decay": ("float", "L2 penalty (decoupled for 'adamw')."),
    "early_stopping": (
        "bool",
        "Hold out ``validation_fraction`` of the training data and stop when the "
        "validation loss has not improved for ``n_iter_no_change`` epochs; the "
        "weights of the best epoch are kept. ``partial_fit`` refuses it (a "
        "ValueError): one call's chunk gives no validation set or patience that "
        "lasts across calls; score your own validation data between calls.",
    ),
    "validation_fraction": (
        "float",
        "Share of the training data held out when ``early_stopping=True``.",
    ),
    "n_iter_no_change": ("int", "Patience of early stopping, in epochs."),
    "warm_start": (
        "bool",
        "When fitted already, ``fit`` goes on training the fitted net for another "
        "``max_epochs`` epochs instead of starting afresh, as ``partial_fit`` does "
        "for one epoch. Continued training needs data like the first fit's (the "
        "same per-sample shape, number of outputs, known classes) and keeps its "
        "input and target scaling; the current ``lr``, ``optimizer``, "
        "``weight_decay``, ``batch_size``, ``early_stopping`` and ``callbacks`` "
        "apply, and the optimizer's state (Adam's moments) is kept unless "
        "``optimizer`` changed. A parameter that defines the trained model (its "
        "sizes, pooling, loss, precision, ...) cannot change: such a fit raises "
        "a ValueError naming it. ``predict`` and ``transform`` always go by the "
        "fitted model, whatever ``set_params`` changed since (only ``batch_size`` "
        "sets the batches they run in).",
    ),
    "device": (
        "str or torch.device",
        "Where the net is trained and run: 'cpu', 'cuda', a GPU by number "
        "('cuda:1'), any device name torch knows, or 'auto', which takes 'cuda' "
        "when available.",
    ),
    "precision": (
        "{'float32', 'bfloat16', 'float16', 'auto'}",
        "Arithmetic of training and prediction. 'auto' is bfloat16 where the "
        "device computes it natively (a CPU with AMX or AVX512_BF16, a GPU that "
        "supports it) and float32 elsewhere; ``precision_`` says which a fit "
        "used. 'float32' is bit-reproducible on one machine. 'bfloat16' runs the "
        "matrix products and convolutions under ``torch.autocast`` in bfloat16 "
        "(CPU and CUDA; fast on CPUs with AMX or AVX512_BF16 and on recent GPUs), "
        "keeping the weights, optimizer state, LSTM cell states and loss in "
        "float32; "
        "'float16' does the same on CUDA only, with gradient scaling (a float16 "
        "model loaded where there is no GPU predicts in float32). Results differ "
        "from float32 by the rounding of the low precision.",
    ),
    "compile": (
        "bool",
        "Compile the module with ``torch.compile`` (skorch's ``compile``). The "
        "first batches then wait for the compilation. Measured (user guide): on a "
        "GPU the ConvLSTM's epochs ran 2-2.8x faster, repaying the compilation "
        "after 6-15 epochs; on a CPU only the CNN-LSTM gained, 9% an epoch.",
    ),
    "random_state": (
        "int, RandomState instance or None",
        "Seeds everything random in ``fit``: weight initialisation, dropout, "
        "shuffling and the validation split. An int gives identical refits on CPU.",
    ),
    "verbose": (
        "int",
        "With ``verbose > 0`` skorch prints a progress bar and a table per epoch.",
    ),
    "callbacks": (
        "list of skorch callbacks or (name, callback) tuples",
        "Extra skorch callbacks; each fit uses clones of them. An "
        "``EarlyStopping`` or ``ProgressBar`` of yours replaces the one that "
        "``early_stopping=True`` or ``verbose`` adds (your patience, your bar); "
        "``early_stopping=True`` still provides the validation split it "
        "monitors.",
    ),
    "checkpoint": (
        "str, path or None",
        "Where a fit saves its state after every epoch (a temporary file "
        "renamed over the last, so a kill while saving loses nothing), so that "
        "a killed fit resumes: the same fit on the same data with the same "
        "parameters finds the file and trains only the epochs left, to the "
        "weights an uninterrupted fit ends with (float32, same device). A fit "
        "of other data or parameters refuses the file, naming what differs. "
        "``fit`` removes the file when it ends; ``partial_fit`` keeps it, and an "
        "unfitted model's first ``partial_fit`` goes on from it. A directory "
        "holds one file per fit, named by its data and parameters: one per "
        "candidate and fold of ``GridSearchCV`` or ``cross_validate``.",
    ),
}

CLASS_WEIGHT_PARAM_DOCS = {
    "class_weight": (
        "dict, 'balanced' or None",
        "Weights of the classes in the loss, as ``{label: weight}``; 'balanced' "
        "weighs them inversely to their frequency in ``y`` (with ``partial_fit``: "
        "in the first call's ``y``, which must then hold every class).",
    ),
}

# the type of net_ is the class's _net_class (None here: filled in per class)
FACADE_ATTRIBUTE_DOCS = {
    "net_": (
        None,
        "The fitted net; ``net_.module_`` is the torch module, ``net_.history`` the "
        "training history.",
    ),
    "n_features_in_": ("int", "Number of frames seen in ``fit`` (``X.shape[1]``)."),
    "sample_shape_": (
        "tuple of int",
        "Per-sample shape seen in ``fit`` (``X.shape[1:]``).",
    ),
    "feature_names_in_": (
        "ndarray of shape (`n_features_in_`,)",
        "Column names, when ``X`` was a data frame.",
    ),
    "n_iter_": ("int", "Epochs trained, over every fit a warm start continued."),
    "precision_": (
        "str",
        "The precision the fit ran in: ``precision``, or what 'auto' chose on "
        "the fit's device ('bfloat16' or 'float32'); predictions keep it.",
    ),
    "loss_curve_": (
        "list of float",
        "The training loss of each epoch (on standardized inputs and targets).",
    ),
    "validation_scores_": (
        "list of float or None",
        "With ``early_stopping``: the score of each epoch on the held-out "
        "validation data, higher is better (R^2 for regressors, accuracy for "
        "classifiers, minus the validation loss otherwise; None for an epoch "
        "trained without it); None when no epoch had a validation set.",
    ),
    "best_validation_score_": (
        "float or None",
        "The best of ``validation_scores_``, whose weights early stopping keeps; "
        "None without early stopping.",
    ),
}

_X = "X : array-like of shape (n_samples, n_frames, ...)\n"
_TARGETS = {
    "numeric": (
        "y : array-like of shape (n_samples,) or (n_samples, n_outputs)\n"
        "    Target values."
    ),
    "labels": (
        "y : array-like of shape (n_samples,)\n"
        "    Class labels (integers, strings or booleans)."
    ),
}


_SAMPLE_WEIGHT = (
    "sample_weight : array-like of shape (n_samples,), default=None\n"
    "    Non-negative weights of the samples: the loss is their weighted mean\n"
    "    (also on an early-stopping validation split, whose score is weighted\n"
    "    too), and the input and target scaling are weighted statistics. A\n"
    "    weight of 0 leaves a sample out; None weighs every sample 1."
)


def method_docs(targets="numeric"):
    """The blocks that methods' docstrings share, for a class whose ``y`` holds
    ``targets`` ('numeric' or 'labels')."""
    return {
        "X_fit": _X + "    Training sequences, see the user guide's array contract.",
        "sample_weight": _SAMPLE_WEIGHT,
        "fit_parameters": (
            "Parameters\n----------\n"
            + _X
            + "    Training sequences, see the user guide's array contract.\n"
            + _TARGETS[targets]
            + "\n"
            + _SAMPLE_WEIGHT
        ),
        "predict_parameters": (
            "Parameters\n----------\n"
            + _X
            + "    Sequences with the per-sample shape seen in ``fit``."
        ),
        "returns_self": "Returns\n-------\nself : object\n    The fitted estimator.",
    }


_PLACEHOLDER = re.compile(r"^( *)%\((\w+)\)s$", re.MULTILINE)


def fill_templates(doc, snippets):
    """``doc`` with every line that is only ``%(name)s`` replaced by
    ``snippets[name]``, indented as the placeholder; an unknown name raises a
    ``KeyError`` (a typo fails when the class is defined, not when it is read)."""

    def replace(match):
        indent, name = match.groups()
        return textwrap.indent(snippets[name], indent)

    return _PLACEHOLDER.sub(replace, doc)


def _entry(header, description):
    return (
        header
        + "\n"
        + textwrap.fill(
            description, width=80, initial_indent="    ", subsequent_indent="    "
        )
    )


def render_class_doc(cls):
    """``cls.__doc__`` with ``%(parameters)s`` (every ``__init__`` parameter, in
    order, as ``name : type, default=value``) and ``%(attributes)s`` filled from the
    merged ``_param_docs`` and ``_attribute_docs``."""
    signature = inspect.signature(cls.__init__)
    parameters = []
    for name, param in signature.parameters.items():
        if name == "self":
            continue
        kind, description = cls._param_docs[name]
        header = f"{name} : {kind}, default={param.default!r}"
        parameters.append(_entry(header, description))
    # the skorch class the net extends (by a precision)
    net = next(c for c in cls._net_class.__mro__ if c.__module__.startswith("skorch"))
    attributes = [
        _entry(f"{name} : {kind or f'skorch.{net.__name__}'}", description)
        for name, (kind, description) in cls._attribute_docs.items()
    ]
    snippets = {
        **method_docs(),
        "parameters": "\n\n".join(parameters),
        "attributes": "\n\n".join(attributes),
    }
    return fill_templates(cls.__doc__, snippets)
