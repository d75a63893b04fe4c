from . import ar_collection_ml_model
from . import account_move
from . import ar_collection_engine
