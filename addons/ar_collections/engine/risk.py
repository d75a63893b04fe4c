"""Rule-based customer risk score (0-100) with the reasons behind it.

Each factor adds points up to a cap; the reasons list every factor that
contributed, largest first, so a collector can see why a score is high.
"""
from dataclasses import dataclass

# (reason code, cap in points)
LATE_DAYS = ("LATE_DAYS", 35)
LATE_SHARE = ("LATE_SHARE", 25)
AGED_DEBT = ("AGED_DEBT", 20)
OVER_LIMIT = ("OVER_LIMIT", 10)
BROKEN_PROMISES = ("BROKEN_PROMISES", 10)

LATE_DAYS_SATURATION = 60.0
AGED_DEBT_SATURATION = 120.0
POINTS_PER_BROKEN_PROMISE = 5


@dataclass(frozen=True)
class RiskInputs:
    avg_days_late: float = 0.0
    late_ratio: float = 0.0          # 0..1
    oldest_overdue_days: int = 0
    open_balance: float = 0.0
    credit_limit: float = 0.0        # 0 = no limit
    broken_promises: int = 0


def _scaled(value, saturation, cap):
    return cap * min(max(value, 0.0), saturation) / saturation


def score(inputs):
    """Return ``(score, [(reason_code, points), ...])``."""
    (late_code, late_cap), (share_code, share_cap) = LATE_DAYS, LATE_SHARE
    (aged_code, aged_cap), (limit_code, limit_cap) = AGED_DEBT, OVER_LIMIT
    promise_code, promise_cap = BROKEN_PROMISES
    factors = [
        (late_code, _scaled(inputs.avg_days_late, LATE_DAYS_SATURATION, late_cap)),
        (share_code, share_cap * min(max(inputs.late_ratio, 0.0), 1.0)),
        (aged_code, _scaled(inputs.oldest_overdue_days, AGED_DEBT_SATURATION, aged_cap)),
        (limit_code, limit_cap if 0 < inputs.credit_limit < inputs.open_balance else 0),
        (promise_code, min(inputs.broken_promises * POINTS_PER_BROKEN_PROMISE, promise_cap)),
    ]
    reasons = sorted(
        ((code, round(points)) for code, points in factors if round(points) > 0),
        key=lambda reason: -reason[1],
    )
    total = min(100, round(sum(points for _code, points in factors)))
    return total, reasons


def format_reasons(reasons):
    return ", ".join(f"{code} +{points}" for code, points in reasons)
