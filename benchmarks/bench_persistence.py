"""Bytes of a saved model against the bytes of its weights and optimizer state.

Run by hand: python benchmarks/bench_persistence.py

Fits LSTMRegressor(hidden_size=64) twice: on flattened moving-digit clips (256
features, 20 epochs: the weights dominate) and on 3 features for the default 100
epochs (a small model with a long training history), then prints the sizes of its
pickle, joblib and skops files, and how long skops takes to save and load.
"""

import io
import pickle
import tempfile
import time
from pathlib import Path

import joblib
import numpy as np
from machine import describe

from sklearn_st import LSTMRegressor
from sklearn_st._facade._net_state import state_nbytes
from sklearn_st.datasets import make_moving_digits


def main():
    print(describe())
    import skops.io as sio

    X, y = make_moving_digits(256, n_frames=8, frame_size=16, random_state=0)
    rng = np.random.RandomState(0)
    cases = {
        "256 features, 20 epochs": (X.reshape(256, 8, -1), y, 20),
        "3 features, 100 epochs": (
            rng.normal(size=(256, 6, 3)),
            rng.normal(size=256),
            100,
        ),
    }
    print(
        "| data | weights B | optimizer B | pickle B | ratio | joblib B | skops B "
        "| skops save s | skops load s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (X, y, epochs) in cases.items():
        model = LSTMRegressor(hidden_size=64, max_epochs=epochs, random_state=0)
        model.fit(X, y)
        weights, optimizer = state_nbytes(model.net_)
        pickled = len(pickle.dumps(model))
        buffer = io.BytesIO()
        joblib.dump(model, buffer)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "model.skops"
            start = time.perf_counter()
            sio.dump(model, path)
            saved = time.perf_counter() - start
            start = time.perf_counter()
            sio.load(path, trusted=sio.get_untrusted_types(file=path))
            loaded = time.perf_counter() - start
            skops_bytes = path.stat().st_size
        print(
            f"| {name} | {weights:,} | {optimizer:,} | {pickled:,} | "
            f"{pickled / (weights + optimizer):.2f} | {len(buffer.getvalue()):,} | "
            f"{skops_bytes:,} | {saved:.2f} | {loaded:.2f} |"
        )


if __name__ == "__main__":
    main()
