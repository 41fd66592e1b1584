"""The figure of ``python -m sklearn_st compare`` (needs matplotlib: the plot extra)."""

import numpy as np

__all__ = ["plot_comparison", "plot_forecast"]


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


def plot_comparison(report, X, *, metric, path, max_frames=8):
    """Write a PNG: score against fit time per approach, and example frames.

    ``report`` is :func:`sklearn_st._compare.run`'s list; ``X`` the data (its
    first clip is shown when its samples are frames, 4-D or 5-D).
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


def plot_forecast(context, truth, forecasts, *, path, sample=0, max_frames=10):
    """Write a PNG of one clip: its last context frames, the true future frames,
    and each method's forecast of them, a row each (frames of 4-D or 5-D data).

    ``forecasts`` maps a method's name to its ``(n, horizon, ...)`` forecast.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_cols = min(truth.shape[1], max_frames)
    rows = [("context (last frames)", context[sample, -n_cols:])]
    rows.append(("truth", truth[sample, :n_cols]))
    rows += [(name, frames[sample, :n_cols]) for name, frames in forecasts.items()]
    # one grey scale for every row: the clip's own range
    low = float(np.min(context[sample]))
    high = max(float(np.max(context[sample])), low + 1e-12)
    fig, axes = plt.subplots(
        len(rows),
        n_cols,
        figsize=(1.1 * n_cols + 1.5, 1.25 * len(rows)),
        squeeze=False,
        layout="constrained",
    )
    for r, (name, frames) in enumerate(rows):
        for t in range(n_cols):
            ax = axes[r, t]
            ax.axis("off")
            if t >= len(frames):
                continue
            image = _frame_image(frames[t], (low, high))
            ax.imshow(image, cmap="gray", vmin=0, vmax=1)
            if r == 1:  # the truth's row: the forecast steps
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
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
