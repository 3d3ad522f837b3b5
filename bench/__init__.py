"""Benchmark tooling for `make bench`: the data set, the bare baseline view and the load runner."""
