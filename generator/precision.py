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


#: How finely a rate is published, by its published base: (smallest base, steps per whole). Each step is
#: the finest of 0.1, 1, 2, 5 and 10 percentage points whose half is at least one graduate of the
#: smallest base it is used for: 0.1 point from 2,000 graduates, 1 point from 200, 2 points from 100,
#: 5 points from 40, 10 points below. A published rate then says no more than "this many, give or take
#: one graduate" (as its 95% interval, several points wide at these bases, says anyway), and with the
#: base rounded to 5 it leaves at least two numerators possible for all but the smallest counts (the
#: attacker takes those exact counts into account).
RATE_STEPS = ((2000, 1000), (200, 100), (100, 50), (40, 20), (0, 10))
#: A mean (months in work) is published to 0.1.
MEAN_STEPS = 10


def steps_per_whole(kind, base_rounded) -> np.ndarray:
    """How many published steps make a whole (100 for whole percentage points), per cell: depends only on
    what is published (the kind and the rounded base), so a reader knows it too; 0 for a quantile."""
    kind = np.asarray(kind)
    base = np.asarray(base_rounded, dtype="float64")
    rate_steps = np.select([base >= smallest for smallest, _ in RATE_STEPS], [k for _, k in RATE_STEPS], RATE_STEPS[-1][1])
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
    # The interval is a function of published figures alone, so whole points (or the value's finer step)
    # tell nothing more.
    scale = np.where(rate, np.maximum(steps, 100), 1)
    low = np.where(rate, np.floor(low * scale + 0.5) / scale, np.nan)
    high = np.where(rate, np.floor(high * scale + 0.5) / scale, np.nan)
    return value, low, high


