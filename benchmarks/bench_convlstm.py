"""ConvLSTM speed and accuracy, side by side in one run: the project's
ConvLSTMRegressor, a straightforward PyTorch loop, and Keras' ConvLSTM2D on the
torch backend (CPU float32, when keras is installed); in float32 and, with
``--precision bfloat16``, in bfloat16 autocast as well.

Run by hand: python benchmarks/bench_convlstm.py [--precision float32|bfloat16]
[--device cpu|cuda] [--repeats 3] [--n-samples 1024] [--n-frames 10]
[--frame-size 32] [--filters 16] [--batch-size 16] [--epochs 2]
[--path auto|fused|batched] [--project-only] [--no-keras]

The clips are moving digits (one channel) with their velocity as the two targets:
``--n-samples`` clips to train on and as many others to predict and score (test
R^2). Every implementation trains ``--epochs`` epochs of Adam on the mean squared
error with kernel_size=3 and 'same' padding, one layer of ``--filters`` filters,
then predicts the test clips. Each line is the median of ``--repeats`` runs, the
implementations taking turns. "end to end" is what a user waits for: the project
through ``ConvLSTMRegressor(...).fit`` and ``.predict`` (validation, statistics,
skorch), the reference as the training loop a PyTorch user would write (under
``torch.autocast`` for bfloat16), Keras through ``model.fit`` and
``model.predict``. GFLOP/s counts the model's nominal convolution work (a
training step as three times the forward) against a matmul of the same precision
measured in the same run. ``--path`` forces the project's ConvLSTM computation
(see ``sklearn_st.nn._convlstm``); 'auto' lets it pick by device.

On a GPU: --device cuda --n-samples 4096 --n-frames 20 --frame-size 64
--filters 64 --batch-size 64 --repeats 1.
"""

import argparse
import contextlib
import os
import statistics
import time

import numpy as np
import torch
from machine import describe
from sklearn.metrics import r2_score
from torch import nn

from sklearn_st import ConvLSTMRegressor
from sklearn_st.datasets import make_moving_digits
from sklearn_st.nn._convlstm import force_path
from sklearn_st.nn._hardware import cpu_has_native_bfloat16

KERNEL = 3


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


def _sync(device):
    if device == "cuda":
        torch.cuda.synchronize()


def _autocast(device, precision):
    if precision == "float32":
        return contextlib.nullcontext()
    return torch.autocast(device, dtype=torch.bfloat16)


def _as_frames(X):
    return torch.from_numpy(X).permute(0, 1, 4, 2, 3)


def reference_fit_predict(data, cfg, precision):
    """A user's plain PyTorch training loop, then batched inference; the clips go
    to the device a batch at a time, as the project sends them."""
    X, y, X_test = data
    device = cfg.device
    _sync(device)
    start = time.perf_counter()
    torch.manual_seed(0)
    Xt, yt = _as_frames(X), torch.from_numpy(y.astype(np.float32))
    model = ReferenceConvLSTM(X.shape[-1], cfg.filters, KERNEL, y.shape[1])
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(Xt, yt), batch_size=cfg.batch_size, shuffle=True
    )
    model.train()
    for _ in range(cfg.epochs):
        for xb, yb in loader:
            xb = xb.to(device).float().div_(255.0)
            optimizer.zero_grad()
            with _autocast(device, precision):
                out = model(xb)
            loss = nn.functional.mse_loss(out.float(), yb.to(device))
            loss.backward()
            optimizer.step()
    _sync(device)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    model.eval()
    with torch.no_grad(), _autocast(device, precision):
        pred = [
            model(xb.to(device).float().div_(255.0)).float().cpu()
            for xb in _as_frames(X_test).split(cfg.batch_size)
        ]
    return fit_s, time.perf_counter() - start, torch.cat(pred).numpy()


def project_fit_predict(data, cfg, precision):
    X, y, X_test = data
    path = None if cfg.path == "auto" else cfg.path
    with force_path(path):
        _sync(cfg.device)
        start = time.perf_counter()
        model = ConvLSTMRegressor(
            filters=cfg.filters,
            kernel_size=KERNEL,
            strides=1,
            lr=1e-2,
            max_epochs=cfg.epochs,
            batch_size=cfg.batch_size,
            device=cfg.device,
            precision=precision,
            random_state=0,
        ).fit(X, y)
        _sync(cfg.device)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        pred = model.predict(X_test)
    return fit_s, time.perf_counter() - start, pred


