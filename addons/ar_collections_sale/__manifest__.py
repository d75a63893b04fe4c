{
    "name": "AR Collections - Sales",
    "summary": "Customers on credit hold: their sales orders wait for a collections manager's release",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/ar-collections/ar-collections",
    "author": "AR Collections contributors",
    "license": "LGPL-3",
    "depends": ["ar_collections", "sale"],
    "data": [
        "views/sale_order_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
