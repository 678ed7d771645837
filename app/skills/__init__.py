"""The skill map: catalogues, per-person skills, demand and the gap (issue 15)."""
