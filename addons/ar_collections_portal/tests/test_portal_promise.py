from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ArPortalCommon


@tagged("post_install", "-at_install")
class TestPortalPromise(ArPortalCommon):
    """A customer promises to pay an invoice; every bad input gets a message and writes nothing."""

    def setUp(self):
        super().setUp()
        self._login(self.customer_user)

    def assertRefused(self, response, message, status=200):
        self.assertEqual(response.status_code, status)
        self.assertIn(message, response.text)
        self.assertFalse(self._portal_promises(), "nothing may be written")

    def test_promise(self):
        response = self._post(self._promise_url(self.invoice_overdue),
                              self._promise_data(note="Paid in our next payment run."))
        promise = self._portal_promises()
        self.assertEqual(len(promise), 1)
        self.assertTrue(response.url.endswith(f"/my/promises/{promise.id}?ar_notice=created"), response.url)
        self.assertRecordValues(promise, [{
            "source": "portal",
            "state": "open",
            "amount": 300.0,
            "promise_date": self._day(10),
            "note": "Paid in our next payment run.",
            "user_id": self.collector.id,
            "residual_at_promise": 1200.0,
        }])
        self.assertEqual(promise.invoice_ids, self.invoice_overdue)
        self.assertEqual(self.invoice_overdue.collection_state, "promised")
        self.assertTrue(promise.message_ids.filtered(
            lambda message: message.author_id == self.contact and "next payment run" in message.body))
        confirmation = promise.message_ids.filtered(lambda message: "your promise to pay" in (message.subject or ""))
        self.assertEqual(confirmation.notification_ids.res_partner_id, self.contact)

    def test_dates(self):
        for promise_date, message in (
            (self._day(-1), "cannot be in the past"),
            (self._day(31), "no later than"),
            ("2025-02-30", "Enter the date you will pay"),
            ("tomorrow", "Enter the date you will pay"),
            ("", "Enter the date you will pay"),
        ):
            with self.subTest(promise_date=promise_date):
                response = self._post(self._promise_url(self.invoice_overdue),
                                      self._promise_data(promise_date=str(promise_date)))
                self.assertRefused(response, message)
        self._post(self._promise_url(self.invoice_overdue), self._promise_data(promise_date=str(self._day(30))))
        self.assertEqual(self._portal_promises().promise_date, self._day(30), "the last day of the horizon is fine")

    def test_horizon_of_company_and_strategy(self):
        company = self.invoice_overdue.company_id
        company.collection_portal_max_promise_days = 5
        response = self._post(self._promise_url(self.invoice_overdue), self._promise_data(promise_date=str(self._day(6))))
        self.assertRefused(response, "no later than")
        # The customer's strategy sets its own horizon.
        company.collection_strategy_id = self.strategy
        self.strategy.portal_max_promise_days = 60
        self.assertEqual(self.invoice_overdue._portal_max_promise_days(), 60)
        self._post(self._promise_url(self.invoice_overdue), self._promise_data(promise_date=str(self._day(45))))
        self.assertEqual(self._portal_promises().promise_date, self._day(45))

    def test_bad_amounts(self):
        for amount, message in (
            ("-5", "must be more than zero"),
            ("0.00", "must be more than zero"),
            ("1200.5", "at most what is left to pay"),
            ("12O", "as a number"),
        ):
            with self.subTest(amount=amount):
                response = self._post(self._promise_url(self.invoice_overdue), self._promise_data(amount=amount))
                self.assertRefused(response, message)

    def test_note_too_long_and_escaped(self):
        response = self._post(self._promise_url(self.invoice_overdue), self._promise_data(note="y" * 2001))
        self.assertRefused(response, "under 2000 characters")
        self._post(self._promise_url(self.invoice_overdue), self._promise_data(note="<b onmouseover=alert(1)>hi</b>"))
        response = self.url_open(f"/my/promises/{self._portal_promises().id}")
        self.assertNotIn("<b onmouseover", response.text)
        self.assertIn("&lt;b onmouseover", response.text)

    def test_missing_csrf_token(self):
        response = self._post(self._promise_url(self.invoice_overdue), self._promise_data(), csrf=False)
        self.assertRefused(response, "This form has expired", status=400)

    def test_paid_invoice(self):
        self._pay(self.invoice_overdue, self.today)
        response = self._post(self._promise_url(self.invoice_overdue), self._promise_data())
        self.assertRefused(response, "already paid")

    def test_already_promised(self):
        promise = self._backoffice_promise(self.customer, self.invoice_overdue)
        response = self._post(self._promise_url(self.invoice_overdue), self._promise_data())
        self.assertRefused(response, f"You already promised to pay invoice {self.invoice_overdue.name} ({promise.name})")

    @mute_logger("odoo.http")
    def test_other_customer_invoice(self):
        self.assertEqual(self.url_open(self._promise_url(self.other_invoice)).status_code, 403)
        response = self._post(self._promise_url(self.other_invoice), self._promise_data())
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.env["ar.promise"].search([("source", "=", "portal")]))

    def test_rate_limit(self):
        self.env["ir.config_parameter"].set_param("ar_collections_portal.max_requests_per_hour", "1")
        self._post(self._promise_url(self.invoice_overdue), self._promise_data())
        response = self._post(self._promise_url(self.invoice_due), self._promise_data())
        self.assertIn("in the last hour, the most we accept", response.text)
        self.assertEqual(len(self._portal_promises()), 1)
        # 0: no limit.
        self.env["ir.config_parameter"].set_param("ar_collections_portal.max_requests_per_hour", "0")
        self._post(self._promise_url(self.invoice_due), self._promise_data())
        self.assertEqual(len(self._portal_promises()), 2)
