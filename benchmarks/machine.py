"""What machine a benchmark ran on: printed first by every script here, so that
figures are only ever compared with figures of the same run and CPU."""

import os
import platform
import time

import torch


def cpu_model():
    """The CPU's model name (from /proc/cpuinfo where there is one)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def describe():
    """One line: CPU model, cores, vector extensions, torch and its threads."""
    flags = cpu_flags()
    simd = [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f in flags]
    line = (
        f"CPU: {cpu_model()}, {os.cpu_count()} cores, "
        f"{'/'.join(simd) or 'no AVX2'}; torch {torch.__version__} "
        f"({torch.backends.cpu.get_cpu_capability()}), "
        f"{torch.get_num_threads()} threads"
    )
    if torch.cuda.is_available():
        line += f"; GPU: {torch.cuda.get_device_name()}"
    return line


if __name__ == "__main__":
    print(describe())


def best_of(repeats, function):
    """The shortest of ``repeats`` timed calls of ``function``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)
