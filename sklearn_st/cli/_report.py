"""What the commands report: the tables they print and write, ``results.json``
with the versions and each estimator described, the ``--out`` folder, and the
figures (matplotlib: the plot extra) and the forecast's animation."""

import json
import platform
import shutil
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline

from .. import __version__

__all__ = [
    "checkpoints",
    "comparison_table",
    "describe_estimator",
    "forecast_table",
    "markdown_table",
    "moving_most",
    "plot_comparison",
    "plot_forecast",
    "versions",
    "write_forecast_animation",
    "write_results",
]


def versions():
    """The versions that decide a result, read without importing the packages."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"sklearn_st": __version__, "python": platform.python_version()}
    for name in ("numpy", "scikit-learn", "torch", "skorch"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - a broken environment
            found[name] = None
    return found


def describe_estimator(value):
    """``value`` as JSON: an estimator as its class and parameters (a Pipeline as
    its steps), nested estimators likewise, NumPy numbers as Python ones, other
    objects (a torch module, a callback) as their class."""
    if isinstance(value, Pipeline):
        steps = {name: describe_estimator(step) for name, step in value.steps}
        return {"class": "Pipeline", "steps": steps}
    if isinstance(value, BaseEstimator):
        params = value.get_params(deep=False)
        return {
            "class": type(value).__name__,
            "params": {k: describe_estimator(v) for k, v in params.items()},
        }
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [describe_estimator(v) for v in value]
    if isinstance(value, dict):
        return {str(k): describe_estimator(v) for k, v in value.items()}
    return {"class": type(value).__name__}


def markdown_table(report, metric, chance):
    """The comparison as a Markdown table, the best score in bold (README's), the
    chance row last, in italics."""
    best = max(row["score_mean"] for row in report)
    lines = [
        f"| approach | {metric} (mean ± std) | fit s | predict s | weights |",
        "|---|---|---|---|---|",
    ]
    for row in [*report, chance]:
        score = f"{row['score_mean']:.3f} ± {row['score_std']:.3f}"
        name = row["name"]
        if row is chance:
            name, score = f"*{name}*", f"*{score}*"
        elif row["score_mean"] == best:
            score = f"**{score}**"
        lines.append(
            f"| {name} | {score} | {row['fit_seconds_mean']:.2f} | "
            f"{row['predict_seconds_mean']:.3f} | {row['n_parameters']:,} |"
        )
    return "\n".join(lines) + "\n"


def comparison_table(report, chance, metric):
    """The comparison as text for the terminal: a row per approach, the best
    marked ``<- best``, the chance row last, below a rule."""
    best = max(row["score_mean"] for row in report)
    width = max(len(row["name"]) for row in [*report, chance]) + 2
    header = (
        f"{'approach':<{width}}{metric + ' (mean ± std)':>22}{'fit s':>9}"
        f"{'predict s':>11}{'weights':>11}"
    )
    lines = [header, "-" * len(header)]
    for row in [*report, chance]:
        if row is chance:
            lines.append("-" * len(header))
        score = f"{row['score_mean']:.3f} ± {row['score_std']:.3f}"
        line = (
            f"{row['name']:<{width}}{score:>22}{row['fit_seconds_mean']:>9.2f}"
            f"{row['predict_seconds_mean']:>11.3f}{row['n_parameters']:>11,}"
        )
        if row is not chance and row["score_mean"] == best:
            line += "  <- best"
        lines.append(line)
    return "\n".join(lines) + "\n"


def forecast_table(report, horizon):
    """:func:`evaluate`'s report as text: per metric (MSE, MAE, SSIM), a row per
    method with the score at each forecast step (steps 1, 5, 10, ... and the
    last, for long horizons) and over the horizon; the MSE's block also with the
    share of persistence's error removed and the fit's seconds."""
    steps = list(range(1, horizon + 1))
    if horizon > 6:
        steps = sorted({1, *range(5, horizon, 5), horizon})
    width = max(len(row["name"]) for row in report) + 2
    lines = []
    for metric, label in (("mse", "MSE"), ("mae", "MAE"), ("ssim", "SSIM")):
        if report[0][metric] is None:  # no SSIM of frames of one pixel
            continue
        form = ".3f" if metric == "ssim" else ".4g"  # errors of any scale
        header = f"{label:<{width}}" + "".join(f"{f't+{k}':>9}" for k in steps)
        header += f"{'mean':>9}"
        if metric == "mse":
            header += f"{'vs persistence':>16}{'fit s':>8}"
        lines += [header, "-" * len(header)]
        for row in report:
            cells = "".join(
                f"{row[f'per_step_{metric}'][k - 1]:>9{form}}" for k in steps
            )
            line = f"{row['name']:<{width}}{cells}{row[metric]:>9{form}}"
            if metric == "mse":
                line += f"{100 * row['vs_persistence']:>15.1f}%"
                line += f"{row['fit_seconds']:>8.1f}"
            lines.append(line)
        lines.append("")
    return "\n".join(lines)


def write_results(out, results, *, files=None, figures=None):
    """Write ``results`` as ``results.json``, each of ``files`` (name: text) and
    the pictures that ``figures(folder)`` draws and returns the paths of into the
    folder ``out``; say what was written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    try:  # every fit ended and removed its checkpoint
        (out / "checkpoints").rmdir()
    except OSError:
        pass
    written = []
    texts = {"results.json": json.dumps(results, indent=2) + "\n", **(files or {})}
    for name, text in texts.items():
        (out / name).write_text(text)
        written.append(out / name)
    if figures is not None:
        try:
            written += figures(out)
        except ImportError:
            print(
                "no figure: matplotlib is not installed (pip install "
                '"sklearn_st[plot]", or ".[plot]" from a checkout)'
            )
    print("wrote " + ", ".join(str(path) for path in written))


def checkpoints(args):
    """``OUT/checkpoints``, where each learned model's fit saves its epochs:
    emptied unless ``--resume`` (which goes on from them)."""
    folder = Path(args.out) / "checkpoints"
    if not args.resume:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _frame_image(frame, value_range=None):
    """A channel-last frame as something ``imshow`` shows: grey or RGB in [0, 1],
    scaled from ``value_range`` ``(low, high)`` (clipped to it) or else from the
    frame's own range."""
    frame = np.asarray(frame, dtype=np.float64)
    if frame.ndim == 3:
        frame = frame[..., 0] if frame.shape[-1] != 3 else frame
    if value_range is not None:
        low, high = value_range
        return np.clip((frame - low) / (high - low), 0, 1)
    low, high = frame.min(), frame.max()
    return (frame - low) / (high - low) if high > low else np.zeros_like(frame)


def plot_comparison(report, X, *, metric, path, chance=None, max_frames=8):
    """Write a PNG: score against fit time per approach, and example frames.

    ``report`` is :func:`~sklearn_st.cli._approaches.run`'s list; ``X`` the data (its
    first clip is shown when its samples are frames, 4-D or 5-D); ``chance`` the
    chance row, drawn as a line. The score axis runs up to 1 (a perfect score)
    and down to chance, so that noise between approaches does not look like a
    ranking.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frames = X[0] if X.ndim >= 4 else None
    n_strip = 0 if frames is None else min(len(frames), max_frames)
    # the legend stands right of the axes, never over a point
    fig = plt.figure(figsize=(11, 6.5 if n_strip else 5), layout="constrained")
    grid = fig.add_gridspec(
        2 if n_strip else 1, max(n_strip, 1), height_ratios=([4, 1] if n_strip else [1])
    )
    ax = fig.add_subplot(grid[0, :])
    for row in report:
        ax.errorbar(
            row["fit_seconds_mean"],
            row["score_mean"],
            yerr=row["score_std"],
            fmt="o",
            capsize=3,
            label=f"{row['name']} ({row['n_parameters']:,} weights)",
        )
    lowest = min(row["score_mean"] - row["score_std"] for row in report)
    if chance is not None:
        ax.axhline(
            chance["score_mean"],
            color="grey",
            linestyle="--",
            label=f"{chance['name']}: {chance['score_mean']:.3f}",
        )
        lowest = min(lowest, chance["score_mean"])
    ax.set_ylim(lowest - 0.05 * (1 - lowest) - 0.01, 1.0 + 0.02 * (1 - lowest))
    ax.set_xscale("log")
    ax.set_xlabel("mean fit time per fold (s, log scale)")
    ax.set_ylabel(f"{metric} (mean ± std over folds)")
    ax.set_title("Encoders compared by cross-validation")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1))
    ax.grid(alpha=0.3)
    for t in range(n_strip):
        strip = fig.add_subplot(grid[1, t])
        strip.imshow(_frame_image(frames[t]), cmap="gray")
        strip.set_title(f"t={t}", fontsize="small")
        strip.axis("off")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def moving_most(context, truth, n=3):
    """The ``n`` clips whose future frames differ most from their last context
    frame (mean absolute difference): where a forecast has something to do."""
    last = np.asarray(context[:, -1:], dtype=np.float64)
    change = np.abs(np.asarray(truth, dtype=np.float64) - last)
    motion = change.reshape(len(change), -1).mean(axis=1)
    return [int(i) for i in np.argsort(-motion, kind="stable")[:n]]


def _clip_range(context, sample):
    """One value range for every frame of a clip's figure: its context's."""
    low = float(np.min(context[sample]))
    return low, max(float(np.max(context[sample])), low + 1e-12)


def plot_forecast(context, truth, forecasts, *, path, samples=(0,), max_frames=8):
    """Write a PNG: for each clip of ``samples``, its last context frames, the
    true future frames and each method's forecast of them, a row each (frames of
    4-D or 5-D data; colour frames in colour).

    ``forecasts`` maps a method's name to its ``(n, horizon, ...)`` forecast.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_cols = min(truth.shape[1], max_frames)
    blocks = []
    for sample in samples:
        rows = [(f"clip {sample}: context", context[sample, -n_cols:])]
        rows.append(("truth", truth[sample, :n_cols]))
        rows += [(name, frames[sample, :n_cols]) for name, frames in forecasts.items()]
        blocks.append((_clip_range(context, sample), rows))
    n_rows = sum(len(rows) for _, rows in blocks)
    height, width = truth.shape[2:4]
    side = 1.7  # inches per frame
    fig, axes = plt.subplots(
        n_rows,
        n_cols,
        figsize=(side * n_cols + 2.5, side * height / width * n_rows + 0.3),
        squeeze=False,
        layout="constrained",
    )
    r = 0
    for value_range, rows in blocks:
        for index, (name, frames) in enumerate(rows):
            for t in range(n_cols):
                ax = axes[r, t]
                ax.axis("off")
                if t >= len(frames):
                    continue
                image = _frame_image(frames[t], value_range)
                ax.imshow(image, cmap="gray", vmin=0, vmax=1)
                if index == 1:  # the truth's row: the forecast steps
                    ax.set_title(f"t+{t + 1}", fontsize="small")
            axes[r, 0].text(
                -0.1,
                0.5,
                name,
                transform=axes[r, 0].transAxes,
                ha="right",
                va="center",
                fontsize="small",
            )
            r += 1
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _panel(frame, value_range, scale):
    """A frame as ``(H * scale, W * scale, 3)`` uint8 RGB."""
    image = _frame_image(frame, value_range)
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=-1)
    image = np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)
    return np.rint(255 * image).astype(np.uint8)


