import logging
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import LazyTranslate

from ..engine.ranking import REASONS, rank

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

REASON_LABELS = {
    "call_planned": _lt("Call planned by the engine"),
    "promise_broken": _lt("Broken promise"),
    "promise_due": _lt("Promise due"),
    "dispute_sla": _lt("Dispute SLA breached"),
    "high_risk_no_contact": _lt("High risk, no recent contact"),
}
NEXT_ACTIONS = [
    ("call", "Call the customer"),
    ("check_promise", "Check the promised payment"),
    ("dispute_follow_up", "Follow up the dispute"),
]
# Ranking of a company whose manager defined no rule yet.
DEFAULT_RULES = [("promise_due", 4.0, None), ("dispute_sla", 3.0, None), ("amount", 3.0, None),
                 ("aging", 2.0, None), ("risk", 2.0, None), ("last_contact", 1.0, None)]
LINE_STATES = [("todo", "To Do"), ("done", "Done"), ("cancelled", "Cancelled")]
CALL_OUTCOMES = [
    ("reached", "Reached"),
    ("voicemail", "Voicemail"),
    ("wrong_number", "Wrong Number"),
    ("promise", "Promise to Pay"),
    ("dispute", "Dispute"),
    ("paid", "Says Paid"),
    ("call_back", "Call Back"),
]


