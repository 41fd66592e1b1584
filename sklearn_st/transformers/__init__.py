"""Frame encoders: turn image sequences into feature sequences."""

from ._flatten import FrameFlattener

__all__ = ["FrameFlattener"]