def keras_fit_predict(data, cfg, precision):
    import keras

    X, y, X_test = data
    keras.utils.set_random_seed(0)
    start = time.perf_counter()
    model = keras.Sequential(
        [
            keras.Input(X.shape[1:]),
            keras.layers.Rescaling(1.0 / 255.0),
            keras.layers.ConvLSTM2D(cfg.filters, KERNEL, padding="same"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(y.shape[1]),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    model.fit(X, y, epochs=cfg.epochs, batch_size=cfg.batch_size, verbose=0)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    pred = model.predict(X_test, batch_size=cfg.batch_size, verbose=0)
    return fit_s, time.perf_counter() - start, pred


def matmul_gflops(device, dtype, n=2048, repeats=10):
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    a @ b
    times = []
    for _ in range(repeats):
        _sync(device)
        start = time.perf_counter()
        a @ b
        _sync(device)
        times.append(time.perf_counter() - start)
    return 2 * n**3 / min(times) / 1e9


def forward_flops(n_samples, n_frames, height, width, channels, filters):
    """Nominal multiply-adds x2 of the gate convolutions for one forward pass."""
    per_step = 2 * height * width * 4 * filters * (channels + filters) * KERNEL**2
    return n_samples * n_frames * per_step


def _runners(args):
    """``{row name: (function, precision)}`` for this run."""
    precisions = ["float32"] + (["bfloat16"] if args.precision == "bfloat16" else [])
    runners = {}
    for precision in [] if args.project_only else precisions:
        runners[f"reference PyTorch loop {precision}"] = (
            reference_fit_predict,
            precision,
        )
    for precision in precisions:
        runners[f"sklearn_st ConvLSTM {precision}"] = (project_fit_predict, precision)
    if args.device == "cpu" and not (args.no_keras or args.project_only):
        try:
            os.environ.setdefault("KERAS_BACKEND", "torch")
            import keras

            if keras.backend.backend() == "torch":
                runners["Keras ConvLSTM2D (torch) float32"] = (
                    keras_fit_predict,
                    "float32",
                )
        except ImportError:
            print("keras is not installed: its row is left out")
    return runners


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--precision",
        choices=["float32", "bfloat16"],
        default="float32",
        help="float32 rows only, or float32 and bfloat16 rows side by side",
    )
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--n-samples", type=int, default=1024)
    parser.add_argument("--n-frames", type=int, default=10)
    parser.add_argument("--frame-size", type=int, default=32)
    parser.add_argument("--filters", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--path", choices=["auto", "fused", "batched"], default="auto")
    parser.add_argument("--no-keras", action="store_true")
    parser.add_argument(
        "--project-only", action="store_true", help="the project's rows alone"
    )
    args = parser.parse_args()
    print(describe())
    print(
        f"CPU capability {torch.backends.cpu.get_cpu_capability()}; native "
        f"bfloat16 (AMX or AVX512_BF16): {'yes' if cpu_has_native_bfloat16() else 'no'}"
    )
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA device here")

    X, y = make_moving_digits(
        2 * args.n_samples, args.n_frames, args.frame_size, random_state=0
    )
    n = args.n_samples
    data = (X[:n], y[:n], X[n:])
    runners = _runners(args)
    times = {name: ([], [], []) for name in runners}
    for _ in range(args.repeats):
        for name, (run, precision) in runners.items():
            fit_s, predict_s, pred = run(data, args, precision)
            times[name][0].append(fit_s)
            times[name][1].append(predict_s)
            times[name][2].append(r2_score(y[n:], pred))

    peaks = {"float32": matmul_gflops(args.device, torch.float32)}
    # an emulated bfloat16 matmul (no AMX or AVX512_BF16) runs at about 1 GFLOP/s:
    # minutes for this measure, and no peak worth the name
    native = args.device == "cuda" or cpu_has_native_bfloat16()
    peaks["bfloat16"] = matmul_gflops(args.device, torch.bfloat16) if native else None
    flops = forward_flops(n, *X.shape[1:], args.filters)
    bf16_peak = f"{peaks['bfloat16']:.0f}" if native else "emulated, not measured"
    first = times.get("reference PyTorch loop float32", next(iter(times.values())))
    reference = [statistics.median(t) for t in first[:2]]
    print(
        f"{n} clips x {args.n_frames} frames x {args.frame_size}x{args.frame_size} "
        f"(and {n} test clips), filters={args.filters}, batch={args.batch_size}, "
        f"{args.epochs} epochs, device {args.device}, path {args.path}; torch "
        f"{torch.__version__}, {torch.get_num_threads()} threads; median of "
        f"{args.repeats}; matmul float32 {peaks['float32']:.0f}, bfloat16 "
        f"{bf16_peak} "
        "GFLOP/s; 'vs ref': against the float32 "
        "reference loop (with --project-only: the first row)"
    )
    header = (
        f"{'implementation':<36}{'fit s':>8}{'train/s':>9}{'GFLOP/s':>9}"
        f"{'%peak':>7}{'vs ref':>8}{'predict s':>11}{'infer/s':>9}{'vs ref':>8}"
        f"{'test R^2':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, (fits, predicts, scores) in times.items():
        fit_s, predict_s = statistics.median(fits), statistics.median(predicts)
        peak = peaks["bfloat16" if name.endswith("bfloat16") else "float32"]
        train_gflops = args.epochs * 3 * flops / fit_s / 1e9
        share = f"{100 * train_gflops / peak:>6.0f}%" if peak else f"{'n/a':>7}"
        print(
            f"{name:<36}{fit_s:>8.2f}{args.epochs * n / fit_s:>9.0f}"
            f"{train_gflops:>9.1f}{share}"
            f"{reference[0] / fit_s:>7.2f}x{predict_s:>11.2f}"
            f"{n / predict_s:>9.0f}{reference[1] / predict_s:>7.2f}x"
            f"{statistics.median(scores):>10.3f}"
        )


if __name__ == "__main__":
    main()
