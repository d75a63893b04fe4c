import json
import logging
from collections import defaultdict
from datetime import timedelta

import pytz
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL, format_amount

from ..engine import guardrails, planner, scoring

_logger = logging.getLogger(__name__)

ENGINE_LOCK = 74_517_000  # advisory lock namespace of the planning run, plus the company id


class ArCollectionEngine(models.AbstractModel):
    """Plans collection actions for every open invoice of a company.

    Inputs are read in a handful of grouped queries, decisions are taken by
    :mod:`..engine.planner` in plain Python and written back with one
    statement per page of rows. A run is idempotent: a decision has a key
    made of customer, step, invoices and outcome, and the step an invoice
    reached is stored in the same transaction as its action.
    """

    _name = "ar.collection.engine"
    _description = "Collections Engine"

    @api.model
    def _get_scorer(self, company):
        """The scorer ranking the candidate actions of ``company``'s customers; override to plug another one.

        It must provide ``score(candidates, customer_view)`` returning the
        candidates as :class:`..engine.scoring.Scored`, best first. It is built
        once per planning run: read what it needs in bulk here.
        """
        return scoring.RuleBasedScorer()

    @api.model
    def _plan(self, company, today=None, dry_run=False):
        """Decide and record the actions of ``company`` for ``today``; return the decisions.

        With ``dry_run`` nothing is written: the decisions show what would be done
        once the engine is switched on, even while it is off.
        """
        today = today or fields.Date.context_today(self.with_company(company))
        if not dry_run and not self._try_lock(company):
            _logger.info("Collections planning of %s already running: skipped", company.name)
            return []
        strategies = self._read_strategies(company)
        invoices, credits = self._read_open_documents(company)
        self._add_unapplied_cash(company, credits)
        customers = self._read_customers(company, list(invoices), strategies, today, credits)
        paused = company.collection_engine_paused and not dry_run
        decisions = planner.plan(today, strategies, customers, invoices, self._get_scorer(company),
                                 engine_paused=paused)
        if not dry_run and not self._record_plan(company, today, decisions, strategies, customers, invoices, paused):
            return []
        return decisions

    def _record_plan(self, company, today, decisions, strategies, customers, invoices, paused):
        """Write the decisions and escalations of a run; return whether they were written.

        A run whose transaction began before another worker committed the same
        company's plan reads a stale snapshot: its writes conflict with that
        plan. It then writes nothing and leaves the day to the other worker.
        """
        escalations = planner.threshold_escalations(today, strategies, customers, invoices, engine_paused=paused)
        try:
            with self.env.cr.savepoint():
                self._write_decisions(company, decisions, customers)
                self._escalate_over_thresholds(company, escalations)
                self.env.flush_all()
        except SerializationFailure:
            self.env.invalidate_all()
            _logger.info("Collections planning of %s: another worker planned it meanwhile; skipped", company.name)
            return False
        return True

    @api.model
    def _cron_run(self, batch_size=200):
        """Daily (and on events): plan every company, then send what is due, a batch per call.

        Planning is one idempotent pass; sending reports its progress so that
        Odoo's cron commits after each batch and calls again while work remains.
        """
        Action = self.env["ar.collection.action"]
        for company in self.env["res.company"].search([]):
            self.with_company(company)._plan(company)
        done = Action._execute_due(limit=batch_size)
        remaining = Action._count_due()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if done:
            self._trigger_outgoing_queues()
        elif remaining:
            # Another worker holds the due actions: look again in a minute.
            self._trigger_run(at=fields.Datetime.now() + timedelta(minutes=1))
        return done

    @api.model
    def _trigger_outgoing_queues(self):
        """Send the queued reminders now rather than at the next hourly run of the mail and SMS queues."""
        for xmlid in ("mail.ir_cron_mail_scheduler_action", "sms.ir_cron_sms_scheduler_action"):
            cron = self.env.ref(xmlid, raise_if_not_found=False)
            if cron and cron.sudo().active:
                cron._trigger()

    @api.model
    def _trigger_run(self, at=None):
        """Ask the engine's cron to run soon (after an event), without waiting for tomorrow."""
        self.env.ref("ar_collections.ir_cron_collection_engine")._trigger(at=at)

    def _try_lock(self, company):
        """Serialise planning runs of a company across workers, for this transaction."""
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", ENGINE_LOCK + company.id))
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------
    # Reading inputs in bulk
    # ------------------------------------------------------------------

    def _read_strategies(self, company):
        strategies = self.env["ar.collection.strategy"].search([("company_id", "=", company.id)])
        return {strategy.id: self._strategy_spec(strategy) for strategy in strategies}

    def _strategy_spec(self, strategy):
        steps = strategy.step_ids.sorted("offset_days")
        channel_steps = {}
        for step in steps:
            if step._has_template():
                channel_steps.setdefault(step.channel, step.id)
        return planner.Strategy(
            id=strategy.id,
            steps=tuple(planner.Step(step.id, step.offset_days, step.channel, step.needs_approval,
                                     step.escalate_to or None) for step in steps),
            limits=strategy._guardrail_limits(),
            consolidate=strategy.consolidate_per_customer,
            control_percent=strategy.control_group_percent,
            paused=strategy.paused,
            channel_steps=channel_steps,
            catch_up_by_age=strategy.catch_up_by_age,
            escalation=planner.Threshold(strategy.threshold_escalate_to, strategy.escalation_amount,
                                         strategy.escalation_days)
            if strategy.threshold_escalate_to and (strategy.escalation_amount or strategy.escalation_days) else None,
        )

    def _read_open_documents(self, company):
        """``({commercial partner id: [planner.Invoice]}, {commercial partner id: open credit notes})``.

        Credit notes (company currency) are netted from what a reminder asks for.
        """
        self.env["account.move"].flush_model()
        self.env["ar.collection.action"].flush_model(["state", "move_ids", "company_id"])
        self.env.cr.execute(SQL("""
            SELECT move.id, move.commercial_partner_id, move.move_type, move.invoice_date_due,
                   move.amount_residual_signed, move.collection_state, step.offset_days,
                   move.collection_next_action_date, pending.move_id IS NOT NULL
              FROM account_move move
         LEFT JOIN ar_collection_step step ON step.id = move.collection_step_id
         LEFT JOIN (SELECT DISTINCT rel.move_id
                      FROM ar_collection_action_account_move_rel rel
                      JOIN ar_collection_action action ON action.id = rel.action_id
                     WHERE action.company_id = %(company)s
                       AND action.state IN ('planned', 'to_approve')) pending ON pending.move_id = move.id
             WHERE move.company_id = %(company)s
               AND move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_receipt', 'out_refund')
               AND move.payment_state IN ('not_paid', 'partial')
               AND move.invoice_date_due IS NOT NULL
        """, company=company.id))
        invoices, credits = defaultdict(list), defaultdict(float)
        for move_id, partner_id, move_type, due, residual, state, offset, last_step, pending \
                in self.env.cr.fetchall():
            if move_type == "out_refund":
                credits[partner_id] -= float(residual)
            else:
                invoices[partner_id].append(planner.Invoice(move_id, partner_id, due, float(residual),
                                                            state or "normal", offset, last_step, pending))
        return invoices, credits

    def _add_unapplied_cash(self, company, credits):
        """Add to ``credits`` the money received but not matched yet (company currency), per customer.

        A payment registered without being matched with its invoices, and a bank
        statement line of the customer still waiting in the suspense account, are
        money the customer already paid: a reminder must not ask for it again.
        """
        self.env["account.move.line"].flush_model()
        self.env["account.bank.statement.line"].flush_model()
        self.env.cr.execute(SQL("""
            SELECT partner.commercial_partner_id, -SUM(line.amount_residual)
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              JOIN account_account account ON account.id = line.account_id
              JOIN res_partner partner ON partner.id = line.partner_id
             WHERE line.company_id = %(company)s
               AND line.parent_state = 'posted'
               AND account.account_type = 'asset_receivable'
               AND NOT line.reconciled
               AND line.amount_residual < 0
               AND move.move_type NOT IN ('out_refund', 'in_refund')
          GROUP BY partner.commercial_partner_id
         UNION ALL
            SELECT partner.commercial_partner_id, -SUM(suspense.balance)
              FROM account_bank_statement_line st_line
              JOIN account_move move ON move.id = st_line.move_id AND move.state = 'posted'
              JOIN account_journal journal ON journal.id = st_line.journal_id
              JOIN account_move_line suspense ON suspense.move_id = st_line.move_id
                                             AND suspense.account_id = journal.suspense_account_id
              JOIN res_partner partner ON partner.id = st_line.partner_id
             WHERE st_line.company_id = %(company)s
               AND NOT st_line.is_reconciled
               AND st_line.amount > 0
          GROUP BY partner.commercial_partner_id
        """, company=company.id))
        for partner_id, amount in self.env.cr.fetchall():
            if amount and amount > 0:
                credits[partner_id] += float(amount)

    def _read_customers(self, company, partner_ids, strategies, today, credits):
        if not partner_ids:
            return {}
        self.env["res.partner"].flush_model()
        self.env["mail.blacklist"].flush_model()
        key = str(company.id)
        self.env.cr.execute(SQL("""
            SELECT p.id, (p.collection_segment_id->>%(key)s)::int, COALESCE((p.collection_paused->>%(key)s)::bool, FALSE),
                   p.collection_preferred_channel, p.collection_no_email, p.collection_no_sms, p.collection_no_call,
                   p.collection_no_letter, recipient.email, p.phone_sanitized IS NOT NULL,
                   p.country_id, p.tz, COALESCE((p.collection_risk_score->>%(key)s)::int, 0),
                   recipient.message_bounce > 0 OR blacklist.id IS NOT NULL, p.collection_phone_invalid IS TRUE
              FROM res_partner p
         LEFT JOIN res_partner contact ON contact.id = p.collection_contact_id AND contact.email IS NOT NULL
              JOIN res_partner recipient ON recipient.id = COALESCE(contact.id, p.id)
         LEFT JOIN mail_blacklist blacklist ON blacklist.email = recipient.email_normalized AND blacklist.active
             WHERE p.id = ANY(%(ids)s)
        """, key=key, ids=partner_ids))
        rows = self.env.cr.fetchall()
        strategy_of_segment = self._strategy_of_segment(company)
        default_strategy = company.collection_strategy_id.id
        channels_of_country = self._allowed_channels_by_country(company)
        touches = self._read_touch_dates(company, today, strategies)
        now_utc = pytz.utc.localize(fields.Datetime.now())
        default_tz = company.partner_id.tz or "UTC"
        customers = {}
        for (pid, segment_id, paused, preferred, no_email, no_sms, no_call, no_letter, email, valid_phone,
             country_id, tz, risk, email_bounced, wrong_number) in rows:
            strategy_id = strategy_of_segment.get(segment_id) or default_strategy
            strategy = strategies.get(strategy_id)
            refused = {channel for channel, refused in (("email", no_email), ("sms", no_sms), ("call", no_call),
                                                         ("letter", no_letter)) if refused}
            customers[pid] = planner.Customer(
                id=pid,
                strategy_id=strategy_id,
                paused=paused,
                contact=guardrails.Contactability(
                    do_not_contact=frozenset(refused),
                    allowed_channels=channels_of_country.get(country_id, channels_of_country[None]),
                    has_email=bool(email),
                    # Checked with phonenumbers for the customer's country when the number was saved.
                    has_valid_mobile=valid_phone,
                    email_bounced=bool(email) and email_bounced,
                    wrong_number=wrong_number,
                ),
                touch_dates=tuple(touches.get(pid, ())),
                risk_score=risk,
                preferred_channel=preferred,
                local_now=self._local_now(now_utc, tz or default_tz),
                tz=tz if tz in pytz.all_timezones_set else default_tz,
                is_control=bool(strategy) and planner.in_control_group(pid, company.id, strategy.control_percent),
                open_credit=credits.get(pid, 0.0),
            )
        return customers

    def _strategy_of_segment(self, company):
        segments = self.env["ar.collection.segment"].search_read(
            [("company_id", "=", company.id)], ["strategy_id"])
        return {segment["id"]: segment["strategy_id"] and segment["strategy_id"][0] for segment in segments}

    def _allowed_channels_by_country(self, company):
        """``{country id: allowed channels}``; key ``None`` holds the company default."""
        Profile = self.env["ar.collection.compliance.profile"]
        profiles = Profile.search([("company_id", "in", (company.id, False)), ("country_id", "!=", False)],
                                  order="company_id")
        allowed = {None: frozenset(company.collection_compliance_profile_id.allowed_channels()
                                   if company.collection_compliance_profile_id else guardrails.TOUCH_CHANNELS)}
        for profile in profiles:
            allowed.setdefault(profile.country_id.id, frozenset(profile.allowed_channels()))
        return allowed

    def _read_touch_dates(self, company, today, strategies):
        """Dates of the contacts done or planned per customer, over the longest touch period."""
        period = max((strategy.limits.touch_period_days for strategy in strategies.values()), default=30)
        self.env["ar.collection.action"].flush_model()
        self.env.cr.execute(SQL("""
            SELECT partner_id, ARRAY_AGG(COALESCE(done_date, scheduled_date)::date)
              FROM ar_collection_action
             WHERE company_id = %s
               AND state IN ('planned', 'to_approve', 'done')
               AND COALESCE(done_date, scheduled_date) >= %s
          GROUP BY partner_id
        """, company.id, today - timedelta(days=period)))
        return dict(self.env.cr.fetchall())

    @staticmethod
    def _local_now(now_utc, tz_name):
        try:
            return now_utc.astimezone(pytz.timezone(tz_name)).replace(tzinfo=None)
        except pytz.UnknownTimeZoneError:
            return now_utc.replace(tzinfo=None)

    # ------------------------------------------------------------------
    # Writing decisions in bulk
    # ------------------------------------------------------------------

    def _write_decisions(self, company, decisions, customers):
        if not decisions:
            return
        collectors = self._read_collectors(company, {decision.partner_id for decision in decisions})
        inserted = self._insert_actions(company, decisions, customers, collectors)
        self._insert_action_moves(inserted)
        self._advance_invoices(inserted)
        self._insert_decision_events(company, inserted)
        self.env["ar.collection.action"].invalidate_model()
        self.env["account.move"].invalidate_model(["collection_step_id", "collection_next_action_date"])

    def _read_collectors(self, company, partner_ids):
        key = str(company.id)
        self.env.cr.execute(SQL(
            "SELECT id, (collection_user_id->>%s)::int FROM res_partner WHERE id = ANY(%s)", key, list(partner_ids)))
        default = company.collection_user_id.id or None
        return {pid: user_id or default for pid, user_id in self.env.cr.fetchall()}

    def _insert_actions(self, company, decisions, customers, collectors):
        """Insert the actions that do not exist yet; return ``[(action id, decision)]``."""
        now = fields.Datetime.now()
        by_key = {}
        for decision in decisions:
            by_key.setdefault(decision.dedup_key, decision)
        unique = list(by_key.values())
        self.env.cr.execute(SQL("""
            INSERT INTO ar_collection_action (
                dedup_key, partner_id, move_id, strategy_id, step_id, template_step_id, channel, state,
                scheduled_date, user_id, reason_codes, decision_inputs, score, blocked_by, is_control_group,
                amount_due, company_id, currency_id, create_uid, create_date, write_uid, write_date)
            SELECT new_rows.*, %(company)s, %(currency)s, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM %(columns)s AS new_rows
                ON CONFLICT (dedup_key) DO NOTHING
         RETURNING id, dedup_key
        """, company=company.id, currency=company.currency_id.id, uid=self.env.uid, now=now, columns=_unnest(
            ("varchar", by_key),
            ("int4", [decision.partner_id for decision in unique]),
            ("int4", [_single_move(decision) for decision in unique]),
            ("int4", [decision.strategy_id for decision in unique]),
            ("int4", [decision.step_id for decision in unique]),
            ("int4", [decision.template_step_id for decision in unique]),
            ("varchar", [decision.channel for decision in unique]),
            ("varchar", [decision.state for decision in unique]),
            ("timestamp", [self._to_utc(decision.scheduled_local, customers.get(decision.partner_id)) or now
                           for decision in unique]),
            ("int4", [collectors.get(decision.partner_id) for decision in unique]),
            ("varchar", [",".join(decision.reasons) for decision in unique]),
            ("jsonb", [self._json(decision.inputs) for decision in unique]),
            ("float8", [decision.score for decision in unique]),
            ("varchar", [decision.blocked_by for decision in unique]),
            ("bool", [decision.is_control for decision in unique]),
            ("numeric", [decision.amount for decision in unique]),
        )))
        return [(action_id, by_key[key]) for action_id, key in self.env.cr.fetchall()]

    @staticmethod
    def _json(values):
        return json.dumps(values, default=str)

    @staticmethod
    def _to_utc(local, customer):
        """A naive local time of the customer as a naive UTC datetime, as Odoo stores them."""
        if not local:
            return None
        tz = pytz.timezone(customer.tz) if customer and customer.tz else pytz.utc
        return tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None, microsecond=0)

    def _insert_action_moves(self, inserted):
        pairs = [(action_id, move_id) for action_id, decision in inserted for move_id in decision.move_ids]
        if pairs:
            self.env.cr.execute(SQL("""
                INSERT INTO ar_collection_action_account_move_rel (action_id, move_id)
                SELECT * FROM %s
                    ON CONFLICT DO NOTHING
            """, _unnest(("int4", [pair[0] for pair in pairs]), ("int4", [pair[1] for pair in pairs]))))

    def _advance_invoices(self, inserted):
        """Record the step each invoice reached, so that it is never taken twice."""
        rows = [(move_id, step_id, decision.scheduled_local.date() if decision.scheduled_local else None)
                for _action_id, decision in inserted if decision.state != "skipped"
                for move_id, step_id in decision.advances]
        if rows:
            move_ids, step_ids, next_dates = zip(*rows)
            self.env.cr.execute(SQL("""
                UPDATE account_move move
                   SET collection_step_id = reached.step_id, collection_next_action_date = reached.next_date
                  FROM %s AS reached(id, step_id, next_date)
                 WHERE move.id = reached.id
            """, _unnest(("int4", move_ids), ("int4", step_ids), ("date", next_dates))))

    def _insert_decision_events(self, company, inserted):
        if not inserted:
            return
        decisions = [decision for _action_id, decision in inserted]
        describe = self._event_describer()
        self.env.cr.execute(SQL("""
            INSERT INTO ar_collection_event (
                res_id, event_type, description, partner_id, move_id, reason, rule, payload, new_value,
                date, user_id, company_id, res_model, create_uid, create_date, write_uid, write_date)
            SELECT new_rows.*, %(now)s, %(uid)s, %(company)s, 'ar.collection.action', %(uid)s, %(now)s, %(uid)s,
                   %(now)s
              FROM %(columns)s AS new_rows
        """, now=fields.Datetime.now(), uid=self.env.uid, company=company.id, columns=_unnest(
            ("int4", [action_id for action_id, _decision in inserted]),
            ("varchar", ["blocked" if decision.blocked_by else "decision" for decision in decisions]),
            ("text", [describe(decision) for decision in decisions]),
            ("int4", [decision.partner_id for decision in decisions]),
            ("int4", [_single_move(decision) for decision in decisions]),
            ("varchar", [",".join(decision.reasons) for decision in decisions]),
            ("varchar", [decision.blocked_by or f"step:{decision.step_id}" for decision in decisions]),
            ("jsonb", [self._json(decision.inputs) for decision in decisions]),
            ("varchar", [decision.state for decision in decisions]),
        )))

    def _event_describer(self):
        """``describe(decision)``: the description of a decision's event, its wording translated once per run."""
        blocked = self.env._("Blocked by guardrail %s")
        planned = self.env._("Planned %(channel)s for %(count)s invoice(s)")

        def describe(decision):
            if decision.blocked_by:
                return blocked % decision.blocked_by
            return planned % {"channel": decision.channel, "count": len(decision.move_ids)}
        return describe

    def _escalate_over_thresholds(self, company, escalations):
        """Hand the accounts past their strategy's amount or age threshold to the next level."""
        if not escalations:
            return
        Escalation = self.env["ar.collection.escalation"]
        partners = self.env["res.partner"].browse([escalation.partner_id for escalation in escalations])
        moves = self.env["account.move"].browse([move_id for escalation in escalations
                                                 for move_id in escalation.move_ids])
        partners.fetch(["name", "commercial_partner_id"])
        moves.fetch(["name", "invoice_date_due", "amount_residual", "currency_id", "collection_hold_state"])
        for escalation, partner in zip(escalations, partners):
            Escalation._escalate_customer(
                company, partner, escalation.level, moves.browse(escalation.move_ids),
                reason=self._threshold_reason(company, escalation), payload={
                    "reasons": escalation.reasons, **escalation.inputs})

    def _threshold_reason(self, company, escalation):
        inputs = escalation.inputs
        amount = format_amount(self.env, inputs["overdue_amount"], company.currency_id)
        if "OVER_AMOUNT_THRESHOLD" in escalation.reasons:
            return self.env._("%(amount)s overdue, past the threshold of %(threshold)s.", amount=amount,
                              threshold=format_amount(self.env, inputs["threshold_amount"], company.currency_id))
        return self.env._("The oldest invoice is %(days)s days overdue, past the threshold of %(threshold)s days.",
                          days=inputs["days_overdue"], threshold=inputs["threshold_days"])


def _single_move(decision):
    """The invoice of a decision about one invoice, else ``None``."""
    return decision.move_ids[0] if len(decision.move_ids) == 1 else None


def _unnest(*columns):
    """``unnest(...)`` of one array per ``(PostgreSQL type, values)``: rows of a bulk write in one statement."""
    return SQL("unnest(%s)", SQL(", ").join(SQL(f"%s::{pg_type}[]", list(values)) for pg_type, values in columns))
