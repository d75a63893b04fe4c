from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.ar_collections.tests.common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestPaymentDelayModel(ArCollectionsCommon):
    """A prompt payer and a chronic late payer: the model must tell them apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prompt, cls.late = cls.customer, cls.customer_2
        for index in range(20):
            invoice_date = cls._day(-400 + index * 15)
            for partner, delay in ((cls.prompt, -2), (cls.late, 25 + index % 7)):
                invoice = cls._invoice(partner, 100 + 10 * index, invoice_date, due_days=30)
                cls._pay(invoice, invoice_date + timedelta(days=30 + delay))
        cls.prompt_open = cls._invoice(cls.prompt, 500, cls._day(-10))
        cls.late_open = cls._invoice(cls.late, 500, cls._day(-10))

    def test_train_and_predict(self):
        Model = self.env["ar.collection.ml.model"]
        model = Model._train_payment_delay(self.env.company)
        self.assertEqual(model.sample_count, 40)
        self.assertAlmostEqual(model.late_rate, 0.5)
        self.assertGreaterEqual(model.metrics["holdout"], 10)
        self.assertGreaterEqual(model.auc, 0.9)
        self.assertEqual(model._predict_open_invoices(), 2)
        self.assertGreater(self.late_open.collection_late_probability, 0.8)
        self.assertLess(self.prompt_open.collection_late_probability, 0.2)

    def test_learned_risk_steers_the_next_best_action(self):
        self.env["ar.collection.ml.model"]._train_payment_delay(self.env.company)._predict_open_invoices()
        self.env.company.collection_strategy_id = self.strategy
        decisions = self.env["ar.collection.engine"]._plan(self.env.company, today=self._day(25), dry_run=True)
        late, prompt = (next(d for d in decisions if d.partner_id == partner.id) for partner in (self.late, self.prompt))
        self.assertEqual((late.channel, prompt.channel), ("email", "email"))
        self.assertIn("ML_LIKELY_LATE", late.reasons)
        self.assertIn("ML_LIKELY_ON_TIME", prompt.reasons)
        self.assertGreater(late.score, prompt.score, "the same reminder presses harder on a likely late payer")
        # Without predictions the engine keeps its rule-based scorer.
        self.env.cr.execute("UPDATE account_move SET collection_late_probability = NULL WHERE id IN %s",
                            [(self.late_open | self.prompt_open)._ids])
        decisions = self.env["ar.collection.engine"]._plan(self.env.company, today=self._day(25), dry_run=True)
        self.assertFalse([d for d in decisions if any(code.startswith("ML_") for code in d.reasons)])

    def test_retraining_archives_previous_model(self):
        Model = self.env["ar.collection.ml.model"]
        first = Model._train_payment_delay(self.env.company)
        second = Model._train_payment_delay(self.env.company)
        self.assertFalse(first.active)
        self.assertTrue(second.active)

    def test_not_enough_history_is_a_clear_error(self):
        other = self.setup_other_company()["company"]
        with self.assertRejected(UserError, "Not enough payment history"):
            self.env["ar.collection.ml.model"]._train_payment_delay(other)

    def test_collectors_read_models_but_not_their_data(self):
        model = self.env["ar.collection.ml.model"]._train_payment_delay(self.env.company)
        as_collector = model.with_user(self.collector)
        self.assertEqual(as_collector.sample_count, 40)
        with self.assertRaises(AccessError):
            as_collector.write({"active": False})
        with self.assertRaises(AccessError):
            as_collector.read(["model_data"])
