"""Losses over weighted samples."""

import torch
from torch import nn

__all__ = ["weighted_mean_loss"]


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
