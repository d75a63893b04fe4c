from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The longest period a statement covers, as on the portal.
MAX_STATEMENT_YEARS = 5


class ArCollectionStatementWizard(models.TransientModel):
    """Print the statement of account of one or more customers over a chosen period."""

    _name = "ar.collection.statement.wizard"
    _description = "Print a Statement of Account"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True,
                                   default=lambda self: self._default_partners())
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company,
                                 domain=lambda self: [("id", "in", self.env.companies.ids)])
    date_from = fields.Date(string="From", required=True,
                            default=lambda self: fields.Date.context_today(self) - relativedelta(years=1, days=-1))
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)

    @api.model
    def _default_partners(self):
        if self.env.context.get("active_model") != "res.partner":
            return False
        return self.env["res.partner"].browse(self.env.context.get("active_ids", [])).commercial_partner_id

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The statement ends before it starts."))
            if wizard.date_to > wizard.date_from + relativedelta(years=MAX_STATEMENT_YEARS):
                raise ValidationError(self.env._("A statement covers at most %s years.", MAX_STATEMENT_YEARS))

    def action_print(self):
        self.ensure_one()
        return self.env.ref("ar_collections_portal.action_report_statement").report_action(
            self.partner_ids.commercial_partner_id, data={
                "date_from": fields.Date.to_string(self.date_from),
                "date_to": fields.Date.to_string(self.date_to),
                "company_id": self.company_id.id,
            })
