"""How ConvLSTMForecaster's defaults were chosen: variants of the design that
starts from flow extrapolation, trained by a plain PyTorch loop on the tuning
footage only (never on the held-out footage that bench_forecast.py reports on).

Run by hand, one variant a run, e.g.:
    python benchmarks/tune_forecast.py --loss mse --epochs 20
    python benchmarks/tune_forecast.py --loss mse+ssim --weight 1.5 --epochs 25
    python benchmarks/tune_forecast.py --loss mse --no-change --epochs 15
    python benchmarks/tune_forecast.py --loss mse+ssim --flow-in-encoder

Data: two videos of ``write_camera_video`` over the tuning photographs (seeds 0
and 1, 1,500 frames of 64x64), read at 32x32 as clips of 12 frames, one every 4;
trained on the first 70% of each video, tested on the last 30%; 8 context frames,
4 forecast. The network is the package's design (``nn.ConvLSTMForecastNet`` with
``start='extrapolation'``: encoder and forecaster stacks of 16 and 16 filters, a
head that corrects the displacement and changes the frame), written out here so
that its parts can be switched off: ``--no-change`` keeps only the correction of
the motion, ``--flow-in-encoder`` gives the encoder every context frame's flow
too. Prints the test MSE (0-255) per step and over the horizon and the SSIM,
beside flow extrapolation's.
"""

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from machine import describe
from torch import nn

from sklearn_st import FlowExtrapolationForecaster, VideoClips
from sklearn_st._dense_flow import backward_flow
from sklearn_st.datasets import write_camera_video
from sklearn_st.metrics import forecast_errors
from sklearn_st.model_selection import recording_train_test_split
from sklearn_st.nn import SSIMLoss, advect, warp
from sklearn_st.nn._convlstm import ConvLSTMCell

N_CONTEXT, HORIZON = 8, 4


class Sketch(nn.Module):
    """ConvLSTMForecastNet(start='extrapolation') with switches."""

    def __init__(self, channels, *, change=True, flow_in_encoder=False):
        super().__init__()
        self.change, self.flow_in_encoder = change, flow_in_encoder

        def stack(first):
            return nn.ModuleList(
                ConvLSTMCell(in_channels=a, filters=b, kernel_size=3)
                for a, b in itertools.pairwise((first, 16, 16))
            )

        self.encoder = stack(channels + 2 * flow_in_encoder)
        self.forecaster = stack(channels + 2)
        self.head = nn.Conv2d(32, channels + 2, 1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, x, flow, flows):
        inputs = torch.cat([x, flows * 0.25], 2) if self.flow_in_encoder else x
        states = []
        for cell in self.encoder:
            inputs, state = cell.sequence_with_state(inputs)
            states.append(state)
        last, frames = x[:, -1], []
        for shift in advect(flow, HORIZON):
            inputs, hidden = torch.cat([warp(last, shift), shift * 0.25], 1), []
            for layer, cell in enumerate(self.forecaster):
                states[layer] = cell(inputs, states[layer])
                inputs = states[layer][0]
                hidden.append(inputs)
            out = self.head(torch.cat(hidden, 1))
            frame = warp(last, shift + out[:, :2])
            frames.append(frame + out[:, 2:] if self.change else frame)
        return torch.stack(frames, 1)


def flows_of(clips, every_frame):
    """The backward flow of the last context frame, and (``every_frame``) of
    each context frame, in the torch layout."""
    context = clips[:, :N_CONTEXT]
    last = torch.from_numpy(backward_flow(context, "medium", 0, 255))
    every = torch.zeros(len(clips), N_CONTEXT, 2, *clips.shape[2:4])
    if every_frame:
        for t in range(1, N_CONTEXT):
            flow = backward_flow(context[:, : t + 1], "medium", 0, 255)
            every[:, t] = torch.from_numpy(flow).permute(0, 3, 1, 2)
    return last.permute(0, 3, 1, 2), every


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loss", choices=["mse", "mae", "mse+ssim"], default="mse")
    parser.add_argument("--weight", type=float, default=1.0, help="SSIM's")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--no-change", action="store_true")
    parser.add_argument("--flow-in-encoder", action="store_true")
    args = parser.parse_args()
    print(describe())
    print(vars(args))
    with tempfile.TemporaryDirectory() as folder:
        paths = [
            write_camera_video(
                Path(folder) / f"{seed}.mp4", 1500, (64, 64), random_state=seed
            )
            for seed in (0, 1)
        ]
        clips = VideoClips(paths, N_CONTEXT + HORIZON, stride=4, size=(32, 32))
        train, test = recording_train_test_split(clips, test_size=0.3)
        train, test = np.asarray(clips[train]), np.asarray(clips[test])
    torch.manual_seed(0)
    rng = np.random.RandomState(0)
    mean = train.reshape(-1, 3).mean(0)
    scale = train.reshape(-1, 3).std(0)

    def tensors(clips):
        x = ((clips - mean) / scale).astype(np.float32)
        x = torch.from_numpy(x).permute(0, 1, 4, 2, 3).contiguous()
        return x, *flows_of(clips, args.flow_in_encoder)

    x_train, flow_train, flows_train = tensors(train)
    x_test, flow_test, flows_test = tensors(test)
    net = Sketch(3, change=not args.no_change, flow_in_encoder=args.flow_in_encoder)
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    if args.loss == "mse+ssim":
        criterion = SSIMLoss(mean=mean, scale=scale, data_range=255, weight=args.weight)
    else:
        criterion = nn.MSELoss() if args.loss == "mse" else nn.L1Loss()
    start = time.perf_counter()
    for epoch in range(args.epochs):
        for batch in np.array_split(rng.permutation(len(x_train)), len(x_train) // 16):
            out = net(x_train[batch, :N_CONTEXT], flow_train[batch], flows_train[batch])
            loss = criterion(out, x_train[batch, N_CONTEXT:])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch + 1}: loss {loss.item():.4f}", flush=True)
    with torch.no_grad():
        out = net(x_test[:, :N_CONTEXT], flow_test, flows_test)
    forecast = out.permute(0, 1, 3, 4, 2).numpy() * scale + mean
    truth = test[:, N_CONTEXT:]
    flow = FlowExtrapolationForecaster(horizon=HORIZON).fit(train)
    rows = {
        "flow extrapolation": flow.predict(test[:, :N_CONTEXT]),
        "sketch": np.clip(forecast, 0, 255),
    }
    for name, frames in rows.items():
        errors = forecast_errors(truth, frames, data_range=255)
        print(
            f"{name:<20} MSE {errors['mse'].mean():8.1f} per step "
            f"{np.round(errors['mse'], 1)} SSIM {errors['ssim'].mean():.3f}"
        )
    print(f"fit {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
