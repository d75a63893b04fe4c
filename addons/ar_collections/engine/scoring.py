"""Scoring of candidate actions: the pluggable part of next-best-action.

A scorer receives the candidates that the strategy and the guardrails allow
for one customer and returns them with a score and reason codes; the engine
keeps the best. ``ar_collections_ml`` replaces :class:`RuleBasedScorer` with
learned models through ``ar.collection.engine._get_scorer``.
"""
import math
from dataclasses import dataclass, field

# Expected effectiveness of a channel for a B2B reminder, before adjustments.
CHANNEL_BASE = {"call": 0.50, "sms": 0.35, "email": 0.30, "letter": 0.25, "portal": 0.10}


@dataclass(frozen=True)
class Candidate:
    channel: str
    step_id: int
    is_step_channel: bool = True


@dataclass(frozen=True)
class CustomerView:
    """What a scorer may know of a customer."""
    partner_id: int
    overdue_amount: float = 0.0
    days_overdue: int = 0
    risk_score: int = 0
    preferred_channel: str = None
    late_probability: float = None


@dataclass
class Scored:
    candidate: Candidate
    score: float
    reasons: list = field(default_factory=list)


class RuleBasedScorer:
    """Transparent rules: the step's channel, the customer's preference, amount and risk."""

    step_channel_bonus = 0.15
    preference_bonus = 0.20

    def score(self, candidates, customer):
        return sorted((self._score_one(candidate, customer) for candidate in candidates),
                      key=lambda scored: (-scored.score, scored.candidate.channel))

    def _score_one(self, candidate, customer):
        score = CHANNEL_BASE.get(candidate.channel, 0.0)
        reasons = [f"CHANNEL_{candidate.channel.upper()}"]
        if candidate.is_step_channel:
            score += self.step_channel_bonus
            reasons.append("STEP_CHANNEL")
        else:
            reasons.append("FALLBACK_CHANNEL")
        if customer.preferred_channel == candidate.channel:
            score += self.preference_bonus
            reasons.append("PREFERRED_CHANNEL")
        if customer.risk_score >= 60:
            score *= 1.2
            reasons.append("HIGH_RISK")
        if customer.overdue_amount > 0:
            # Larger debts justify the more expensive channels: scale by order of magnitude.
            score *= 1 + math.log10(1 + customer.overdue_amount) / 10
        if customer.days_overdue > 60:
            reasons.append("AGED_DEBT")
        return Scored(candidate, round(score, 4), reasons)
