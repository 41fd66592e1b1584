"""Frame forecasting: ConvLSTMForecaster with its default parameters against
persistence and linear extrapolation, on moving digits, panning photos and
camera footage read from a video file.

Run by hand: python benchmarks/bench_forecast.py [--data digits photos footage]
[--n-samples 500] [--n-frames 20] [--horizon 10] [--frame-size 32]
[--direct] [--figures docs]

digits, photos: independent clips, split 80/20 at random; the last ``horizon``
frames of each test clip forecast from the frames before them.

footage: a video the benchmark writes with PyAV (``write_camera_video``: a
camera panning and zooming over photographs, discs cut from other photographs
moving over the view, sensor noise, H.264; 2,000 frames of 64x96 at 25 fps),
read through ``VideoClips`` at 32x48 as overlapping clips of 12 frames (a clip
every 4 frames); trained on clips from the first 75% of the video, tested on
the last 25% (``recording_train_test_split``: no training clip shares a frame
with a test clip); 4 frames forecast from 8.

MSE is on the clips' own scale (uint8: 0-255), per forecast step and averaged
over the horizon; 'vs persistence' is the share of persistence's error removed.
``--direct`` adds ``ConvLSTMForecaster(residual=False)`` (Shi et al.'s direct
forecast of the frames) for comparison. A picture of the two test clips that
move most is saved per source into ``--figures``.
"""

import argparse
import tempfile
from pathlib import Path

from machine import describe
from sklearn.model_selection import train_test_split

from sklearn_st import ConvLSTMForecaster, VideoClips
from sklearn_st._forecasting import evaluate
from sklearn_st._report import moving_most, plot_forecast
from sklearn_st.datasets import (
    make_moving_digits,
    make_panning_photos,
    write_camera_video,
)
from sklearn_st.model_selection import recording_train_test_split


def footage(folder, random_state):
    """Training and test clips of a written camera video (see the docstring)."""
    path = write_camera_video(
        Path(folder) / "camera.mp4",
        n_frames=2000,
        frame_size=(64, 96),
        random_state=random_state,
    )
    clips = VideoClips(path, n_frames=12, stride=4, size=(32, 48))
    train, test = recording_train_test_split(clips, test_size=0.25)
    return clips, train, test


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        nargs="*",
        choices=["digits", "photos", "footage"],
        default=["digits", "photos", "footage"],
    )
    parser.add_argument("--n-samples", type=int, default=500)
    parser.add_argument("--n-frames", type=int, default=20)
    parser.add_argument("--frame-size", type=int, default=32)
    parser.add_argument(
        "--horizon", type=int, default=None, help="default: 10, 4 for footage"
    )
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--direct", action="store_true")
    parser.add_argument("--figures", default="docs")
    args = parser.parse_args()
    print(describe())
    print(
        f"digits, photos: {args.n_samples} clips of {args.n_frames} frames of "
        f"{args.frame_size}x{args.frame_size}, 80/20 split; footage: see --help; "
        "default parameters"
    )
    header = f"{'source':<8}{'forecast':<36}" + "".join(
        f"{f'MSE t+{k}':>10}" for k in (1, 4, 10)
    )
    header += f"{'MSE mean':>10}{'vs persist.':>13}{'fit s':>8}"
    print(header)
    print("-" * len(header))
    make = {"digits": make_moving_digits, "photos": make_panning_photos}
    with tempfile.TemporaryDirectory() as folder:
        for source in args.data:
            if source == "footage":
                clips, train, test = footage(folder, args.random_state)
                print(
                    f"footage {clips}; {len(train)} training clips (first 75%), "
                    f"{len(test)} test clips (last 25%)",
                    flush=True,
                )
                X_train, X_test = clips[train], clips[test]
                horizon = args.horizon or 4
            else:
                X, _ = make[source](
                    args.n_samples,
                    args.n_frames,
                    args.frame_size,
                    random_state=args.random_state,
                )
                X_train, X_test = train_test_split(
                    X, test_size=0.2, random_state=args.random_state
                )
                horizon = args.horizon or 10
            seed = args.random_state
            models = {
                "ConvLSTMForecaster": ConvLSTMForecaster(
                    horizon=horizon, random_state=seed
                )
            }
            if args.direct:
                models["ConvLSTMForecaster(residual=False)"] = ConvLSTMForecaster(
                    horizon=horizon, residual=False, random_state=seed
                )
            report, forecasts = evaluate(models, X_train, X_test)
            for row in report:
                cells = "".join(
                    f"{row['per_step_mse'][k - 1]:>10.1f}" if k <= horizon else " " * 10
                    for k in (1, 4, 10)
                )
                print(
                    f"{source:<8}{row['name']:<36}{cells}{row['mse']:>10.1f}"
                    f"{100 * row['vs_persistence']:>12.1f}%{row['fit_seconds']:>8.1f}",
                    flush=True,
                )
            path = f"{args.figures}/forecast_{source}.png"
            context, truth = X_test[:, :-horizon], X_test[:, -horizon:]
            samples = moving_most(context, truth, n=2)
            plot_forecast(context, truth, forecasts, path=path, samples=samples)
            print(f"{source:<8}picture: {path}")


if __name__ == "__main__":
    main()
