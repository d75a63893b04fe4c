from addon_packages import engine

risk = engine.risk


def test_clean_customer_scores_zero():
    assert risk.score(risk.RiskInputs()) == (0, [])


def test_hand_computed_score_and_reasons():
    # 35 * 5/60 + 25 * 0.5 + 20 * 20/120 = 2.92 + 12.5 + 3.33 = 18.75
    total, reasons = risk.score(risk.RiskInputs(avg_days_late=5, late_ratio=0.5, oldest_overdue_days=20))
    assert total == 19
    assert reasons == [("LATE_SHARE", 12), ("LATE_DAYS", 3), ("AGED_DEBT", 3)]
    assert risk.format_reasons(reasons) == "LATE_SHARE +12, LATE_DAYS +3, AGED_DEBT +3"


def test_every_factor_saturates_at_its_cap():
    total, reasons = risk.score(risk.RiskInputs(
        avg_days_late=400, late_ratio=3, oldest_overdue_days=1000, open_balance=5000, credit_limit=1000,
        broken_promises=9))
    assert total == 100
    assert dict(reasons) == {"LATE_DAYS": 35, "LATE_SHARE": 25, "AGED_DEBT": 20, "OVER_LIMIT": 10,
                             "BROKEN_PROMISES": 10}


def test_credit_limit_only_counts_when_set_and_exceeded():
    assert risk.score(risk.RiskInputs(open_balance=5000, credit_limit=0))[0] == 0
    assert risk.score(risk.RiskInputs(open_balance=500, credit_limit=1000))[0] == 0
    assert risk.score(risk.RiskInputs(open_balance=1500, credit_limit=1000)) == (10, [("OVER_LIMIT", 10)])


def test_negative_inputs_are_clamped():
    assert risk.score(risk.RiskInputs(avg_days_late=-10, late_ratio=-1, oldest_overdue_days=-5))[0] == 0
