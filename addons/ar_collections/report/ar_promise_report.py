from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.ar_promise import PROMISE_STATES, SOURCES

# Promises whose outcome is known, and how much each outcome counts towards the kept rate.
KEPT_SCORES = {"kept": 1.0, "partial": 0.5, "broken": 0.0}


class ArPromiseReport(models.Model):
    """One row per settled promise to pay (kept, partly kept or broken), for the kept rate."""

    _name = "ar.promise.report"
    _description = "Promises to Pay Analysis"
    _auto = False
    _rec_name = "name"
    _order = "deadline desc, id desc"

    promise_id = fields.Many2one("ar.promise", string="Promise", readonly=True)
    name = fields.Char(string="Reference", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    promise_date = fields.Date(string="Promised Date", readonly=True)
    deadline = fields.Date(readonly=True)
    state = fields.Selection([s for s in PROMISE_STATES if s[0] in KEPT_SCORES], string="Outcome", readonly=True)
    source = fields.Selection(SOURCES, readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(string="Promised Amount", currency_field="currency_id", readonly=True)
    residual_at_promise = fields.Monetary(string="Open at Promise", currency_field="currency_id", readonly=True)
    promise_count = fields.Integer(string="Promises", readonly=True)
    kept_count = fields.Integer(string="Kept", readonly=True)
    partial_count = fields.Integer(string="Partly Kept", readonly=True)
    broken_count = fields.Integer(string="Broken", readonly=True)
    kept_score = fields.Float(
        string="Kept Rate", readonly=True, aggregator="avg", digits=(16, 4),
        help="Share of the settled promises that were kept; a partly kept promise counts half.")

    _depends = {
        "ar.promise": ["name", "company_id", "partner_id", "user_id", "promise_date", "deadline", "state",
                       "source", "currency_id", "amount", "residual_at_promise"],
        "res.partner": ["commercial_partner_id"],
    }

    @api.model
    def _query(self):
        return SQL("""
            SELECT promise.id,
                   promise.id AS promise_id,
                   promise.name,
                   promise.company_id,
                   COALESCE(partner.commercial_partner_id, promise.partner_id) AS partner_id,
                   promise.user_id,
                   promise.promise_date,
                   promise.deadline,
                   promise.state,
                   promise.source,
                   promise.currency_id,
                   promise.amount,
                   promise.residual_at_promise,
                   1 AS promise_count,
                   (promise.state = 'kept')::int AS kept_count,
                   (promise.state = 'partial')::int AS partial_count,
                   (promise.state = 'broken')::int AS broken_count,
                   %(score)s AS kept_score
              FROM ar_promise promise
              JOIN res_partner partner ON partner.id = promise.partner_id
             WHERE promise.state IN %(states)s
        """, score=self._kept_score_sql(), states=tuple(KEPT_SCORES))

    @api.model
    def _kept_score_sql(self):
        cases = SQL(" ").join(SQL("WHEN %s THEN %s::float8", state, score) for state, score in KEPT_SCORES.items())
        return SQL("(CASE promise.state %s END)", cases)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))
