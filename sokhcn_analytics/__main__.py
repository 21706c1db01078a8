"""``python -m sokhcn_analytics …`` is the ``sokhcn`` command."""
from sokhcn_analytics.cli.main import run

if __name__ == "__main__":
    run()
