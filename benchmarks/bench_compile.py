"""What ``compile=True`` costs and gives: the first epoch and the first prediction
in a fresh process with an empty and with a warm inductor cache, and the
steady-state epoch and prediction against ``compile=False``.

Run by hand: python benchmarks/bench_compile.py [--models convlstm,cnn-lstm,lstm]
[--n-samples 512] [--epochs 4] [--device cpu|cuda]

Each row is one fresh Python process (so that nothing compiled in memory carries
over), fitting the model with its default parameters but ``max_epochs`` on moving
digits (8 frames of 32x32; the LSTM on flattened frames) and predicting the same
clips twice. The inductor cache directory is new for the 'empty cache' row and
the same directory again for the 'warm cache' row. Epoch seconds come from
skorch's history ('dur'); 'later epochs' is the mean of the epochs after the
first.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

_MODELS = ("convlstm", "cnn-lstm", "lstm")


def _child(args):
    """Fit and predict once in this (fresh) process; print the times as JSON."""
    from sklearn_st import CNNLSTMRegressor, ConvLSTMRegressor, LSTMRegressor
    from sklearn_st.datasets import make_moving_digits

    X, y = make_moving_digits(args.n_samples, random_state=0)
    common = {
        "max_epochs": args.epochs,
        "compile": args.compile,
        "device": args.device,
        "random_state": 0,
    }
    if args.model == "lstm":
        X = X.reshape(*X.shape[:2], -1)
        model = LSTMRegressor(**common)
    elif args.model == "cnn-lstm":
        model = CNNLSTMRegressor(**common)
    else:
        model = ConvLSTMRegressor(**common)
    start = time.perf_counter()
    model.fit(X, y)
    fit_s = time.perf_counter() - start
    predicts = []
    for _ in range(2):
        start = time.perf_counter()
        pred = model.predict(X)
        predicts.append(time.perf_counter() - start)
    durations = model.net_.history[:, "dur"]
    print(
        json.dumps(
            {
                "fit": fit_s,
                "first_epoch": durations[0],
                "later_epochs": float(np.mean(durations[1:])),
                "first_predict": predicts[0],
                "later_predict": predicts[1],
                "pred_mean": float(np.mean(pred)),
            }
        )
    )


def _run(args, model, compile, cache_dir):
    env = {**os.environ, "TORCHINDUCTOR_CACHE_DIR": cache_dir}
    command = [
        sys.executable,
        __file__,
        "--child",
        "--model",
        model,
        "--n-samples",
        str(args.n_samples),
        "--epochs",
        str(args.epochs),
        "--device",
        args.device,
    ]
    if compile:
        command.append("--compile")
    out = subprocess.run(command, env=env, capture_output=True, text=True)
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(_MODELS))
    parser.add_argument("--n-samples", type=int, default=512)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--compile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args)

    from machine import describe

    print(describe())
    print(
        f"{args.n_samples} moving-digit clips of 8 frames of 32x32, {args.epochs} "
        f"epochs, default parameters, device {args.device}; one fresh process a row"
    )
    header = (
        f"{'model':<10}{'compile':<22}{'fit s':>8}{'epoch 1 s':>11}"
        f"{'later epochs s':>16}{'predict 1 s':>13}{'predict 2 s':>13}"
    )
    print(header)
    print("-" * len(header))
    for model in args.models.split(","):
        with tempfile.TemporaryDirectory() as cache:
            rows = [
                ("False", _run(args, model, False, cache)),
                ("True, empty cache", _run(args, model, True, cache)),
                ("True, warm cache", _run(args, model, True, cache)),
            ]
        for name, row in rows:
            if "error" in row:
                print(f"{model:<10}{name:<22}failed: {row['error']}")
                continue
            print(
                f"{model:<10}{name:<22}{row['fit']:>8.1f}{row['first_epoch']:>11.2f}"
                f"{row['later_epochs']:>16.2f}{row['first_predict']:>13.2f}"
                f"{row['later_predict']:>13.2f}",
                flush=True,
            )
    return None


if __name__ == "__main__":
    main()
