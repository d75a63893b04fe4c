from odoo import fields, models

COLLECTION_STATES = [
    ("normal", "Normal"),
    ("reminded", "Reminded"),
    ("promised", "Promised"),
    ("disputed", "Disputed"),
    ("paused", "Paused"),
    ("escalated", "Escalated"),
    ("legal", "Legal"),
    ("written_off", "Written Off"),
]
HOLD_STATES = [
    ("paused", "Paused"),
    ("escalated", "Escalated"),
    ("legal", "Legal"),
    ("written_off", "Written Off"),
]
# Fields whose change can move the collection state.
STATE_INPUTS = {"collection_hold_state", "collection_last_action_date"}


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_state = fields.Selection(
        COLLECTION_STATES, string="Collection Status", default="normal", readonly=True, copy=False, index=True,
        tracking=True, help="Where the invoice stands in collections; derived from disputes, promises, "
        "holds and the actions taken.")
    collection_hold_state = fields.Selection(
        HOLD_STATES, string="Collection Hold", copy=False, tracking=True,
        help="Set by a manager or by an escalation; takes the invoice out of the regular flow.")
    collection_step_id = fields.Many2one("ar.collection.step", string="Current Step", copy=False, readonly=True)
    collection_last_action_date = fields.Date(string="Last Collection Action", copy=False, readonly=True)
    collection_next_action_date = fields.Date(string="Next Collection Action", copy=False, readonly=True)
    collection_dispute_ids = fields.Many2many(
        "ar.dispute", "ar_dispute_account_move_rel", "move_id", "dispute_id", string="Disputes", copy=False)
    collection_promise_ids = fields.Many2many(
        "ar.promise", "ar_promise_account_move_rel", "move_id", "promise_id", string="Promises to Pay", copy=False)
    collection_action_ids = fields.One2many("ar.collection.action", "move_id", string="Collection Actions")
    collection_event_ids = fields.One2many("ar.collection.event", "move_id", string="Collection Events")

    def write(self, vals):
        result = super().write(vals)
        if STATE_INPUTS & set(vals):
            self._collection_recompute_state()
        return result

    def _collection_target_state(self):
        self.ensure_one()
        hold = self.collection_hold_state
        if hold in ("written_off", "legal"):
            return hold
        if "open" in self.collection_dispute_ids.mapped("state"):
            return "disputed"
        if "open" in self.collection_promise_ids.mapped("state"):
            return "promised"
        if hold:
            return hold
        return "reminded" if self.collection_last_action_date else "normal"

    def _collection_recompute_state(self):
        """Bring ``collection_state`` in line with its inputs; each change is an audit event."""
        labels = dict(COLLECTION_STATES)
        events = []
        by_state = {}
        for move in self:
            target = move._collection_target_state()
            if target == move.collection_state:
                continue
            by_state.setdefault(target, self.browse())
            by_state[target] |= move
            events.append({
                "event_type": "state_change",
                "description": self.env._("Collection status changed"),
                "company_id": move.company_id.id,
                "partner_id": move.commercial_partner_id.id,
                "move_id": move.id,
                "res_model": move._name,
                "res_id": move.id,
                "record_name": move.display_name,
                "old_value": labels.get(move.collection_state),
                "new_value": labels[target],
                "reason": self.env.context.get("ar_collection_reason"),
            })
        for state, moves in by_state.items():
            super(AccountMove, moves.sudo()).write({"collection_state": state})
        self.env["ar.collection.event"]._record(events)

    def action_view_collection_events(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Audit Trail"),
            "res_model": "ar.collection.event",
            "view_mode": "list,form",
            "domain": [("move_id", "=", self.id)],
        }
