import pytest

from addon_packages import engine

segmentation = engine.segmentation
Rule, Segment = segmentation.Rule, segmentation.Segment


def facts(**values):
    base = {"avg_days_late": 0.0, "late_ratio": 0.0, "open_balance": 0.0, "overdue_amount": 0.0,
            "avg_invoice_amount": 0.0, "invoice_count": 0, "risk_score": 0, "country_id": None, "tag_ids": ()}
    return {**base, **values}


@pytest.mark.parametrize("operator, value, expected", [
    (">=", 100, True), (">", 100, False), ("<=", 100, True), ("<", 100, False),
    ("=", 100, True), ("!=", 100, False), (">=", 100.01, False),
])
def test_numeric_rule(operator, value, expected):
    assert Rule("overdue_amount", operator, value).matches(facts(overdue_amount=100.0)) is expected


def test_country_and_tag_rules():
    belgium = Rule("country", "in", ids=frozenset({21}))
    not_belgium = Rule("country", "not in", ids=frozenset({21}))
    enterprise = Rule("tag", "in", ids=frozenset({7}))
    assert belgium.matches(facts(country_id=21))
    assert not belgium.matches(facts(country_id=None))
    assert not_belgium.matches(facts(country_id=None))
    assert not not_belgium.matches(facts(country_id=21))
    assert enterprise.matches(facts(tag_ids=(3, 7)))
    assert not enterprise.matches(facts(tag_ids=(3,)))


def test_first_matching_segment_in_sequence_wins():
    chronic = Segment(1, sequence=10, rules=(Rule("late_ratio", ">=", 0.5), Rule("avg_days_late", ">=", 20)))
    big = Segment(2, sequence=20, rules=(Rule("open_balance", ">=", 10000),))
    tail = Segment(3, sequence=100)
    result = segmentation.assign([tail, big, chronic], {
        10: facts(late_ratio=0.8, avg_days_late=30, open_balance=50000),
        11: facts(late_ratio=0.8, avg_days_late=5, open_balance=50000),
        12: facts(),
    })
    assert result == {10: 1, 11: 2, 12: 3}


def test_no_catch_all_leaves_customer_unassigned():
    big = Segment(2, sequence=20, rules=(Rule("open_balance", ">=", 10000),))
    assert segmentation.assign([big], {5: facts(open_balance=10)}) == {5: None}


def test_equal_sequences_fall_back_to_id_order():
    first, second = Segment(4, sequence=10), Segment(3, sequence=10)
    assert segmentation.assign([first, second], {1: facts()}) == {1: 3}
