"""Every action of the screens has its `dx-jinzai-cli` command, the parser has it, and the README lists it."""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtWidgets import QPushButton, QToolBar

from app.cli.main import build_parser
from app.cli.screen_commands import GUI_COMMANDS, VIEW_CONTROLS, commands

README = Path(__file__).resolve().parent.parent / "README.md"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # noqa: SLF001 - argparse keeps its sub-commands here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return dict(action.choices)
    return {}


def _leaf_commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    children = _subcommands(parser)
    if not children:
        return [prefix]
    return [leaf for name, child in children.items() for leaf in _leaf_commands(child, f"{prefix} {name}".strip())]


def _resolve(command: str) -> tuple[argparse.ArgumentParser, list[str]]:
    """The parser of `a b c --opt` and the options named after the sub-commands."""
    parser = build_parser()
    words = command.split()
    for word in [w for w in words if not w.startswith("--")]:
        children = _subcommands(parser)
        assert word in children, f"`{command}`: the parser has no sub-command {word}"
        parser = children[word]
    return parser, [w for w in words if w.startswith("--")]


def _all_named_controls(window) -> set[str]:
    """Tool-bar actions, menu entries and buttons of every page, by object name; unnamed ones are reported."""
    for page in ("organisation_page", "projects_page", "evaluation_page", "certification_page", "certificates_page",
                 "training_page", "skills_page", "targets_page"):
        getattr(window, page)  # built on first visit
    names, unnamed = set(), []
    actions = [a for bar in window.findChildren(QToolBar) for a in bar.actions()]
    actions += [a for menu in window.menuBar().actions() if menu.menu() for a in menu.menu().actions()]
    for action in actions:
        if action.isSeparator() or action.menu():
            continue
        (names.add(action.objectName()) if action.objectName() else unnamed.append(action.text()))
    for button in window.findChildren(QPushButton):
        (names.add(button.objectName()) if button.objectName() else unnamed.append(button.text()))
    assert not unnamed, f"name these actions and buttons, and map them in app/cli/screen_commands.py: {unnamed}"
    return names


def test_every_mapped_command_exists_in_the_parser():
    for command in sorted(commands()):
        parser, options = _resolve(command)
        assert not _subcommands(parser), f"`{command}` is a group, not a command"
        known = {o for action in parser._actions for o in action.option_strings}  # noqa: SLF001
        for option in options:
            assert option in known, f"`{command}`: the command has no option {option}"


def test_the_readme_lists_every_command():
    readme = README.read_text(encoding="utf-8")
    table = readme[readme.index("## コマンドライン"):readme.index("## 権限")]
    missing = [leaf for leaf in _leaf_commands(build_parser()) if f"`{leaf}" not in table]
    assert not missing, f"the README's CLI table does not list: {missing}"
    for command in commands():
        for option in (w for w in command.split() if w.startswith("--")):
            assert option in table, f"the README's CLI table does not mention {option} ({command})"


def test_every_gui_action_has_its_command(window, qtbot):
    named = _all_named_controls(window)
    window.certificates_page.wait_for_previews()  # none left to run once the register is closed
    qtbot.wait(10)
    unmapped = sorted(named - set(GUI_COMMANDS) - VIEW_CONTROLS)
    assert not unmapped, f"GUI actions without a CLI command in app/cli/screen_commands.py: {unmapped}"
    stale = sorted((set(GUI_COMMANDS) | VIEW_CONTROLS) - named)
    assert not stale, f"app/cli/screen_commands.py names controls the window does not have: {stale}"


# Commands that only read (a list, one record, a check): scripts get --json from each.
READ_WORDS = {"list", "show", "history", "path", "get", "summary", "suggest"}
READ_COMMANDS = {"check", "self-check", "eligibility", "verify", "certificate-log", "audit"}


def test_every_read_command_offers_json():
    reads = [leaf for leaf in _leaf_commands(build_parser())
             if leaf.split()[-1] in READ_WORDS or leaf in READ_COMMANDS]
    assert len(reads) >= 20
    without = [leaf for leaf in reads
               if "--json" not in {o for a in _resolve(leaf)[0]._actions for o in a.option_strings}]  # noqa: SLF001
    assert not without, f"read commands without --json: {without}"
