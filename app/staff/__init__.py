"""Staff and organisation: the directory, one person's edits, the HR import and export, units and positions."""
