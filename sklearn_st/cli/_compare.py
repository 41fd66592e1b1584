"""``python -m sklearn_st compare``: which encoding of the clips predicts their
target best: the split, the runs (with a log that ``--resume`` goes on from), the
table, the winner and why, and the results written."""

import json
import sys
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from .._validation import is_label_target
from ._approaches import MODELS, chance, default_models, make_folds, make_models, run
from ._data import load
from ._report import (
    checkpoints,
    comparison_table,
    markdown_table,
    plot_comparison,
    versions,
    write_results,
)

__all__ = ["compare"]


def _chance_warning(report, chance, metric):
    """What to say when the best approach does not clearly beat chance, or None."""
    best = max(report, key=lambda row: row["score_mean"])
    margin = best["score_mean"] - chance["score_mean"]
    if margin <= 0:
        return (
            f"warning: no approach beats chance: the best, {best['name']}, scores "
            f"{best['score_mean']:.3f} {metric} against {chance['score_mean']:.3f} "
            f"for {chance['name']}"
        )
    spread = best["score_std"] + chance["score_std"]
    if margin <= spread:
        return (
            f"warning: the best approach, {best['name']}, beats chance by "
            f"{margin:.3f} {metric}, within the spread of the scores over folds "
            f"({spread:.3f}): the ranking may be noise"
        )
    return None


def _winner(report, chance, metric):
    """Which approach scored best and by how much it beats chance and the
    runner-up, with a word where the folds' spread cannot tell them apart."""
    ranked = sorted(report, key=lambda row: -row["score_mean"])
    best = ranked[0]
    over = best["score_mean"] - chance["score_mean"]
    text = (
        f"best: {best['name']}, {best['score_mean']:.3f} {metric}: {abs(over):.3f} "
        f"{'above' if over > 0 else 'below'} {chance['name']}"
    )
    if len(ranked) > 1:
        runner = ranked[1]
        margin = best["score_mean"] - runner["score_mean"]
        text += (
            f", {margin:.3f} above the runner-up, {runner['name']} "
            f"({runner['score_mean']:.3f})"
        )
        spread = best["score_std"] + runner["score_std"]
        if margin <= spread:
            text += (
                f"; within the spread of their scores over folds ({spread:.3f}), "
                "so these folds do not tell the two apart"
            )
    return text


def _quick_note(report, args):
    """Where ``--quick`` chose the epochs and neural approaches score well below
    the best: a note that their short training is a likely reason, or None."""
    if "max_epochs" not in getattr(args, "quick_set", ()):
        return None
    best = max(row["score_mean"] for row in report)
    low = [
        row["name"]
        for row in report
        if row["key"] != "ridge" and row["score_mean"] < best - 0.1
    ]
    if not low:
        return None
    return (
        f"note: --quick trains every neural approach for {args.max_epochs} "
        f"epochs, far fewer than their defaults: {', '.join(low)} may score low "
        "for that alone; run without --quick (or with --max-epochs N) before "
        "choosing"
    )


def _split(data, args, classification, fail):
    """The folds of ``compare`` for ``data`` and what they are, in words."""
    if data.X_test is not None:
        n, m = len(data.X), len(data.X_test)
        folds = [(np.arange(n), np.arange(n, n + m))]
        return folds, f"trained on --data, tested on --test-data {args.test_data}"
    if data.recordings:
        what = (
            f"{args.cv}-fold cross-validation in time: each fold tests on a "
            "stretch of every recording; training clips that share frames with a "
            "test clip are left out"
        )
    elif data.groups is not None:
        if len(np.unique(data.groups)) < args.cv:
            fail(
                f"--groups {args.groups}: {len(np.unique(data.groups))} group(s) "
                f"for {args.cv} folds"
            )
        what = (
            f"{args.cv}-fold cross-validation holding out whole groups ({args.groups})"
        )
    else:
        what = (
            f"{args.cv}-fold cross-validation, shuffled (clips taken as independent; "
            "if they are cut from longer recordings, pass --groups)"
        )
    folds = make_folds(
        data.X,
        data.y,
        cv=args.cv,
        classification=classification,
        groups=data.groups,
        recordings=data.recordings,
        random_state=args.random_state,
    )
    return folds, what


