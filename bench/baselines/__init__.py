"""Same-run baselines for `make bench`: the usual way to build the same interview."""
