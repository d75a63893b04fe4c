import base64
import logging
import pickle

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..ml import delay_model, features

_logger = logging.getLogger(__name__)

MODEL_KINDS = [("payment_delay", "Late-Payment Prediction")]


class ArCollectionMlModel(models.Model):
    """A trained model, its metrics and the data it learned from."""

    _name = "ar.collection.ml.model"
    _description = "Collections Learned Model"
    _order = "trained_on desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    kind = fields.Selection(MODEL_KINDS, required=True, default="payment_delay", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True,
                                 default=lambda self: self.env.company)
    active = fields.Boolean(default=True, help="Only the active model of a kind predicts.")
    trained_on = fields.Datetime(readonly=True)
    sample_count = fields.Integer(string="Training Samples", readonly=True)
    late_rate = fields.Float(string="Late Rate", readonly=True, digits=(16, 4))
    auc = fields.Float(string="AUC (hold-out)", readonly=True, digits=(16, 4))
    brier = fields.Float(string="Brier Score (hold-out)", readonly=True, digits=(16, 4))
    accuracy = fields.Float(string="Accuracy (hold-out)", readonly=True, digits=(16, 4))
    metrics = fields.Json(readonly=True)
    model_data = fields.Binary(attachment=False, readonly=True, groups="base.group_system")

    @api.model
    def _train_payment_delay(self, company):
        """Train a late-payment model on ``company``'s paid invoices and make it the active one."""
        rows = self._read_invoice_rows(company, paid=True)
        try:
            model, metrics = delay_model.train(features.to_frame(rows))
        except delay_model.NotEnoughData as error:
            raise UserError(self.env._(
                "Not enough payment history in %(company)s to learn from: %(reason)s.",
                company=company.name, reason=error)) from error
        self.search([("company_id", "=", company.id), ("kind", "=", "payment_delay")]).active = False
        return self.sudo().create({
            "name": self.env._("Late payment - %(date)s", date=fields.Date.context_today(self)),
            "kind": "payment_delay",
            "company_id": company.id,
            "trained_on": fields.Datetime.now(),
            "sample_count": metrics["samples"],
            "late_rate": metrics["late_rate"],
            "auc": metrics.get("auc", 0.0),
            "brier": metrics.get("brier", 0.0),
            "accuracy": metrics.get("accuracy", 0.0),
            "metrics": metrics,
            "model_data": base64.b64encode(pickle.dumps(model)),
        })

    def _load(self):
        self.ensure_one()
        # Only models trained and stored by this addon are ever unpickled.
        return pickle.loads(base64.b64decode(self.sudo().model_data))

    def _predict_open_invoices(self):
        """Store the late-payment probability of every open invoice of the model's company."""
        self.ensure_one()
        open_rows = self._read_invoice_rows(self.company_id, paid=False)
        if not open_rows:
            return 0
        history = features.to_frame(self._read_invoice_rows(self.company_id, paid=True))
        invoices = features.to_frame(open_rows)
        probabilities = delay_model.predict(self._load(), invoices, history)
        by_move = {}
        for move_id, probability in zip(invoices["move_id"], probabilities):
            by_move[int(move_id)] = max(by_move.get(int(move_id), 0.0), float(probability))
        self.env["account.move"].flush_model(["collection_late_probability"])
        self.env.cr.execute_values(
            "UPDATE account_move m SET collection_late_probability = v.p FROM (VALUES %s) AS v(id, p) WHERE m.id = v.id",
            list(by_move.items()), template="(%s::int, %s::float8)", page_size=1000)
        self.env["account.move"].invalidate_model(["collection_late_probability"])
        return len(by_move)

    @api.model
    def _read_invoice_rows(self, company, paid):
        """Receivable instalments of posted customer invoices: paid ones, or the open ones."""
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(SQL("""
            SELECT aml.id, aml.move_id, aml.partner_id, move.invoice_date, aml.date_maturity, aml.balance,
                   CASE WHEN aml.reconciled THEN MAX(apr.max_date) END
              FROM account_move_line aml
              JOIN account_move move ON move.id = aml.move_id
              JOIN account_account account ON account.id = aml.account_id
         LEFT JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
             WHERE aml.company_id = %(company)s
               AND account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_receipt')
               AND aml.partner_id IS NOT NULL
               AND aml.reconciled = %(paid)s
          GROUP BY aml.id, move.invoice_date
        """, company=company.id, paid=paid))
        return self.env.cr.fetchall()

    def action_predict_now(self):
        for model in self:
            model._predict_open_invoices()
        return True

    @api.model
    def action_train_now(self):
        model = self._train_payment_delay(self.env.company)
        model._predict_open_invoices()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": model.id,
            "view_mode": "form",
        }

    @api.model
    def _cron_train_and_predict(self):
        for company in self.env["res.company"].search([]):
            try:
                with self.env.cr.savepoint():
                    self._train_payment_delay(company)._predict_open_invoices()
            except UserError as error:
                _logger.info("Late-payment model not trained for %s: %s", company.name, error)
