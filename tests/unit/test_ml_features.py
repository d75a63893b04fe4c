from datetime import date

import pandas as pd
import pytest

from addon_packages import ADDONS_DIR, load_package

ml = load_package(ADDONS_DIR / "ar_collections_ml" / "ml", "ar_collections_ml_pkg")
features, delay_model = ml.features, ml.delay_model


def rows():
    # line, move, partner, invoice date, due date, amount, paid date
    return [
        (1, 1, 7, date(2025, 1, 1), date(2025, 1, 31), 100.0, date(2025, 2, 10)),  # 10 days late
        (2, 2, 7, date(2025, 2, 1), date(2025, 3, 3), 200.0, date(2025, 3, 1)),    # on time
        (3, 3, 7, date(2025, 3, 5), date(2025, 4, 4), 300.0, None),                # open
        (4, 4, 8, date(2025, 3, 5), date(2025, 4, 4), 50.0, None),                 # no history
    ]


def test_features_use_only_payments_before_the_invoice_date():
    frame = features.to_frame(rows())
    result = features.build_features(frame, frame)
    assert result.loc[1, "prior_paid_count"] == 0                 # nothing paid before 1 Jan
    assert result.loc[2, "prior_paid_count"] == 0                 # first payment on 10 Feb, after 1 Feb
    assert result.loc[3, "prior_paid_count"] == 2
    assert result.loc[3, "prior_late_share"] == pytest.approx(0.5)
    assert result.loc[3, "prior_avg_days_late"] == pytest.approx(5.0)
    assert pd.isna(result.loc[4, "prior_late_share"])
    assert result.loc[3, "term_days"] == 30
    assert list(result.index) == [1, 2, 3, 4]


def test_train_refuses_too_little_data():
    frame = features.to_frame(rows())
    with pytest.raises(delay_model.NotEnoughData):
        delay_model.train(frame)


def test_train_separates_late_and_prompt_payers():
    data = []
    for index in range(40):
        invoice_date = pd.Timestamp(2024, 1, 1) + pd.Timedelta(days=9 * index)
        due = invoice_date + pd.Timedelta(days=30)
        data.append((2 * index, 2 * index, 1, invoice_date, due, 100.0, due - pd.Timedelta(days=1)))
        data.append((2 * index + 1, 2 * index + 1, 2, invoice_date, due, 100.0, due + pd.Timedelta(days=20)))
    frame = features.to_frame(data)
    model, metrics = delay_model.train(frame)
    assert metrics["samples"] == 80
    assert metrics["auc"] >= 0.9
    future = features.to_frame([
        (900, 900, 1, pd.Timestamp(2025, 3, 1), pd.Timestamp(2025, 3, 31), 100.0, None),
        (901, 901, 2, pd.Timestamp(2025, 3, 1), pd.Timestamp(2025, 3, 31), 100.0, None),
    ])
    prompt, late = delay_model.predict(model, future, frame)
    assert late > 0.8
    assert prompt < 0.2
