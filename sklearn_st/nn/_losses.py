"""Losses over weighted samples, and a loss of frames that does not reward blur."""

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["SSIMLoss", "weighted_mean_loss"]


def weighted_mean_loss(criterion, y_pred, y_true, weight):
    """The weighted mean of ``criterion``'s per-sample losses.

    Each sample's loss is ``criterion``'s unreduced loss averaged over all but the
    batch axis; the result is ``sum(weight * loss) / sum(weight)``, so that an
    integer weight counts as that many copies of the sample and a weight of 0
    leaves it out (a batch whose weights are all 0 gives 0, and no gradient). A
    ``CrossEntropyLoss`` with class weights divides by the sum of the sample
    weights times the class weights of their targets, as its own mean does.
    """
    reduction = criterion.reduction
    criterion.reduction = "none"
    try:
        losses = criterion(y_pred, y_true)
    finally:
        criterion.reduction = reduction
    losses = losses.reshape(len(weight), -1).mean(dim=1)
    weight = weight.to(losses.dtype)
    norm = weight
    if isinstance(criterion, nn.CrossEntropyLoss) and criterion.weight is not None:
        norm = weight * criterion.weight[y_true]
    total = norm.sum()
    return (weight * losses).sum() / torch.clamp(
        total, min=torch.finfo(total.dtype).tiny
    )


def _window_mean(x, win_size):
    return F.avg_pool2d(x, win_size, stride=1)


class SSIMLoss(nn.Module):
    """Mean squared error plus ``weight`` times one minus the structural
    similarity (SSIM) of frames: a loss that does not reward blur.

    The squared error alone is lowest for the mean of what may come, a blur; the
    SSIM term (Wang et al., 2004, as :func:`sklearn_st.metrics.structural_similarity`
    computes it: a ``win_size`` window, the sample covariance) is lowest for
    frames with the truth's local contrast and structure. Both compare
    ``(batch, time, channels, height, width)`` standardized frames: the squared
    error as they are, the SSIM on the frames in their own units (``frame *
    scale + mean`` per channel, with the constants of ``data_range``). Frames
    smaller than the window have no SSIM: only the squared error counts.
    ``reduction='none'`` gives one loss a sample (for
    :func:`weighted_mean_loss`).

    Parameters
    ----------
    mean, scale : float or sequence of float
        The standardization of the frames, per channel.
    data_range : float
        The range of values of the frames in their own units (255 for uint8).
    weight : float, default=1.0
        Weight of ``1 - SSIM``.
    win_size : int, default=7
        Side of SSIM's window.
    """

    def __init__(self, *, mean, scale, data_range, weight=1.0, win_size=7):
        super().__init__()
        self.weight, self.win_size = float(weight), int(win_size)
        self.reduction = "mean"
        self.c1 = (0.01 * float(data_range)) ** 2
        self.c2 = (0.03 * float(data_range)) ** 2
        for name, value in (("mean", mean), ("scale", scale)):
            value = torch.as_tensor(value, dtype=torch.float32).reshape(1, -1, 1, 1)
            self.register_buffer(name, value, persistent=False)

    def _ssim(self, y_pred, y_true):
        """Each sample's mean SSIM over its frames, channels and windows."""
        n = y_pred.shape[0]
        pred = y_pred.flatten(0, 1).float() * self.scale + self.mean
        true = y_true.flatten(0, 1).float() * self.scale + self.mean
        win = self.win_size
        norm = win * win / (win * win - 1)  # the sample covariance
        mu_p, mu_t = _window_mean(pred, win), _window_mean(true, win)
        var_p = norm * (_window_mean(pred * pred, win) - mu_p * mu_p)
        var_t = norm * (_window_mean(true * true, win) - mu_t * mu_t)
        cov = norm * (_window_mean(pred * true, win) - mu_p * mu_t)
        ssim = ((2 * mu_p * mu_t + self.c1) * (2 * cov + self.c2)) / (
            (mu_p * mu_p + mu_t * mu_t + self.c1) * (var_p + var_t + self.c2)
        )
        return ssim.reshape(n, -1).mean(dim=1)

    def forward(self, y_pred: torch.Tensor, y_true: torch.Tensor) -> torch.Tensor:
        loss = (y_pred.float() - y_true.float()).square().flatten(1).mean(dim=1)
        if min(y_pred.shape[-2:]) >= self.win_size:
            loss = loss + self.weight * (1 - self._ssim(y_pred, y_true))
        return loss.mean() if self.reduction == "mean" else loss
