import csv
import io

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_amount, format_date

from .ar_collection_step import ESCALATION_LEVELS

# Hold put on the invoices of an account escalated to each level.
HOLD_BY_LEVEL = {"manager": "escalated", "director": "escalated", "legal": "legal"}
# Holds an escalation may replace; a pause or a write-off is a manager's decision and stays.
HOLD_RANK = {False: 0, "escalated": 1, "legal": 2}


class ArCollectionEscalation(models.AbstractModel):
    """Hands an account over to the next level: collector, manager, AR director or legal.

    Used by strategy steps that escalate and by broken promises. An escalation
    puts the invoices on hold where the level calls for it, gives the person in
    charge an activity on the customer and is an ``escalation`` audit event of
    the record behind it. A legal handoff also produces its package: the
    statement of account and the history of the collection actions.
    """

    _name = "ar.collection.escalation"
    _description = "Collections Escalation"

    @api.model
    def _escalate(self, source, level, moves, reason=None):
        """Escalate the account behind ``source`` (an action or a promise) to ``level``; return the user in charge.

        :param source: record with ``company_id``, ``partner_id``, ``user_id`` and the audit mixin
        :param moves: the invoices concerned, put on hold for a manager, a director or legal
        """
        company = source.company_id
        partner = source.partner_id.commercial_partner_id
        user, payload = self._hand_over(company, partner, level, moves, reason, collector=source.user_id)
        source._audit_log("escalation", **self._event_values(level, reason, payload))
        return user

    @api.model
    def _escalate_customer(self, company, partner, level, moves, reason, payload=None):
        """Escalate ``partner``'s account in ``company`` for a reason of its own (a threshold); return the user."""
        partner = partner.commercial_partner_id.with_company(company)
        user, handover = self._hand_over(company, partner, level, moves, reason)
        values = self._event_values(level, reason, {**(payload or {}), **handover})
        event = partner._collection_event_values("escalation", values["description"], None, values["new_value"])
        self.env["ar.collection.event"]._record([{**event, "company_id": company.id, **values}])
        return user

    @api.model
    def _hand_over(self, company, partner, level, moves, reason, collector=None):
        """Hold the invoices, prepare the legal package and give the account to the level's user."""
        label = dict(ESCALATION_LEVELS)[level]
        self._hold(moves, HOLD_BY_LEVEL.get(level), reason or label)
        if level in ("director", "legal") and company.collection_hold_on_escalation:
            partner._collection_put_on_credit_hold(
                company, self.env._("Escalated to %s", label), f"escalation:{level}")
        package = self._legal_package(company, partner) if level == "legal" else self.env["ir.attachment"]
        user = self._user_for(level, company, partner, collector)
        if user:
            self._schedule_activity(partner, user, label, moves, reason=reason, package=package)
        return user, {"level": level, "user_id": user.id, "invoice_ids": moves.ids, "attachment_ids": package.ids}

    @api.model
    def _event_values(self, level, reason, payload):
        label = dict(ESCALATION_LEVELS)[level]
        return {"description": self.env._("Escalated to %s", label), "new_value": label, "reason": reason,
                "payload": payload}

    @api.model
    def _hold(self, moves, hold, reason):
        if not hold:
            return
        rank = HOLD_RANK[hold]
        to_hold = moves.filtered(
            lambda move: move.collection_hold_state in HOLD_RANK and HOLD_RANK[move.collection_hold_state] < rank)
        # Escalating is the system's doing, whoever triggered it (a payment breaking a promise, a run).
        to_hold.sudo().with_context(ar_collection_reason=reason).write({"collection_hold_state": hold})

    @api.model
    def _user_for(self, level, company, partner, collector):
        """Who takes over at ``level``; the next level up stands in for a missing one."""
        partner = partner.with_company(company)
        collector = collector or partner.collection_user_id or company.collection_user_id
        manager = partner.collection_manager_id or company.collection_manager_id
        director = company.collection_director_id
        candidates = {
            "collector": (collector, manager),
            "manager": (manager, director),
            "director": (director, manager),
            "legal": (company.collection_legal_user_id, director, manager),
        }[level]
        return next((user for user in candidates if user), self.env["res.users"])

    @api.model
    def _schedule_activity(self, partner, user, label, moves, *, reason, package):
        """A to-do for ``user`` on the customer, in their language, listing what is at stake."""
        env = self.with_context(lang=user.lang).env
        note = Markup("<p>%s</p>") % (reason or env._("The account was escalated to you."))
        if moves:
            note += Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s</li>") % env._(
                    "%(invoice)s, due %(date)s: %(amount)s", invoice=move.name,
                    date=format_date(env, move.invoice_date_due),
                    amount=format_amount(env, move.amount_residual, move.currency_id))
                for move in moves)
        if package:
            note += Markup("<p>%s</p>") % env._(
                "The handoff package (%s) is attached to the customer.", ", ".join(package.mapped("name")))
        partner.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=env._("Collections escalation (%(level)s): %(customer)s", level=label, customer=partner.name),
            note=note,
        )

    # ------------------------------------------------------------------
    # Legal handoff package
    # ------------------------------------------------------------------

    @api.model
    def _legal_package(self, company, partner):
        """Statement of account and collection history, attached to the customer."""
        partner = partner.with_company(company)
        today = fields.Date.to_string(fields.Date.context_today(self))
        statement, kind = self._legal_statement(company, partner)
        attachments = self.env["ir.attachment"].create([{
            "name": self.env._("Legal handoff - %(customer)s - statement %(date)s.%(ext)s",
                               customer=partner.name, date=today, ext=kind),
            "raw": statement,
            "mimetype": "application/pdf" if kind == "pdf" else "text/html",
            "res_model": partner._name,
            "res_id": partner.id,
        }, {
            "name": self.env._("Legal handoff - %(customer)s - history %(date)s.csv", customer=partner.name,
                               date=today),
            "raw": self._history_csv(company, partner),
            "mimetype": "text/csv",
            "res_model": partner._name,
            "res_id": partner.id,
        }])
        partner._message_log(
            body=self.env._("Legal handoff package: statement of account and collection history."),
            attachment_ids=attachments.ids)
        return attachments

    @api.model
    def _legal_statement(self, company, partner):
        """``(content, kind)``: the statement of account up to today, from the customer's oldest open item or
        twelve months back if that is earlier, so legal sees every open item and the recent payment history."""
        Statement = self.env["report.ar_collections.report_statement"]
        date_from, date_to = Statement._period_with_open_items(partner, company, fields.Date.context_today(self))
        return Statement._render_pdf(partner, company, date_from, date_to)

    @api.model
    def _history_csv(self, company, partner):
        """The customer's audit trail in ``company``, oldest first, as CSV (UTF-8 with BOM for spreadsheets)."""
        Event = self.env["ar.collection.event"].sudo()
        events = Event.search([("company_id", "=", company.id), ("partner_id", "=", partner.id)], order="date, id")
        types = dict(Event._fields["event_type"]._description_selection(self.env))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([self.env._("Date"), self.env._("Event"), self.env._("Description"), self.env._("Document"),
                         self.env._("Invoice"), self.env._("Old Value"), self.env._("New Value"),
                         self.env._("Reason"), self.env._("Rule"), self.env._("By")])
        for event in events:
            writer.writerow([_csv_cell(value) for value in (
                fields.Datetime.to_string(event.date), types.get(event.event_type, event.event_type),
                event.description, event.record_name, event.move_id.name, event.old_value, event.new_value,
                event.reason, event.rule, event.user_id.name,
            )])
        return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value):
    """A CSV cell that a spreadsheet shows as text, never evaluates as a formula."""
    text = value or ""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
