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

MSE and MAE are on the clips' 0-255 scale, per forecast step and averaged over
the horizon; SSIM as scikit-image's (7x7, data range 255), per frame,
averaged; 'vs flow' is the share of flow extrapolation's squared error removed.
'kept' says whether the learned forecaster kept its start (``kept_start_``).
'1 clip' is the time to forecast one clip. A picture of the two test clips
that move most is saved per source into ``--figures``.
"""

import argparse
import tempfile
import time
from pathlib import Path

from machine import describe
from sklearn.model_selection import train_test_split

from sklearn_st import ConvLSTMForecaster, VideoClips
from sklearn_st._forecasting import evaluate
from sklearn_st._report import moving_most, plot_forecast
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
    return clips, clips[train], clips[test]


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
    header = (
        f"{'source':<17}{'forecast':<38}{'MSE t+1':>9}{f'MSE t+{args.horizon}':>9}"
        f"{'MSE':>8}{'MAE':>7}{'SSIM':>7}{'vs pers.':>9}{'vs flow':>9}"
        f"{'fit s':>8}{'1 clip ms':>10}{'kept':>6}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as folder:
        for source in args.data:
            if source in FOOTAGE:
                clips, X_train, X_test = footage(
                    folder, source, n_frames, args.frame_size
                )
                print(
                    f"{source}: {clips}; {len(X_train)} training clips (first "
                    f"70% of each video), {len(X_test)} test clips (last 30%)",
                    flush=True,
                )
            else:
                X_train, X_test = arrays(source, args, n_frames)
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
            flow = next(r for r in report if r["name"].startswith("flow"))
            for row in report:
                model = models.get(row["name"])
                one_clip = ""
                if model is not None:
                    start = time.perf_counter()
                    model.predict(X_test[:1, : args.n_context])
                    one_clip = f"{1000 * (time.perf_counter() - start):.1f}"
                vs_flow = 1 - row["mse"] / flow["mse"]
                kept = {True: "yes", False: "no"}.get(row.get("kept_start"), "")
                print(
                    f"{source:<17}{row['name']:<38}{row['per_step_mse'][0]:>9.1f}"
                    f"{row['per_step_mse'][-1]:>9.1f}{row['mse']:>8.1f}"
                    f"{row['mae']:>7.2f}{row['ssim']:>7.3f}"
                    f"{100 * row['vs_persistence']:>8.1f}%{100 * vs_flow:>8.1f}%"
                    f"{row['fit_seconds']:>8.1f}{one_clip:>10}{kept:>6}",
                    flush=True,
                )
            path = f"{args.figures}/forecast_{source}.png"
            context = X_test[:, : args.n_context]
            truth = X_test[:, args.n_context :]
            samples = moving_most(context, truth, n=2)
            plot_forecast(context, truth, forecasts, path=path, samples=samples)
            print(f"{source:<17}picture: {path}")


if __name__ == "__main__":
    main()
