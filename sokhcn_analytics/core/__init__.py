"""What every stage stands on: paths, errors, the data model, the indicator catalog and labels,
Vietnamese number formats, and the one place that touches libraries' internals (``compat``).
Nothing here imports another stage of the package."""
