from odoo import api, fields, models

from ..engine import segmentation


class ArCollectionSegment(models.Model):
    _name = "ar.collection.segment"
    _description = "Collection Segment"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short identifier used in reports and integrations.")
    sequence = fields.Integer(default=10, help="Segments are tried in this order; the first match wins.")
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    strategy_id = fields.Many2one("ar.collection.strategy", check_company=True,
                                  help="Collection strategy followed by the customers of this segment.")
    rule_ids = fields.One2many("ar.collection.segment.rule", "segment_id", string="Rules", copy=True)
    is_catch_all = fields.Boolean(compute="_compute_is_catch_all",
                                  help="A segment without rules receives every customer no earlier segment took.")
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers")

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A segment code must be unique per company."),
    ]

    @api.depends("rule_ids")
    def _compute_is_catch_all(self):
        for segment in self:
            segment.is_catch_all = not segment.rule_ids

    def _compute_partner_count(self):
        counts = dict.fromkeys(self.ids, 0)
        for company in self.company_id:
            segments = self.filtered(lambda s, c=company: s.company_id == c)
            groups = self.env["res.partner"].with_company(company)._read_group(
                [("collection_segment_id", "in", segments.ids)], ["collection_segment_id"], ["__count"])
            for segment, count in groups:
                counts[segment.id] = count
        for segment in self:
            segment.partner_count = counts.get(segment.id, 0)

    def _to_engine(self):
        return [
            segmentation.Segment(id=segment.id, sequence=segment.sequence,
                                 rules=tuple(rule._to_engine() for rule in segment.rule_ids))
            for segment in self
        ]

    @api.model
    def _assign_partners(self, company, partners=None):
        """(Re)assign the customers of ``company`` to segments, in bulk.

        Behaviour figures are refreshed first since the rules read them. A
        manual override always wins over the rules. Returns the number of
        customers assigned.
        """
        Partner = self.env["res.partner"].with_company(company)
        facts = Partner._collection_refresh_behaviour(company, partners)
        segments = self.search([("company_id", "=", company.id)])
        automatic = segmentation.assign(segments._to_engine(), facts)
        Partner._collection_write_segments(company, automatic)
        return len(automatic)

    def action_view_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("collection_segment_id", "=", self.id)],
            "context": {"allowed_company_ids": [self.company_id.id]},
        }

    def action_assign_now(self):
        for company in self.company_id:
            self._assign_partners(company)
        return True

    @api.model
    def _cron_assign_segments(self):
        for company in self.env["res.company"].search([]):
            self.with_company(company)._assign_partners(company)
