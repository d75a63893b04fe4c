from odoo import Command, api, fields, models


class ArCollectionEnginePreview(models.TransientModel):
    """Dry run of the collections engine: what it would do today, written nowhere."""

    _name = "ar.collection.engine.preview"
    _description = "Collections Engine Preview"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company,
                                 domain=lambda self: [("id", "in", self.env.companies.ids)])
    date = fields.Date(required=True, default=fields.Date.context_today)
    engine_paused = fields.Boolean(related="company_id.collection_engine_paused")
    line_ids = fields.One2many("ar.collection.engine.preview.line", "preview_id", string="Decisions")
    planned_count = fields.Integer(string="To Send", compute="_compute_counts")
    to_approve_count = fields.Integer(string="To Approve", compute="_compute_counts")
    blocked_count = fields.Integer(string="Blocked", compute="_compute_counts")

    @api.depends("line_ids.state")
    def _compute_counts(self):
        for preview in self:
            states = preview.line_ids.mapped("state")
            preview.planned_count = states.count("planned")
            preview.to_approve_count = states.count("to_approve")
            preview.blocked_count = states.count("skipped")

    @api.onchange("company_id", "date")
    def _onchange_preview(self):
        self.line_ids = self._line_commands()

    def action_refresh(self):
        for preview in self:
            preview.line_ids = preview._line_commands()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def _line_commands(self):
        self.ensure_one()
        if not self.company_id or not self.date:
            return [Command.clear()]
        decisions = self.env["ar.collection.engine"]._plan(self.company_id, today=self.date, dry_run=True)
        Line = self.env["ar.collection.engine.preview.line"]
        return [Command.clear()] + [Command.create(Line._values_from_decision(decision)) for decision in decisions]
