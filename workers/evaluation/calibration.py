"""Calibrated seniority: an ordinal logistic (proportional-odds) model from the rubric profile to
junior < mid < senior < staff, recalibrated from reviewers' final decisions.

Model. For a profile ``x`` (the weighted mean of the rubric category scores, 1..5), a slope ``s``
and ordered cut points ``c1 < c2 < c3``::

    P(level <= j | x) = sigmoid(c_j - s * (x - 3))      j = junior, mid, senior
    P(level == j | x) = P(level <= j | x) - P(level <= j-1 | x)

so a higher profile moves probability towards the senior end, and the boundary between two
neighbouring levels lies at ``x = 3 + c_j / s``. The profile is centred on 3, the middle of the
scale, so that the slope and the cut points are nearly independent: decisions about typical
profiles move the cut points, and only decisions spread along the scale change the slope.

Prior. The default model puts those boundaries at profiles 2.5 (junior|mid), 3.4 (mid|senior) and
4.15 (senior|staff) with slope 4: a mean score of about 2 reads as junior, 3 as mid, 3.8 as senior
and 4.5 as staff. Each parameter has an independent Gaussian prior centred on the prior model's
value (standard deviations ``PRIOR_SD_SLOPE`` and ``PRIOR_SD_CUT``), worth roughly a dozen
reviewer decisions: one surprising decision nudges the model, a consistent pattern moves it.

Updating. ``fit`` finds the maximum a posteriori parameters given reviewers' final decisions,
pairs of (profile of the final scores, final level), with ``scipy.optimize.minimize`` on the
negative log posterior (cut points kept ordered by optimising the first cut and the logarithms
of the gaps; the prior is evaluated on the cut points themselves). Labels are sorted first and
the result rounded to 4 decimals, so the same labels always give the same model and the same
``version``. Recommended use: refit from ``default_model()`` with all labels so far; passing a
previously fitted model as ``prior`` together with only the new labels is an approximation (the
prior's spread does not shrink as labels accumulate). Only the weighted mean enters the model,
not the vector of category scores: with a few hundred decisions a per-category slope would
overfit.

Confidence. ``confidence_score`` is the mean of the probability of the decision proposed (the
levels that lead to it) and the support the independent measurements give it
(``workers.evaluation.evidence_balance``), scaled down by how much of the rubric automated signals
covered, never above a ceiling that rises with the reviewer decisions the model was fitted on
(see its docstring).
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

LEVELS: tuple[str, ...] = ("junior", "mid", "senior", "staff")
DEFAULT_SLOPE = 4.0
# Profiles at which the predicted level changes: junior|mid, mid|senior, senior|staff.
DEFAULT_BOUNDARIES = (2.5, 3.4, 4.15)
PROFILE_CENTRE = 3.0
PRIOR_SD_SLOPE = 0.5
PRIOR_SD_CUT = 0.6
MAX_CONFIDENCE = 95
# The ceiling of a model no reviewer has corrected yet, and the decisions that lift it to 95.
UNCALIBRATED_CONFIDENCE = 75
CALIBRATED_LABELS = 50
_DECIMALS = 4
_MIN_PROBABILITY = 1e-12  # keeps log() finite for decisions the model finds near impossible


@dataclass(frozen=True)
class CalibrationModel:
    """Parameters of the proportional-odds model; ``n_labels`` counts the reviewer decisions it
    was fitted on and ``version`` is a short hash of the parameters that reports cite."""

    slope: float
    cuts: tuple[float, ...]
    n_labels: int = 0
    version: str = ""

    def boundaries(self) -> tuple[float, ...]:
        """Profiles at which P(level <= j) crosses one half (``3 + cut / slope``), roughly
        where the most likely level changes."""
        return tuple(round(PROFILE_CENTRE + cut / self.slope, _DECIMALS) for cut in self.cuts)


def make_model(slope: float, cuts: Sequence[float], *, n_labels: int = 0) -> CalibrationModel:
    """A model with parameters rounded to 4 decimals and its version computed from them."""
    if len(cuts) != len(LEVELS) - 1:
        raise ValueError(f"expected {len(LEVELS) - 1} cut points, got {len(cuts)}")
    rounded_cuts = tuple(round(float(c), _DECIMALS) for c in cuts)
    if any(b <= a for a, b in itertools.pairwise(rounded_cuts)):
        raise ValueError("cut points must increase")
    rounded_slope = round(float(slope), _DECIMALS)
    canonical = f"slope={rounded_slope:.4f};cuts=" + ",".join(f"{c:.4f}" for c in rounded_cuts)
    version = "ol-" + hashlib.blake2b(canonical.encode(), digest_size=5).hexdigest()
    return CalibrationModel(rounded_slope, rounded_cuts, n_labels, version)


def default_model() -> CalibrationModel:
    """The prior model, before any reviewer decision (see the module docstring)."""
    return make_model(
        DEFAULT_SLOPE, [DEFAULT_SLOPE * (b - PROFILE_CENTRE) for b in DEFAULT_BOUNDARIES]
    )


def level_probabilities(model: CalibrationModel, profile: float) -> dict[str, float]:
    """The probability of each level for a profile, rounded to 4 decimals."""
    probabilities = _probabilities(model.slope, np.asarray(model.cuts), np.asarray([profile]))[0]
    return {
        level: round(float(p), _DECIMALS) for level, p in zip(LEVELS, probabilities, strict=True)
    }


def predict(model: CalibrationModel, profile: float) -> tuple[str, float]:
    """The most likely level for a rubric profile and its probability (ties go to the lower
    level, the cautious reading)."""
    probabilities = level_probabilities(model, profile)
    best = max(LEVELS, key=lambda level: (probabilities[level], -LEVELS.index(level)))
    return best, probabilities[best]


def fit(
    labels: Sequence[tuple[float, str]], *, prior: CalibrationModel | None = None
) -> CalibrationModel:
    """The MAP model given reviewers' final decisions ``(profile, level)`` and a prior model
    (``default_model()`` when None). No labels gives the prior back."""
    prior = prior or default_model()
    for profile, level in labels:
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
        if not math.isfinite(profile):
            raise ValueError("profiles must be finite numbers")
    if not labels:
        return prior
    # Sorted so that the sum (and so the optimum, to the last bit) ignores the order of arrival.
    ordered = sorted((float(p), LEVELS.index(level)) for p, level in labels)
    x = np.array([p - PROFILE_CENTRE for p, _ in ordered])
    y = np.array([j for _, j in ordered])
    prior_mean = np.array([prior.slope, *prior.cuts])
    prior_sd = np.array([PRIOR_SD_SLOPE, *([PRIOR_SD_CUT] * len(prior.cuts))])

    def objective(u: np.ndarray) -> tuple[float, np.ndarray]:
        theta, jacobian = _from_unconstrained(u)
        value, grad_theta = _negative_log_posterior(theta, x, y, prior_mean, prior_sd)
        return value, jacobian.T @ grad_theta

    start = _to_unconstrained(prior_mean)
    solution = minimize(
        objective, start, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 500}
    )
    theta, _ = _from_unconstrained(solution.x)
    return make_model(theta[0], theta[1:], n_labels=prior.n_labels + len(labels))


def weighted_profile(scores: Sequence[tuple[float, float]]) -> float:
    """The rubric profile: the weighted mean of ``(score, weight)`` pairs, rounded to 3 decimals
    (equal weights when every weight is zero; 3.0, the middle of the scale, when empty)."""
    if not scores:
        return 3.0
    total_weight = sum(max(weight, 0.0) for _, weight in scores)
    if total_weight <= 0:
        return round(sum(score for score, _ in scores) / len(scores), 3)
    return round(sum(score * max(weight, 0.0) for score, weight in scores) / total_weight, 3)


def confidence_score(
    probability: float,
    *,
    coverage: float = 1.0,
    support: float = 1.0,
    n_labels: int | None = None,
) -> int:
    """Confidence 0..95: ``100 * (probability + support) / 2 * (0.5 + 0.5 * coverage)``, rounded
    half up, at most the ceiling.

    ``probability`` is the model's probability *of the decision proposed* (``decision_
    probability``: the mass of the levels that lead to the same recommendation), not of one
    exact level: a clear pass two levels above the target is certain even when senior and staff
    are a coin toss. ``support`` (0..1, ``evidence_balance.Balance.support``) is how far the
    independent measurements of the code (tests that execute it, lint, docstrings, types) back
    the decision: the profile alone sums many small rules, and on bench/validity the confident
    wrong verdicts were those the measurements contradicted. ``coverage`` (0..1) is the
    weighted share of the rubric that automated signals actually measured (a custom category no
    signal covers counts 0, a category whose analyser could not run counts less than 1). The
    ceiling says that all this is conditional on the signals being right, which only a reviewer
    can confirm: ``MAX_CONFIDENCE`` in general, and, when ``n_labels`` is given,
    ``UNCALIBRATED_CONFIDENCE`` for a model no reviewer decision has corrected yet, rising to
    ``MAX_CONFIDENCE`` at ``CALIBRATED_LABELS`` decisions.
    """
    coverage = min(max(coverage, 0.0), 1.0)
    support = min(max(support, 0.0), 1.0)
    probability = min(max(probability, 0.0), 1.0)
    value = 100.0 * (probability + support) / 2 * (0.5 + 0.5 * coverage)
    ceiling = MAX_CONFIDENCE
    if n_labels is not None:
        learned = min(max(n_labels, 0), CALIBRATED_LABELS) / CALIBRATED_LABELS
        ceiling = round(
            UNCALIBRATED_CONFIDENCE + (MAX_CONFIDENCE - UNCALIBRATED_CONFIDENCE) * learned
        )
    return min(math.floor(value + 0.5), ceiling)


def decision_probability(model: CalibrationModel, profile: float, levels: Sequence[str]) -> float:
    """The model's probability that the level is one of ``levels`` (those that lead to the
    recommendation proposed), rounded to 4 decimals."""
    return probability_of(level_probabilities(model, profile), levels)


def probability_of(probabilities: Mapping[str, float], levels: Sequence[str]) -> float:
    """The probability that the level is one of ``levels``, from per-level probabilities (a
    stored result's, or the model's), rounded to 4 decimals."""
    return round(min(sum(float(probabilities.get(level, 0.0)) for level in levels), 1.0), _DECIMALS)


# --- the model's arithmetic -----------------------------------------------------------------


def _probabilities(slope: float, cuts: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(level == j | x) for each profile x (rows) and level (columns)."""
    cumulative = expit(cuts[None, :] - slope * (x[:, None] - PROFILE_CENTRE))
    padded = np.hstack([np.zeros((len(x), 1)), cumulative, np.ones((len(x), 1))])
    return np.diff(padded, axis=1)


