"""Frame forecasting: ConvLSTMForecaster with its default parameters against the
forecasts to beat, persistence and flow extrapolation, on four sources, with
the squared error, the absolute error and the structural similarity (SSIM).

Run by hand: python benchmarks/bench_forecast.py [--data digits photos footage
held-out-footage] [--n-samples 500] [--frame-size 32] [--horizon 4]
[--n-context 8] [--starts extrapolation persistence none] [--figures docs]

Every clip is ``n_context`` context frames and the ``horizon`` frames forecast
after them (8 -> 4 by default), 32x32.

- digits: moving digits (scikit-learn's), independent clips split 80/20 at
  random;
- photos: a camera panning in whole pixels over the held-out photographs
  (``HELD_OUT_PHOTOS``, ``CAMERA_EFFECTS``: sensor noise, speeds down to 0),
  independent clips split 80/20 at random;
- footage: two videos the benchmark writes with PyAV (``write_camera_video``: a
  camera panning and zooming over the tuning photographs, discs cut from other
  photographs moving across the view and occluding it, sensor noise, H.264;
  1,500 frames of 64x64 each), read through ``VideoClips`` at 32x32 as
  overlapping clips, one every 4 frames; trained on the clips of the first 70%
  of each video, tested on the last 30% (``recording_train_test_split``: no
  training clip shares a frame with a test clip). The defaults were chosen on
  these two videos;
- held-out-footage: the same with the held-out photographs and other seeds:
  never used to choose anything, the figures to report.

Per source, the table of ``python -m sklearn_st forecast``: MSE, MAE and SSIM
per forecast step and over the horizon (MSE and MAE on the clips' 0-255 scale;
SSIM as scikit-image's, 7x7, data range 255, per frame, averaged), the share of
persistence's squared error removed and the fit's seconds; then for each learned
forecaster the share of flow extrapolation's error removed, the time to
forecast one clip (the best of 5) and whether it kept its start
(``kept_start_``). A picture of the two test clips that move most is saved per
source into ``--figures``.
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from machine import describe
from sklearn.model_selection import train_test_split

from sklearn_st import ConvLSTMForecaster, VideoClips
from sklearn_st.cli._forecast import evaluate
from sklearn_st.cli._report import forecast_table, moving_most, plot_forecast
from sklearn_st.datasets import (
    CAMERA_EFFECTS,
    make_moving_digits,
    make_panning_photos,
    write_camera_video,
)
from sklearn_st.model_selection import recording_train_test_split

#: the videos of each footage source: photographs and seeds
FOOTAGE = {"footage": ("tuning", (0, 1)), "held-out-footage": ("held-out", (2, 3))}


def footage(folder, source, n_frames, side):
    """Training and test clips of the two written videos of ``source``."""
    photos, seeds = FOOTAGE[source]
    paths = [
        write_camera_video(
            Path(folder) / f"{source}{seed}.mp4",
            n_frames=1500,
            frame_size=(2 * side, 2 * side),
            photos=photos,
            random_state=seed,
        )
        for seed in seeds
    ]
    clips = VideoClips(paths, n_frames=n_frames, stride=4, size=(side, side))
    train, test = recording_train_test_split(clips, test_size=0.3)
    # decoded: forecasting is measured here, not reading video
    return clips, np.asarray(clips[train]), np.asarray(clips[test])


def arrays(source, args, n_frames):
    """Training and test clips of a generated source."""
    if source == "digits":
        X, _ = make_moving_digits(
            args.n_samples, n_frames, args.frame_size, random_state=args.random_state
        )
    else:
        X, _ = make_panning_photos(
            args.n_samples,
            n_frames,
            args.frame_size,
            photos="held-out",
            random_state=args.random_state,
            **CAMERA_EFFECTS,
        )
    return train_test_split(X, test_size=0.2, random_state=args.random_state)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sources = ["digits", "photos", "footage", "held-out-footage"]
    parser.add_argument("--data", nargs="*", choices=sources, default=sources)
    parser.add_argument("--n-samples", type=int, default=500)
    parser.add_argument("--frame-size", type=int, default=32)
    parser.add_argument("--horizon", type=int, default=4)
    parser.add_argument("--n-context", type=int, default=8)
    parser.add_argument(
        "--starts",
        nargs="*",
        choices=["extrapolation", "persistence", "none"],
        default=["extrapolation"],
        help="the learned forecasters' start (the default's first)",
    )
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--figures", default="docs")
    args = parser.parse_args()
    print(describe())
    n_frames = args.n_context + args.horizon
    print(
        f"{args.n_context} context frames -> {args.horizon} forecast, "
        f"{args.frame_size}x{args.frame_size}; default parameters but start"
    )
    with tempfile.TemporaryDirectory() as folder:
        for source in args.data:
            print(f"\n== {source}")
            if source in FOOTAGE:
                clips, X_train, X_test = footage(
                    folder, source, n_frames, args.frame_size
                )
                split = "first 70% of each video, test clips the last 30%"
                print(f"{clips}; training clips the {split}")
            else:
                X_train, X_test = arrays(source, args, n_frames)
            print(f"{len(X_train)} training and {len(X_test)} test clips", flush=True)
            models = {}
            for start in args.starts:
                name = "ConvLSTMForecaster" + (
                    "" if start == args.starts[0] else f"(start={start!r})"
                )
                models[name] = ConvLSTMForecaster(
                    horizon=args.horizon,
                    start=None if start == "none" else start,
                    random_state=args.random_state,
                )
            report, forecasts, note = evaluate(models, X_train, X_test)
            if note:
                print(note)
            print(forecast_table(report, args.horizon), end="")
            flow = next(r for r in report if r["name"].startswith("flow"))
            for row in report:
                if row["baseline"]:
                    continue
                times = []  # one clip's forecast, the best of 5
                for _ in range(5):
                    start = time.perf_counter()
                    models[row["name"]].predict(X_test[:1, : args.n_context])
                    times.append(time.perf_counter() - start)
                kept = {True: "kept", False: "beat"}.get(row.get("kept_start"), "?")
                print(
                    f"{row['name']}: MSE {100 * row['vs_best_baseline']:.1f}% below "
                    f"the better baseline, {100 * (1 - row['mse'] / flow['mse']):.1f}% "
                    f"below flow extrapolation; SSIM {row['ssim']:.3f} against "
                    f"{flow['ssim']:.3f}; one clip in {1000 * min(times):.1f} ms; "
                    f"{kept} its start",
                    flush=True,
                )
            path = f"{args.figures}/forecast_{source}.png"
            context = X_test[:, : args.n_context]
            truth = X_test[:, args.n_context :]
            samples = moving_most(context, truth, n=2)
            plot_forecast(context, truth, forecasts, path=path, samples=samples)
            print(f"picture: {path}")


if __name__ == "__main__":
    main()
