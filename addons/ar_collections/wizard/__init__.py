from . import ar_collection_engine_preview
from . import ar_collection_engine_preview_line
from . import ar_collection_call_log
from . import ar_collection_override
from . import ar_collection_agenda_bulk
from . import ar_collection_statement_wizard
from . import ar_collection_writeoff
