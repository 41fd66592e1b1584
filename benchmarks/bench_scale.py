"""Scale curves: fit time and peak memory of the default models against the
frame side and the number of clips, in float32 and bfloat16.

Run by hand: python benchmarks/bench_scale.py [--sides 32 64 128]
[--n-clips 256 1024] [--models convlstm cnn-lstm lstm] [--epochs 1]
[--precisions float32 bfloat16]

Each line is one fit in a fresh child process (so that one fit's memory does not
count in the next): moving digits (one channel, uint8) of 10 frames of side x
side, velocity as the target, the model at its defaults but ``max_epochs``
(``--epochs``, 1 by default: the time of an epoch) and ``precision``. 'fit s' is
the fit's wall time (the data made before it), 'MB' the growth of the child's
peak resident memory over the fit, against the clips' own size in uint8;
'lstm' is ``FrameFlattener() -> LSTMRegressor()``. bfloat16 runs where the CPU
has native bfloat16 (``avx512_bf16`` or AMX); elsewhere it is skipped.
"""

import argparse
import json
import subprocess
import sys

from machine import describe

from sklearn_st.nn._hardware import cpu_has_native_bfloat16

CHILD = """
import json, sys, time, threading
import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn_st import (CNNLSTMRegressor, ConvLSTMRegressor, FrameFlattener,
                        LSTMRegressor)
from sklearn_st.datasets import make_moving_digits

def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

model, side, n, epochs, precision = sys.argv[1:6]
X, y = make_moving_digits(int(n), 10, int(side), random_state=0)
params = {"max_epochs": int(epochs), "precision": precision, "random_state": 0}
estimator = {
    "convlstm": lambda: ConvLSTMRegressor(**params),
    "cnn-lstm": lambda: CNNLSTMRegressor(**params),
    "lstm": lambda: make_pipeline(FrameFlattener(), LSTMRegressor(**params)),
}[model]()
peak, done = [rss_mb()], threading.Event()
def sample():
    while not done.is_set():
        peak[0] = max(peak[0], rss_mb())
        time.sleep(0.005)
before = rss_mb()
watcher = threading.Thread(target=sample)
watcher.start()
start = time.perf_counter()
estimator.fit(X, y)
seconds = time.perf_counter() - start
done.set()
watcher.join()
mb = X.nbytes / 2**20
print(json.dumps({"seconds": seconds, "mb": peak[0] - before, "data_mb": mb}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sides", type=int, nargs="*", default=[32, 64, 128])
    parser.add_argument("--n-clips", type=int, nargs="*", default=[256, 1024])
    parser.add_argument("--models", nargs="*", default=["convlstm", "cnn-lstm", "lstm"])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--precisions", nargs="*", default=["float32", "bfloat16"])
    args = parser.parse_args()
    print(describe())
    precisions = list(args.precisions)
    if "bfloat16" in precisions and not cpu_has_native_bfloat16():
        print("no native bfloat16 on this CPU: bfloat16 skipped")
        precisions.remove("bfloat16")
    header = f"{'model':<10}{'side':>6}{'clips':>7}{'data MB':>9}"
    for precision in precisions:
        header += f"{precision + ' fit s':>17}{'MB':>8}"
    if len(precisions) == 2:
        header += f"{'speed-up':>10}"
    print(header)
    print("-" * len(header))
    for model in args.models:
        for side in args.sides:
            for n in args.n_clips:
                line, times = f"{model:<10}{side:>6}{n:>7}", []
                for precision in precisions:
                    out = subprocess.run(
                        [
                            sys.executable,
                            "-c",
                            CHILD,
                            model,
                            str(side),
                            str(n),
                            str(args.epochs),
                            precision,
                        ],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    result = json.loads(out.stdout.strip().splitlines()[-1])
                    if not times:
                        line += f"{result['data_mb']:>9.1f}"
                    times.append(result["seconds"])
                    line += f"{result['seconds']:>17.2f}{result['mb']:>8.0f}"
                if len(times) == 2:
                    line += f"{times[0] / times[1]:>9.2f}x"
                print(line, flush=True)


if __name__ == "__main__":
    main()
