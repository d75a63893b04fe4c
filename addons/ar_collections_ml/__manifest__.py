{
    "name": "AR Collections - Machine Learning",
    "summary": "Learns from payment history: late-payment risk of every open invoice, weighed by the engine",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/ar-collections/ar-collections",
    "author": "AR Collections contributors",
    "license": "LGPL-3",
    "depends": ["ar_collections"],
    "external_dependencies": {"python": ["pandas", "scikit-learn"]},
    "data": [
        "security/ir.model.access.csv",
        "security/ar_collections_ml_security.xml",
        "data/ir_cron_data.xml",
        "views/ar_collection_ml_model_views.xml",
        "views/account_move_views.xml",
    ],
    "installable": True,
}
