from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..report.report_statement import MAX_STATEMENT_YEARS, STATEMENT_REPORT, default_date_from


class ArCollectionStatementWizard(models.TransientModel):
    """Print the statement of account of one or more customers over a chosen period."""

    _name = "ar.collection.statement.wizard"
    _description = "Print a Statement of Account"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True,
                                   default=lambda self: self._default_partners())
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company,
                                 domain=lambda self: [("id", "in", self.env.companies.ids)])
    date_from = fields.Date(string="From", required=True,
                            default=lambda self: default_date_from(fields.Date.context_today(self)))
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
        data = self.env["report.ar_collections.report_statement"]._report_data(
            self.company_id, self.date_from, self.date_to)
        return self.env.ref(STATEMENT_REPORT).report_action(self.partner_ids.commercial_partner_id, data=data)
