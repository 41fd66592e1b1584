"""Time make_moving_digits: 10,000 clips should take well under 5 s on 2 cores.

Run by hand: python benchmarks/bench_datasets.py
"""

import time

from machine import describe

from sklearn_st.datasets import make_moving_digits


def main():
    print(describe())
    print(f"{'make_moving_digits(10_000, ...)':<44}{'seconds':>8}{'MB':>8}")
    for kwargs in [{}, {"clutter": True}, {"clutter": True, "noise": 0.1}]:
        start = time.perf_counter()
        X, _ = make_moving_digits(10_000, random_state=0, **kwargs)
        seconds = time.perf_counter() - start
        label = ", ".join(f"{k}={v}" for k, v in kwargs.items()) or "defaults"
        print(f"{label:<44}{seconds:>8.2f}{X.nbytes / 1e6:>8.0f}")


if __name__ == "__main__":
    main()
