"""How many digits are published: counts rounded, rates and means to a step that their base supports.

Every published figure is a function of these alone, so what a reader can work
out from its digits is what ``count_bounds`` in the attacker works out.
"""

from __future__ import annotations

import numpy as np

from .indicators import wilson_interval


def round_count(values, base: int) -> np.ndarray:
    """Round counts to the nearest multiple of ``base``, halves up (12.5 -> 15 for base 5)."""
    v = np.asarray(values, dtype="float64")
    return (np.floor(v / base + 0.5) * base).astype("int64")


#: How finely a rate is published, by its published base: (smallest base, steps per whole). A step of
#: 0.1 percentage point is shown only where half a step is at least one graduate (a base of 2,000 or
#: more); below, whole percentage points. With the base rounded to 5, a published rate then leaves at
#: least two numerators possible, except where the numerator is small beside a base under 200 (the
#: attacker takes those exact counts into account).
RATE_STEPS = ((2000, 1000), (0, 100))
#: A mean (months in work) is published to 0.1.
MEAN_STEPS = 10


def steps_per_whole(kind, base_rounded) -> np.ndarray:
    """How many published steps make a whole (100 for whole percentage points), per cell: depends only on
    what is published (the kind and the rounded base), so a reader knows it too; 0 for a quantile."""
    kind = np.asarray(kind)
    base = np.asarray(base_rounded, dtype="float64")
    rate_steps = np.select([base >= smallest for smallest, _ in RATE_STEPS], [k for _, k in RATE_STEPS], 100)
    return np.where(kind == "rate", rate_steps, np.where(kind == "mean", MEAN_STEPS, 0)).astype("int64")


def published_steps(numerator, base, steps) -> np.ndarray:
    """``numerator / base`` in whole published steps, rounded half up in integer arithmetic (no float
    ties), as it is published. The attacker applies this same function to the counts it tries."""
    n = np.nan_to_num(np.asarray(numerator, dtype="float64")).astype("int64")
    b = np.asarray(base).astype("int64")
    k = np.asarray(steps).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, (2 * n * k + b) // np.maximum(2 * b, 1), 0)


def published_figures(kind, numerator, base, base_rounded) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The value and 95% interval of each additive cell as published: the value to its step, the interval
    worked out from the published value and rounded base only (so it tells nothing they do not)."""
    steps = steps_per_whole(kind, base_rounded)
    additive = steps > 0
    units = published_steps(numerator, base, np.where(additive, steps, 1))
    value = np.where(additive, units / np.where(additive, steps, 1), np.nan)
    rounded = np.asarray(base_rounded, dtype="float64")
    low, high = wilson_interval(value * rounded, rounded)
    rate = np.asarray(kind) == "rate"
    scale = np.where(rate, steps, 1)
    low = np.where(rate, np.floor(low * scale + 0.5) / scale, np.nan)
    high = np.where(rate, np.floor(high * scale + 0.5) / scale, np.nan)
    return value, low, high


