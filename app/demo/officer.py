"""The administrator the demo data is entered as, shared by the town and the demo projects.

Its own module so that app/demo/projects.py (built on the town) and app/demo/town.py (which
adds the projects when the demo is big enough) need not import each other both ways.
"""

from __future__ import annotations

from app.register.accounts import Role, User


def officer(actor: str) -> User:
    """The administrator the demo data is entered as (it goes only into a register without staff)."""
    return User(0, actor, actor, Role.ADMIN)
