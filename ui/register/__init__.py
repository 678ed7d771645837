"""Screens for the register's guards: logins and accounts, settings and the audit log."""
