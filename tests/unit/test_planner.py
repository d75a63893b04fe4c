from datetime import date, datetime

from addon_packages import engine

planner, guardrails, scoring = engine.planner, engine.guardrails, engine.scoring
TODAY = date(2026, 3, 11)  # a Wednesday
NOON = datetime(2026, 3, 11, 12, 0)


def strategy(**values):
    steps = (
        planner.Step(1, -3, "email"),
        planner.Step(2, 5, "email"),
        planner.Step(3, 15, "sms"),
        planner.Step(4, 30, "call"),
        planner.Step(5, 60, "letter", needs_approval=True, escalate_to="legal"),
    )
    base = dict(id=10, steps=steps, limits=guardrails.Limits(max_touches=3, touch_period_days=30, min_gap_days=3,
                                                             quiet_weekdays=frozenset({5, 6}),
                                                             quiet_hour_start=20.0, quiet_hour_end=8.0),
                consolidate=True, channel_steps={"email": 1, "sms": 3, "call": 4, "letter": 5})
    return planner.Strategy(**{**base, **values})


def customer(partner_id=100, **values):
    return planner.Customer(**{"id": partner_id, "strategy_id": 10, "local_now": NOON, **values})


def invoice(move_id, days_overdue, residual=100.0, partner_id=100, **values):
    due = date.fromordinal(TODAY.toordinal() - days_overdue)
    return planner.Invoice(move_id, partner_id, due, residual, **values)


def run(invoices, customers=None, strategies=None, **kwargs):
    customers = customers or {100: customer()}
    by_customer = {}
    for inv in invoices:
        by_customer.setdefault(inv.partner_id, []).append(inv)
    return planner.plan(TODAY, strategies or {10: strategy()}, customers, by_customer,
                        scoring.RuleBasedScorer(), **kwargs)


def test_catch_up_by_age_takes_the_latest_reached_step_once():
    decisions = run([invoice(1, 20, current_offset=5)], strategies={10: strategy(catch_up_by_age=True)})
    assert len(decisions) == 1
    decision = decisions[0]
    assert (decision.step_id, decision.channel, decision.state) == (3, "sms", "planned")
    assert decision.advances == [(1, 3)]
    assert "STEP_D+15" in decision.reasons
    # Once the step is recorded on the invoice, nothing more happens until the next one.
    assert run([invoice(1, 20, current_offset=15)], strategies={10: strategy(catch_up_by_age=True)}) == []


def test_courtesy_reminder_before_due_date():
    decision, = run([invoice(1, -2)])
    assert (decision.step_id, decision.channel) == (1, "email")


def test_not_yet_at_any_step():
    assert run([invoice(1, -10)]) == []


def test_invoices_on_hold_are_left_alone():
    for state in ("disputed", "promised", "paused", "legal", "written_off"):
        assert run([invoice(1, 40, collection_state=state)]) == []


def test_one_consolidated_message_per_customer():
    decision, = run([invoice(1, 20, 300.0, current_offset=5), invoice(2, 7, 200.0), invoice(3, -10, 50.0)])
    assert decision.move_ids == [1, 2]
    assert decision.step_id == 3                      # the furthest step reached
    assert sorted(decision.advances) == [(1, 3), (2, 2)]
    assert decision.amount == 500.0
    assert "CONSOLIDATED" in decision.reasons


def test_one_message_per_invoice_without_consolidation():
    first, second = run([invoice(1, 20, current_offset=5), invoice(2, 7)], strategies={10: strategy(consolidate=False)})
    assert (first.move_ids, first.state) == ([1], "planned")
    # Each message is a touch: the minimum gap holds the second one back until another day.
    assert (second.move_ids, second.state, second.blocked_by) == ([2], "skipped", guardrails.MIN_GAP)


def test_max_touches_and_min_gap():
    recent = customer(touch_dates=(date(2026, 3, 10),))
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: recent})
    assert (decision.state, decision.blocked_by, decision.advances) == ("skipped", guardrails.MIN_GAP, [])
    busy = customer(touch_dates=(date(2026, 2, 20), date(2026, 2, 25), date(2026, 3, 1)))
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: busy})
    assert decision.blocked_by == guardrails.MAX_TOUCHES
    old = customer(touch_dates=(date(2026, 1, 1), date(2026, 1, 5), date(2026, 1, 9)))
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: old})
    assert decision.state == "planned"


