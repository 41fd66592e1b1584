"""Where a float32 ConvLSTM step's time goes on this CPU: the recurrent
convolution's three parts (forward, gradient of the input, gradient of the
weights) against the CPU's float32 matrix-product rate, for the project's
convolution (filters -> 4 filters) and the plain loop's (channels + filters -> 4
filters), at the sizes of ``bench_convlstm.py`` (batches of 16, 16 filters,
kernel 3, one input channel).

Run by hand: python benchmarks/bench_recurrent_conv.py [--repeats 10]

Both implementations spend most of a 64x64 epoch in these convolutions; where
they run near the matmul rate, no rearrangement of the same arithmetic trains
much faster than the plain loop (only fewer operations would: Winograd or FFT
convolutions, which oneDNN does not use here).
"""

import argparse

import torch
import torch.nn.functional as F
from machine import best_of, describe

CHANNELS_LAST = torch.channels_last
PARTS = ("forward", "input grad", "weight grad")


def parts(batch, in_channels, filters, side, repeats):
    """Seconds of the forward, input-gradient and weight-gradient convolutions."""
    x = torch.randn(batch, in_channels, side, side).to(memory_format=CHANNELS_LAST)
    w = torch.randn(4 * filters, in_channels, 3, 3).to(memory_format=CHANNELS_LAST)
    g = torch.randn(batch, 4 * filters, side, side).to(memory_format=CHANNELS_LAST)

    def backward(mask):
        return lambda: torch.ops.aten.convolution_backward(
            g, x, w, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, mask
        )

    return (
        best_of(repeats, lambda: F.conv2d(x, w, padding=1)),
        best_of(repeats, backward([True, False, False])),
        best_of(repeats, backward([False, True, False])),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    print(describe())
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    matmul = 2 * 2048**3 / best_of(3, lambda: a @ b) / 1e9
    print(f"float32 matmul 2048x2048: {matmul:.1f} GFLOP/s")
    print("| convolution | frame | part | ms | GFLOP/s | of matmul |")
    print("|---|---|---|---|---|---|")
    for side in (32, 64):
        for label, in_channels in (
            ("project, 16 -> 64", 16),
            ("plain loop, 17 -> 64", 17),
        ):
            flop = 2 * 16 * side * side * in_channels * 9 * 64
            times = parts(16, in_channels, 16, side, args.repeats)
            for part, seconds in zip(PARTS, times, strict=True):
                rate = flop / seconds / 1e9
                print(
                    f"| {label} | {side}x{side} | {part} | {seconds * 1e3:.1f} "
                    f"| {rate:.1f} | {rate / matmul:.0%} |"
                )


if __name__ == "__main__":
    main()
