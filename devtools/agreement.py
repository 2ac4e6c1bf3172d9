"""Agreement between two groupings: adjusted mutual information (AMI), pure Python.

The same quantity as scikit-learn's ``adjusted_mutual_info_score`` with the arithmetic mean
(0 for chance agreement, 1 for identical groupings), so the themes benchmark needs no numpy.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence


def _entropy(counts: Sequence[int], n: int) -> float:
    return -sum(c / n * math.log(c / n) for c in counts if c)


def _expected_mi(a: Sequence[int], b: Sequence[int], n: int) -> float:
    """Expected mutual information of two random groupings with these group sizes."""
    lg = [math.lgamma(i + 1) for i in range(n + 1)]
    total = 0.0
    for ai in a:
        for bj in b:
            lo = max(1, ai + bj - n)
            for nij in range(lo, min(ai, bj) + 1):
                term = nij / n * math.log(n * nij / (ai * bj))
                log_p = (
                    lg[ai] + lg[bj] + lg[n - ai] + lg[n - bj]
                    - lg[n] - lg[nij] - lg[ai - nij] - lg[bj - nij] - lg[n - ai - bj + nij]
                )
                total += term * math.exp(log_p)
    return total


def adjusted_mutual_info(truth: Sequence[Hashable], found: Sequence[Hashable]) -> float:
    """AMI of two labellings of the same items (arithmetic-mean normalisation)."""
    if len(truth) != len(found):
        raise ValueError("the two labellings must have the same length")
    n = len(truth)
    ta, fb = Counter(truth), Counter(found)
    if n == 0 or (len(ta) == len(fb) == 1):
        return 1.0
    joint = Counter(zip(truth, found, strict=True))
    mi = sum(c / n * math.log(n * c / (ta[t] * fb[f])) for (t, f), c in joint.items())
    emi = _expected_mi(list(ta.values()), list(fb.values()), n)
    mean_h = (_entropy(list(ta.values()), n) + _entropy(list(fb.values()), n)) / 2
    denominator = mean_h - emi
    if abs(denominator) < 1e-15:
        return 0.0
    return (mi - emi) / denominator
