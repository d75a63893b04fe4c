from odoo import api, models
from odoo.tools import SQL

from odoo.addons.ar_collections.engine import scoring

# How hard a channel presses the customer: the learned risk favours the firmer
# channels for customers likely to pay late, the lighter ones for the others.
CHANNEL_INTENSITY = {"call": 1.0, "sms": 0.7, "letter": 0.6, "email": 0.4, "portal": 0.2}
LIKELY_LATE = 0.65
LIKELY_ON_TIME = 0.35


class LatePaymentScorer(scoring.RuleBasedScorer):
    """The rule-based scorer, adjusted by the learned probability that the customer pays late."""

    def __init__(self, probabilities):
        self.probabilities = probabilities  # {customer id: highest late-payment probability of its open invoices}

    def _score_one(self, candidate, customer):
        scored = super()._score_one(candidate, customer)
        probability = self.probabilities.get(customer.partner_id)
        if probability is None:
            return scored
        intensity = CHANNEL_INTENSITY.get(candidate.channel, 0.5)
        scored.score = round(scored.score * (1 + (probability - 0.5) * intensity), 4)
        if probability >= LIKELY_LATE:
            scored.reasons.append("ML_LIKELY_LATE")
        elif probability <= LIKELY_ON_TIME:
            scored.reasons.append("ML_LIKELY_ON_TIME")
        return scored


class ArCollectionEngine(models.AbstractModel):
    _inherit = "ar.collection.engine"

    @api.model
    def _get_scorer(self, company):
        probabilities = self._read_late_probabilities(company)
        if not probabilities:
            return super()._get_scorer(company)
        return LatePaymentScorer(probabilities)

    def _read_late_probabilities(self, company):
        """``{commercial partner id: highest late-payment probability}`` over the open invoices scored by the model."""
        self.env["account.move"].flush_model(["collection_late_probability"])
        self.env.cr.execute(SQL("""
            SELECT commercial_partner_id, MAX(collection_late_probability)
              FROM account_move
             WHERE company_id = %s
               AND state = 'posted'
               AND move_type IN ('out_invoice', 'out_receipt')
               AND payment_state IN ('not_paid', 'partial')
               AND collection_late_probability IS NOT NULL
          GROUP BY commercial_partner_id
        """, company.id))
        return dict(self.env.cr.fetchall())
