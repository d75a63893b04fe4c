from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_strategy_id = fields.Many2one(
        related="company_id.collection_strategy_id", readonly=False,
        domain="[('company_id', '=', company_id)]")
    collection_user_id = fields.Many2one(related="company_id.collection_user_id", readonly=False)
    collection_compliance_profile_id = fields.Many2one(
        related="company_id.collection_compliance_profile_id", readonly=False)
    collection_lookback_days = fields.Integer(related="company_id.collection_lookback_days", readonly=False)
    collection_promise_grace_days = fields.Integer(
        related="company_id.collection_promise_grace_days", readonly=False)
    collection_engine_paused = fields.Boolean(related="company_id.collection_engine_paused", readonly=False)
    collection_manager_id = fields.Many2one(related="company_id.collection_manager_id", readonly=False)
    collection_director_id = fields.Many2one(related="company_id.collection_director_id", readonly=False)
    collection_legal_user_id = fields.Many2one(related="company_id.collection_legal_user_id", readonly=False)
    collection_aging_buckets = fields.Char(related="company_id.collection_aging_buckets", readonly=False)

    collection_hold_over_credit_limit = fields.Boolean(
        related="company_id.collection_hold_over_credit_limit", readonly=False)
    collection_hold_on_broken_promise = fields.Boolean(
        related="company_id.collection_hold_on_broken_promise", readonly=False)
    collection_hold_on_escalation = fields.Boolean(related="company_id.collection_hold_on_escalation", readonly=False)
    collection_hold_risk_score = fields.Integer(related="company_id.collection_hold_risk_score", readonly=False)
    collection_writeoff_account_id = fields.Many2one(related="company_id.collection_writeoff_account_id",
                                                     readonly=False)
    collection_writeoff_journal_id = fields.Many2one(related="company_id.collection_writeoff_journal_id",
                                                     readonly=False)
    collection_writeoff_tolerance = fields.Monetary(related="company_id.collection_writeoff_tolerance",
                                                    readonly=False)
    collection_dispute_threshold = fields.Float(related="company_id.collection_dispute_threshold", readonly=False)
    collection_dispute_reason_id = fields.Many2one(related="company_id.collection_dispute_reason_id",
                                                   readonly=False)
    collection_high_risk_score = fields.Integer(related="company_id.collection_high_risk_score", readonly=False)
    collection_contact_gap_days = fields.Integer(related="company_id.collection_contact_gap_days", readonly=False)

    # Go-live checklist: what an administrator checks before switching the engine on.
    collection_check_company_email = fields.Boolean(compute="_compute_collection_checklist")
    collection_check_mail_server = fields.Boolean(compute="_compute_collection_checklist")
    collection_check_strategy = fields.Boolean(compute="_compute_collection_checklist")
    collection_check_people = fields.Boolean(compute="_compute_collection_checklist")
    collection_check_compliance = fields.Boolean(compute="_compute_collection_checklist")
    collection_customers_without_email = fields.Integer(compute="_compute_collection_checklist")

    @api.depends("company_id")
    def _compute_collection_checklist(self):
        servers = self.env["ir.mail_server"].sudo().search_count([("active", "=", True)])
        for settings in self:
            company = settings.company_id
            strategy = company.collection_strategy_id
            settings.collection_check_company_email = bool(company.email)
            settings.collection_check_mail_server = bool(servers)
            settings.collection_check_strategy = bool(strategy.step_ids)
            settings.collection_check_people = bool(company.collection_user_id and company.collection_manager_id)
            settings.collection_check_compliance = bool(self.env["ar.collection.compliance.profile"].search_count(
                [("company_id", "in", (company.id, False))]))
            settings.collection_customers_without_email = company._collection_customers_without_email()

    def action_collection_switch_on(self):
        self.company_id._collection_switch_engine(on=True)
        return {"type": "ir.actions.client", "tag": "reload"}

    def action_collection_switch_off(self):
        self.company_id._collection_switch_engine(on=False)
        return {"type": "ir.actions.client", "tag": "reload"}

    def action_collection_load_defaults(self):
        self.company_id._collection_ensure_defaults()
        return {"type": "ir.actions.client", "tag": "reload"}
