#!/usr/bin/env python3
"""Benchmark of the collections engine's planning run (deciding and recording actions).

For each size, builds a receivable book in a company of its own with the
project's generator (mostly recent, hence open, invoices), then times
``ar.collection.engine._plan`` and counts its SQL queries. Sending is
excluded, as in the issue. The book is committed (reruns reuse it), each
planning run is rolled back so that it can be measured again::

    python tests/benchmarks/engine_bench.py --db ar_bench --sizes 10000,100000

The database must exist with ``ar_collections`` installed.
"""
import argparse
import sys
import time

from generate_book import bootstrap


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--sizes", default="10000,100000", help="open invoices wanted, comma-separated")
    parser.add_argument("--invoices-per-customer", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=2, help="measured planning runs per size")
    return parser.parse_args()


def bench_company(env, size, per_customer):
    """The company holding the book of ``size`` open invoices, created on first use."""
    from odoo.addons.ar_collections.book import generate  # the addons are importable once the registry is loaded

    name = f"Engine Bench {size}"
    company = env["res.company"].search([("name", "=", name)], limit=1)
    if company:
        return company
    print(f"[{size}] building the book...", flush=True)
    # No country: creating a company with one installs that country's localisation modules.
    company = env["res.company"].create({"name": name})
    env.user.company_ids |= company
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    customers = max(1, round(size / per_customer))
    started = time.perf_counter()
    # Eight weeks of history: most invoices are still open, as in a busy collections book.
    result = generate(
        env, customers=customers, years=0.15, invoices_per_customer_year=size * 1.35 / customers / 0.15,
        company=company, currencies=("USD", "EUR"), countries=("US", "BE", "FR", "DE"))
    strategy = env["ar.collection.strategy"].create({
        "name": "Bench", "company_id": company.id, "max_touches": 4, "min_gap_days": 3,
        "quiet_weekday_ids": [], "quiet_hour_start": 0, "quiet_hour_end": 0,
        "step_ids": [
            (0, 0, {"name": "Courtesy", "offset_days": -3, "channel": "email",
                    "mail_template_id": env.ref("ar_collections.mail_template_courtesy_reminder").id}),
            (0, 0, {"name": "Reminder", "offset_days": 5, "channel": "email",
                    "mail_template_id": env.ref("ar_collections.mail_template_overdue_reminder").id}),
            (0, 0, {"name": "SMS", "offset_days": 15, "channel": "sms",
                    "sms_template_id": env.ref("ar_collections.sms_template_overdue_reminder").id}),
            (0, 0, {"name": "Call", "offset_days": 25, "channel": "call", "call_script": "<p>Call</p>"}),
        ],
    })
    company.collection_strategy_id = strategy
    env.cr.commit()
    print(f"[{size}] book built in {time.perf_counter() - started:.0f} s: {result['invoices']} invoices, "
          f"{result['partners']} customers", flush=True)
    return company


def measure(env, company):
    Engine = env["ar.collection.engine"].with_company(company)
    invoices, _credits = Engine._read_open_documents(company)
    open_invoices = sum(len(moves) for moves in invoices.values())
    env.invalidate_all()
    queries_before = env.cr.sql_log_count
    started = time.perf_counter()
    decisions = Engine._plan(company)
    elapsed = time.perf_counter() - started
    queries = env.cr.sql_log_count - queries_before
    env.cr.rollback()
    env.invalidate_all()
    return open_invoices, len(decisions), elapsed, queries


def main():
    args = parse_args()
    odoo = bootstrap(args.db)
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(args.db)
    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if not env["ir.module.module"].search_count([("name", "=", "ar_collections"), ("state", "=", "installed")]):
            sys.exit(f"ar_collections is not installed in {args.db}.")
        for size in map(int, args.sizes.split(",")):
            company = bench_company(env, size, args.invoices_per_customer)
            env = env(context=dict(env.context, allowed_company_ids=[company.id]))
            for run in range(1, args.runs + 1):
                open_invoices, decisions, elapsed, queries = measure(env, company)
                rows.append((size, run, open_invoices, decisions, elapsed, queries))
                print(f"[{size}] run {run}: {open_invoices} open invoices, {decisions} decisions, {elapsed:.2f} s, "
                      f"{open_invoices / elapsed:,.0f} invoices/s, {queries} queries "
                      f"({100 * queries / max(open_invoices, 1):.3f} per 100 invoices)", flush=True)
    print()
    print(f"{'book':>8} {'run':>4} {'open inv.':>10} {'decisions':>10} {'seconds':>8} {'inv./s':>9} "
          f"{'queries':>8} {'q/100 inv.':>10}")
    for size, run, open_invoices, decisions, elapsed, queries in rows:
        print(f"{size:>8} {run:>4} {open_invoices:>10} {decisions:>10} {elapsed:>8.2f} "
              f"{open_invoices / elapsed:>9,.0f} {queries:>8} {100 * queries / max(open_invoices, 1):>10.3f}")


if __name__ == "__main__":
    main()