class ArCollectionAgendaLine(models.Model):
    """One customer to work on, on one collector's agenda, for one day."""

    _name = "ar.collection.agenda.line"
    _description = "Collector Agenda Line"
    _order = "date desc, state, rank, score desc, id"
    _check_company_auto = True
    _rec_name = "partner_id"

    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Collector", index=True, domain=[("share", "=", False)])
    user_locked = fields.Boolean(help="Reassigned by hand: the morning build keeps the collector.")
    state = fields.Selection(LINE_STATES, default="todo", required=True, index=True)
    rank = fields.Integer(help="Position on the collector's agenda of the day, 1 first.")
    score = fields.Float(digits=(16, 4), help="Weighted sum of the ranking rules.")
    priority = fields.Float(
        help="The ranking score as a share of the highest possible one: 100% when every ranking rule "
        "counts in full for this customer.")
    reason_codes = fields.Char(help="Why the customer is on the agenda.")
    reason_labels = fields.Char(string="Reasons", compute="_compute_reason_labels")
    next_action = fields.Selection(NEXT_ACTIONS, string="Recommended Action")
    move_ids = fields.Many2many("account.move", "ar_collection_agenda_line_move_rel", "line_id", "move_id",
                                string="Invoices", check_company=True)
    action_ids = fields.Many2many("ar.collection.action", "ar_collection_agenda_line_action_rel", "line_id",
                                  "action_id", string="Planned Actions", check_company=True)
    promise_ids = fields.Many2many("ar.promise", "ar_collection_agenda_line_promise_rel", "line_id", "promise_id",
                                   string="Promises", check_company=True)
    dispute_ids = fields.Many2many("ar.dispute", "ar_collection_agenda_line_dispute_rel", "line_id", "dispute_id",
                                   string="Disputes", check_company=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_overdue = fields.Monetary(currency_field="currency_id")
    days_overdue = fields.Integer(string="Days Overdue")
    risk_score = fields.Integer()
    segment_id = fields.Many2one("ar.collection.segment", string="Segment")
    last_contact_date = fields.Datetime(string="Last Contact")
    postponed = fields.Boolean(readonly=True)
    call_outcome = fields.Selection(CALL_OUTCOMES, readonly=True)
    phone = fields.Char(related="partner_id.phone")

    _sql_constraints = [
        ("partner_date_uniq", "unique(company_id, partner_id, date)",
         "A customer is on one agenda only on a given day."),
    ]

    @api.depends("reason_codes")
    def _compute_reason_labels(self):
        for line in self:
            codes = (line.reason_codes or "").split(",")
            line.reason_labels = ", ".join(self.env._(REASON_LABELS[code]) for code in codes if code in REASON_LABELS)

    # ------------------------------------------------------------------
    # Building the agenda (cron and on demand)
    # ------------------------------------------------------------------

    @api.model
    def _cron_build_agendas(self):
        for company in self.env["res.company"].search([]):
            self._build_agenda(company)

    @api.model
    def _trigger_agenda_build(self, delay_minutes=2):
        """Build today's agendas soon, after the engine's run, rather than at tomorrow morning's run."""
        self.env.ref("ar_collections.ir_cron_collection_agenda")._trigger(
            at=fields.Datetime.now() + timedelta(minutes=delay_minutes))

    @api.model
    def _action_open_for_current_user(self):
        """The agenda of today: a collector's own, every collector's for a manager."""
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_collections.ar_collection_agenda_line_action")
        if self.env.user.has_group("ar_collections.group_ar_collections_manager"):
            action["name"] = self.env._("Team Agenda")
            action["context"] = {"search_default_today": 1, "search_default_group_user": 1}
        return action

    @api.model
    def action_refresh_my_agenda(self):
        """Rebuild today's agendas of the current companies and show mine."""
        for company in self.env.companies:
            self._build_agenda(company)
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_collections.ar_collection_agenda_line_action")
        return action

    @api.model
    def _build_agenda(self, company, today=None):
        """Build (or refresh) ``company``'s agendas of ``today``; return the lines to do.

        The inputs are read in bulk; the ranking runs in plain Python
        (:mod:`..engine.ranking`); a customer gets one line a day, owned by its
        collector, else the company's default collector.
        """
        return self.sudo().with_company(company)._build_company_agenda(company, today)

    @api.model
    def _build_company_agenda(self, company, today):
        today = today or fields.Date.context_today(self)
        candidates = self._agenda_candidates(company, today)
        rules = self.env["ar.collection.ranking.rule"].search([("company_id", "=", company.id)])._rule_tuples() \
            or DEFAULT_RULES
        ranked = rank(list(candidates.values()), rules)
        existing = {line.partner_id.id: line for line in self.search([
            ("company_id", "=", company.id), ("date", "=", today)])}
        to_create = []
        for candidate in ranked:
            values = self._agenda_values(candidate)
            line = existing.pop(candidate["partner_id"], None)
            if line is None:
                to_create.append({**values, "company_id": company.id, "partner_id": candidate["partner_id"],
                                  "date": today, "user_id": candidate["user_id"]})
            elif line.state == "todo":
                if not line.user_locked:
                    values["user_id"] = candidate["user_id"]
                line.write(values)
        # Customers who no longer need anybody today leave the agenda (unless a collector postponed them here).
        stale = self.browse([line.id for line in existing.values() if line.state == "todo" and not line.postponed])
        stale.unlink()
        self.create(to_create)
        self.flush_model()
        _logger.info("Agenda of %s for %s: %s customers", company.name, today, len(ranked))
        return self.search([("company_id", "=", company.id), ("date", "=", today), ("state", "=", "todo")])

    @api.model
    def _agenda_values(self, candidate):
        return {
            "rank": candidate["rank"],
            "score": candidate["score"],
            "priority": candidate["priority"],
            "reason_codes": ",".join(sorted(candidate["reasons"], key=lambda code: REASONS[code][1])),
            "next_action": candidate["next_action"],
            "move_ids": [(6, 0, sorted(candidate["move_ids"]))],
            "action_ids": [(6, 0, sorted(candidate["action_ids"]))],
            "promise_ids": [(6, 0, sorted(candidate["promise_ids"]))],
            "dispute_ids": [(6, 0, sorted(candidate["dispute_ids"]))],
            "amount_overdue": candidate["amount"],
            "days_overdue": candidate["days_overdue"],
            "risk_score": candidate["risk_score"],
            "segment_id": candidate["segment_id"],
            "last_contact_date": candidate["last_contact"],
        }

    @api.model
    def _agenda_candidates(self, company, today):
        """``{partner id: candidate}``: who needs a person today and the facts to rank them, read in bulk."""
        now = fields.Datetime.now()
        end_of_day = datetime.combine(today, time.max)
        candidates = {}

        def candidate(partner_id):
            return candidates.setdefault(partner_id, {
                "partner_id": partner_id, "reasons": set(), "move_ids": set(), "action_ids": set(),
                "promise_ids": set(), "dispute_ids": set(), "promise_due": False, "dispute_sla": False,
                "action_user_id": False,
            })

        company_domain = [("company_id", "=", company.id)]
        for row in self.env["ar.collection.action"].search_read(company_domain + [
                ("state", "in", ("planned", "to_approve")), ("channel", "=", "call"),
                ("scheduled_date", "<=", end_of_day)], ["partner_id", "move_ids", "user_id"]):
            item = candidate(row["partner_id"][0])
            item["reasons"].add("call_planned")
            item["action_ids"].add(row["id"])
            item["move_ids"].update(row["move_ids"])
            item["action_user_id"] = item["action_user_id"] or (row["user_id"] and row["user_id"][0])
        for row in self.env["ar.promise"].search_read(company_domain + [
                "|", "&", ("state", "=", "open"), ("promise_date", "<=", today),
                "&", ("state", "=", "broken"), ("write_date", ">=", now - timedelta(days=7))],
                ["partner_id", "invoice_ids", "state"]):
            item = candidate(row["partner_id"][0])
            item["reasons"].add("promise_broken" if row["state"] == "broken" else "promise_due")
            item["promise_due"] = True
            item["promise_ids"].add(row["id"])
            item["move_ids"].update(row["invoice_ids"])
        for row in self.env["ar.dispute"].search_read(company_domain + [
                ("state", "=", "open"), ("sla_deadline", "<", now)], ["partner_id", "invoice_ids"]):
            item = candidate(row["partner_id"][0])
            item["reasons"].add("dispute_sla")
            item["dispute_sla"] = True
            item["dispute_ids"].add(row["id"])
            item["move_ids"].update(row["invoice_ids"])

        overdue = {
            partner.id: (amount, oldest, moves)
            for partner, amount, oldest, moves in self.env["account.move.line"]._read_group([
                ("parent_state", "=", "posted"), ("account_type", "=", "asset_receivable"),
                ("reconciled", "=", False), ("date_maturity", "<", today), ("company_id", "=", company.id),
                ("amount_residual", ">", 0), ("partner_id", "!=", False),
            ], ["partner_id"], ["amount_residual:sum", "date_maturity:min", "move_id:recordset"])
        }
        last_contacts = dict(self.env["ar.collection.action"]._read_group(
            company_domain + [("state", "=", "done"), ("partner_id", "in", list(set(overdue) | set(candidates)))],
            ["partner_id"], ["done_date:max"]))
        last_contacts = {partner.id: date for partner, date in last_contacts.items()}
        partners = self.env["res.partner"].browse(list(set(overdue) | set(candidates))).with_company(company)
        facts = {row["id"]: row for row in partners.read(
            ["collection_risk_score", "collection_user_id", "collection_segment_id"])}

        high_risk = company.collection_high_risk_score
        contact_limit = now - timedelta(days=company.collection_contact_gap_days)
        for partner_id in overdue:
            last = last_contacts.get(partner_id)
            if high_risk and (facts[partner_id]["collection_risk_score"] or 0) >= high_risk \
                    and (not last or last < contact_limit):
                candidate(partner_id)["reasons"].add("high_risk_no_contact")

        default_user = company.collection_user_id.id
        for partner_id, item in candidates.items():
            amount, oldest, moves = overdue.get(partner_id, (0.0, None, self.env["account.move"]))
            row = facts[partner_id]
            last = last_contacts.get(partner_id)
            item.update({
                "amount": amount or 0.0,
                "days_overdue": (today - oldest).days if oldest else 0,
                "risk_score": row["collection_risk_score"] or 0,
                "segment_id": row["collection_segment_id"] and row["collection_segment_id"][0],
                "last_contact": last or False,
                "days_since_contact": (now - last).days if last else None,
                "user_id": (row["collection_user_id"] and row["collection_user_id"][0]) or default_user
                or item["action_user_id"] or False,
            })
            if "high_risk_no_contact" in item["reasons"] or not item["move_ids"]:
                item["move_ids"].update(moves.ids)
        return candidates

    # ------------------------------------------------------------------
    # Working the agenda
    # ------------------------------------------------------------------

    def _check_can_act(self):
        """A collector acts on their own lines only; managers act on everybody's."""
        if self.env.su or self.env.user.has_group("ar_collections.group_ar_collections_manager"):
            return
        others = self.filtered(lambda line: line.user_id and line.user_id != self.env.user)
        if others:
            raise AccessError(self.env._(
                "Only a collections manager can act on another collector's agenda (%s).",
                ", ".join(others.mapped("partner_id.display_name"))))

    def action_log_call(self):
        self.ensure_one()
        self._check_can_act()
        action = self.partner_id.action_collection_log_call()
        action["context"]["default_agenda_line_id"] = self.id
        return action

    def action_send_now(self):
        """Execute the planned actions behind the lines now."""
        self._check_can_act()
        actions = self.action_ids.filtered(lambda action: action.state == "planned")
        if not actions:
            raise UserError(self.env._("None of the selected lines has a planned action to send."))
        actions._lock_for_sending()
        for action in actions:
            action.with_company(action.company_id)._execute()
        self.filtered(lambda line: line.action_ids and all(
            action.state in ("done", "cancelled") for action in line.action_ids)).write({"state": "done"})
        return True

    def action_postpone(self, days=1):
        self._check_can_act()
        if days < 1:
            raise UserError(self.env._("Postpone by one day at least."))
        for line in self:
            target = line.date + timedelta(days=days)
            self.sudo().search([("company_id", "=", line.company_id.id), ("partner_id", "=", line.partner_id.id),
                                ("date", "=", target), ("id", "!=", line.id)]).unlink()
            line.write({"date": target, "postponed": True})
        return True

    def action_reassign(self, user):
        self._check_can_act()
        if user != self.env.user and not self.env.user.has_group("ar_collections.group_ar_collections_manager") \
                and not self.env.su:
            raise AccessError(self.env._("Only a collections manager can give lines to another collector."))
        self.write({"user_id": user.id, "user_locked": True})
        self.env["ar.collection.event"]._record([{
            "event_type": "assignment", "description": self.env._("Agenda line reassigned"),
            "company_id": line.company_id.id, "partner_id": line.partner_id.id, "res_model": self._name,
            "res_id": line.id, "record_name": line.partner_id.display_name, "new_value": user.name,
        } for line in self])
        return True

    def action_cancel(self):
        self._check_can_act()
        self.write({"state": "cancelled"})
        return True

    def action_open_partner(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "res.partner", "res_id": self.partner_id.id,
                "view_mode": "form"}
