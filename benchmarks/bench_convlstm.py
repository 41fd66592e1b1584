"""ConvLSTM speed, side by side in one run: the project's, a straightforward PyTorch
loop, and Keras' ConvLSTM2D on the torch backend (when keras is installed).

Run by hand: python benchmarks/bench_convlstm.py [--repeats 3] [--n-samples 1024]

The task is the issue's: 1,024 clips of 10 frames of 32x32 (one channel), two
targets, filters=16, kernel_size=3, batch_size=16, two epochs of Adam on the mean
squared error, then prediction of the same clips. Each line is the median of
``--repeats`` runs, the three implementations taking turns, everything on this
machine's CPU threads. "end to end" is what a user waits for: the project through
``ConvLSTMRegressor(...).fit`` and ``.predict`` (validation, statistics, skorch), the
reference as the training loop a PyTorch user would write, Keras through
``model.fit`` and ``model.predict``. GFLOP/s counts the model's nominal
convolution work (a training step as three times the forward) against a float32
matmul measured in the same run.
"""

import argparse
import os
import statistics
import time

import numpy as np
import torch
from machine import describe
from torch import nn

from sklearn_st import ConvLSTMRegressor

FILTERS, KERNEL, BATCH, EPOCHS = 16, 3, 16, 2


class ReferenceConvLSTM(nn.Module):
    """The straightforward loop: one convolution over cat([x_t, h]) per step."""

    def __init__(self, in_channels, filters, kernel_size, n_outputs):
        super().__init__()
        self.filters = filters
        self.conv = nn.Conv2d(
            in_channels + filters, 4 * filters, kernel_size, padding="same"
        )
        self.head = nn.Linear(filters, n_outputs)

    def forward(self, x):  # (batch, time, channels, height, width)
        batch, _, _, height, width = x.shape
        h = x.new_zeros(batch, self.filters, height, width)
        c = torch.zeros_like(h)
        for t in range(x.shape[1]):
            gates = self.conv(torch.cat([x[:, t], h], dim=1))
            i, f, g, o = gates.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        return self.head(h.mean(dim=(2, 3)))


def reference_fit_predict(X, y):
    """A user's plain PyTorch training loop, then batched inference."""
    start = time.perf_counter()
    torch.manual_seed(0)
    Xt = torch.from_numpy(X.astype(np.float32) / 255.0).permute(0, 1, 4, 2, 3)
    yt = torch.from_numpy(y.astype(np.float32))
    model = ReferenceConvLSTM(X.shape[-1], FILTERS, KERNEL, y.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(Xt, yt), batch_size=BATCH, shuffle=True
    )
    model.train()
    for _ in range(EPOCHS):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(xb), yb)
            loss.backward()
            optimizer.step()
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    model.eval()
    with torch.no_grad():
        Xt = torch.from_numpy(X.astype(np.float32) / 255.0).permute(0, 1, 4, 2, 3)
        pred = torch.cat([model(xb) for xb in Xt.split(BATCH)])
    return fit_s, time.perf_counter() - start, pred


def project_fit_predict(X, y):
    start = time.perf_counter()
    model = ConvLSTMRegressor(
        filters=FILTERS,
        kernel_size=KERNEL,
        max_epochs=EPOCHS,
        batch_size=BATCH,
        random_state=0,
    ).fit(X, y)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    pred = model.predict(X)
    return fit_s, time.perf_counter() - start, pred


def keras_fit_predict(X, y):
    import keras

    keras.utils.set_random_seed(0)
    start = time.perf_counter()
    model = keras.Sequential(
        [
            keras.Input(X.shape[1:]),
            keras.layers.Rescaling(1.0 / 255.0),
            keras.layers.ConvLSTM2D(FILTERS, KERNEL, padding="same"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(y.shape[1]),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    model.fit(X, y, epochs=EPOCHS, batch_size=BATCH, verbose=0)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    pred = model.predict(X, batch_size=BATCH, verbose=0)
    return fit_s, time.perf_counter() - start, pred


def matmul_gflops(n=2048, repeats=10):
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return 2 * n**3 / min(times) / 1e9


def forward_flops(n_samples, n_frames, height, width, channels):
    """Nominal multiply-adds x2 of the gate convolutions for one forward pass."""
    per_step = 2 * height * width * 4 * FILTERS * (channels + FILTERS) * KERNEL**2
    return n_samples * n_frames * per_step


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-samples", type=int, default=1024)
    parser.add_argument("--n-frames", type=int, default=10)
    parser.add_argument("--frame-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(describe())

    rng = np.random.RandomState(0)
    shape = (args.n_samples, args.n_frames, args.frame_size, args.frame_size, 1)
    X = rng.randint(0, 256, size=shape).astype(np.uint8)
    y = rng.normal(size=(args.n_samples, 2))

    runners = {"sklearn_st ConvLSTMRegressor": project_fit_predict}
    runners["reference PyTorch loop"] = reference_fit_predict
    try:
        os.environ.setdefault("KERAS_BACKEND", "torch")
        import keras

        if keras.backend.backend() == "torch":
            runners["Keras ConvLSTM2D (torch)"] = keras_fit_predict
    except ImportError:
        print("keras is not installed: its row is left out")

    times = {name: ([], []) for name in runners}
    for _ in range(args.repeats):
        for name, run in runners.items():
            fit_s, predict_s, _ = run(X, y)
            times[name][0].append(fit_s)
            times[name][1].append(predict_s)

    peak = matmul_gflops()
    flops = forward_flops(*shape)
    reference = [statistics.median(t) for t in times["reference PyTorch loop"]]
    print(
        f"{args.n_samples} clips x {args.n_frames} frames x {args.frame_size}x"
        f"{args.frame_size}, filters={FILTERS}, batch={BATCH}, {EPOCHS} epochs; "
        f"torch {torch.__version__}, {torch.get_num_threads()} threads; "
        f"median of {args.repeats}; float32 matmul {peak:.0f} GFLOP/s"
    )
    header = (
        f"{'implementation':<30}{'fit s':>8}{'train/s':>9}{'GFLOP/s':>9}"
        f"{'%peak':>7}{'vs ref':>8}{'predict s':>11}{'infer/s':>9}{'GFLOP/s':>9}"
        f"{'%peak':>7}{'vs ref':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, (fits, predicts) in times.items():
        fit_s, predict_s = statistics.median(fits), statistics.median(predicts)
        train_gflops = EPOCHS * 3 * flops / fit_s / 1e9
        infer_gflops = flops / predict_s / 1e9
        print(
            f"{name:<30}{fit_s:>8.2f}{EPOCHS * args.n_samples / fit_s:>9.0f}"
            f"{train_gflops:>9.1f}{100 * train_gflops / peak:>6.0f}%"
            f"{reference[0] / fit_s:>7.2f}x{predict_s:>11.2f}"
            f"{args.n_samples / predict_s:>9.0f}{infer_gflops:>9.1f}"
            f"{100 * infer_gflops / peak:>6.0f}%{reference[1] / predict_s:>7.2f}x"
        )


if __name__ == "__main__":
    main()
