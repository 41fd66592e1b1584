"""The figures of ``python -m sklearn_st compare`` and ``forecast`` (needs
matplotlib: the plot extra) and the forecast's animation."""

import numpy as np

__all__ = [
    "moving_most",
    "plot_comparison",
    "plot_forecast",
    "write_forecast_animation",
]


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

    ``report`` is :func:`sklearn_st._compare.run`'s list; ``X`` the data (its
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
    fig = plt.figure(figsize=(8, 6.5 if n_strip else 5), layout="constrained")
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
    ax.legend(fontsize="small", loc="best")
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
    from .video._writer import VideoWriter

    first = np.asarray(pictures[0])
    even = (first.shape[0] // 2 * 2, first.shape[1] // 2 * 2)
    with VideoWriter(path, *even, fps, crf=18, gop=fps) as writer:
        for picture in pictures:
            writer.write(np.asarray(picture)[: even[0], : even[1]])
    return path
