"""Fitted settings: the parameters an estimator was fitted with, which its
``transform`` and ``predict`` go by whatever ``set_params`` changed since, as
scikit-learn's own estimators keep what they learned; and fits that either
succeed or change nothing (:func:`fit_context`)."""

import functools
import sys

from sklearn.base import _fit_context

__all__ = ["FittedParamsMixin", "fit_context", "same_setting"]


def fit_context(*, prefer_skip_nested_validation):
    """scikit-learn's ``_fit_context`` (parameter validation and configuration)
    around a ``fit`` or ``partial_fit`` that either succeeds or leaves the
    estimator as it was: on any exception its attributes are put back as they
    were before the call, and what the estimator's ``_fit_undo(partial)``
    returns (a function, or None) is called first, for state trained in place
    (a continued fit's net)."""

    def decorate(fit_method):
        partial = fit_method.__name__ == "partial_fit"

        @functools.wraps(fit_method)
        def fit(estimator, *args, **kwargs):
            attributes = dict(vars(estimator))
            undo = getattr(estimator, "_fit_undo", lambda partial: None)(partial)
            try:
                return fit_method(estimator, *args, **kwargs)
            except BaseException:
                if undo is not None:
                    undo()
                vars(estimator).clear()
                vars(estimator).update(attributes)
                raise

        return _fit_context(
            prefer_skip_nested_validation=prefer_skip_nested_validation
        )(fit)

    return decorate


def same_setting(a, b):
    """Whether two parameter values are the same setting: equal values (lists and
    tuples alike), or, for torch modules, the same module or one of the same
    type with equal weights (as a pickled copy has)."""
    if a is b:
        return True
    torch = sys.modules.get("torch")  # no torch module exists before torch is
    modules = torch.nn.Module if torch is not None else ()
    if isinstance(a, modules) or isinstance(b, modules):
        if type(a) is not type(b):
            return False
        sa, sb = a.state_dict(), b.state_dict()
        return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(map(same_setting, a, b))
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # e.g. arrays of several values
        return False


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

    def _changed_fitted_params(self):
        """``(name, fitted, now)`` of each recorded parameter whose value is no
        longer the fitted one (:func:`same_setting`)."""
        return [
            (name, fitted, getattr(self, name))
            for name, fitted in self._fitted_params.items()
            if not same_setting(fitted, getattr(self, name))
        ]
