"""Point-in-time features of customer invoices for late-payment prediction.

Every feature of an invoice is computed only from what was known on its
invoice date (the customer's payments made before it), so that training does
not learn from the future.
"""
import numpy as np
import pandas as pd

FEATURES = [
    "log_amount",
    "term_days",
    "invoice_month",
    "prior_paid_count",
    "prior_late_share",
    "prior_avg_days_late",
]
COLUMNS = ["line_id", "move_id", "partner_id", "invoice_date", "date_maturity", "amount", "paid_date"]


def to_frame(rows):
    frame = pd.DataFrame.from_records(rows, columns=COLUMNS)
    for column in ("invoice_date", "date_maturity", "paid_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["amount"] = frame["amount"].astype(float)
    return frame


def add_target(frame):
    """``days_late`` and ``late`` (paid after the due date) for paid invoices."""
    frame = frame.copy()
    frame["days_late"] = (frame["paid_date"] - frame["date_maturity"]).dt.days.clip(lower=0)
    frame["late"] = (frame["days_late"] > 0).astype(int)
    return frame


def build_features(invoices, history):
    """Features of ``invoices`` from the customers' paid ``history``.

    Both are frames of :data:`COLUMNS`; ``history`` holds paid invoices
    (``paid_date`` set). The prior statistics of an invoice only count
    payments strictly before its invoice date.
    """
    paid = add_target(history.dropna(subset=["paid_date"])).sort_values("paid_date")
    paid["cum_count"] = paid.groupby("partner_id").cumcount() + 1
    paid["cum_late"] = paid.groupby("partner_id")["late"].cumsum()
    paid["cum_days_late"] = paid.groupby("partner_id")["days_late"].cumsum()
    stats = paid[["partner_id", "paid_date", "cum_count", "cum_late", "cum_days_late"]]

    ordered = invoices.sort_values("invoice_date").copy()
    merged = pd.merge_asof(
        ordered, stats, left_on="invoice_date", right_on="paid_date", by="partner_id",
        allow_exact_matches=False, suffixes=("", "_prior"))
    count = merged["cum_count"].fillna(0)
    features = pd.DataFrame({
        "line_id": merged["line_id"],
        "log_amount": np.log1p(merged["amount"].clip(lower=0)),
        "term_days": (merged["date_maturity"] - merged["invoice_date"]).dt.days,
        "invoice_month": merged["invoice_date"].dt.month,
        "prior_paid_count": count,
        "prior_late_share": np.where(count > 0, merged["cum_late"].fillna(0) / count.replace(0, 1), np.nan),
        "prior_avg_days_late": np.where(count > 0, merged["cum_days_late"].fillna(0) / count.replace(0, 1), np.nan),
    })
    return features.set_index("line_id").loc[invoices["line_id"]]