def _fit_log(args, n_fits):
    """The fits a ``--resume`` finds done in ``OUT/fits.jsonl`` (by
    :func:`fit_signature`), and a function that appends each new fit's result
    to that file as it finishes, so that a stopped run keeps what it did."""
    path = Path(args.out) / "fits.jsonl"
    done = {}
    if args.resume and path.exists():
        for line in path.read_text().splitlines():
            try:
                entry = json.loads(line)
                done[entry["signature"]] = entry["result"]
            except (ValueError, KeyError):  # a line cut short by the stop
                continue
        print(f"resuming: {len(done)} of {n_fits} fits are done in {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not args.resume:
        path.write_text("")
    elif done:  # rewrite without a line that a stop cut short
        path.write_text(
            "".join(
                json.dumps({"signature": k, "result": v}) + "\n"
                for k, v in done.items()
            )
        )

    def record(key, signature, result):
        fold, score, fit_s, predict_s, n_params = result
        result = [int(fold), float(score), float(fit_s), float(predict_s)]
        result.append(int(n_params))
        with open(path, "a") as f:
            f.write(
                json.dumps({"model": key, "signature": signature, "result": result})
                + "\n"
            )

    return done, record


def compare(args, fail):
    """Run the comparison that ``args`` describe; returns the results dict."""
    from .._facade import EpochProgress

    keys, note = (args.models, None) if args.models else default_models()
    if any(key.startswith("flow-") for key in keys):
        try:
            from .._dense_flow import require_cv2

            require_cv2("OpticalFlow")
        except ImportError as exc:
            fail(f"--models: {exc}")
    data = load(args, fail)
    X, y = data.X, data.y
    classification = is_label_target(y)
    if data.X_test is None and not data.recordings:
        if classification:
            smallest = np.unique(y, return_counts=True)[1].min()
            if smallest < args.cv:
                fail(f"--cv {args.cv}: the rarest class has only {smallest} samples")
        elif len(y) < 2 * args.cv:
            fail(f"--cv {args.cv}: needs at least {2 * args.cv} samples, got {len(y)}")
    metric = "accuracy" if classification else "R^2"
    folds, split = _split(data, args, classification, fail)
    if data.X_test is not None:
        X = np.concatenate([X, data.X_test])
        y = np.concatenate([y, data.y_test])
        classification = is_label_target(y)
    # a bar over the epochs inside each fit, where the fits run in this process
    inner = not args.no_progress and args.n_jobs in (None, 1)
    models = make_models(
        keys,
        classification=classification,
        max_epochs=args.max_epochs,
        random_state=args.random_state,
        callbacks=[EpochProgress()] if inner else None,
    )
    folder = checkpoints(args)
    for model in models.values():  # a fit stopped midway resumes its epochs
        model.set_params(
            **{
                name: folder
                for name in model.get_params()
                if name == "checkpoint" or name.endswith("__checkpoint")
            }
        )
    chance_name, models["chance"] = chance(classification)
    print(
        f"{data.source}: X {X.shape} {X.dtype}, y {y.shape} "
        f"({'classification' if classification else 'regression'}, {metric}); "
        f"{split}"
    )
    if note:
        print(note)
    done, record = _fit_log(args, len(models) * len(folds))
    with tqdm(
        total=len(models) * len(folds),
        initial=len(done),
        desc="model folds",
        unit="fit",
        disable=args.no_progress,
        file=sys.stderr,
    ) as bar:
        report = run(
            models,
            X,
            y,
            folds=folds,
            names={**MODELS, "chance": chance_name},
            n_jobs=args.n_jobs,
            progress=bar.update,
            done=done,
            on_result=record,
        )
    *report, chance_row = report
    print(comparison_table(report, chance_row, metric), end="")
    print(_winner(report, chance_row, metric))
    note = _quick_note(report, args)
    if note:
        print(note)
    warning = _chance_warning(report, chance_row, metric)
    if warning:
        print(warning, file=sys.stderr)
    results = {
        "data": {
            "source": data.source,
            "X_shape": list(X.shape),
            "X_dtype": str(X.dtype),
            "y_shape": list(y.shape),
            "task": "classification" if classification else "regression",
        },
        "metric": "accuracy" if classification else "r2",
        "cv": len(folds),
        "split": split,
        "random_state": args.random_state,
        "versions": versions(),
        "models": report,
        "chance": chance_row,
        "beats_chance": warning is None,
    }
    write_results(
        args.out,
        results,
        files={"table.md": markdown_table(report, metric, chance_row)},
        figures=lambda out: [
            plot_comparison(
                report, X, metric=metric, path=out / "comparison.png", chance=chance_row
            )
        ],
    )
    return results
