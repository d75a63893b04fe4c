"""Faults with committed data: a worker killed while it plans or sends, the SMTP server dropping mid-queue.

A killed worker's transaction is lost: either it raises something no ``except
Exception`` catches and its cursor is rolled back (as the process dies), or its
database session is terminated under it. The next worker must then complete the
day, contacting every customer exactly once.
"""
import contextlib
import logging
import smtplib
from collections import Counter
from datetime import datetime, timedelta
from unittest.mock import patch

import psycopg2
import pytest

from test_concurrent_workers import CUSTOMERS, make_book, plan_and_commit

ACTION_LOGGER = "odoo.addons.ar_collections.models.ar_collection_action"


class WorkerKilled(BaseException):
    """The worker's process dies here: nothing in Odoo catches it, its transaction is rolled back."""


def send_all(env):
    """A fresh worker sending what is due, a batch per transaction, until nothing is; how many it sent."""
    Action = env["ar.collection.action"]
    sent = 0
    while done := Action._execute_due(limit=5):
        env.cr.commit()
        sent += done
    env.cr.rollback()
    return sent


def terminate_session(env, new_env):
    """Kill ``env``'s database session from another connection, as when its worker dies."""
    env.cr.execute("SELECT pg_backend_pid()")
    pid = env.cr.fetchone()[0]
    killer = new_env()
    killer.cr.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert killer.cr.fetchone()[0]


@contextlib.contextmanager
def doomed_env(registry):
    """An environment whose connection will be terminated: closed as well as a dead connection allows."""
    from odoo import SUPERUSER_ID, api

    cr = registry.cursor()
    try:
        yield api.Environment(cr, SUPERUSER_ID, {})
    finally:
        with contextlib.suppress(psycopg2.Error):
            cr.close()


def assert_one_email_each(env, company_id, customer_ids):
    actions = env["ar.collection.action"].search([("company_id", "=", company_id)])
    assert len(actions) == CUSTOMERS, "one action per customer"
    assert sorted(actions.partner_id.ids) == sorted(customer_ids)
    assert set(actions.mapped("state")) == {"done"}
    assert set(actions.mapped("attempt_count")) == {1}, "no action recorded a failure for the dead worker"
    assert all(len(action.sent_message_ids) == 1 for action in actions)
    mails = env["mail.mail"].search([("mail_message_id", "in", actions.sent_message_ids.ids)])
    assert Counter(mails.recipient_ids.ids) == Counter(customer_ids), "one email per customer"
    return actions, mails


def patch_send_email(env, on_second):
    """Patch ``_send_email``: the second action sent in this process calls ``on_second()`` first."""
    Action = type(env["ar.collection.action"])
    send_email = Action._send_email
    calls = []

    def _send_email(action, step, moves):
        calls.append(action.id)
        if len(calls) == 2:
            on_second()
        return send_email(action, step, moves)

    return patch.object(Action, "_send_email", _send_email)


def patch_after_insert_actions(env, then):
    """Call ``then()`` in ``_write_decisions`` right after the actions were inserted."""
    Engine = type(env["ar.collection.engine"])
    insert_action_moves = Engine._insert_action_moves

    def _insert_action_moves(engine, inserted):
        assert inserted, "the actions were inserted"
        then()
        return insert_action_moves(engine, inserted)

    return patch.object(Engine, "_insert_action_moves", _insert_action_moves)


def _raise_killed():
    raise WorkerKilled


# ----------------------------------------------------------------------
# Killed while sending
# ----------------------------------------------------------------------

def test_worker_killed_while_sending(new_env):
    """A batch committed, then the worker dies after one email of the next: the next run sends the rest once."""
    company_id, customer_ids = make_book(new_env())
    plan_and_commit(new_env(), company_id)
    dying = new_env()
    Action = dying["ar.collection.action"]
    assert Action._execute_due(limit=3) == 3
    dying.cr.commit()
    with patch_send_email(dying, _raise_killed), pytest.raises(WorkerKilled):
        Action._execute_due(limit=3)
    dying.cr.rollback()

    env = new_env()
    states = Counter(env["ar.collection.action"].search([("company_id", "=", company_id)]).mapped("state"))
    assert states == {"done": 3, "planned": CUSTOMERS - 3}, "the first batch stayed sent, the second is planned"
    assert send_all(new_env()) == CUSTOMERS - 3
    assert_one_email_each(new_env(), company_id, customer_ids)


def test_connection_lost_while_sending(new_env, registry, caplog):
    """The worker's database session is terminated in the middle of a send: nothing of its batch is kept, no
    action is blamed for it, and the next run sends each email once."""
    company_id, customer_ids = make_book(new_env())
    plan_and_commit(new_env(), company_id)
    with doomed_env(registry) as dying:
        with patch_send_email(dying, lambda: terminate_session(dying, new_env)), \
                caplog.at_level(logging.INFO, logger=ACTION_LOGGER), pytest.raises(psycopg2.Error):
            dying["ar.collection.action"]._execute_due(limit=CUSTOMERS)
    assert not [record for record in caplog.records if record.name == ACTION_LOGGER], \
        "the lost connection is not recorded as a failure of the action being sent"

    env = new_env()
    actions = env["ar.collection.action"].search([("company_id", "=", company_id)])
    assert set(actions.mapped("state")) == {"planned"}, "the dead worker's batch was rolled back"
    assert not env["mail.mail"].search([("mail_message_id", "in", actions.sent_message_ids.ids)])
    assert send_all(new_env()) == CUSTOMERS
    assert_one_email_each(new_env(), company_id, customer_ids)


# ----------------------------------------------------------------------
# Killed while planning
# ----------------------------------------------------------------------

