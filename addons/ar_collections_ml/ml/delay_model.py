"""Late-payment classifier: train with a time-based hold-out, then predict."""
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, brier_score_loss, roc_auc_score

from . import features as feats

MIN_SAMPLES = 30
HOLDOUT_SHARE = 0.25


class NotEnoughData(ValueError):
    pass


def _classifier(seed):
    return HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.08, max_leaf_nodes=15, min_samples_leaf=5, random_state=seed)


def train(history, seed=0):
    """Fit on paid invoices; return ``(model, metrics)``.

    Metrics come from the latest invoices held out of training; the
    returned model is then refitted on everything.
    """
    paid = feats.add_target(history.dropna(subset=["paid_date"]))
    if len(paid) < MIN_SAMPLES:
        raise NotEnoughData(f"{len(paid)} paid invoices, at least {MIN_SAMPLES} needed")
    if paid["late"].nunique() < 2:
        raise NotEnoughData("every paid invoice has the same outcome")
    paid = paid.sort_values("invoice_date")
    X = feats.build_features(paid, paid)[feats.FEATURES].to_numpy(dtype=float)
    y = paid["late"].to_numpy()
    split = int(len(paid) * (1 - HOLDOUT_SHARE))
    metrics = {"samples": int(len(paid)), "late_rate": round(float(y.mean()), 4)}
    if 0 < split < len(paid) and len(set(y[:split])) == 2:
        model = _classifier(seed).fit(X[:split], y[:split])
        metrics.update(_evaluate(model, X[split:], y[split:]))
    return _classifier(seed).fit(X, y), metrics


def _evaluate(model, X, y):
    probabilities = model.predict_proba(X)[:, 1]
    metrics = {
        "holdout": int(len(y)),
        "accuracy": round(float(accuracy_score(y, probabilities >= 0.5)), 4),
        "brier": round(float(brier_score_loss(y, probabilities)), 4),
    }
    if len(set(y)) == 2:
        metrics["auc"] = round(float(roc_auc_score(y, probabilities)), 4)
    return metrics


def predict(model, invoices, history):
    """Probability that each of ``invoices`` is paid late, in their order."""
    if invoices.empty:
        return np.array([])
    X = feats.build_features(invoices, history)[feats.FEATURES].to_numpy(dtype=float)
    return model.predict_proba(X)[:, 1]
