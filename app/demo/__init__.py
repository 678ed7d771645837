"""A reproducible fictional town for demos, tests and benchmarks."""
