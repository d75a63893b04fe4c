"""Rule-based assignment of customers to collection segments."""
from dataclasses import dataclass, field

NUMERIC_METRICS = (
    "avg_days_late",
    "late_ratio",
    "open_balance",
    "overdue_amount",
    "avg_invoice_amount",
    "invoice_count",
    "risk_score",
)
SET_METRICS = ("country", "tag")

NUMERIC_OPERATORS = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "=": lambda a, b: abs(a - b) < 1e-9,
    "!=": lambda a, b: abs(a - b) >= 1e-9,
}
SET_OPERATORS = ("in", "not in")


@dataclass(frozen=True)
class Rule:
    metric: str
    operator: str
    value: float = 0.0
    ids: frozenset = field(default_factory=frozenset)

    def matches(self, facts):
        if self.metric in SET_METRICS:
            present = self._facts_ids(facts) & self.ids
            return bool(present) if self.operator == "in" else not present
        return NUMERIC_OPERATORS[self.operator](facts.get(self.metric) or 0.0, self.value)

    def _facts_ids(self, facts):
        if self.metric == "country":
            return {facts["country_id"]} if facts.get("country_id") else set()
        return set(facts.get("tag_ids") or ())


@dataclass(frozen=True)
class Segment:
    id: int
    sequence: int
    rules: tuple = ()

    def matches(self, facts):
        return all(rule.matches(facts) for rule in self.rules)


def assign(segments, facts_by_partner):
    """Return ``{partner_id: segment_id or None}``.

    Segments are tried in sequence order; the first one whose rules all match
    wins. A segment without rules matches everybody, which makes it the
    natural catch-all at the end of the list.
    """
    ordered = sorted(segments, key=lambda segment: (segment.sequence, segment.id))
    return {
        partner_id: next((segment.id for segment in ordered if segment.matches(facts)), None)
        for partner_id, facts in facts_by_partner.items()
    }
