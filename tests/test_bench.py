"""The benchmarks keep running (tiny sizes; the figures themselves are for `make bench`)."""

import json
import os
import subprocess
import sys


def test_bench_prints_one_json_object_per_figure():
    result = subprocess.run([sys.executable, "-m", "bench", "--size", "60", "--repeat", "1", "--json",
                             "--workbooks", "4"],
                            capture_output=True, text=True, timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    figures = [json.loads(line) for line in result.stdout.splitlines()]
    names = {f["name"] for f in figures}
    assert {"open_migrate", "bulk_insert", "staff_list_load", "staff_filter_keystroke", "staff_sort_reading",
            "gui_cold_start", "evaluation_summary", "eligibility", "eligibility_training", "sheets_export", "sheets_import",
            "sheets_round_trip", "member_picker_open", "member_picker_tick_all", "members_add_section",
            "certificates_pdf", "certificates_pdf_same_page", "certificate_first_warm", "backup",
            "login", "login_refused", "tamper_verify"} <= names
    assert all(f["value"] > 0 and f["baseline"] > 0 and f["unit"] == "ms" for f in figures)
