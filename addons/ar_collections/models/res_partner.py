import logging
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..engine import risk
from ..engine.dispute_detection import named_documents
from ..engine.planner import HOLD_STATES
from .ar_collection_step import CHANNELS

_logger = logging.getLogger(__name__)

# Behaviour figures stored per company (company-dependent), refreshed in bulk.
BEHAVIOUR_FIELDS = (
    "collection_avg_days_late",
    "collection_late_ratio",
    "collection_open_balance",
    "collection_overdue_amount",
    "collection_oldest_overdue_date",
    "collection_avg_invoice_amount",
    "collection_invoice_count",
    "collection_promise_kept_rate",
    "collection_risk_score",
    "collection_risk_reasons",
    "collection_figures_date",
)
# Assignments and pauses that only a collections manager may change.
MANAGER_FIELDS = frozenset({
    "collection_segment_override_id", "collection_user_id", "collection_manager_id", "collection_paused",
    "collection_credit_hold", "collection_credit_hold_exempt_until",
})
CREDIT_HOLD_DAYS_EXEMPT = 30
SQL_TYPES = {"float": "float8", "integer": "int4", "char": "text", "date": "date",
             "datetime": "timestamp", "many2one": "int4", "boolean": "bool"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Customer preferences (same in every company).
    collection_preferred_channel = fields.Selection(CHANNELS, string="Preferred Channel")
    collection_contact_id = fields.Many2one(
        "res.partner", string="Collections Contact",
        domain="[('commercial_partner_id', '=', commercial_partner_id), ('id', '!=', id)]",
        help="Person who receives reminders; the customer itself when empty.")
    collection_no_email = fields.Boolean(string="No Reminder Emails")
    collection_no_sms = fields.Boolean(string="No Reminder SMS")
    collection_no_call = fields.Boolean(string="No Collection Calls")
    collection_no_letter = fields.Boolean(string="No Reminder Letters")
    collection_phone_invalid = fields.Boolean(
        string="Wrong Phone Number", tracking=True,
        help="A collector called and reached the wrong person; fix the number before the next call.")

    # Per company.
    collection_segment_id = fields.Many2one(
        "ar.collection.segment", string="Collection Segment", company_dependent=True, readonly=True,
        help="Segment in force: the manual override if any, else the one the rules chose.")
    collection_segment_auto_id = fields.Many2one(
        "ar.collection.segment", string="Segment by Rules", company_dependent=True, readonly=True)
    collection_segment_override_id = fields.Many2one(
        "ar.collection.segment", string="Segment Override", company_dependent=True,
        domain="[('company_id', '=', current_company_id)]")
    collection_user_id = fields.Many2one(
        "res.users", string="Collector", company_dependent=True, domain=[("share", "=", False)])
    collection_manager_id = fields.Many2one(
        "res.users", string="Collections Manager", company_dependent=True, domain=[("share", "=", False)])
    collection_paused = fields.Boolean(
        string="Collections Paused", company_dependent=True, help="No automated collection action for this customer.")
    collection_avg_days_late = fields.Float(string="Avg. Days Late", company_dependent=True, readonly=True,
                                            digits=(16, 1))
    collection_late_ratio = fields.Float(string="Paid Late", company_dependent=True, readonly=True,
                                         help="Share of invoices paid after their due date.")
    collection_open_balance = fields.Float(string="Open Balance", company_dependent=True, readonly=True,
                                           digits="Account")
    collection_overdue_amount = fields.Float(string="Overdue Amount", company_dependent=True, readonly=True,
                                             digits="Account")
    collection_oldest_overdue_date = fields.Date(string="Oldest Overdue Since", company_dependent=True,
                                                 readonly=True)
    collection_oldest_overdue_days = fields.Integer(string="Oldest Overdue (days)",
                                                    compute="_compute_collection_oldest_overdue_days")
    collection_avg_invoice_amount = fields.Float(string="Avg. Invoice Amount", company_dependent=True,
                                                 readonly=True, digits="Account")
    collection_invoice_count = fields.Integer(string="Invoices (look-back)", company_dependent=True, readonly=True)
    collection_promise_kept_rate = fields.Float(
        string="Promises Kept", company_dependent=True, readonly=True,
        help="Share of the promises to pay settled in the look-back period that were kept; a partly kept promise "
             "counts half. Zero when no promise was settled.")
    collection_risk_score = fields.Integer(string="Risk Score", company_dependent=True, readonly=True)
    collection_risk_reasons = fields.Char(string="Risk Reasons", company_dependent=True, readonly=True)
    collection_figures_date = fields.Datetime(string="Figures Updated", company_dependent=True, readonly=True)
    collection_currency_id = fields.Many2one("res.currency", compute="_compute_collection_currency_id")

    collection_contact_problems = fields.Char(
        compute="_compute_collection_contact_problems",
        help="What stops reminders from reaching the customer on some channel: fix it and the engine uses the "
        "channel again.")
    collection_credit_hold = fields.Boolean(
        string="Credit Hold", company_dependent=True, tracking=True,
        help="No new invoice is posted for this customer (nor sales order confirmed) until a collections manager "
        "releases the hold.")
    collection_credit_hold_reason = fields.Char(string="Credit Hold Reason", company_dependent=True, readonly=True)
    collection_credit_hold_exempt_until = fields.Date(
        string="Hold Released Until", company_dependent=True, readonly=True,
        help="A manager released the hold: the rules do not put the customer back on hold before this date.")
    collection_dispute_ids = fields.One2many("ar.dispute", "partner_id", string="Disputes")
    collection_promise_ids = fields.One2many("ar.promise", "partner_id", string="Promises to Pay")
    collection_action_ids = fields.One2many("ar.collection.action", "partner_id", string="Collection Actions")
    collection_agenda_line_ids = fields.One2many("ar.collection.agenda.line", "partner_id", string="Agenda Lines")
    collection_dispute_count = fields.Integer(compute="_compute_collection_counts")
    collection_promise_count = fields.Integer(compute="_compute_collection_counts")
    collection_action_count = fields.Integer(compute="_compute_collection_counts")
    collection_event_count = fields.Integer(compute="_compute_collection_counts")

    @api.depends_context("company")
    def _compute_collection_currency_id(self):
        self.collection_currency_id = self.env.company.currency_id

    @api.depends("collection_oldest_overdue_date")
    @api.depends_context("company")
    def _compute_collection_oldest_overdue_days(self):
        today = fields.Date.context_today(self)
        for partner in self:
            since = partner.collection_oldest_overdue_date
            partner.collection_oldest_overdue_days = (today - since).days if since else 0

    @api.depends("email", "message_bounce", "phone", "mobile", "phone_sanitized", "collection_phone_invalid",
                 "collection_contact_id.email", "collection_contact_id.message_bounce")
    def _compute_collection_contact_problems(self):
        for partner in self:
            partner.collection_contact_problems = ", ".join(partner._collection_contact_problem_labels())

    def _collection_contact_problem_labels(self):
        """What the engine found wrong with the customer's contact details, in words."""
        self.ensure_one()
        recipient = self.collection_contact_id if self.collection_contact_id.email else self
        problems = []
        if not recipient.email:
            problems.append(self.env._("no email address"))
        elif recipient.message_bounce or recipient.is_blacklisted:
            problems.append(self.env._("emails to %s bounce", recipient.email))
        if self.collection_phone_invalid:
            problems.append(self.env._("the phone number reaches the wrong person"))
        elif (self.mobile or self.phone) and not self.phone_sanitized:
            problems.append(self.env._("the phone number %s is not a valid number for the customer's country",
                                       self.mobile or self.phone))
        return problems

    @api.depends_context("company")
    def _compute_collection_counts(self):
        domain = [("partner_id", "in", self.ids), ("company_id", "in", self.env.companies.ids)]
        counts = {}
        for model, field in (("ar.dispute", "collection_dispute_count"), ("ar.promise", "collection_promise_count"),
                             ("ar.collection.action", "collection_action_count"),
                             ("ar.collection.event", "collection_event_count")):
            counts[field] = dict(self.env[model]._read_group(domain, ["partner_id"], ["__count"]))
        for partner in self:
            for field, by_partner in counts.items():
                partner[field] = by_partner.get(partner._origin, 0)

    def write(self, vals):
        managed = MANAGER_FIELDS & set(vals)
        if managed and not self.env.su and not self.env.user.has_group("ar_collections.group_ar_collections_manager"):
            raise AccessError(self.env._(
                "Only a collections manager can change %s.",
                ", ".join(self._fields[name].string for name in sorted(managed))))
        self._collection_clear_contact_problems(vals)
        result = super().write(vals)
        if "collection_segment_override_id" in vals:
            self._collection_apply_override()
        tracked = {"collection_user_id", "collection_manager_id", "collection_paused"} & set(vals)
        if tracked:
            self._collection_log_assignment(tracked)
        return result

    def _collection_clear_contact_problems(self, vals):
        """A new address has not bounced and a new number is worth calling: the engine may use them again."""
        if vals.get("email") and "message_bounce" not in vals:
            changed = self.filtered(lambda partner: partner.message_bounce and partner.email != vals["email"])
            if changed:
                super(ResPartner, changed).write({"message_bounce": 0})
        if "collection_phone_invalid" not in vals and (vals.get("phone") or vals.get("mobile")):
            changed = self.filtered(lambda partner: partner.collection_phone_invalid and any(
                vals.get(name) and vals[name] != partner[name] for name in ("phone", "mobile")))
            if changed:
                super(ResPartner, changed).write({"collection_phone_invalid": False})

    def _collection_apply_override(self):
        events = []
        for partner in self:
            new_segment = partner.collection_segment_override_id or partner.collection_segment_auto_id
            old_segment = partner.collection_segment_id
            if new_segment == old_segment:
                continue
            partner.sudo().collection_segment_id = new_segment
            events.append(partner._collection_event_values(
                "override", self.env._("Segment overridden"), old_segment.display_name, new_segment.display_name))
        self.env["ar.collection.event"]._record(events)

    def _collection_log_assignment(self, field_names):
        events = [
            partner._collection_event_values(
                "assignment", self._fields[name].string, None, partner[name].display_name
                if self._fields[name].type == "many2one" else str(partner[name]))
            for partner in self for name in sorted(field_names)
        ]
        self.env["ar.collection.event"]._record(events)

    def _collection_event_values(self, event_type, description, old_value, new_value):
        return {
            "event_type": event_type,
            "description": description,
            "company_id": self.env.company.id,
            "partner_id": self.id,
            "res_model": self._name,
            "res_id": self.id,
            "record_name": self.display_name,
            "old_value": old_value,
            "new_value": new_value,
            "reason": self.env.context.get("ar_collection_reason"),
        }

    # ------------------------------------------------------------------
    # Behaviour figures, computed in bulk from the payment history
    # ------------------------------------------------------------------

    def _collection_refresh_behaviour(self, company, partners=None):
        """Recompute and store the behaviour figures of ``company``'s customers.

        Reads the whole payment history in a few grouped queries and returns
        the facts per commercial partner, as the segment rules consume them.
        """
        today = fields.Date.context_today(self.with_company(company))
        since = today - timedelta(days=company.collection_lookback_days or 365)
        facts = self._collection_read_facts(company, today, since, partners)
        now = fields.Datetime.now()
        rows = []
        for partner_id, partner_facts in facts.items():
            oldest = partner_facts["oldest_overdue_date"]
            score, reasons = risk.score(risk.RiskInputs(
                avg_days_late=partner_facts["avg_days_late"],
                late_ratio=partner_facts["late_ratio"],
                oldest_overdue_days=(today - oldest).days if oldest else 0,
                open_balance=partner_facts["open_balance"],
                credit_limit=partner_facts["credit_limit"],
                broken_promises=partner_facts["broken_promises"],
            ))
            partner_facts["risk_score"] = score
            rows.append((
                partner_id, partner_facts["avg_days_late"], partner_facts["late_ratio"],
                partner_facts["open_balance"], partner_facts["overdue_amount"], oldest,
                partner_facts["avg_invoice_amount"], partner_facts["invoice_count"],
                partner_facts["promise_kept_rate"], score,
                risk.format_reasons(reasons), now,
            ))
        self._collection_write_company_values(company, BEHAVIOUR_FIELDS, rows)
        return facts

    def _collection_read_facts(self, company, today, since, partners=None):
        partner_filter = SQL("AND aml.partner_id IN %s", tuple(partners.ids)) if partners else SQL()
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env["ar.promise"].flush_model()
        history = self._collection_query_payment_history(company, since, partner_filter)
        position = self._collection_query_open_position(company, today, partner_filter)
        volume = self._collection_query_invoice_volume(company, since, partner_filter)
        promises = self._collection_query_promise_outcomes(company, since, partners)
        partner_ids = set(history) | set(position) | set(volume) | set(promises)
        if partners:
            partner_ids |= set(partners.ids)
        else:
            partner_ids |= set(self._collection_partners_with_figures(company))
        attributes = self._collection_read_attributes(company, partner_ids)
        facts = {}
        for partner_id in partner_ids:
            paid_count, late_count, avg_days_late = history.get(partner_id, (0, 0, 0.0))
            open_balance, overdue, oldest = position.get(partner_id, (0.0, 0.0, None))
            invoice_count, avg_amount = volume.get(partner_id, (0, 0.0))
            country_id, tag_ids, credit_limit = attributes.get(partner_id, (None, (), 0.0))
            broken_count, kept_rate = promises.get(partner_id, (0, 0.0))
            facts[partner_id] = {
                "avg_days_late": avg_days_late,
                "late_ratio": late_count / paid_count if paid_count else 0.0,
                "open_balance": open_balance,
                "overdue_amount": overdue,
                "oldest_overdue_date": oldest,
                "avg_invoice_amount": avg_amount,
                "invoice_count": invoice_count,
                "broken_promises": broken_count,
                "promise_kept_rate": kept_rate,
                "country_id": country_id,
                "tag_ids": tag_ids,
                "credit_limit": credit_limit,
            }
        return facts

    def _collection_query_payment_history(self, company, since, partner_filter):
        """Per customer: paid instalments, those paid late, average days late."""
        self.env.cr.execute(SQL("""
            WITH paid AS (
                SELECT aml.partner_id, aml.date_maturity, MAX(apr.max_date) AS paid_date
                  FROM account_move_line aml
                  JOIN account_move move ON move.id = aml.move_id
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                 WHERE aml.company_id = %(company)s
                   AND account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.reconciled
                   AND move.move_type IN ('out_invoice', 'out_receipt')
                   AND aml.date_maturity >= %(since)s
                   %(partner_filter)s
              GROUP BY aml.id
            )
            SELECT partner_id,
                   COUNT(*),
                   COUNT(*) FILTER (WHERE paid_date > date_maturity),
                   AVG(GREATEST(paid_date - date_maturity, 0))
              FROM paid
          GROUP BY partner_id
        """, company=company.id, since=since, partner_filter=partner_filter))
        return {pid: (paid, late, float(avg or 0.0)) for pid, paid, late, avg in self.env.cr.fetchall()}

    def _collection_query_open_position(self, company, today, partner_filter):
        """Per customer: open balance, overdue invoice amount, oldest overdue due date (company currency)."""
        self.env.cr.execute(SQL("""
            SELECT aml.partner_id,
                   SUM(aml.amount_residual),
                   COALESCE(SUM(aml.amount_residual) FILTER (WHERE %(overdue)s), 0),
                   MIN(aml.date_maturity) FILTER (WHERE %(overdue)s)
              FROM account_move_line aml
              JOIN account_move move ON move.id = aml.move_id
              JOIN account_account account ON account.id = aml.account_id
             WHERE aml.company_id = %(company)s
               AND account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND NOT aml.reconciled
               %(partner_filter)s
          GROUP BY aml.partner_id
        """, company=company.id, partner_filter=partner_filter, overdue=SQL(
            "aml.date_maturity < %s AND aml.amount_residual > 0 AND move.move_type IN ('out_invoice', 'out_receipt')",
            today)))
        return {pid: (float(balance or 0.0), float(overdue), oldest)
                for pid, balance, overdue, oldest in self.env.cr.fetchall()}

    def _collection_query_invoice_volume(self, company, since, partner_filter):
        """Per customer: invoices in the look-back period and their average amount (company currency)."""
        self.env.cr.execute(SQL("""
            SELECT aml.partner_id, COUNT(DISTINCT aml.move_id), SUM(aml.balance) / COUNT(DISTINCT aml.move_id)
              FROM account_move_line aml
              JOIN account_move move ON move.id = aml.move_id
              JOIN account_account account ON account.id = aml.account_id
             WHERE aml.company_id = %(company)s
               AND account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_receipt')
               AND move.invoice_date >= %(since)s
               %(partner_filter)s
          GROUP BY aml.partner_id
        """, company=company.id, since=since, partner_filter=partner_filter))
        return {pid: (count, float(avg or 0.0)) for pid, count, avg in self.env.cr.fetchall()}

    def _collection_query_promise_outcomes(self, company, since, partners):
        """Per customer: broken promises and kept rate of the promises settled in the look-back period."""
        domain = [("company_id", "=", company.id), ("promise_date", ">=", since)]
        if partners:
            domain.append(("partner_id", "in", partners.ids))
        groups = self.env["ar.promise.report"].sudo()._read_group(
            domain, ["partner_id"], ["broken_count:sum", "kept_score:avg"])
        return {partner.id: (broken, kept_rate or 0.0) for partner, broken, kept_rate in groups}

    def _collection_partners_with_figures(self, company):
        """Customers holding figures in ``company``, so that stale figures get reset."""
        self.env.cr.execute(SQL(
            "SELECT id FROM res_partner WHERE collection_figures_date ? %s", str(company.id)))
        return [pid for (pid,) in self.env.cr.fetchall()]

    def _collection_read_attributes(self, company, partner_ids):
        if not partner_ids:
            return {}
        self.env.cr.execute(SQL("""
            SELECT p.id, p.country_id, ARRAY_REMOVE(ARRAY_AGG(rel.category_id), NULL),
                   COALESCE((p.credit_limit->>%(company)s)::float8, 0)
              FROM res_partner p
         LEFT JOIN res_partner_res_partner_category_rel rel ON rel.partner_id = p.id
             WHERE p.id IN %(ids)s
          GROUP BY p.id
        """, company=str(company.id), ids=tuple(partner_ids)))
        return {pid: (country, frozenset(tags), float(limit)) for pid, country, tags, limit in self.env.cr.fetchall()}

    def _collection_write_segments(self, company, automatic):
        """Store the segments chosen by the rules; an override keeps precedence."""
        self.flush_model(["collection_segment_override_id"])
        self.env.cr.execute(SQL(
            "SELECT id, (collection_segment_override_id->>%s)::int FROM res_partner WHERE id IN %s",
            str(company.id), tuple(automatic) or (0,)))
        overrides = dict(self.env.cr.fetchall())
        rows = [(pid, segment_id, overrides.get(pid) or segment_id) for pid, segment_id in automatic.items()]
        self._collection_write_company_values(
            company, ("collection_segment_auto_id", "collection_segment_id"), rows)

    def _collection_write_company_values(self, company, field_names, rows):
        """Write company-dependent values of many partners in one statement per page.

        ``rows`` are tuples ``(partner_id, value_of_field_1, ...)``.
        """
        if not rows:
            return
        self.flush_model(field_names)
        key = int(company.id)
        assignments = ", ".join(
            f"{name} = COALESCE(p.{name}, '{{}}'::jsonb) || jsonb_build_object('{key}', v.{name})"
            for name in field_names)
        query = (f"UPDATE res_partner p SET {assignments} "
                 f"FROM (VALUES %s) AS v(id, {', '.join(field_names)}) WHERE p.id = v.id")
        template = "(%s::int, " + ", ".join(
            f"%s::{SQL_TYPES[self._fields[name].type]}" for name in field_names) + ")"
        self.env.cr.execute_values(query, rows, template=template, page_size=1000)
        self.invalidate_model(field_names)

    def action_collection_refresh(self):
        for company in self.env.companies:
            self.env["ar.collection.segment"].with_company(company)._assign_partners(
                company, self.commercial_partner_id)
        return True

    def action_collection_log_call(self):
        self.ensure_one()
        return self._collection_open_wizard("ar.collection.call.log", self.env._("Log a Call"))

    def action_collection_override(self):
        self.ensure_one()
        return self._collection_open_wizard("ar.collection.override", self.env._("Manager Override"))

    def _collection_open_wizard(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def _collection_open_related(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_view_collection_disputes(self):
        return self._collection_open_related("ar.dispute", self.env._("Disputes"))

    def action_view_collection_promises(self):
        return self._collection_open_related("ar.promise", self.env._("Promises to Pay"))

    def action_view_collection_actions(self):
        return self._collection_open_related("ar.collection.action", self.env._("Collection Actions"))

    def action_view_collection_events(self):
        return self._collection_open_related("ar.collection.event", self.env._("Audit Trail"))

    # ------------------------------------------------------------------
    # Credit hold
    # ------------------------------------------------------------------

    def _collection_put_on_credit_hold(self, company, reason, rule):
        """Put the customers on credit hold in ``company`` (unless a manager released them lately), audited."""
        today = fields.Date.context_today(self)
        customers = self.commercial_partner_id.with_company(company).sudo()
        to_hold = customers.filtered(lambda partner: not partner.collection_credit_hold and not (
            partner.collection_credit_hold_exempt_until and partner.collection_credit_hold_exempt_until >= today))
        if not to_hold:
            return to_hold
        to_hold.write({"collection_credit_hold": True, "collection_credit_hold_reason": reason})
        self.env["ar.collection.event"]._record([{
            "event_type": "state_change", "description": self.env._("Put on credit hold"), "company_id": company.id,
            "res_model": "res.partner", "res_id": partner.id, "record_name": partner.display_name,
            "partner_id": partner.id, "new_value": "credit_hold", "reason": reason, "rule": rule,
        } for partner in to_hold])
        return to_hold

    def _collection_check_credit_hold(self, company, document):
        """Refuse ``document`` (an invoice or an order being confirmed) while the customer is on credit hold."""
        customer = self.commercial_partner_id.with_company(company).sudo()
        if customer.collection_credit_hold:
            raise UserError(self.env._(
                "%(customer)s is on credit hold (%(reason)s): a collections manager must release the hold, "
                "with a reason, before %(document)s goes ahead.",
                customer=customer.display_name, reason=customer.collection_credit_hold_reason or "-",
                document=document.display_name))

    def _collection_release_credit_hold(self, reason):
        """A collections manager releases the credit hold, with a reason, for CREDIT_HOLD_DAYS_EXEMPT days."""
        if not self.env.su and not self.env.user.has_group("ar_collections.group_ar_collections_manager"):
            raise AccessError(self.env._("Only a collections manager can release a credit hold."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the credit hold is released."))
        company = self.env.company
        held = self.filtered("collection_credit_hold")
        until = fields.Date.context_today(self) + timedelta(days=CREDIT_HOLD_DAYS_EXEMPT)
        held.sudo().write({"collection_credit_hold": False, "collection_credit_hold_reason": False,
                           "collection_credit_hold_exempt_until": until})
        self.env["ar.collection.event"]._record([{
            "event_type": "override", "description": self.env._("Credit hold released"), "company_id": company.id,
            "res_model": "res.partner", "res_id": partner.id, "record_name": partner.display_name,
            "partner_id": partner.id, "old_value": "credit_hold", "new_value": "released", "reason": reason,
            "rule": "credit_hold_release",
        } for partner in held])
        return held

    @api.model
    def _cron_collection_credit_holds(self):
        """Every company: customers over their credit limit or above the risk threshold go on credit hold."""
        for company in self.env["res.company"].search([]):
            self.with_company(company)._collection_hold_by_rules(company)

    def _collection_hold_by_rules(self, company):
        limit = company.collection_hold_risk_score
        partners = self.sudo().with_company(company).search([
            ("parent_id", "=", False), ("collection_open_balance", ">", 0)])
        over_limit = partners.filtered(lambda partner: company.collection_hold_over_credit_limit
                                       and partner.use_partner_credit_limit and partner.credit_limit
                                       and partner.collection_open_balance > partner.credit_limit)
        risky = partners.filtered(lambda partner: limit and partner.collection_risk_score >= limit) - over_limit
        over_limit._collection_put_on_credit_hold(company, self.env._("Over its credit limit"), "over_credit_limit")
        risky._collection_put_on_credit_hold(company, self.env._("Risk score of %s or more", limit), "risk_score")

    # ------------------------------------------------------------------
    # Disputes from the customer's email replies
    # ------------------------------------------------------------------

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if len(self) == 1 and message.message_type == "email" and not self.parent_id:
            customer = self.sudo()
            customer._collection_detect_dispute(message, customer._collection_invoices_replied_to(message))
        return result

    def _collection_invoices_replied_to(self, message):
        """The invoices of the reminder the customer answers, else the customer's overdue invoices."""
        self.ensure_one()
        if message.parent_id:
            action = self.env["ar.collection.action"].sudo().search(
                [("sent_message_ids", "in", message.parent_id.ids)], limit=1)
            if action.move_ids:
                return action.move_ids
        return self._collection_open_invoices().filtered(
            lambda move: move.invoice_date_due and move.invoice_date_due < fields.Date.context_today(self))

    def _collection_open_invoices(self):
        """The customer's invoices still to collect, in every company."""
        return self.env["account.move"].sudo().search([
            ("commercial_partner_id", "=", self.commercial_partner_id.id), ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_receipt")),
            ("payment_state", "in", ("not_paid", "partial", "in_payment"))], order="invoice_date_due, id")

    def _collection_detect_dispute(self, message, invoices):
        """Open a dispute when the customer's ``message`` says an invoice is wrong; return it.

        The dispute covers the customer's invoices that the message names by
        number, else ``invoices`` (those of the message it answers), pauses
        their dunning and tells their owner. Messages of employees are ignored.
        """
        self.ensure_one()
        author = message.author_id
        if author and author.user_ids.filtered(lambda user: not user.share):
            return None
        customer = self.commercial_partner_id
        open_invoices = customer._collection_open_invoices()
        names = named_documents(message.body or "", open_invoices.mapped("name"))
        disputed = (open_invoices.filtered(lambda move: move.name in names) or invoices)._collection_disputable()
        if not disputed:
            return None
        company = disputed.company_id[:1]
        disputed = disputed.filtered(lambda move: move.company_id == company)
        score, phrases = self.env["ar.dispute.phrase"]._detect(message.body or "", lang=author.lang or customer.lang)
        if not phrases or score < (company.collection_dispute_threshold or 1.0):
            return None
        _logger.info("Email %s of %s reads as a dispute of %s (score %s)", message.id, customer.display_name,
                     ", ".join(disputed.mapped("name")), score)
        return self.env["ar.dispute"]._open_from_email(disputed, message, score, phrases)

    # ------------------------------------------------------------------
    # Helpers for reminders, letters and statements
    # ------------------------------------------------------------------

    def _collection_open_documents_domain(self):
        return [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", self.env.company.id),
            ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund", "out_receipt")),
            ("payment_state", "in", ("not_paid", "partial")),
        ]

    def _collection_open_documents(self):
        """Open invoices and credit notes of the customer in the current company."""
        self.ensure_one()
        return self.env["account.move"].search(self._collection_open_documents_domain(),
                                               order="invoice_date_due, id")

    def _collection_overdue_invoices(self):
        """Overdue invoices that are still dunned: not disputed, promised, paused, with legal or written off."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        return self._collection_open_documents().filtered(
            lambda move: move.move_type != "out_refund" and move.invoice_date_due and move.invoice_date_due < today
            and move.collection_state not in HOLD_STATES)

    def _collection_reminder_history(self):
        """``"all"``, ``"some"`` or ``"none"``: how many of the overdue invoices were already reminded.

        A reminder may only speak of "our previous reminders" when there were some.
        """
        overdue = self._collection_overdue_invoices()
        reminded = overdue._collection_reminded()
        if not reminded:
            return "none"
        return "all" if reminded == overdue else "some"

    def _collection_overdue_totals(self):
        """``[(currency, amount)]``: overdue invoices per currency, open credit notes and money received but not
        matched yet netted."""
        self.ensure_one()
        overdue = self._collection_overdue_invoices()
        credits = self._collection_open_documents().filtered(lambda move: move.move_type == "out_refund")
        totals = {}
        for move in overdue:
            totals[move.currency_id] = totals.get(move.currency_id, 0.0) + move.amount_residual
        for move in credits.filtered(lambda m: m.currency_id in totals):
            totals[move.currency_id] -= move.amount_residual
        for currency, amount in self._collection_unapplied_totals():
            if currency in totals:
                totals[currency] -= amount
        return [(currency, amount) for currency, amount in totals.items() if currency.compare_amounts(amount, 0) > 0]

    def _collection_unapplied_totals(self):
        """``[(currency, amount)]``: payments and bank receipts of the customer in the current company that are
        not matched with its invoices yet."""
        self.ensure_one()
        customer = self.commercial_partner_id
        company = self.env.company
        totals = {}
        lines = self.env["account.move.line"].sudo().search([
            ("partner_id", "child_of", customer.id), ("company_id", "=", company.id), ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"), ("reconciled", "=", False), ("amount_residual", "<", 0),
            ("move_id.move_type", "not in", ("out_refund", "in_refund"))])
        for line in lines:
            totals[line.currency_id] = totals.get(line.currency_id, 0.0) - line.amount_residual_currency
        receipts = self.env["account.bank.statement.line"].sudo().search([
            ("partner_id", "child_of", customer.id), ("company_id", "=", company.id), ("is_reconciled", "=", False),
            ("amount", ">", 0), ("state", "=", "posted")])
        for receipt in receipts:
            currency = receipt.foreign_currency_id or receipt.currency_id
            totals[currency] = totals.get(currency, 0.0) - receipt.amount_residual
        return [(currency, amount) for currency, amount in totals.items() if currency.compare_amounts(amount, 0) > 0]

    def _collection_compliance_wording(self, company):
        """Mandatory wording and statutory statements of the customer's compliance profile, as HTML."""
        self.ensure_one()
        profile = self.env["ar.collection.compliance.profile"].sudo()._for_partner(self, company)
        if not profile:
            return ""
        parts = [str(profile.mandatory_wording or "")]
        parts += [f"<p>{escape(text)}</p>" for text in (profile.fee_statement, profile.interest_statement) if text]
        return Markup("".join(parts))