def _assert_nothing_planned(env, company_id):
    assert not env["ar.collection.action"].search([("company_id", "=", company_id)]), "no action kept"
    invoices = env["account.move"].search([("company_id", "=", company_id), ("move_type", "=", "out_invoice")])
    assert len(invoices) == CUSTOMERS
    assert not invoices.collection_step_id, "no invoice marked as having reached a step"


def test_worker_killed_while_planning(new_env):
    """The worker dies after inserting the actions, before linking the invoices: the next run plans and sends
    each customer once."""
    company_id, customer_ids = make_book(new_env())
    dying = new_env()
    with patch_after_insert_actions(dying, _raise_killed), pytest.raises(WorkerKilled):
        plan_and_commit(dying, company_id)
    dying.cr.rollback()
    _assert_nothing_planned(new_env(), company_id)

    assert len(plan_and_commit(new_env(), company_id)) == CUSTOMERS
    assert send_all(new_env()) == CUSTOMERS
    assert_one_email_each(new_env(), company_id, customer_ids)
    plan_and_commit(new_env(), company_id)
    assert send_all(new_env()) == 0, "the day is complete"
    assert_one_email_each(new_env(), company_id, customer_ids)


def test_connection_lost_while_planning(new_env, registry):
    """The planning worker's session is terminated after the actions were inserted; the next run completes."""
    company_id, customer_ids = make_book(new_env())
    with doomed_env(registry) as dying:
        with patch_after_insert_actions(dying, lambda: terminate_session(dying, new_env)), \
                pytest.raises(psycopg2.Error):
            plan_and_commit(dying, company_id)
    _assert_nothing_planned(new_env(), company_id)

    assert len(plan_and_commit(new_env(), company_id)) == CUSTOMERS
    assert send_all(new_env()) == CUSTOMERS
    assert_one_email_each(new_env(), company_id, customer_ids)


# ----------------------------------------------------------------------
# The SMTP server drops mid-queue, with the mail queue's own commits
# ----------------------------------------------------------------------

class FakeSMTP:
    """An SMTP server that drops the connection on the ``drop_at``-th email it is given."""

    from_filter = smtp_from = None

    def __init__(self, drop_at=None):
        self.drop_at = drop_at
        self.calls = 0
        self.delivered = []

    def send_message(self, message, smtp_from, smtp_to_list):
        self.calls += 1
        if self.calls == self.drop_at:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        self.delivered.extend(smtp_to_list)

    def quit(self):
        pass

    def set_debuglevel(self, level):
        pass

    def ehlo_or_helo_if_needed(self):
        pass

    def login(self, user, password):
        pass

    def starttls(self, *args, **kwargs):
        pass


def run_mail_queue(env, mail_ids, server):
    """A run of the mail queue's cron on ``mail_ids``: the queue commits after each email, the cron at the end."""
    with patch("smtplib.SMTP", side_effect=lambda *args, **kwargs: server), \
            contextlib.ExitStack() as stack:
        for logger in ("odoo.addons.mail.models.mail_mail", "odoo.addons.base.models.ir_mail_server"):
            stack.enter_context(_muted(logger))
        env["mail.mail"].process_email_queue(ids=mail_ids)
    env.cr.commit()


@contextlib.contextmanager
def _muted(name):
    logger = logging.getLogger(name)
    disabled = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = disabled


def test_smtp_drops_mid_queue(new_env):
    """The server drops on the 5th email of a run that commits after each email: four went, the fifth is
    retried after a delay, the rest goes at the next run; every customer gets one email."""
    company_id, customer_ids = make_book(new_env())
    plan_and_commit(new_env(), company_id)
    assert send_all(new_env()) == CUSTOMERS
    env = new_env()
    actions = env["ar.collection.action"].search([("company_id", "=", company_id)])
    mails = env["mail.mail"].search([("mail_message_id", "in", actions.sent_message_ids.ids)], order="id")
    assert len(mails) == CUSTOMERS
    emails = {partner.email_normalized: partner.id for partner in env["res.partner"].browse(customer_ids)}

    server = FakeSMTP(drop_at=5)
    run_mail_queue(new_env(), mails.ids, server)
    env = new_env()
    mails = mails.with_env(env)
    assert len(server.delivered) == 4
    assert mails[:4].mapped("state") == ["sent"] * 4
    dropped = mails[4]
    assert dropped.state == "outgoing", "back in the queue, not lost"
    assert dropped.scheduled_date > datetime.utcnow() + timedelta(minutes=50), "after a delay"
    assert set(mails[5:].mapped("state")) == {"outgoing"}
    assert not any(mail.scheduled_date for mail in mails[5:]), "never tried: not delayed"
    action = actions.with_env(env).filtered(lambda a: a.sent_message_ids == dropped.mail_message_id)
    assert (action.state, action.attempt_count) == ("done", 2)
    assert "not delivered" in action.failure_reason
    assert set((actions - action).with_env(env).mapped("attempt_count")) == {1}

    server_2 = FakeSMTP()
    run_mail_queue(new_env(), mails.ids, server_2)
    assert len(server_2.delivered) == CUSTOMERS - 5, "the rest went, the delayed email waits"
    later = new_env()  # an hour later
    dropped.with_env(later).scheduled_date = datetime.utcnow() - timedelta(seconds=1)
    later.cr.commit()
    server_3 = FakeSMTP()
    run_mail_queue(new_env(), mails.ids, server_3)
    assert len(server_3.delivered) == 1
    delivered = Counter(emails[email] for email in server.delivered + server_2.delivered + server_3.delivered)
    assert delivered == Counter(customer_ids), "every customer got one email"
    env = new_env()
    assert set(mails.with_env(env).mapped("state")) == {"sent"}
    assert set(actions.with_env(env).mapped("state")) == {"done"}
