from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_phone_invalid = fields.Boolean(
        string="Wrong Phone Number", tracking=True,
        help="A collector called and reached the wrong person; fix the number before the next call.")
    collection_agenda_line_ids = fields.One2many("ar.collection.agenda.line", "partner_id", string="Agenda Lines")

    def write(self, vals):
        # A new address has not bounced: the engine may email it again.
        if vals.get("email") and "message_bounce" not in vals:
            changed = self.filtered(lambda partner: partner.message_bounce and partner.email != vals["email"])
            if changed:
                super(ResPartner, changed).write({"message_bounce": 0})
        if "collection_phone_invalid" not in vals and (vals.get("phone") or vals.get("mobile")):
            # Likewise a new number is worth calling.
            changed = self.filtered(lambda partner: partner.collection_phone_invalid and any(
                vals.get(name) and vals[name] != partner[name] for name in ("phone", "mobile")))
            if changed:
                super(ResPartner, changed).write({"collection_phone_invalid": False})
        return super().write(vals)

    def action_collection_log_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "ar.collection.call.log",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_collection_override(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Manager Override"),
            "res_model": "ar.collection.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }
