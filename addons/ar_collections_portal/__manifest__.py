{
    "name": "AR Collections - Customer Portal",
    "summary": "Customers follow their invoices' collection status, dispute invoices, promise to pay, "
    "download their statement and set their contact preferences on the portal",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/ar-collections/ar-collections",
    "author": "AR Collections contributors",
    "license": "LGPL-3",
    "depends": ["ar_collections", "portal", "account_payment"],
    "data": [
        "security/ir.model.access.csv",
        "security/ar_collections_portal_security.xml",
        "data/ir_config_parameter_data.xml",
        "data/mail_template_data.xml",
        "views/portal_templates.xml",
        "views/portal_invoice_templates.xml",
        "views/portal_case_templates.xml",
        "views/portal_account_templates.xml",
        "views/res_config_settings_views.xml",
        "views/ar_collection_strategy_views.xml",
    ],
    "demo": [
        "demo/ar_collections_portal_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "ar_collections_portal/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
