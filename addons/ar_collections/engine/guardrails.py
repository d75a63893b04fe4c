"""Action limits that govern every send, checked in plain Python.

``check`` answers whether a channel may be used for a customer now; the
``schedule`` helpers move a send out of quiet days and hours instead of
dropping it.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

# Guardrail codes, stored on blocked actions.
ENGINE_PAUSED = "ENGINE_PAUSED"
STRATEGY_PAUSED = "STRATEGY_PAUSED"
CUSTOMER_PAUSED = "CUSTOMER_PAUSED"
BELOW_MIN_AMOUNT = "BELOW_MIN_AMOUNT"
COVERED_BY_CREDIT = "COVERED_BY_CREDIT"
MAX_TOUCHES = "MAX_TOUCHES"
MIN_GAP = "MIN_GAP"
DO_NOT_CONTACT = "DO_NOT_CONTACT"
CHANNEL_NOT_ALLOWED = "CHANNEL_NOT_ALLOWED"
NO_EMAIL = "NO_EMAIL"
NO_PHONE = "NO_PHONE"
EMAIL_BOUNCED = "EMAIL_BOUNCED"
WRONG_NUMBER = "WRONG_NUMBER"
NO_TEMPLATE = "NO_TEMPLATE"

# Channels that contact the customer (a call task or a portal notice is
# also a touch: the customer notices it).
TOUCH_CHANNELS = frozenset({"email", "sms", "call", "letter", "portal"})


@dataclass(frozen=True)
class Limits:
    max_touches: int = 0          # 0 = unlimited
    touch_period_days: int = 30
    min_gap_days: int = 0
    quiet_weekdays: frozenset = frozenset()   # 0 = Monday
    quiet_hour_start: float = 0.0
    quiet_hour_end: float = 0.0
    min_overdue_amount: float = 0.0


@dataclass(frozen=True)
class Contactability:
    do_not_contact: frozenset = frozenset()      # channels the customer refused
    allowed_channels: frozenset = TOUCH_CHANNELS  # by the compliance profile
    has_email: bool = True
    has_valid_mobile: bool = True
    email_bounced: bool = False     # the last email bounced, or the address is blacklisted
    wrong_number: bool = False      # a collector reached the wrong person on the phone


def customer_block(limits, amount_asked, touches_in_period, last_touch, today, paused_by=None, open_credit=0.0):
    """The guardrail that stops any contact with the customer today, or ``None``.

    ``amount_asked`` is what a reminder would ask for, with ``open_credit`` (open
    credit notes, payments and bank receipts not matched yet) netted: nothing is
    asked of a customer whose money already came in.
    """
    if paused_by:
        return paused_by
    if amount_asked <= 0 and open_credit > 0:
        return COVERED_BY_CREDIT
    if amount_asked <= 0 or amount_asked < limits.min_overdue_amount:
        return BELOW_MIN_AMOUNT
    if limits.max_touches and touches_in_period >= limits.max_touches:
        return MAX_TOUCHES
    if last_touch and limits.min_gap_days and (today - last_touch).days < limits.min_gap_days:
        return MIN_GAP
    return None


def channel_block(channel, contact, has_template=True):
    """The guardrail that forbids ``channel`` for this customer, or ``None``."""
    if channel in contact.do_not_contact:
        return DO_NOT_CONTACT
    if channel not in contact.allowed_channels:
        return CHANNEL_NOT_ALLOWED
    if not has_template:
        return NO_TEMPLATE
    if channel == "email":
        if not contact.has_email:
            return NO_EMAIL
        if contact.email_bounced:
            return EMAIL_BOUNCED
    if channel in ("sms", "call") and contact.wrong_number:
        return WRONG_NUMBER
    if channel == "sms" and not contact.has_valid_mobile:
        return NO_PHONE
    return None


def is_quiet_hour(limits, hour):
    """Whether ``hour`` (a float, local time) falls in the quiet hours, which may span midnight."""
    start, end = limits.quiet_hour_start, limits.quiet_hour_end
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def next_send_time(limits, local_now):
    """The first moment at or after ``local_now`` outside quiet days and hours.

    Works in the customer's local time (naive datetimes); at most a week ahead
    since a strategy cannot make every day quiet.
    """
    moment = local_now
    for _attempt in range(8):
        if moment.weekday() in limits.quiet_weekdays:
            moment = datetime.combine(moment.date() + timedelta(days=1), _hour_to_time(limits.quiet_hour_end))
            continue
        hour = moment.hour + moment.minute / 60.0
        if is_quiet_hour(limits, hour):
            end = _hour_to_time(limits.quiet_hour_end)
            day = moment.date() if hour < limits.quiet_hour_end else moment.date() + timedelta(days=1)
            moment = datetime.combine(day, end)
            continue
        return moment
    return moment


def _hour_to_time(hour):
    hour = min(max(hour, 0.0), 23.99)
    return time(int(hour), int(round((hour - int(hour)) * 60)) % 60)
