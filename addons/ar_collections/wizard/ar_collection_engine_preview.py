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
        segments = self._segments_of({decision.partner_id for decision in decisions})
        Line = self.env["ar.collection.engine.preview.line"]
        return [Command.clear()] + [
            Command.create(Line._values_from_decision(decision, segments.get(decision.partner_id)))
            for decision in decisions]

    def _segments_of(self, partner_ids):
        """``{customer id: segment id}`` in the preview's company."""
        partners = self.env["res.partner"].with_company(self.company_id).browse(partner_ids)
        return {partner.id: partner.collection_segment_id.id for partner in partners}

    def action_open_grouped(self):
        """The decisions of the preview grouped by step, channel and segment, to review before going live."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Preview of %s", self.date),
            "res_model": "ar.collection.engine.preview.line",
            "view_mode": "list,pivot",
            "domain": [("preview_id", "=", self.id)],
            "context": {"group_by": ["step_id", "channel", "segment_id"]},
        }
