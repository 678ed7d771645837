"""Screens for evaluation: projects, assignments, the rating form, results, sheets, templates."""
