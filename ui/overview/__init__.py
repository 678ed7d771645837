"""Screens across features: the set-up guide and checklist, and a person's card."""
