from . import account_move
from . import ar_invoice_case_mixin
from . import ar_collection_strategy
from . import ar_dispute
from . import ar_promise
from . import res_company
from . import res_config_settings
from . import res_partner
