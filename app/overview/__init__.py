"""What spans every feature: a person's card, the set-up guide, settings by key and the self-check."""