def _negative_log_posterior(
    theta: np.ndarray, x: np.ndarray, y: np.ndarray, prior_mean: np.ndarray, prior_sd: np.ndarray
) -> tuple[float, np.ndarray]:
    """The negative log posterior of ``theta = (slope, c1, c2, c3)`` and its gradient, for
    centred profiles ``x`` and level indices ``y``."""
    slope, cuts = theta[0], theta[1:]
    n_cuts = len(cuts)
    cumulative = expit(cuts[None, :] - slope * x[:, None])  # F_j, shape (n, n_cuts)
    density = cumulative * (1.0 - cumulative)  # dF_j / d(c_j - s x)
    padded_f = np.hstack([np.zeros((len(x), 1)), cumulative, np.ones((len(x), 1))])
    padded_d = np.hstack([np.zeros((len(x), 1)), density, np.zeros((len(x), 1))])
    rows = np.arange(len(x))
    upper_f, lower_f = padded_f[rows, y + 1], padded_f[rows, y]
    upper_d, lower_d = padded_d[rows, y + 1], padded_d[rows, y]
    p = np.maximum(upper_f - lower_f, _MIN_PROBABILITY)

    value = -float(np.sum(np.log(p)))
    grad = np.zeros_like(theta)
    # d(-log p)/dc_k: -upper_d/p when k is the level's upper cut, +lower_d/p for its lower cut.
    for k in range(n_cuts):
        grad[1 + k] -= float(np.sum(np.where(y == k, upper_d / p, 0.0)))
        grad[1 + k] += float(np.sum(np.where(y == k + 1, lower_d / p, 0.0)))
    grad[0] = float(np.sum(x * (upper_d - lower_d) / p))

    z = (theta - prior_mean) / prior_sd
    value += 0.5 * float(np.sum(z * z))
    grad += z / prior_sd
    return value, grad


def _to_unconstrained(theta: np.ndarray) -> np.ndarray:
    """(slope, c1, c2, c3) → (slope, c1, log(c2 - c1), log(c3 - c2))."""
    cuts = theta[1:]
    return np.concatenate([[theta[0], cuts[0]], np.log(np.diff(cuts))])


def _from_unconstrained(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of ``_to_unconstrained`` and its Jacobian d theta / d u."""
    gaps = np.exp(u[2:])
    cuts = u[1] + np.concatenate([[0.0], np.cumsum(gaps)])
    theta = np.concatenate([[u[0]], cuts])
    jacobian = np.zeros((len(theta), len(u)))
    jacobian[0, 0] = 1.0
    jacobian[1:, 1] = 1.0
    for j in range(1, len(cuts)):  # cut j depends on every gap before it
        jacobian[1 + j, 2 : 2 + j] = gaps[:j]
    return theta, jacobian
