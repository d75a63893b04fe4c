from datetime import timedelta

from odoo import fields, models

# Bootstrap colour of each collection status on the portal: the back office's badge colours.
COLLECTION_STATE_COLORS = {
    "normal": "secondary",
    "reminded": "info",
    "promised": "info",
    "disputed": "warning",
    "paused": "secondary",
    "escalated": "danger",
    "legal": "danger",
    "written_off": "dark",
}
OPEN_PAYMENT_STATES = ("not_paid", "partial")
# Customer documents a customer can dispute or promise to pay from the portal.
PORTAL_ACTION_TYPES = ("out_invoice", "out_receipt")


class AccountMove(models.Model):
    _inherit = "account.move"

    def _portal_collection_badge(self):
        """``(label, bootstrap colour)`` of the invoice's collection status."""
        self.ensure_one()
        state = self.collection_state or "normal"
        label = dict(self._fields["collection_state"]._description_selection(self.env)).get(state, state)
        return label, COLLECTION_STATE_COLORS.get(state, "secondary")

    def _portal_is_open(self):
        self.ensure_one()
        return (self.state == "posted" and self.payment_state in OPEN_PAYMENT_STATES
                and not self.currency_id.is_zero(self.amount_residual))

    def _portal_days_overdue(self, today=None):
        """Days the open invoice is past its due date; 0 when it is not overdue."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        if not self._portal_is_open() or not self.invoice_date_due or self.invoice_date_due >= today:
            return 0
        return (today - self.invoice_date_due).days

    def _portal_open_disputes(self):
        self.ensure_one()
        return self.sudo().collection_dispute_ids.filtered(
            lambda dispute: dispute.state == "open" and dispute.partner_id == self.commercial_partner_id)

    def _portal_open_promises(self):
        self.ensure_one()
        return self.sudo().collection_promise_ids.filtered(
            lambda promise: promise.state == "open" and promise.partner_id == self.commercial_partner_id)

    def _portal_action_blocker(self):
        """Why no dispute or promise can be made on the invoice from the portal, or ``""``."""
        self.ensure_one()
        if self.move_type not in PORTAL_ACTION_TYPES or self.state != "posted":
            return self.env._("Only posted invoices can be disputed or promised to pay.")
        if not self._portal_is_open():
            return self.env._("Invoice %s is already paid: there is nothing left to dispute or to pay.", self.name)
        return ""

    def _portal_dispute_blocker(self):
        """Why the customer cannot dispute the invoice from the portal, or ``""``."""
        self.ensure_one()
        if blocker := self._portal_action_blocker():
            return blocker
        if dispute := self._portal_open_disputes()[:1]:
            return self.env._(
                "Dispute %(dispute)s is already open on invoice %(invoice)s: add what you have to say to its "
                "conversation.", dispute=dispute.name, invoice=self.name)
        return ""

    def _portal_promise_blocker(self):
        """Why the customer cannot promise to pay the invoice from the portal, or ``""``."""
        self.ensure_one()
        if blocker := self._portal_action_blocker():
            return blocker
        if promise := self._portal_open_promises()[:1]:
            return self.env._(
                "You already promised to pay invoice %(invoice)s (%(promise)s); the collector will be glad to "
                "hear from you in its conversation if your plans change.", invoice=self.name, promise=promise.name)
        return ""

    def _portal_max_promise_days(self):
        """How far ahead the customer may promise to pay: the strategy's horizon, else the company's."""
        self.ensure_one()
        strategy = self._collection_strategy()
        return strategy.portal_max_promise_days or self.company_id.collection_portal_max_promise_days or 30

    def _portal_promise_date_range(self, today=None):
        """``(first, last)`` dates the customer may promise to pay the invoice on."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        return today, today + timedelta(days=self._portal_max_promise_days())
