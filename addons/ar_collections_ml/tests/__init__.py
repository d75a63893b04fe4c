from . import test_payment_delay_model
