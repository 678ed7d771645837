"""Exceptions whose message is meant for the user (already translated)."""


class UserError(Exception):
    """An input the app refuses; the message is shown to the user as is."""


class DatabaseRefused(UserError):
    """A database file we will not open or change; the file is left untouched."""


class StorageError(DatabaseRefused):
    """The disk or the file system refused (read-only, full, locked, I/O error); nothing was changed."""


class AuthenticationError(UserError):
    """Login failed or the account may not do what was asked."""


class PermissionDenied(UserError):
    """The logged-in account may not see or change this (e.g. another evaluator's ratings)."""
