"""
Forecasting the next frames, against persistence
================================================

A ``ConvLSTMForecaster`` learns, from clips alone (no targets), to forecast the
last 4 frames of each clip from the 6 before them; it is scored on other clips
against persistence (the last frame repeated), the forecast any model must beat,
and the figure shows a test clip's context, the truth and the forecast.
Run: python examples/plot_forecast_digits.py (6 s on 2 cores, AMD EPYC: forecaster
MSE 1,089 against persistence's 2,245 when the documentation was built).
"""

import matplotlib.pyplot as plt
import numpy as np

from sklearn_st import ConvLSTMForecaster, EpochProgress
from sklearn_st.datasets import make_moving_digits


def main(n_samples=240, max_epochs=8, horizon=4, show=True):
    # clips of 10 frames of 24x24, uint8: fit on the first 200, test on the rest
    X, _ = make_moving_digits(n_samples, n_frames=10, frame_size=24, random_state=0)
    train, test = X[:200], X[200:]
    forecaster = ConvLSTMForecaster(
        horizon=horizon,
        max_epochs=max_epochs,
        random_state=0,
        callbacks=[EpochProgress("ConvLSTMForecaster")],
    ).fit(train)

    context, truth = test[:, :-horizon], test[:, -horizon:].astype(float)
    forecast = forecaster.predict(context)  # (n, horizon, 24, 24, 1), 0-255
    persistence = np.repeat(context[:, -1:], horizon, axis=1).astype(float)
    mse = {
        "ConvLSTMForecaster": ((forecast - truth) ** 2).mean(),
        "persistence": ((persistence - truth) ** 2).mean(),
    }
    for name, value in mse.items():
        print(f"{name:<20} MSE over {horizon} frames: {value:8.1f}")

    if show:
        fig, axes = plt.subplots(3, horizon, figsize=(2 * horizon, 6))
        rows = {"context (last frames)": context[0, -horizon:], "truth": truth[0]}
        rows["forecast"] = forecast[0]
        for row, (label, frames) in zip(axes, rows.items(), strict=True):
            for ax, frame in zip(row, frames, strict=True):
                ax.imshow(frame[..., 0], cmap="gray", vmin=0, vmax=255)
                ax.set_xticks([])
                ax.set_yticks([])
            row[0].set_ylabel(label)
        fig.tight_layout()
        plt.show()
    return mse


if __name__ == "__main__":
    main()
