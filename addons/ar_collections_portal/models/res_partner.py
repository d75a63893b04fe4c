from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError

DEFAULT_MAX_REQUESTS_PER_HOUR = 10
# Preferences a customer sets on the portal, in the order they are shown and logged.
PREFERENCE_FIELDS = ("collection_preferred_channel", "collection_contact_id", "lang", "collection_no_sms")


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _portal_collection_contacts(self):
        """People of the customer who can be its collections contact."""
        self.ensure_one()
        return self.env["res.partner"].sudo().search([
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("id", "!=", self.commercial_partner_id.id),
            ("type", "in", ("contact", "invoice")),
        ], order="name, id")

    def _portal_open_amounts(self, today=None):
        """Open and overdue amounts of the customer's documents that the current user can read.

        :return: one dict per currency: ``currency``, ``open`` (credit notes netted), ``overdue`` and
            ``overdue_count`` (open invoices past their due date)
        """
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        Move = self.env["account.move"]
        if not Move.has_access("read"):
            return []
        domain = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund", "out_receipt")),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        totals = {}
        for currency, move_type, residual in Move._read_group(
                domain, ["currency_id", "move_type"], ["amount_residual:sum"]):
            line = totals.setdefault(currency, {"currency": currency, "open": 0.0, "overdue": 0.0, "overdue_count": 0})
            line["open"] += -residual if move_type == "out_refund" else residual
        for currency, residual, count in Move._read_group(
                domain + [("move_type", "!=", "out_refund"), ("invoice_date_due", "<", today)],
                ["currency_id"], ["amount_residual:sum", "__count"]):
            line = totals.setdefault(currency, {"currency": currency, "open": 0.0, "overdue": 0.0, "overdue_count": 0})
            line.update(overdue=residual, overdue_count=count)
        return sorted(totals.values(), key=lambda line: line["currency"].name)

    def _portal_check_request_limit(self):
        """Refuse a new dispute or promise from the portal when the customer made too many in the last hour.

        The limit (system parameter ``ar_collections_portal.max_requests_per_hour``, 0 for none) counts the
        disputes and promises made on the portal for the customer by all its people. It guards against
        floods, not against a handful of simultaneous requests.
        """
        self.ensure_one()
        customer = self.commercial_partner_id
        try:
            limit = int(self.env["ir.config_parameter"].sudo().get_param(
                "ar_collections_portal.max_requests_per_hour", DEFAULT_MAX_REQUESTS_PER_HOUR))
        except ValueError:
            limit = DEFAULT_MAX_REQUESTS_PER_HOUR
        if limit <= 0:
            return
        domain = [
            ("partner_id", "=", customer.id),
            ("source", "=", "portal"),
            ("create_date", ">=", fields.Datetime.now() - timedelta(hours=1)),
        ]
        count = (self.env["ar.dispute"].sudo().search_count(domain)
                 + self.env["ar.promise"].sudo().search_count(domain))
        if count >= limit:
            raise UserError(self.env._(
                "You already sent %(count)s disputes and promises to pay in the last hour, the most we accept. "
                "Please try again later, or write to us in the conversation of an invoice.", count=count))

    def _portal_set_collection_preferences(self, values):
        """Store the collection preferences a customer chose on the portal; log each change as an audit event.

        Called in sudo by the portal once the values are checked. ``values`` holds the fields of
        ``PREFERENCE_FIELDS`` (``collection_contact_id`` as a record). The language is also given to the
        collections contact, since reminders use the recipient's language first.

        :return: the names of the fields that changed
        """
        self.ensure_one()
        customer = self.commercial_partner_id
        changed = [name for name in PREFERENCE_FIELDS if name in values and customer[name] != values[name]]
        if not changed:
            return []
        events = [{
            "event_type": "override",
            "description": self.env._("%(field)s changed by the customer on the portal",
                                      field=self._fields[name].string),
            "company_id": self.env.user.company_id.id,
            "partner_id": customer.id,
            "res_model": customer._name,
            "res_id": customer.id,
            "record_name": customer.display_name,
            "old_value": customer._portal_preference_label(name, customer[name]),
            "new_value": customer._portal_preference_label(name, values[name]),
            "rule": "portal_preferences",
        } for name in changed]
        vals = {name: values[name].id if name == "collection_contact_id" else values[name] for name in changed}
        customer.write(vals)
        contact = customer.collection_contact_id
        if "lang" in vals and contact and contact.lang != vals["lang"]:
            contact.lang = vals["lang"]
        self.env["ar.collection.event"]._record(events)
        return changed

    def _portal_preference_label(self, field_name, value):
        field = self._fields[field_name]
        if field.type == "many2one":
            return value.display_name or ""
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if field_name == "lang":
            return dict(self.env["res.lang"].get_installed()).get(value, value or "")
        return dict(field._description_selection(self.env)).get(value, value or "")

    def _portal_collector(self, company):
        """The collector in charge of the customer in ``company``: its own, else the company's default one."""
        customer = self.commercial_partner_id.with_company(company)
        return customer.collection_user_id or company.collection_user_id
