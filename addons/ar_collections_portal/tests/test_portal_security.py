from odoo.tests import JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ArPortalCommon


@tagged("post_install", "-at_install")
class TestPortalSecurity(ArPortalCommon):
    """Who sees what: other customers, anonymous visitors with and without a token, other companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispute = cls._backoffice_dispute(cls.customer, cls.invoice_overdue)
        cls.promise = cls._backoffice_promise(cls.customer, cls.invoice_due)

    def assertLoginRedirect(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertIn("/web/login", response.url)

    @mute_logger("odoo.http")
    def test_other_customer(self):
        self._login(self.other_user)
        for url in (f"/my/disputes/{self.dispute.id}", f"/my/promises/{self.promise.id}",
                    self._dispute_url(self.invoice_overdue), self._promise_url(self.invoice_overdue)):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 403)
        for url in (f"/my/disputes/{10 ** 8}", f"/my/promises/{10 ** 8}"):
            self.assertEqual(self.url_open(url).status_code, 404)
        # Odoo's invoice page sends whoever may not see the invoice back home.
        self.assertNotIn(f"/my/invoices/{self.invoice_overdue.id}",
                         self.url_open(f"/my/invoices/{self.invoice_overdue.id}").url)
        for url in ("/my/disputes", "/my/promises", "/my/invoices"):
            response = self.url_open(url)
            self.assertNotIn(self.dispute.name, response.text)
            self.assertNotIn(self.promise.name, response.text)
            self.assertNotIn(self.invoice_overdue.name, response.text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["ar_dispute_count", "ar_promise_count"]})
        self.assertEqual(counters, {"ar_dispute_count": 0, "ar_promise_count": 0})

    def test_other_customer_with_invoice_token(self):
        """A reminder forwarded to someone else: they may see the invoice, not act on it."""
        self._login(self.other_user)
        token = self.invoice_overdue._portal_ensure_token()
        response = self.url_open(f"/my/invoices/{self.invoice_overdue.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_ar_collection_state", response.text)
        self.assertNotIn("o_ar_dispute_button", response.text)
        self.assertNotIn("o_ar_promise_button", response.text)
        self.assertNotIn(f'href="/my/disputes/{self.dispute.id}"', response.text)

    def test_anonymous_with_invoice_token(self):
        """The link of a reminder email opens the invoice without logging in; acting needs a login."""
        self.authenticate(None, None)
        token = self.invoice_due._portal_ensure_token()
        response = self.url_open(f"/my/invoices/{self.invoice_due.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoice_due.name, response.text)
        self.assertIn("o_ar_collection_state", response.text)
        self.assertIn("o_ar_login_hint", response.text)
        self.assertNotIn("o_ar_dispute_button", response.text)
        self.assertNotIn("o_ar_promise_button", response.text)
        self.assertIn("Pay Now", response.text)
        for url in (self._dispute_url(self.invoice_due), self._promise_url(self.invoice_due)):
            self.assertLoginRedirect(self.url_open(f"{url}?access_token={token}"))
            self.assertLoginRedirect(self._post(url, {**self._dispute_data(), **self._promise_data(),
                                                      "access_token": token}))
        self.assertFalse(self._portal_disputes() | self.env["ar.dispute"].search([("source", "=", "portal")]))
        self.assertFalse(self._portal_promises())

    def test_anonymous_without_token(self):
        self.authenticate(None, None)
        self.assertLoginRedirect(self.url_open(f"/my/invoices/{self.invoice_due.id}"))
        for url in ("/my/disputes", "/my/promises", f"/my/disputes/{self.dispute.id}",
                    f"/my/promises/{self.promise.id}", "/my/collections/statement",
                    "/my/collections/statement/pdf?date_from=2020-01-01&date_to=2030-01-01",
                    "/my/collections/preferences", self._dispute_url(self.invoice_due)):
            with self.subTest(url=url):
                self.assertLoginRedirect(self.url_open(url))
        self.assertLoginRedirect(self._post(self._dispute_url(self.invoice_due), self._dispute_data()))
        self.assertLoginRedirect(self._post("/my/collections/preferences", {"lang": "en_US"}))
        self.assertFalse(self.env["ar.dispute"].search([("source", "=", "portal")]))

    @mute_logger("odoo.http")
    def test_anonymous_with_dispute_token(self):
        """The link of the acknowledgement email opens the dispute, and lets the customer write."""
        self.authenticate(None, None)
        token = self.dispute._portal_ensure_token()
        response = self.url_open(f"/my/disputes/{self.dispute.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.dispute.name, response.text)
        self.assertIn(f'data-token="{token}"', response.text)
        self.assertEqual(self.url_open(f"/my/disputes/{self.dispute.id}?access_token=wrong").status_code, 403)
        self.assertEqual(self.url_open(f"/my/promises/{self.promise.id}?access_token={token}").status_code, 403)
        self.make_jsonrpc_request("/mail/message/post", {
            "thread_model": "ar.dispute", "thread_id": self.dispute.id, "token": token,
            "post_data": {"body": "Sent from the email link", "message_type": "comment"},
        })
        message = self.dispute.message_ids[:1]
        self.assertEqual(message.body, "<p>Sent from the email link</p>")
        self.assertEqual(message.author_id, self.customer)

    @mute_logger("odoo.http")
    def test_portal_chatter(self):
        """The customer answers the collector in the dispute's conversation, and only in their own."""
        self._login(self.customer_user)
        self.make_jsonrpc_request("/mail/message/post", {
            "thread_model": "ar.dispute", "thread_id": self.dispute.id,
            "post_data": {"body": "Here is the delivery note.", "message_type": "comment"},
        })
        message = self.dispute.message_ids[:1]
        self.assertEqual(message.author_id, self.contact)
        self.assertEqual(message.body, "<p>Here is the delivery note.</p>")
        self.make_jsonrpc_request("/mail/message/post", {
            "thread_model": "ar.promise", "thread_id": self.promise.id,
            "post_data": {"body": "We pay on Friday.", "message_type": "comment"},
        })
        self.assertEqual(self.promise.message_ids[:1].author_id, self.contact)
        other_dispute = self._backoffice_dispute(self.customer_2, self.other_invoice)
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request("/mail/message/post", {
                "thread_model": "ar.dispute", "thread_id": other_dispute.id,
                "post_data": {"body": "Not mine", "message_type": "comment"},
            })
        self.assertFalse(other_dispute.message_ids.filtered(lambda message: "Not mine" in message.body))

    @mute_logger("odoo.http")
    def test_user_of_another_company(self):
        """A portal user of the same customer, but of another company, sees nothing of this company."""
        company_2 = self.setup_other_company()["company"]
        contact = self.env["res.partner"].create({"name": "Ava Azure", "parent_id": self.customer.id})
        user = new_test_user(self.env, "azure_portal_2", password="azure_portal_2", groups="base.group_portal",
                             partner_id=contact.id, company_id=company_2.id, company_ids=company_2.ids)
        self._login(user)
        self.assertNotIn(f"/my/invoices/{self.invoice_due.id}", self.url_open(f"/my/invoices/{self.invoice_due.id}").url)
        self.assertEqual(self.url_open(self._dispute_url(self.invoice_due)).status_code, 403)
        self.assertEqual(self._post(self._dispute_url(self.invoice_due), self._dispute_data()).status_code, 403)
        self.assertEqual(self._post(self._promise_url(self.invoice_due), self._promise_data()).status_code, 403)
        self.assertEqual(self.url_open(f"/my/disputes/{self.dispute.id}").status_code, 403)
        self.assertNotIn(self.dispute.name, self.url_open("/my/disputes").text)
        self.assertNotIn(self.invoice_due.name, self.url_open("/my/invoices").text)
        # The statement is of the user's own company: none of this company's invoices appear.
        response = self.url_open(f"/my/collections/statement/pdf?date_from={self._day(-60)}&date_to={self.today}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(self.invoice_due.name, response.text)
        response = self.url_open(f"/my/collections/statement/pdf?date_from={self._day(-60)}&date_to={self.today}"
                                 f"&company_id={self.invoice_due.company_id.id}")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Choose one of your companies", response.text)
        self.assertFalse(self.env["ar.dispute"].search([("source", "=", "portal")]))
        self.assertFalse(self.env["ar.promise"].search([("source", "=", "portal")]))

    @mute_logger("odoo.http")
    def test_internal_user_cannot_act_as_customer(self):
        self.authenticate(self.collector.login, self.collector.login)
        self.assertEqual(self.url_open(self._dispute_url(self.invoice_due)).status_code, 403)
        self.assertEqual(self.url_open("/my/collections/preferences").status_code, 403)
        self.assertEqual(self.url_open("/my/collections/statement").status_code, 403)
        # The collector previews the invoice page without the customer's buttons.
        response = self.url_open(f"/my/invoices/{self.invoice_due.id}")
        self.assertNotIn("o_ar_dispute_button", response.text)
