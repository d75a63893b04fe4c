#!/usr/bin/env python3
"""Benchmark of the receivable book generator (``odoo.addons.ar_collections.book``).

Generates a book in an existing database where ``ar_collections`` is
installed, commits it and prints the throughput::

    python tests/benchmarks/generate_book.py --db ar_bench_gen --customers 20000 --invoices 100000

Odoo is bootstrapped from ``$ODOO_SRC`` (default ``/opt/odoo``) with
``var/odoo-local.conf`` when it exists, else with the addons path of
``$ODOO_SRC`` and of this repository.
"""
import argparse
import os
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo"))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="existing database with ar_collections installed")
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--invoices", type=int, default=100000, help="invoices in total")
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--currencies", default="EUR", help="comma-separated document currencies")
    parser.add_argument("--countries", default="US,BE,FR,DE", help="comma-separated country codes")
    parser.add_argument("--company", type=int, help="company id (default: the first one)")
    parser.add_argument("--dry-run", action="store_true", help="roll back instead of committing")
    parser.add_argument(
        "--disable-triggers", action="store_true",
        help="skip PostgreSQL's foreign-key checks while writing, as pg_restore --disable-triggers does "
        "(session_replication_role = replica; needs a superuser; for throwaway benchmark databases only)")
    return parser.parse_args()


def odoo_arguments(db):
    config = REPOSITORY / "var" / "odoo-local.conf"
    addons = f"{ODOO_SRC / 'addons'},{ODOO_SRC / 'odoo' / 'addons'},{REPOSITORY / 'addons'}"
    arguments = ["-c", str(config)] if config.exists() else [f"--addons-path={addons}"]
    return [*arguments, "-d", db, "--log-level=warn"]


def bootstrap(db):
    sys.path.insert(0, str(ODOO_SRC))
    import odoo

    odoo.tools.config.parse_config(odoo_arguments(db))
    project_addons = str(REPOSITORY / "addons")
    if project_addons not in odoo.tools.config["addons_path"].split(","):
        odoo.tools.config["addons_path"] += f",{project_addons}"
    return odoo


def backend_cpu_seconds(cr):
    """CPU time of this cursor's PostgreSQL backend (when the server runs on this machine)."""
    cr.execute("SELECT pg_backend_pid()")
    try:
        fields = Path(f"/proc/{cr.fetchone()[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def disable_triggers(cr):
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cr.fetchone()[0]:
        sys.exit("--disable-triggers needs a PostgreSQL superuser.")
    cr.execute("SET session_replication_role = replica")


def main():
    args = parse_args()
    odoo = bootstrap(args.db)
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(args.db)
    from odoo.addons.ar_collections.book import generate  # the addons are importable once the registry is loaded

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if not env["ir.module.module"].search_count([("name", "=", "ar_collections"), ("state", "=", "installed")]):
            sys.exit(f"ar_collections is not installed in {args.db}.")
        company = env["res.company"].browse(args.company) if args.company else env["res.company"].search([], limit=1)
        per_year = args.invoices / args.customers / args.years
        print(f"Generating {args.invoices} invoices for {args.customers} customers over {args.years} years "
              f"in {args.db} ({company.name}, {company.currency_id.name})...", flush=True)
        if args.disable_triggers:
            disable_triggers(cr)
        load = os.getloadavg()[0]
        started, cpu_started, backend_started = time.perf_counter(), time.process_time(), backend_cpu_seconds(cr)
        result = generate(
            env, customers=args.customers, years=args.years, invoices_per_customer_year=per_year, seed=args.seed,
            company=company, currencies=tuple(args.currencies.split(",")),
            countries=tuple(args.countries.split(",")))
        if args.dry_run:
            cr.rollback()
        else:
            cr.commit()
        elapsed = time.perf_counter() - started
        python_cpu = time.process_time() - cpu_started
        backend_cpu = backend_started is not None and backend_cpu_seconds(cr) - backend_started

    print(f"customers      {result['partners']:>10}")
    print(f"invoices       {result['invoices']:>10}")
    print(f"credit notes   {result['credit_notes']:>10}")
    print(f"payments       {result['payments']:>10}")
    print(f"partials       {result['partials']:>10}")
    print(f"disputes       {result['disputes']:>10}")
    print(f"promises       {result['promises']:>10}")
    print(f"rows written   {result['rows']:>10}   (bulk path: moves, lines, payments, reconciliations, followers)")
    print(f"payment states {result['payment_states']}")
    print(f"generation     {result['seconds']:>10.1f} s")
    print(f"  per phase    {result['phases']}")
    print(f"with commit    {elapsed:>10.1f} s   (load average {load:.1f} before, {os.getloadavg()[0]:.1f} after)")
    print(f"CPU            {python_cpu:>10.1f} s Odoo" + (f", {backend_cpu:.1f} s PostgreSQL" if backend_cpu else ""))
    print(f"throughput     {result['invoices'] / result['seconds']:>10.0f} invoices/s, "
          f"{result['rows'] / result['seconds']:>8.0f} rows/s")


if __name__ == "__main__":
    main()
