from . import test_access
from . import test_audit
from . import test_behaviour
from . import test_chart_of_accounts
from . import test_constraints
from . import test_segments
from . import test_ui
