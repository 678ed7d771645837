"""Targets per fiscal year, designations (DX推進リーダー) and section coverage (issue 16)."""
