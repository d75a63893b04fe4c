from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_strategy_id = fields.Many2one(
        "ar.collection.strategy", string="Default Collection Strategy",
        help="Strategy of customers whose segment has none.")
    collection_user_id = fields.Many2one(
        "res.users", string="Default Collector", domain=[("share", "=", False)],
        help="Collector of customers who have none.")
    collection_compliance_profile_id = fields.Many2one(
        "ar.collection.compliance.profile", string="Default Compliance Profile",
        help="Profile for customers whose country has none.")
    collection_lookback_days = fields.Integer(
        string="Behaviour Look-back (days)", default=365,
        help="Payment history taken into account for the behaviour figures and the risk score.")
    collection_promise_grace_days = fields.Integer(
        string="Promise Grace Period (days)", default=3,
        help="Days after a promised date before the promise counts as broken.")
    collection_engine_paused = fields.Boolean(
        string="Collections Engine Paused", help="Stop every automated collection action of this company.")
    collection_manager_id = fields.Many2one(
        "res.users", string="Collections Manager", domain=[("share", "=", False)],
        help="Takes over escalated accounts of customers who have no collections manager of their own.")
    collection_director_id = fields.Many2one(
        "res.users", string="AR Director", domain=[("share", "=", False)],
        help="Takes over accounts escalated to the AR director.")
    collection_legal_user_id = fields.Many2one(
        "res.users", string="Legal Contact", domain=[("share", "=", False)],
        help="Receives the legal handoffs, with their statement and action history.")
    collection_aging_buckets = fields.Char(
        string="Aging Buckets", default="30,45,60,90",
        help="Days past due, separated by commas: crossing one of them is an event of the collections engine.")

    @api.constrains("collection_lookback_days", "collection_promise_grace_days")
    def _check_collection_days(self):
        for company in self:
            if company.collection_lookback_days < 30:
                raise ValidationError(self.env._("The behaviour look-back must cover at least 30 days."))
            if company.collection_promise_grace_days < 0:
                raise ValidationError(self.env._("The promise grace period cannot be negative."))

    @api.constrains("collection_aging_buckets")
    def _check_collection_aging_buckets(self):
        for company in self:
            company._collection_aging_thresholds()

    def _collection_aging_thresholds(self):
        """The aging buckets as increasing positive numbers of days past due."""
        self.ensure_one()
        text = (self.collection_aging_buckets or "").replace(" ", "")
        try:
            thresholds = [int(part) for part in text.split(",") if part]
        except ValueError:
            thresholds = None
        if not thresholds or thresholds != sorted(set(thresholds)) or thresholds[0] <= 0:
            raise ValidationError(self.env._(
                "Aging buckets are increasing numbers of days past due separated by commas, "
                "such as 30,45,60,90 (got \"%s\").", self.collection_aging_buckets or ""))
        return thresholds
