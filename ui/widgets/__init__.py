"""Screen parts every feature uses: dialog pieces, the date entry, table models, PDF previews."""
