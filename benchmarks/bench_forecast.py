"""Frame forecasting: ConvLSTMForecaster with its default parameters against
persistence and linear extrapolation, on moving digits and on panning photos.

Run by hand: python benchmarks/bench_forecast.py [--data digits photos]
[--n-samples 500] [--n-frames 20] [--horizon 10] [--frame-size 32]
[--figures docs]

Each set of clips is split 80/20 once; the forecaster is fitted on the training
clips (each split into its first n_frames - horizon frames as context and the
last horizon frames as target), and every method forecasts the last ``horizon``
frames of each test clip from the frames before them. MSE is on the clips' own
scale (uint8: 0-255), per forecast step and averaged over the horizon; 'vs
persistence' is the share of persistence's error removed. A picture of one test
clip (context, truth, each forecast) is saved per source into ``--figures``.
"""

import argparse

from machine import describe
from sklearn.model_selection import train_test_split

from sklearn_st import ConvLSTMForecaster
from sklearn_st._forecasting import evaluate
from sklearn_st._report import plot_forecast
from sklearn_st.datasets import make_moving_digits, make_panning_photos


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", nargs="*", choices=["digits", "photos"], default=["digits", "photos"]
    )
    parser.add_argument("--n-samples", type=int, default=500)
    parser.add_argument("--n-frames", type=int, default=20)
    parser.add_argument("--frame-size", type=int, default=32)
    parser.add_argument("--horizon", type=int, default=10)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--figures", default="docs")
    args = parser.parse_args()
    print(describe())
    print(
        f"{args.n_samples} clips of {args.n_frames} frames of {args.frame_size}x"
        f"{args.frame_size}, 80/20 split; the last {args.horizon} frames forecast "
        f"from the {args.n_frames - args.horizon} before; default parameters"
    )
    steps = [k for k in (1, 5, 10) if k <= args.horizon]
    header = f"{'source':<8}{'forecast':<34}" + "".join(
        f"{f'MSE t+{k}':>10}" for k in steps
    )
    header += f"{'MSE mean':>10}{'vs persist.':>13}{'fit s':>8}"
    print(header)
    print("-" * len(header))
    make = {"digits": make_moving_digits, "photos": make_panning_photos}
    for source in args.data:
        X, _ = make[source](
            args.n_samples,
            args.n_frames,
            args.frame_size,
            random_state=args.random_state,
        )
        X_train, X_test = train_test_split(
            X, test_size=0.2, random_state=args.random_state
        )
        forecaster = ConvLSTMForecaster(
            horizon=args.horizon, random_state=args.random_state
        )
        report, forecasts = evaluate(forecaster, X_train, X_test)
        for row in report:
            cells = "".join(f"{row['per_step_mse'][k - 1]:>10.1f}" for k in steps)
            print(
                f"{source:<8}{row['name']:<34}{cells}{row['mse']:>10.1f}"
                f"{100 * row['vs_persistence']:>12.1f}%{row['fit_seconds']:>8.1f}",
                flush=True,
            )
        path = f"{args.figures}/forecast_{source}.png"
        plot_forecast(
            X_test[:, : -args.horizon],
            X_test[:, -args.horizon :],
            forecasts,
            path=path,
        )
        print(f"{source:<8}picture: {path}")


if __name__ == "__main__":
    main()
