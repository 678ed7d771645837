"""Screens for staff and organisation: the staff list, import, one person, positions, the tree."""
