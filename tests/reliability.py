"""Shared conventions of the fault tests (issue 13): a fast fixed-seed mode and a long mode.

`make test` runs every test marked `reliability` with a fixed seed and few cases, so that it
stays fast and never flaky. `make reliability` sets DX_RELIABILITY=long and runs only those
tests, with many cases; each test prints one line of figures through `report`, which the
closing notes quote (cases run, crashes, partial writes, undetected tampering, ...).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

LONG = os.environ.get("DX_RELIABILITY") == "long"


def cases(fast: int, long: int) -> int:
    """How many cases to run: `fast` in `make test`, `long` in `make reliability`."""
    return long if LONG else fast


def hypothesis_settings(fast: int, long: int) -> settings:
    """Hypothesis settings for a fuzz test: derandomized (a fixed seed) in both modes."""
    return settings(
        max_examples=cases(fast, long),
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def report(name: str, **figures: int | float | str) -> None:
    """Print one line of figures, e.g. `RELIABILITY staff-import: cases=1000 crashes=0`."""
    shown = " ".join(f"{key.replace('_', '-')}={value}" for key, value in figures.items())
    print(f"\nRELIABILITY {name}: {shown}", flush=True)
