import html

from odoo.tests import tagged
from odoo.tools import format_amount, format_date

from .engine_common import ArCollectionsEngineCommon

# For each language: words the customer must read in the rendered templates, from the addon's translations.
EXPECTED = {
    "fr_FR": {
        "courtesy_subject": "arrive à échéance le",
        "courtesy_body": "Nous nous permettons de vous rappeler que la facture",
        "overdue_body": "Total dû",
        "final_body": "Les factures suivantes sont échues et restent impayées",
        "sms": "facture(s) échue(s)",
        "wording": "Code de commerce",
    },
    "nl_BE": {
        "courtesy_subject": "vervalt op",
        "courtesy_body": "Graag herinneren wij u eraan dat factuur",
        "overdue_body": "Totaal verschuldigd",
        "final_body": "De volgende facturen zijn vervallen en nog steeds niet betaald",
        "sms": "factuur/facturen vervallen",
        "wording": "2 augustus 2002",
    },
    "de_DE": {
        "courtesy_subject": "fällig",
        "courtesy_body": "wir möchten Sie freundlich daran erinnern, dass die Rechnung",
        "overdue_body": "Fälliger Gesamtbetrag",
        "final_body": "die folgenden Rechnungen sind überfällig und weiterhin unbezahlt",
        "sms": "überfällige Rechnung(en)",
        "wording": "BGB",
    },
    "es_ES": {
        "courtesy_subject": "vence el",
        "courtesy_body": "Le recordamos amablemente que la factura",
        "overdue_body": "Total pendiente",
        "final_body": "Las siguientes facturas están vencidas y siguen pendientes de pago",
        "sms": "factura(s) vencida(s)",
        "wording": "Ley 3/2004",
    },
}
COUNTRY = {"fr_FR": "FR", "nl_BE": "BE", "de_DE": "DE", "es_ES": "ES"}


def plain(text):
    return text.replace("\xa0", " ").replace("\u202f", " ")


@tagged("post_install", "-at_install")
class TestRemindersInTheCustomersLanguage(ArCollectionsEngineCommon):
    """Each template, rendered for a customer in each language the addon ships, reads in that language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        codes = list(EXPECTED)
        for code in codes:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(["ar_collections"], codes, overwrite=True)
        cls.template = {name: cls.env.ref(f"ar_collections.{name}") for name in (
            "mail_template_courtesy_reminder", "mail_template_overdue_reminder", "mail_template_final_notice",
            "mail_template_portal_notice", "mail_template_thank_you", "mail_template_dispute_rejected")}
        cls.sms = cls.env.ref("ar_collections.sms_template_overdue_reminder")

    def _customer_in(self, lang):
        customer = self._customer(f"Client {lang}", COUNTRY[lang], lang=lang)
        invoice = self._overdue_invoice(1234.5, 10, partner=customer)
        return customer, invoice

    def _render(self, template, field, record):
        """The rendered text, entities decoded and every kind of space a plain one."""
        text = html.unescape(str(template._render_field(field, record.ids, compute_lang=True)[record.id]))
        return plain(text)

    def test_every_template_in_every_language(self):
        for lang, expected in EXPECTED.items():
            with self.subTest(lang=lang):
                customer, invoice = self._customer_in(lang)
                env = self.env(context={"lang": lang})
                amount = plain(format_amount(env, 1234.5, self.company.currency_id))
                due = format_date(env, invoice.invoice_date_due)
                courtesy = self.template["mail_template_courtesy_reminder"]
                subject = self._render(courtesy, "subject", invoice)
                self.assertIn(expected["courtesy_subject"], subject)
                self.assertIn(due, subject, "the date in the customer's format")
                body = self._render(courtesy, "body_html", invoice)
                self.assertIn(expected["courtesy_body"], body)
                self.assertIn(amount, body, "the amount in the customer's format")
                self.assertIn(expected["wording"], body, "the compliance wording in the customer's language")
                overdue = self._render(self.template["mail_template_overdue_reminder"], "body_html", customer)
                self.assertIn(expected["overdue_body"], overdue)
                self.assertIn(due, overdue)
                final = self._render(self.template["mail_template_final_notice"], "body_html", customer)
                self.assertIn(expected["final_body"], final)
                sms = self._render(self.sms, "body", customer)
                self.assertIn(expected["sms"], sms)
                self.assertIn(amount, sms)
                for name in ("mail_template_portal_notice", "mail_template_thank_you"):
                    english = plain(html.unescape(str(
                        self.template[name]._render_field("body_html", invoice.ids)[invoice.id])))
                    self.assertNotEqual(self._render(self.template[name], "body_html", invoice), english,
                                        f"{name} is translated")

    def test_reminder_sent_in_the_customers_language(self):
        customer, invoice = self._customer_in("fr_FR")
        self._plan()
        with self.mock_mail_gateway():
            self.Action._execute_due()
        mail = self._new_mails.filtered(lambda m: customer in m.recipient_ids)
        self.assertEqual(len(mail), 1)
        env = self.env(context={"lang": "fr_FR"})
        body = plain(html.unescape(mail.body_html))
        self.assertIn("Total dû", body)
        self.assertIn(format_date(env, invoice.invoice_date_due), body)
        self.assertIn(plain(format_amount(env, 1234.5, self.company.currency_id)), body)
        self.assertIn("Code de commerce", body)
