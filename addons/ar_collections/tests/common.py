from contextlib import contextmanager
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class ArCollectionsCommon(AccountTestInvoicingCommon):
    """A company with collectors, a manager, customers and a strategy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        # The accountant running the tests also administers collections.
        cls.env.user.groups_id += cls.env.ref("ar_collections.group_ar_collections_admin")
        company = cls.env.company
        groups = "base.group_user,ar_collections.group_ar_collections_%s"
        cls.collector = new_test_user(cls.env, "ar_collector", groups=groups % "collector",
                                      company_id=company.id, company_ids=company.ids)
        cls.collector_2 = new_test_user(cls.env, "ar_collector_2", groups=groups % "collector",
                                        company_id=company.id, company_ids=company.ids)
        cls.manager = new_test_user(cls.env, "ar_manager", groups=groups % "manager",
                                    company_id=company.id, company_ids=company.ids)
        cls.ar_admin = new_test_user(cls.env, "ar_admin", groups=groups % "admin",
                                     company_id=company.id, company_ids=company.ids)
        cls.customer = cls._customer("Azure Interior", "BE")
        cls.customer_2 = cls._customer("Deco Addict", "US")
        cls.strategy = cls.env["ar.collection.strategy"].create({
            "name": "Standard",
            "step_ids": [
                Command.create({
                    "name": "Courtesy", "offset_days": -3, "channel": "email",
                    "mail_template_id": cls.env.ref("ar_collections.mail_template_courtesy_reminder").id,
                }),
                Command.create({
                    "name": "Reminder", "offset_days": 5, "channel": "email",
                    "mail_template_id": cls.env.ref("ar_collections.mail_template_overdue_reminder").id,
                }),
            ],
        })
        cls.reason = cls.env.ref("ar_collections.dispute_reason_price")

    @classmethod
    def _customer(cls, name, country_code, **values):
        return cls.env["res.partner"].create({
            "name": name,
            "is_company": True,
            "country_id": cls.env.ref(f"base.{country_code.lower()}").id,
            "email": f"{name.lower().replace(' ', '.')}@example.com",
            **values,
        })

    @classmethod
    def _invoice(cls, partner, amount, invoice_date, due_days=30, move_type="out_invoice", currency=None):
        """A posted customer document without taxes, due ``due_days`` after its date."""
        move = cls.env["account.move"].create({
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": invoice_date,
            "invoice_date_due": invoice_date + timedelta(days=due_days),
            "currency_id": (currency or cls.env.company.currency_id).id,
            "invoice_line_ids": [Command.create({
                "name": "Consulting", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()],
            })],
        })
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, payment_date, amount=None):
        wizard = cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({
                "payment_date": payment_date,
                **({"amount": amount} if amount is not None else {}),
            })
        return wizard._create_payments()

    @classmethod
    def _day(cls, days):
        return cls.today + timedelta(days=days)

    @contextmanager
    def assertRejected(self, exception, pattern):
        """Like ``assertRaisesRegex``, rolling back what the failed call wrote (as Odoo's ``assertRaises``)."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)
