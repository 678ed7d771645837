"""The register file's guards: accounts and roles, the audit log, seals, settings, backup and check."""
