"""Next-best-action planning for a company's open invoices, in plain Python.

``plan`` takes what the ORM layer read in bulk (strategies, customers and
their open invoices) and returns one :class:`Decision` per action to take or
per action a guardrail blocked. It never touches the database, so it is as
fast as Python allows and testable on its own.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from . import guardrails
from .scoring import Candidate, CustomerView

# Collection states that take an invoice out of the dunning flow.
HOLD_STATES = frozenset({"disputed", "promised", "paused", "legal", "written_off"})
FALLBACK_ORDER = ("email", "letter", "portal", "sms", "call")


@dataclass(frozen=True)
class Step:
    id: int
    offset_days: int
    channel: str
    needs_approval: bool = False
    escalate_to: str = None


@dataclass(frozen=True)
class Strategy:
    id: int
    steps: tuple                       # sorted by offset_days
    limits: guardrails.Limits = guardrails.Limits()
    consolidate: bool = True
    control_percent: float = 0.0
    paused: bool = False
    channel_steps: dict = field(default_factory=dict)  # channel -> step id holding a template for it
    escalation: "Threshold" = None     # escalate the account past an overdue amount or age
    catch_up_by_age: bool = False      # jump to the step an invoice's age reached, skipping the ones before

    def step_for_days(self, days_from_due):
        """The latest step whose offset has been reached, or ``None``."""
        reached = None
        for step in self.steps:
            if step.offset_days > days_from_due:
                break
            reached = step
        return reached

    def next_step(self, invoice, today):
        """The step ``invoice`` takes today, or ``None``.

        Steps follow one another: an invoice takes the step after the last one it
        took, once that step's action went out and the strategy's minimum gap has
        passed, and once the step's offset is reached. Steps before the due date
        are left out when the invoice is already overdue: their moment passed.
        A strategy that catches up by age takes the latest step reached instead.
        """
        days_from_due = (today - invoice.due_date).days
        if self.catch_up_by_age:
            step = self.step_for_days(days_from_due)
            taken = invoice.current_offset
            return step if step and (taken is None or step.offset_days > taken) else None
        if invoice.current_offset is not None and not self._gap_passed(invoice, today):
            return None
        for step in self.steps:
            if invoice.current_offset is not None and step.offset_days <= invoice.current_offset:
                continue
            if step.offset_days <= 0 < days_from_due:
                continue
            return step if step.offset_days <= days_from_due else None
        return None

    def _gap_passed(self, invoice, today):
        if invoice.pending:
            return False
        last = invoice.last_step_date
        return last is None or (today - last).days >= self.limits.min_gap_days


@dataclass(frozen=True)
class Threshold:
    level: str                         # who takes over: collector, manager or director
    amount: float = 0.0                # overdue amount (company currency) from which to escalate; 0 = none
    days: int = 0                      # days overdue of the oldest invoice from which to escalate; 0 = none


@dataclass(frozen=True)
class Escalation:
    partner_id: int
    level: str
    move_ids: list
    reasons: list
    inputs: dict


@dataclass(frozen=True)
class Invoice:
    id: int
    partner_id: int
    due_date: date
    residual: float                    # company currency
    collection_state: str = "normal"
    current_offset: int = None         # offset of the last step taken, if any
    last_step_date: date = None        # when the last step taken was planned to go out
    pending: bool = False              # an action about the invoice still waits to be sent or approved


@dataclass(frozen=True)
class Customer:
    id: int
    strategy_id: int = None
    paused: bool = False
    contact: guardrails.Contactability = guardrails.Contactability()
    touch_dates: tuple = ()            # dates of actions done or planned recently
    risk_score: int = 0
    preferred_channel: str = None
    local_now: datetime = None         # customer's local time, naive
    tz: str = None
    is_control: bool = False
    open_credit: float = 0.0           # open credit notes and unmatched payments (company currency), netted


@dataclass
class Decision:
    partner_id: int
    strategy_id: int
    step_id: int                       # the strategy step reached
    channel: str
    move_ids: list
    state: str                         # planned, to_approve or skipped
    scheduled_local: datetime = None
    reasons: list = field(default_factory=list)
    blocked_by: str = None
    score: float = 0.0
    is_control: bool = False
    amount: float = 0.0
    inputs: dict = field(default_factory=dict)
    advances: list = field(default_factory=list)   # [(move_id, step_id)] the decision moves forward
    template_step_id: int = None       # the step whose template the channel uses

    @property
    def dedup_key(self):
        """Same customer, step, invoices and outcome: the same action, never twice."""
        outcome = self.blocked_by or "act"
        moves = ",".join(map(str, sorted(self.move_ids)))
        return hashlib.sha1(f"{self.partner_id}|{self.step_id}|{moves}|{outcome}".encode()).hexdigest()


def in_control_group(partner_id, salt, percent):
    """Stable pseudo-random membership: the same customers stay in the group run after run."""
    if percent <= 0:
        return False
    digest = hashlib.sha1(f"{salt}:{partner_id}".encode()).hexdigest()
    return int(digest[:8], 16) % 10000 < percent * 100


def due_steps(strategy, invoices, today):
    """``[(invoice, step)]`` for the invoices that take a step of their strategy today."""
    due = []
    for invoice in invoices:
        if invoice.collection_state in HOLD_STATES:
            continue
        step = strategy.next_step(invoice, today)
        if step:
            due.append((invoice, step))
    return due


def plan(today, strategies, customers, invoices_by_customer, scorer, engine_paused=False):
    decisions = []
    for partner_id, invoices in invoices_by_customer.items():
        customer = customers.get(partner_id)
        strategy = customer and strategies.get(customer.strategy_id)
        if not strategy:
            continue
        due = due_steps(strategy, invoices, today)
        if not due:
            continue
        overdue = sum(invoice.residual for invoice in invoices
                      if invoice.due_date < today and invoice.collection_state not in HOLD_STATES)
        touch_dates = list(customer.touch_dates)
        groups = [due] if strategy.consolidate else [[item] for item in due]
        for group in groups:
            decision = _decide(today, strategy, customer, group, overdue, touch_dates, scorer, engine_paused)
            decisions.append(decision)
            if decision.state != "skipped":
                touch_dates.append(today)
    return decisions


def _amount_asked(today, customer, group, overdue):
    """What a reminder asks for: the overdue invoices and those it is about, less the open credit notes."""
    not_yet_due = sum(invoice.residual for invoice, _step in group if invoice.due_date >= today)
    return round(overdue + not_yet_due - customer.open_credit, 2)


def _decide(today, strategy, customer, group, overdue, touch_dates, scorer, engine_paused):
    step = max((step for _invoice, step in group), key=lambda s: s.offset_days)
    limits = strategy.limits
    period_start = today.toordinal() - limits.touch_period_days
    touches = sum(1 for day in touch_dates if day.toordinal() > period_start)
    last_touch = max(touch_dates) if touch_dates else None
    days_overdue = max((today - invoice.due_date).days for invoice, _step in group)
    decision = Decision(
        partner_id=customer.id, strategy_id=strategy.id, step_id=step.id, channel=step.channel,
        move_ids=sorted(invoice.id for invoice, _step in group), state="skipped",
        is_control=customer.is_control, amount=round(sum(invoice.residual for invoice, _step in group), 2),
        inputs={"days_overdue": days_overdue, "overdue_amount": round(overdue, 2),
                "amount_asked": _amount_asked(today, customer, group, overdue), "touches_in_period": touches,
                "last_touch": last_touch.isoformat() if last_touch else None, "risk_score": customer.risk_score,
                "step_offset": step.offset_days},
    )
    paused_by = (guardrails.ENGINE_PAUSED if engine_paused else guardrails.STRATEGY_PAUSED if strategy.paused
                 else guardrails.CUSTOMER_PAUSED if customer.paused else None)
    decision.inputs["open_credit"] = round(customer.open_credit, 2)
    decision.blocked_by = guardrails.customer_block(limits, decision.inputs["amount_asked"], touches, last_touch,
                                                    today, paused_by, open_credit=customer.open_credit)
    if decision.blocked_by:
        decision.reasons = [f"BLOCKED_{decision.blocked_by}"]
        return decision

    candidates, first_block = _allowed_candidates(strategy, customer, step)
    if not candidates:
        decision.blocked_by = first_block
        decision.reasons = [f"BLOCKED_{first_block}"]
        return decision
    view = CustomerView(partner_id=customer.id, overdue_amount=overdue, days_overdue=days_overdue,
                        risk_score=customer.risk_score, preferred_channel=customer.preferred_channel)
    ranked = scorer.score(candidates, view)
    best = ranked[0]
    decision.channel = best.candidate.channel
    decision.template_step_id = best.candidate.step_id
    decision.score = best.score
    decision.reasons = [f"STEP_D{step.offset_days:+d}", *best.reasons]
    if len(decision.move_ids) > 1:
        decision.reasons.append("CONSOLIDATED")
    if customer.is_control:
        decision.reasons.append("CONTROL_GROUP")
    if first_block and decision.channel != step.channel:
        # Why the step's own channel could not be used: the contact problem to fix or the guardrail.
        decision.reasons.append(f"FALLBACK_{first_block}")
        decision.inputs["fallback"] = {"from": step.channel, "because": first_block}
    decision.inputs["candidates"] = {scored.candidate.channel: scored.score for scored in ranked}
    decision.state = "to_approve" if step.needs_approval else "planned"
    local_now = customer.local_now or datetime.combine(today, datetime.min.time())
    decision.scheduled_local = guardrails.next_send_time(limits, local_now)
    decision.advances = [(invoice.id, own_step.id) for invoice, own_step in group]
    return decision


def _allowed_candidates(strategy, customer, step):
    """Channels the guardrails allow, and the block on the step's own channel.

    The step's channel comes first; a customer outside the control group may
    also be reached on their preferred channel, and anybody whose step channel
    is blocked falls back to another channel the strategy has a template for.
    """
    first_block = guardrails.channel_block(step.channel, customer.contact)
    candidates = [] if first_block else [Candidate(step.channel, step.id, True)]
    preferred = customer.preferred_channel
    if (preferred and preferred != step.channel and not customer.is_control
            and preferred in strategy.channel_steps
            and not guardrails.channel_block(preferred, customer.contact)):
        candidates.append(Candidate(preferred, strategy.channel_steps[preferred], False))
    if not candidates:
        for channel in FALLBACK_ORDER:
            if channel != step.channel and channel in strategy.channel_steps \
                    and not guardrails.channel_block(channel, customer.contact):
                candidates.append(Candidate(channel, strategy.channel_steps[channel], False))
                break
    return candidates, first_block


def threshold_escalations(today, strategies, customers, invoices_by_customer, engine_paused=False):
    """Accounts whose overdue amount or age passed their strategy's threshold, escalated once.

    Only invoices still in the dunning flow count (not disputed, promised or
    paused); an account with an invoice already escalated is left alone, so a
    daily run escalates each account once.
    """
    if engine_paused:
        return []
    escalations = []
    for partner_id, invoices in invoices_by_customer.items():
        customer = customers.get(partner_id)
        strategy = customer and strategies.get(customer.strategy_id)
        if not strategy or not strategy.escalation or strategy.paused or customer.paused:
            continue
        overdue = [invoice for invoice in invoices
                   if invoice.due_date < today and invoice.collection_state not in HOLD_STATES]
        if not overdue or any(invoice.collection_state == "escalated" for invoice in overdue):
            continue
        escalation = _threshold_escalation(today, strategy.escalation, customer, overdue)
        if escalation:
            escalations.append(escalation)
    return escalations


def _threshold_escalation(today, threshold, customer, overdue):
    amount = round(sum(invoice.residual for invoice in overdue), 2)
    days = max((today - invoice.due_date).days for invoice in overdue)
    reasons = []
    if threshold.amount and amount >= threshold.amount:
        reasons.append("OVER_AMOUNT_THRESHOLD")
    if threshold.days and days >= threshold.days:
        reasons.append("OVER_AGE_THRESHOLD")
    if not reasons:
        return None
    return Escalation(
        partner_id=customer.id, level=threshold.level, move_ids=sorted(invoice.id for invoice in overdue),
        reasons=reasons, inputs={"overdue_amount": amount, "days_overdue": days,
                                 "threshold_amount": threshold.amount, "threshold_days": threshold.days},
    )