def test_min_amount_and_pauses():
    decision, = run([invoice(1, 20, 5.0)], strategies={10: strategy(
        limits=guardrails.Limits(min_overdue_amount=10.0))})
    assert decision.blocked_by == guardrails.BELOW_MIN_AMOUNT
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: customer(paused=True)})
    assert decision.blocked_by == guardrails.CUSTOMER_PAUSED
    # A courtesy reminder asks for the invoice it is about, not for what is overdue.
    decision, = run([invoice(1, -3, 50.0)], strategies={10: strategy(
        limits=guardrails.Limits(min_overdue_amount=10.0))})
    assert (decision.state, decision.inputs["amount_asked"]) == ("planned", 50.0)
    # Open credit notes and unmatched payments are netted: nothing is asked of a customer they cover.
    decision, = run([invoice(1, 20, 100.0)], customers={100: customer(open_credit=100.0)})
    assert decision.blocked_by == guardrails.COVERED_BY_CREDIT
    assert decision.inputs["open_credit"] == 100.0
    decision, = run([invoice(1, 20, 100.0)], customers={100: customer(open_credit=60.0)})
    assert (decision.state, decision.inputs["amount_asked"]) == ("planned", 40.0)
    decision, = run([invoice(1, 20, current_offset=5)], strategies={10: strategy(paused=True)})
    assert decision.blocked_by == guardrails.STRATEGY_PAUSED
    decision, = run([invoice(1, 20, current_offset=5)], engine_paused=True)
    assert decision.blocked_by == guardrails.ENGINE_PAUSED


def test_blocked_channel_falls_back_or_blocks():
    no_sms = customer(contact=guardrails.Contactability(do_not_contact=frozenset({"sms"})))
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: no_sms})
    assert (decision.channel, decision.template_step_id, decision.step_id) == ("email", 1, 3)
    assert "FALLBACK_CHANNEL" in decision.reasons
    invalid_phone = customer(contact=guardrails.Contactability(has_valid_mobile=False, has_email=False,
                                                               allowed_channels=frozenset({"sms", "email"})))
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: invalid_phone})
    assert (decision.state, decision.blocked_by) == ("skipped", guardrails.NO_PHONE)


def test_bounced_email_and_wrong_number_fall_back_to_other_channels():
    bounced = customer(contact=guardrails.Contactability(email_bounced=True))
    decision, = run([invoice(1, 6)], customers={100: bounced})
    assert (decision.channel, decision.template_step_id) == ("letter", 5)
    assert "FALLBACK_CHANNEL" in decision.reasons
    wrong_number = customer(contact=guardrails.Contactability(wrong_number=True))
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: wrong_number})
    assert decision.channel == "email"
    decision, = run([invoice(1, 35)], customers={100: wrong_number})
    assert decision.channel == "email", "no call task for a number known to be wrong"
    unreachable = customer(contact=guardrails.Contactability(wrong_number=True, email_bounced=True,
                                                             allowed_channels=frozenset({"email", "sms"})))
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: unreachable})
    assert (decision.state, decision.blocked_by) == ("skipped", guardrails.WRONG_NUMBER)


def test_compliance_profile_forbids_channel():
    no_sms_country = customer(contact=guardrails.Contactability(allowed_channels=frozenset({"email", "letter"})))
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: no_sms_country})
    assert decision.channel == "email"


def test_preferred_channel_wins_outside_control_group_only():
    prefers_call = customer(preferred_channel="call")
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: prefers_call})
    assert decision.channel == "call"
    assert "PREFERRED_CHANNEL" in decision.reasons
    control = customer(preferred_channel="call", is_control=True)
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: control})
    assert decision.channel == "sms"
    assert decision.is_control and "CONTROL_GROUP" in decision.reasons


def test_approval_step():
    decision, = run([invoice(1, 75, current_offset=30)])
    assert (decision.step_id, decision.state) == (5, "to_approve")


def test_quiet_days_and_hours_postpone():
    saturday_evening = customer(local_now=datetime(2026, 3, 14, 21, 0))
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: saturday_evening})
    assert decision.scheduled_local == datetime(2026, 3, 16, 8, 0)   # Monday 08:00
    late_night = customer(local_now=datetime(2026, 3, 11, 23, 30))
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: late_night})
    assert decision.scheduled_local == datetime(2026, 3, 12, 8, 0)
    early = customer(local_now=datetime(2026, 3, 11, 6, 0))
    decision, = run([invoice(1, 20, current_offset=5)], customers={100: early})
    assert decision.scheduled_local == datetime(2026, 3, 11, 8, 0)


def test_dedup_key_is_stable_and_distinguishes_outcomes():
    first, = run([invoice(1, 20, current_offset=5), invoice(2, 20, current_offset=5)])
    second, = run([invoice(2, 20), invoice(1, 20, current_offset=5)])
    assert first.dedup_key == second.dedup_key
    blocked, = run([invoice(1, 20, current_offset=5), invoice(2, 20, current_offset=5)], customers={100: customer(paused=True)})
    assert blocked.dedup_key != first.dedup_key


def test_control_group_is_stable_and_proportional():
    members = [pid for pid in range(10000) if planner.in_control_group(pid, 1, 10.0)]
    assert 900 < len(members) < 1100
    assert members == [pid for pid in range(10000) if planner.in_control_group(pid, 1, 10.0)]
    assert not any(planner.in_control_group(pid, 1, 0.0) for pid in range(100))


def test_customers_without_strategy_are_ignored():
    assert run([invoice(1, 20, current_offset=5)], customers={100: customer(strategy_id=None)}) == []


def escalations(invoices, threshold, customers=None, **kwargs):
    by_customer = {}
    for inv in invoices:
        by_customer.setdefault(inv.partner_id, []).append(inv)
    return planner.threshold_escalations(TODAY, {10: strategy(escalation=threshold)},
                                         customers or {100: customer()}, by_customer, **kwargs)


def test_threshold_escalation_on_amount_or_age():
    by_amount = planner.Threshold("manager", amount=1000.0)
    assert escalations([invoice(1, 10, 600.0), invoice(2, 3, 300.0)], by_amount) == []
    escalation, = escalations([invoice(1, 10, 600.0), invoice(2, 3, 400.0), invoice(3, -5, 5000.0)], by_amount)
    assert (escalation.level, escalation.move_ids, escalation.reasons) == ("manager", [1, 2],
                                                                           ["OVER_AMOUNT_THRESHOLD"])
    assert escalation.inputs["overdue_amount"] == 1000.0
    by_age = planner.Threshold("director", days=90)
    assert escalations([invoice(1, 89)], by_age) == []
    escalation, = escalations([invoice(1, 90), invoice(2, 10)], by_age)
    assert (escalation.level, escalation.reasons, escalation.inputs["days_overdue"]) == (
        "director", ["OVER_AGE_THRESHOLD"], 90)


def test_threshold_escalation_happens_once_and_ignores_held_invoices():
    threshold = planner.Threshold("manager", amount=500.0)
    assert escalations([invoice(1, 10, 900.0, collection_state="disputed")], threshold) == []
    assert escalations([invoice(1, 10, 900.0), invoice(2, 20, 50.0, collection_state="escalated")],
                       threshold) == []
    assert escalations([invoice(1, 10, 900.0)], threshold, engine_paused=True) == []
    assert escalations([invoice(1, 10, 900.0)], threshold, customers={100: customer(paused=True)}) == []
    assert escalations([invoice(1, 10, 900.0)], None) == []


def test_steps_follow_one_another_on_an_old_book():
    """Going live: an invoice found 90 days overdue starts at the first reminder after the due date."""
    decision, = run([invoice(1, 90)])
    assert (decision.step_id, decision.channel, decision.state) == (2, "email", "planned")
    assert decision.advances == [(1, 2)]
    assert "STEP_D+5" in decision.reasons


def test_next_step_waits_for_the_minimum_gap():
    yesterday = date.fromordinal(TODAY.toordinal() - 1)
    assert run([invoice(1, 90, current_offset=5, last_step_date=yesterday)]) == []
    three_days_ago = date.fromordinal(TODAY.toordinal() - 3)
    decision, = run([invoice(1, 90, current_offset=5, last_step_date=three_days_ago)])
    assert decision.step_id == 3


def test_next_step_waits_until_the_previous_action_went_out():
    long_ago = date.fromordinal(TODAY.toordinal() - 30)
    assert run([invoice(1, 90, current_offset=5, last_step_date=long_ago, pending=True)]) == []


def test_next_step_waits_for_its_offset():
    assert run([invoice(1, 10, current_offset=5)]) == []
    decision, = run([invoice(1, 15, current_offset=5)])
    assert decision.step_id == 3


def test_courtesy_steps_are_left_out_once_overdue():
    # Two days overdue, never reminded: the courtesy reminder's moment passed and the first reminder is not due.
    assert run([invoice(1, 2)]) == []
    decision, = run([invoice(1, 6)])
    assert decision.step_id == 2


def test_final_step_only_after_every_step_before_it():
    steps_taken = []
    current, last = None, None
    for day in range(-10, 200):
        today = date.fromordinal(TODAY.toordinal() + day)
        inv = planner.Invoice(1, 100, TODAY, 100.0, "normal", current, last)
        due = planner.due_steps(strategy(), [inv], today)
        if due:
            _inv, step = due[0]
            steps_taken.append(step.id)
            current, last = step.offset_days, today
    assert steps_taken == [1, 2, 3, 4, 5]
