"""Benchmarks: our code against the bare library doing the same work."""
