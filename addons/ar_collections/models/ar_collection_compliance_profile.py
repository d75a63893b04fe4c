from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _lang_get


class ArCollectionComplianceProfile(models.Model):
    _name = "ar.collection.compliance.profile"
    _description = "Collections Compliance Profile"
    _order = "country_id, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share the profile between companies.")
    country_id = fields.Many2one("res.country", help="Customers of this country follow this profile.")
    lang = fields.Selection(_lang_get, string="Language",
                            help="Language of the reminders when the customer has none.")
    mandatory_wording = fields.Html(translate=True, help="Text every reminder must carry in this country.")
    fee_statement = fields.Text(translate=True, help="Statutory statement on recovery fees.")
    interest_statement = fields.Text(translate=True, help="Statutory statement on late-payment interest.")
    allow_email = fields.Boolean(string="Email", default=True)
    allow_sms = fields.Boolean(string="SMS", default=True)
    allow_call = fields.Boolean(string="Calls", default=True)
    allow_letter = fields.Boolean(string="Letters", default=True)
    allow_portal = fields.Boolean(string="Portal Notices", default=True)

    _sql_constraints = [
        ("country_company_uniq", "unique(country_id, company_id)",
         "There is already a compliance profile for this country and company."),
    ]

    @api.constrains("allow_email", "allow_sms", "allow_call", "allow_letter", "allow_portal")
    def _check_some_channel(self):
        for profile in self:
            if not profile.allowed_channels():
                raise ValidationError(self.env._(
                    "Compliance profile %s must allow at least one channel.", profile.name))

    def allowed_channels(self):
        self.ensure_one()
        return {channel for channel in ("email", "sms", "call", "letter", "portal") if self[f"allow_{channel}"]}

    @api.model
    def _for_partner(self, partner, company):
        """The profile that applies to ``partner`` in ``company``: its country's, else the company default."""
        profiles = self.search([
            ("country_id", "=", partner.country_id.id),
            ("company_id", "in", (company.id, False)),
        ], order="company_id")
        return profiles[:1] or company.collection_compliance_profile_id
