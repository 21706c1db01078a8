"""Run at the start of every Python process whose PYTHONPATH holds this folder (and tests/):
the internals sokhcn_analytics.core.compat leans on are gone, as after an upgrade that moved them."""
import internals_gone

internals_gone.remove_all()
