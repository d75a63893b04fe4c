{
    "name": "AR Collections - Customer Portal",
    "summary": "Customers follow their invoices, disputes and promises to pay on the portal",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/ar-collections/ar-collections",
    "author": "AR Collections contributors",
    "license": "LGPL-3",
    "depends": ["ar_collections", "portal", "account_payment"],
    "data": [
        "security/ir.model.access.csv",
        "security/ar_collections_portal_security.xml",
    ],
    "demo": [
        "demo/ar_collections_portal_demo.xml",
    ],
    "installable": True,
}
