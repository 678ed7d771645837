"""Certification: schemes, the eligibility engine, decisions and numbers, certificates and earlier ones."""
