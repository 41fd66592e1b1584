"""What the machine computes natively, where a module picks its computation by it."""

import functools

import torch

__all__ = ["cpu_has_native_bfloat16"]


@functools.cache
def cpu_has_native_bfloat16():
    """Whether oneDNN runs bfloat16 natively on this CPU (AMX or AVX512_BF16);
    elsewhere bfloat16 matrix products are emulated, many times slower than
    float32 ones."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False
