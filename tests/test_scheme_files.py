"""Schemes and templates as JSON files: round trips, and bad files refused with the field named, nothing written."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.evaluation import rubrics
from app.certification import scheme_files
from app.certification import schemes
from app.evaluation import template_files
from app.errors import UserError
from tests.conftest import ADMIN_USER
from tests.reliability import hypothesis_settings, report

MOKA = scheme_files.to_dict(schemes.MOKA_PRESET)


def write(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def changed(change) -> dict:
    data = copy.deepcopy(MOKA)
    change(data)
    return data


@pytest.mark.parametrize("preset", sorted(schemes.PRESETS))
def test_every_preset_survives_the_round_trip(db, tmp_path: Path, preset: str):
    scheme_id = schemes.install_preset(db, preset, ADMIN_USER)
    out = scheme_files.export_scheme(db, ADMIN_USER, scheme_id, tmp_path / f"{preset}.json")
    copied = scheme_files.import_scheme(db, ADMIN_USER, out)
    original, loaded = schemes.load_scheme(db, scheme_id), schemes.load_scheme(db, copied)
    assert loaded.version == original.version + 1
    assert scheme_files.to_dict(loaded) == scheme_files.to_dict(original)


def test_the_moka_template_survives_the_round_trip(db, tmp_path: Path):
    template_id = rubrics.ensure_preset(db, ADMIN_USER)
    out = template_files.export_template(db, ADMIN_USER, template_id, tmp_path / "moka.json")
    copied = template_files.import_template(db, ADMIN_USER, out)
    assert template_files.to_dict(rubrics.load_template(db, copied)) == template_files.to_dict(
        rubrics.load_template(db, template_id))


def _set(path: str, value):
    """A change that sets a field given as levels.0.requirements.1.params.min (or deletes it with ...)."""
    def change(data):
        *parents, last = path.split(".")
        target = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        key = int(last) if isinstance(target, list) else last
        if value is ...:
            del target[key]
        else:
            target[key] = value
    return change


BAD_FILES = {
    "not json": ("{ levels: [", ["正しい JSON ではありません", "1 行"]),
    "nan": ('{"format": "dx-jinzai-scheme", "x": NaN}', ["正しい JSON ではありません"]),
    "a list": ("[1, 2]", ["認定制度ファイルではありません"]),
    "a template file": ({"format": "dx-jinzai-template", "format_version": 1}, ["認定制度ファイルではありません"]),
    "a later format": (changed(_set("format_version", 2)), ["format_version"]),
    "no levels": (changed(_set("levels", ...)), ["項目 levels がありません"]),
    "empty levels": (changed(_set("levels", [])), ["項目 levels が空です"]),
    "a level that is text": (changed(_set("levels.1", "expert")), ["項目 levels[1] の型"]),
    "no level code": (changed(_set("levels.0.code", ...)), ["項目 levels[0].code がありません"]),
    "a blank level name": (changed(_set("levels.2.name", " ")), ["項目 levels[2].name が空です"]),
    "ladder as text": (changed(_set("levels.0.ladder", "yes")), ["項目 levels[0].ladder の型"]),
    "an unknown requirement": (changed(_set("levels.0.requirements.0.kind", "age")), [
        "項目 levels[0].requirements[0].kind", "age"]),
    "params as a list": (changed(_set("levels.0.requirements.0.params", [4])), [
        "項目 levels[0].requirements[0].params の型"]),
    "a count as text": (changed(_set("levels.0.requirements.0.params.min", "四")), [
        "levels[0].requirements[0].params", "min"]),
    "a count as true": (changed(_set("levels.0.requirements.0.params.min", True)), [
        "levels[0].requirements[0].params"]),
    "roles as a number": (changed(_set("levels.0.requirements.1.params.roles", 3)), [
        "levels[0].requirements[1].params"]),
    "a realisation as a list": (changed(_set("levels.1.requirements.1.params.min", ["trial"])), [
        "levels[1].requirements[1].params"]),
    "a previous level as a list": (changed(_set("levels.1.requirements.0.params.level", ["advisor"])), [
        "levels[1].requirements[0].params"]),
    "a later previous level": (changed(_set("levels.1.requirements.0.params.level", "specialist")), [
        "levels[1].requirements[0].params"]),
    "a perspective as a number": (changed(_set("levels.0.requirements.2.params.perspective", 1)), [
        "levels[0].requirements[2].params"]),
    "no sequence in the number": (changed(_set("number_pattern", "DX認定第{年度和暦}号")), [
        "項目 number_pattern", "{連番}"]),
    "the same level code twice": (changed(_set("levels.1.code", "advisor")), ["項目 levels[1].code", "advisor"]),
    "not utf-8": ("認定制度".encode("cp932"), ["UTF-8"]),
    "far too large": (" " * 1_000_001, ["大きすぎ"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_scheme_files_are_refused_with_the_field_named_and_nothing_written(db, tmp_path: Path, case: str):
    content, fragments = BAD_FILES[case]
    path = tmp_path / "tonari.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        write(path, content)
    before = schemes.list_schemes(db)
    with pytest.raises(UserError) as refused:
        scheme_files.import_scheme(db, ADMIN_USER, path)
    message = str(refused.value)
    assert "tonari.json" in message
    for fragment in fragments:
        assert fragment in message, message
    assert schemes.list_schemes(db) == before


def test_a_bad_template_file_names_the_field(db, tmp_path: Path):
    data = template_files.to_dict(rubrics.MOKA_PRESET)
    data["perspectives"][1]["criteria"][2]["rater_kinds"] = ["boss"]
    with pytest.raises(UserError, match=r"perspectives\[1\]\.criteria\[2\]\.rater_kinds"):
        template_files.import_template(db, ADMIN_USER, write(tmp_path / "rubric.json", data))
    assert rubrics.list_templates(db) == []


_JSON = st.recursive(st.none() | st.booleans() | st.integers(-5, 10) | st.floats(allow_nan=False) | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                     max_leaves=6)


def _paths(value, prefix=()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@pytest.mark.reliability
def test_any_field_replaced_by_any_json_is_refused_or_loaded_never_a_crash(tmp_path: Path):
    """Fuzz: one field of the Moka file replaced by random JSON; only a clean result or a UserError is allowed."""
    paths = [p for p in _paths(MOKA) if p]
    outcome = {"cases": 0, "refused": 0, "crashes": 0}

    @hypothesis_settings(fast=150, long=5000)
    @given(st.sampled_from(paths), _JSON)
    def run(path: tuple, value) -> None:
        data = copy.deepcopy(MOKA)
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        outcome["cases"] += 1
        try:
            scheme_files.from_dict(data, "fuzz.json")
        except UserError:
            outcome["refused"] += 1
        except Exception:
            outcome["crashes"] += 1
            raise

    run()
    report("scheme-file", **outcome)
    assert outcome["crashes"] == 0
