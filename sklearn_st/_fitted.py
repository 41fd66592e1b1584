"""Fitted settings: the parameters an estimator was fitted with, which its
``transform`` and ``predict`` go by whatever ``set_params`` changed since, as
scikit-learn's own estimators keep what they learned."""

__all__ = ["FittedParamsMixin"]


class FittedParamsMixin:
    """Records the parameters at fit (``_fitted_params``) for the methods that
    use a fitted estimator."""

    def _record_fitted_params(self, exclude=()):
        """Record every parameter but those in ``exclude`` as fitted now."""
        self._fitted_params = {
            name: value
            for name, value in self.get_params(deep=False).items()
            if name not in exclude
        }

    def _fitted(self, name):
        """The fitted value of the parameter ``name`` (its current value before
        the first fit)."""
        fitted = getattr(self, "_fitted_params", None)
        return getattr(self, name) if fitted is None else fitted[name]
