"""Figures added up for the mayor and the council: outcomes, charts and reports (issue 16)."""
