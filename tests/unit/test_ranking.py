from addon_packages import engine

ranking = engine.ranking


def test_priority_is_the_share_of_the_full_weight():
    rules = [("amount", 3.0, None), ("aging", 1.0, None)]
    candidates = [
        {"partner_id": 1, "amount": 1000.0, "days_overdue": 45},  # 3 * 1.0 + 1 * 0.5 = 3.5 of 4
        {"partner_id": 2, "amount": 250.0, "days_overdue": 0},  # 3 * 0.25 = 0.75 of 4
    ]
    ranked = ranking.rank(candidates, rules)
    assert [c["partner_id"] for c in ranked] == [1, 2]
    assert [c["rank"] for c in ranked] == [1, 2]
    assert ranked[0]["score"] == 3.5 and ranked[0]["priority"] == 0.875
    assert ranked[1]["score"] == 0.75 and ranked[1]["priority"] == 0.1875


def test_priority_without_rules_is_zero():
    assert ranking.priority(2.0, []) == 0.0
    assert ranking.priority(2.0, [("risk", 0.0, None)]) == 0.0


def test_priority_stays_within_bounds():
    assert ranking.priority(10.0, [("risk", 2.0, None)]) == 1.0
    assert ranking.priority(-1.0, [("risk", 2.0, None)]) == 0.0
