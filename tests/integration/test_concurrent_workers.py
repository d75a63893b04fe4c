"""Two engine workers at once: nobody is contacted twice, nothing is left behind."""
import threading
import uuid
from collections import Counter
from datetime import date, timedelta

CUSTOMERS = 12


def make_book(env):
    """A strategy and a dozen customers with one overdue invoice each, in a company of their own; committed.

    Actions left planned by an earlier test are cancelled first: the workers take every company's queue.
    """
    env["ar.collection.action"].search([("state", "in", ("planned", "to_approve"))]).write({"state": "cancelled"})
    tag = uuid.uuid4().hex[:8]
    # No country: creating a company with one installs that country's localisation modules.
    company = env["res.company"].create({"name": f"Concurrency {tag}"})
    env.user.company_ids |= company
    env = env(context={"allowed_company_ids": company.ids})
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    template = env.ref("ar_collections.mail_template_overdue_reminder")
    strategy = env["ar.collection.strategy"].create({
        "name": f"Concurrency {tag}", "company_id": company.id, "max_touches": 0, "min_gap_days": 0,
        "quiet_weekday_ids": [(5, 0, 0)], "quiet_hour_start": 0, "quiet_hour_end": 0,
        "step_ids": [(0, 0, {"name": "Reminder", "offset_days": 5, "channel": "email",
                             "mail_template_id": template.id})],
    })
    company.collection_strategy_id = strategy
    customers = env["res.partner"].create([{
        "name": f"Customer {tag} {index}", "is_company": True, "email": f"customer{index}.{tag}@example.com",
        "lang": "en_US",
    } for index in range(CUSTOMERS)])
    today = date.today()
    invoices = env["account.move"].create([{
        "move_type": "out_invoice", "partner_id": customer.id, "company_id": company.id,
        "invoice_date": today - timedelta(days=40), "invoice_date_due": today - timedelta(days=10),
        "invoice_line_ids": [(0, 0, {"name": "Services", "quantity": 1, "price_unit": 100.0 + index,
                                     "tax_ids": [(5, 0, 0)]})],
    } for index, customer in enumerate(customers)])
    invoices.action_post()
    env.cr.commit()
    return company.id, customers.ids


def plan_and_commit(env, company_id):
    """One planning run of the company, committed; its decisions."""
    company = env["res.company"].browse(company_id)
    decisions = env["ar.collection.engine"].with_company(company)._plan(company)
    env.cr.commit()
    return decisions


def run_in_threads(target, count=2):
    """Run ``target(index)`` in ``count`` threads released at the same moment; return their results."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def work(index):
        try:
            barrier.wait(timeout=30)
            results[index] = target(index)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    return results


def test_two_planning_runs_plan_each_action_once(new_env):
    company_id, customer_ids = make_book(new_env())

    def plan(_index):
        return len(plan_and_commit(new_env(), company_id))

    planned = run_in_threads(plan)
    env = new_env()
    actions = env["ar.collection.action"].search([("company_id", "=", company_id)])
    assert sorted(actions.partner_id.ids) == sorted(customer_ids), "one action per customer"
    assert sum(planned) >= CUSTOMERS, planned
    assert len(actions) == CUSTOMERS


def test_two_sending_workers_send_each_action_once(new_env):
    company_id, customer_ids = make_book(new_env())
    plan_and_commit(new_env(), company_id)

    def send(_index):
        """A cron worker: a batch per transaction, again while actions are due."""
        Action = new_env()["ar.collection.action"]
        sent = 0
        while True:
            done = Action._execute_due(limit=3)
            Action.env.cr.commit()
            sent += done
            if not done and not Action._count_due():
                Action.env.cr.rollback()
                return sent

    first, second = run_in_threads(send)
    env = new_env()
    actions = env["ar.collection.action"].search([("company_id", "=", company_id)])
    assert len(actions) == CUSTOMERS
    assert set(actions.mapped("state")) == {"done"}
    assert first + second == CUSTOMERS, (first, second)
    assert first and second, "both workers took part"
    mails = env["mail.mail"].search([("recipient_ids", "in", customer_ids)])
    assert Counter(mails.recipient_ids.ids) == Counter(customer_ids), "one email per customer"


def test_worker_behind_another_leaves_it_the_queue(new_env):
    """A worker whose transaction began before another one sent the actions neither fails nor sends them again."""
    company_id, _customer_ids = make_book(new_env())
    plan_and_commit(new_env(), company_id)
    behind = new_env()["ar.collection.action"]
    assert behind._count_due() == CUSTOMERS  # its snapshot of the database is taken here
    ahead = new_env()["ar.collection.action"]
    assert ahead._execute_due(limit=100) == CUSTOMERS
    ahead.env.cr.commit()
    assert behind._execute_due(limit=100) == 0, "nothing locked, nothing sent twice, no error"
    behind.env.cr.rollback()
    assert behind._count_due() == 0, "a new transaction sees the queue empty"


def test_planning_run_behind_another_skips_without_failing(new_env):
    """A run whose transaction began before another run committed the same plan neither fails nor plans twice."""
    company_id, customer_ids = make_book(new_env())
    behind = new_env()
    assert behind["res.company"].browse(company_id).name  # its snapshot of the database is taken here
    assert len(plan_and_commit(new_env(), company_id)) == CUSTOMERS
    assert plan_and_commit(behind, company_id) == [], "no error, nothing written"
    env = new_env()
    actions = env["ar.collection.action"].search([("company_id", "=", company_id)])
    assert sorted(actions.partner_id.ids) == sorted(customer_ids)
    assert len(actions) == CUSTOMERS, "each customer planned once"