def write_forecast_animation(
    context, truth, forecasts, *, path, samples=(0,), n_context=6, fps=4
):
    """Write an animated GIF (Pillow, which matplotlib installs) or MP4 (PyAV, the
    video extra), by ``path``'s suffix: for each clip of ``samples`` a row of
    panels, the truth and each method's forecast side by side (all showing the
    context first, then each their own future), named above.

    Returns ``path``.
    """
    from PIL import Image, ImageDraw

    names = ["truth", *forecasts]
    height, width = truth.shape[2:4]
    scale = max(1, int(np.ceil(128 / max(height, width))))
    shown = min(n_context, context.shape[1])
    header = 14
    pictures = []
    for t in range(shown + truth.shape[1]):
        rows = []
        for sample in samples:
            value_range = _clip_range(context, sample)
            panels = []
            for name in names:
                if t < shown:
                    frame = context[sample, context.shape[1] - shown + t]
                else:
                    series = truth if name == "truth" else forecasts[name]
                    frame = series[sample, t - shown]
                panels.append(_panel(frame, value_range, scale))
                panels.append(np.full((panels[-1].shape[0], 4, 3), 255, np.uint8))
            rows.append(np.concatenate(panels[:-1], axis=1))
        picture = np.full(
            (header + sum(r.shape[0] + 4 for r in rows), rows[0].shape[1], 3),
            255,
            dtype=np.uint8,
        )
        top = header
        for row in rows:
            picture[top : top + row.shape[0]] = row
            top += row.shape[0] + 4
        image = Image.fromarray(picture)
        draw = ImageDraw.Draw(image)
        step = "context" if t < shown else f"t+{t - shown + 1}"
        for k, name in enumerate(names):
            label = f"{name} ({step})" if k == 0 else name
            draw.text((k * (width * scale + 4) + 2, 1), label, fill=(0, 0, 0))
        pictures.append(image)
    path = str(path)
    if path.endswith(".gif"):
        pictures[0].save(
            path,
            save_all=True,
            append_images=pictures[1:],
            duration=int(1000 / fps),
            loop=0,
        )
        return path
    from ..video._writer import VideoWriter

    first = np.asarray(pictures[0])
    even = (first.shape[0] // 2 * 2, first.shape[1] // 2 * 2)
    with VideoWriter(path, *even, fps, crf=18, gop=fps) as writer:
        for picture in pictures:
            writer.write(np.asarray(picture)[: even[0], : even[1]])
    return path
