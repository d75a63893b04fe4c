"""Generator of a realistic receivable book: customers, invoices, credit notes, payments, disputes, promises.

Used as the demo data of the addon, by the tests and, at scale, by the
benchmarks::

    from odoo.addons.ar_collections.book import generate

    result = generate(env, customers=200, years=2, seed=42)
    result["partner_behaviours"]  # {partner id: "prompt", "slow", "chronic", ...}

The book is first planned in plain Python (:mod:`.description`,
:mod:`.planning`: no Odoo, no database), then written: partners, disputes
and promises through the ORM, the accounting documents in bulk with
``COPY`` (:mod:`.writer`), every stored column computed the way Odoo
computes it.

Simplifications, chosen so that Odoo's own computations agree with what is
written: one payment-term instalment per document, at most one sales tax
(the company's default one, when it is a plain percentage), no products,
and credit notes and payments of a foreign-currency invoice are booked at
that invoice's rate, so that no exchange difference entry is needed.
"""
from .generator import generate, generate_demo_book

__all__ = ["generate", "generate_demo_book"]
