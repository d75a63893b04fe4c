from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..book import generate_demo_book

DEFAULT_STRATEGIES = ("strategy_standard", "strategy_gentle", "strategy_firm")
DEFAULT_SEGMENTS = ("segment_chronic", "segment_key_account", "segment_standard")
DEFAULT_RANKING_RULES = ("ranking_rule_promise_due", "ranking_rule_dispute_sla", "ranking_rule_amount",
                         "ranking_rule_aging", "ranking_rule_risk", "ranking_rule_last_contact")


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

    collection_hold_over_credit_limit = fields.Boolean(
        string="Credit Hold over Credit Limit", default=True,
        help="Customers with a credit limit whose open balance exceeds it go on credit hold (checked every day).")
    collection_hold_on_broken_promise = fields.Boolean(
        string="Credit Hold on Broken Promise", help="A customer who breaks a promise goes on credit hold.")
    collection_hold_on_escalation = fields.Boolean(
        string="Credit Hold on Escalation",
        help="A customer escalated to the AR director or handed over to legal goes on credit hold.")
    collection_hold_risk_score = fields.Integer(
        string="Credit Hold from Risk Score", default=0,
        help="Customers whose risk score reaches this go on credit hold (checked every day). 0: never.")
    collection_writeoff_account_id = fields.Many2one(
        "account.account", string="Write-Off Account", check_company=True,
        help="Expense account of write-offs; empty: a bad-debt expense account of the chart of accounts.")
    collection_writeoff_journal_id = fields.Many2one(
        "account.journal", string="Write-Off Journal", check_company=True, domain="[('type', '=', 'general')]",
        help="Journal of write-off entries; empty: the first miscellaneous journal.")
    collection_writeoff_tolerance = fields.Monetary(
        string="Small Residual Tolerance", currency_field="currency_id", default=1.0,
        help="Residuals up to this amount (company currency) can be written off in bulk by a manager.")
    collection_dispute_threshold = fields.Float(
        string="Dispute Detection Threshold", default=1.0, digits=(16, 2),
        help="A customer's email reply on an invoice opens a dispute when the weights of the dispute phrases "
        "it contains add up to this.")
    collection_dispute_reason_id = fields.Many2one(
        "ar.dispute.reason", string="Reason of Detected Disputes",
        help="Reason given to the disputes opened from an email reply; 'Other' when empty.")
    collection_high_risk_score = fields.Integer(
        string="High Risk Score", default=70,
        help="Overdue customers at or above this risk score go on the agenda when nobody contacted them lately.")
    collection_contact_gap_days = fields.Integer(
        string="Recent Contact (days)", default=14,
        help="A high-risk customer contacted within these days does not go on the agenda for that reason.")

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

    # ------------------------------------------------------------------
    # Going live
    # ------------------------------------------------------------------

    @api.model
    def _collection_install_defaults(self):
        """At install: every company gets the default configuration and its engine starts switched off."""
        companies = self.search([])
        companies._collection_ensure_defaults()
        companies.write({"collection_engine_paused": True})

    def _collection_ensure_defaults(self):
        """Give each company without a strategy copies of the default strategies, segments and agenda ranking.

        The defaults are the records the addon installs for the main company, as
        they stand: a company created later starts from what the main company uses.
        """
        strategies = self._collection_default_records("ar.collection.strategy", DEFAULT_STRATEGIES)
        segments = self._collection_default_records("ar.collection.segment", DEFAULT_SEGMENTS)
        ranking_rules = self._collection_default_records("ar.collection.ranking.rule", DEFAULT_RANKING_RULES)
        Strategy = self.env["ar.collection.strategy"].sudo()
        for company in self:
            if Strategy.search_count([("company_id", "=", company.id)]):
                continue
            copies = {strategy: strategy.copy({"company_id": company.id, "name": strategy.name})
                      for strategy in strategies.filtered(lambda record: record.company_id != company)}
            for segment in segments.filtered(lambda record: record.company_id != company):
                segment.copy({"company_id": company.id, "name": segment.name,
                              "strategy_id": copies.get(segment.strategy_id, Strategy).id})
            for rule in ranking_rules.filtered(lambda record: record.company_id != company):
                rule.copy({"company_id": company.id})
            standard = self.env.ref("ar_collections.strategy_standard", raise_if_not_found=False)
            if standard in copies and not company.collection_strategy_id:
                company.collection_strategy_id = copies[standard]
        return True

    def _collection_default_records(self, model, xmlids):
        records = self.env[model].sudo()
        for xmlid in xmlids:
            records |= self.env.ref(f"ar_collections.{xmlid}", raise_if_not_found=False) or records.browse()
        return records

    def _collection_switch_engine(self, on):
        """Switch the collections engine of the companies on or off, recorded in the audit trail."""
        changed = self.filtered(lambda company: company.collection_engine_paused == on)
        if not changed:
            return
        changed.collection_engine_paused = not on
        description = self.env._("Collections engine switched on") if on else self.env._(
            "Collections engine switched off")
        self.env["ar.collection.event"]._record([{
            "event_type": "state_change", "description": description, "company_id": company.id,
            "res_model": company._name, "res_id": company.id, "record_name": company.name,
            "old_value": "off" if on else "on", "new_value": "on" if on else "off", "rule": "engine_switch",
        } for company in changed])
        if on:
            self.env["ar.collection.engine"]._trigger_run()

    def _collection_writeoff_account(self):
        """The write-off account: the company's choice, else a bad-debt expense account, else an expense account."""
        self.ensure_one()
        if self.collection_writeoff_account_id:
            return self.collection_writeoff_account_id
        Account = self.env["account.account"].with_company(self)
        domain = [*Account._check_company_domain(self), ("account_type", "=", "expense"), ("deprecated", "=", False)]
        return (Account.search(domain + ["|", ("name", "ilike", "bad debt"), ("name", "ilike", "write")], limit=1)
                or Account.search(domain, limit=1, order="code"))

    def _collection_writeoff_journal(self):
        self.ensure_one()
        return self.collection_writeoff_journal_id or self.env["account.journal"].search([
            *self.env["account.journal"]._check_company_domain(self), ("type", "=", "general")], limit=1)

    def _collection_customers_without_email(self):
        """Number of customers with overdue invoices in this company whom no reminder email can reach."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        groups = self.env["account.move"].sudo()._read_group([
            ("company_id", "=", self.id), ("state", "=", "posted"), ("move_type", "in", ("out_invoice", "out_receipt")),
            ("payment_state", "in", ("not_paid", "partial")), ("invoice_date_due", "<", today),
        ], ["commercial_partner_id"])
        customers = self.env["res.partner"].union(*(partner for (partner,) in groups))
        return len(customers.filtered(lambda partner: not (partner.collection_contact_id.email or partner.email)))

    @api.model
    def _collection_generate_demo_book(self):
        """Generate the receivable book of the demo data (see :mod:`odoo.addons.ar_collections.book`)."""
        return generate_demo_book(self.env)
