"""Ranking of the collectors' agenda: plain Python, no ORM, unit-testable without a database.

A candidate is a dict of facts about one customer (see :func:`factor_values`);
the rules are ``(factor, weight, segment_ids)`` tuples a manager edits.
"""

FACTORS = [
    ("aging", "Aging"),
    ("amount", "Amount"),
    ("segment", "Segment"),
    ("risk", "Risk Score"),
    ("promise_due", "Promise Due"),
    ("dispute_sla", "Dispute SLA"),
    ("last_contact", "Last Contact"),
]
# Days past due (aging) and days without contact (last contact) that count in full.
AGING_FULL_DAYS = 90
CONTACT_FULL_DAYS = 30

# Reason code -> (recommended next action, priority); the most urgent reason recommends the action.
REASONS = {
    "dispute_sla": ("dispute_follow_up", 0),
    "promise_broken": ("call", 1),
    "call_planned": ("call", 2),
    "promise_due": ("check_promise", 3),
    "high_risk_no_contact": ("call", 4),
}


def factor_values(candidate, max_amount):
    """Each factor between 0 and 1 for ``candidate``.

    ``candidate`` keys: ``days_overdue``, ``amount``, ``segment_id``, ``risk_score`` (0-100),
    ``promise_due`` (bool), ``dispute_sla`` (bool), ``days_since_contact`` (None: never contacted).
    """
    days_contact = candidate.get("days_since_contact")
    return {
        "aging": min(max(candidate.get("days_overdue") or 0, 0) / AGING_FULL_DAYS, 1.0),
        "amount": min((candidate.get("amount") or 0.0) / max_amount, 1.0) if max_amount > 0 else 0.0,
        "risk": min(max(candidate.get("risk_score") or 0, 0) / 100.0, 1.0),
        "promise_due": 1.0 if candidate.get("promise_due") else 0.0,
        "dispute_sla": 1.0 if candidate.get("dispute_sla") else 0.0,
        "last_contact": 1.0 if days_contact is None else min(max(days_contact, 0) / CONTACT_FULL_DAYS, 1.0),
    }


def score(candidate, rules, max_amount):
    """Weighted sum of the factors; a segment rule counts when the customer is in one of its segments."""
    values = factor_values(candidate, max_amount)
    total = 0.0
    for factor, weight, segment_ids in rules:
        if factor == "segment":
            value = 1.0 if candidate.get("segment_id") and candidate["segment_id"] in (segment_ids or ()) else 0.0
        else:
            value = values.get(factor, 0.0)
        total += weight * value
    return round(total, 4)


def next_action(reasons):
    """The recommended next action for a set of reason codes."""
    known = [code for code in reasons if code in REASONS]
    if not known:
        return "call"
    return REASONS[min(known, key=lambda code: REASONS[code][1])][0]


def priority(candidate_score, rules):
    """The score as a share of the highest possible one (every rule counting in full), between 0 and 1."""
    full = sum(weight for _factor, weight, _segments in rules if weight > 0)
    return round(min(max(candidate_score / full, 0.0), 1.0), 4) if full else 0.0


def rank(candidates, rules):
    """Score every candidate and return them sorted best first, with ``score``, ``priority`` and ``rank``
    (1 = first) set."""
    max_amount = max((c.get("amount") or 0.0 for c in candidates), default=0.0)
    for candidate in candidates:
        candidate["score"] = score(candidate, rules, max_amount)
        candidate["priority"] = priority(candidate["score"], rules)
        candidate["next_action"] = next_action(candidate.get("reasons", ()))
    ordered = sorted(candidates, key=lambda c: (-c["score"], -(c.get("amount") or 0.0), c.get("partner_id") or 0))
    by_owner = {}
    for candidate in ordered:
        owner = candidate.get("user_id")
        by_owner[owner] = by_owner.get(owner, 0) + 1
        candidate["rank"] = by_owner[owner]
    return ordered
