from odoo.tests import tagged

from .common import ArPortalCommon


@tagged("post_install", "-at_install")
class TestPortalPreferences(ArPortalCommon):
    """The customer chooses how they are contacted; every change is an audit event."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.customer.lang = "en_US"
        cls.accountant = cls.env["res.partner"].create({
            "name": "Arthur Accounts", "parent_id": cls.customer.id, "email": "ap@azure.example.com",
            "lang": "en_US"})

    def setUp(self):
        super().setUp()
        self._login(self.customer_user)

    def _events(self):
        return self.env["ar.collection.event"].search([
            ("partner_id", "=", self.customer.id), ("rule", "=", "portal_preferences")])

    def _data(self, **values):
        return {"collection_preferred_channel": "email", "collection_contact_id": str(self.accountant.id),
                "lang": "fr_FR", "collection_no_sms": "1", **values}

    def test_save_preferences(self):
        response = self._post("/my/collections/preferences", self._data())
        self.assertEqual(response.status_code, 200)
        self.assertIn("preferences are saved", response.text)
        self.assertRecordValues(self.customer, [{
            "collection_preferred_channel": "email",
            "collection_contact_id": self.accountant.id,
            "lang": "fr_FR",
            "collection_no_sms": True,
        }])
        self.assertEqual(self.accountant.lang, "fr_FR", "reminders use the contact's language first")
        events = self._events()
        self.assertEqual(len(events), 4)
        self.assertEqual(set(events.mapped("event_type")), {"override"})
        self.assertEqual(events.user_id, self.customer_user)
        contact_event = events.filtered(lambda event: event.new_value == self.accountant.display_name)
        self.assertEqual(contact_event.old_value, "")
        # Saving the same values again changes and logs nothing.
        self._post("/my/collections/preferences", self._data())
        self.assertEqual(len(self._events()), 4)
        # Back to no preference and the main address.
        self._post("/my/collections/preferences", self._data(collection_preferred_channel="",
                                                              collection_contact_id="", collection_no_sms=""))
        self.assertFalse(self.customer.collection_preferred_channel)
        self.assertFalse(self.customer.collection_contact_id)
        self.assertTrue(self.customer.collection_no_sms, "an unchecked box is simply not sent")

    def test_bad_preferences(self):
        other = self.env["res.partner"].create({"name": "Someone Else", "parent_id": self.customer_2.id})
        for values, message in (
            ({"collection_preferred_channel": "fax"}, "Choose one of the channels"),
            ({"collection_contact_id": str(other.id)}, "Choose one of the people of your company"),
            ({"collection_contact_id": "abc"}, "Choose one of the people of your company"),
            ({"lang": "xx_XX"}, "Choose one of the languages"),
            ({"lang": "de_DE"}, "Choose one of the languages"),
            ({"collection_preferred_channel": "sms"}, "cannot prefer text messages and refuse them"),
        ):
            with self.subTest(values=values):
                response = self._post("/my/collections/preferences", self._data(**values))
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertFalse(self.customer.collection_preferred_channel)
                self.assertFalse(self._events())

    def test_missing_csrf_token(self):
        response = self._post("/my/collections/preferences", self._data(), csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertIn("This form has expired", response.text)
        self.assertFalse(self.customer.collection_preferred_channel)
        self.assertFalse(self._events())

    def test_contacts_offered(self):
        response = self.url_open("/my/collections/preferences")
        self.assertIn(self.accountant.name, response.text)
        self.assertIn(self.contact.name, response.text)
        self.assertNotIn(self.other_contact.name, response.text)
