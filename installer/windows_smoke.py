"""Install, run and uninstall the Windows installer under Wine, checking files and outputs.

    python installer/windows_smoke.py dist/dx-jinzai-setup-<version>.exe [--gui] [--upgrade-from OLD.exe]
    python installer/windows_smoke.py SETUP.exe --bundle FOLDER --installer-only   (a stand-in bundle)

In a fresh Wine prefix (build/windows/smoke/prefix unless --work; nothing in the home folder):
1. silent install (/S) to %LOCALAPPDATA%\\Programs\\dx-jinzai: the installed files equal the bundle,
   shortcuts and the HKCU uninstall entry exist, nothing from a Wine prefix and no stub DLL is there;
2. the installed CLI runs --version, its self-check (fonts, catalogue, migrations, every lazily
   imported module, sample certificates, a workbook: a part missing from the build fails here with
   the line naming it), init, demo and certificates on the register in the user data folder; the
   host checks the PDF with pdffonts (every font embedded) and pdftotext (𠮷田);
3. with --gui: the installed dx-jinzai.exe runs its self-check (adding Qt's fonts and Japanese
   strings, the screens and PDFium) and saves a screenshot of its first dialog offscreen (needs
   the test-only icuuc.dll stand-in in the prefix's system32, never in the bundle);
4. while the program is running, a silent install and uninstall both refuse and change nothing;
5. silent uninstall removes the program folder, shortcuts and uninstall key; the register stays;
6. with --upgrade-from: OLD.exe is installed first, a register of the previous schema version sits
   in the data folder, and the new installer goes over it: the data stays, the program's first
   start migrates it and keeps a backup.
Wine exit codes are not trusted (a wrong stub exits 0): every step is judged by files and output.
Each Wine call has a time limit and is followed by `wineserver -w`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "windows"
BUNDLE = OUT / "dist" / "dx-jinzai"
UNINSTALL_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\dx-jinzai"
APP_NAME = "DX人材認定台帳"
EXIT_APP_RUNNING = 3
sys.path.insert(0, str(ROOT / "installer"))  # check_windows_bundle, smoke_test


class SmokeFailure(AssertionError):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def windows_path(path: Path) -> str:
    return "Z:" + str(path).replace("/", "\\")


class Wine:
    """One throw-away prefix; every call bounded in time and waited for."""

    def __init__(self, prefix: Path) -> None:
        self.prefix = prefix
        self.env = {**os.environ, "WINEPREFIX": str(prefix), "WINEDEBUG": os.environ.get("WINEDEBUG", "-all"),
                    "XDG_CACHE_HOME": str(OUT / "cache"), "XDG_CONFIG_HOME": str(OUT / "config"),
                    "XDG_DATA_HOME": str(OUT / "data"),
                    "WINEDLLOVERRIDES": "winemenubuilder.exe=d;mscoree=d;mshtml=d"}
        for name in [k for k in self.env if k.startswith("PYTHON") or k.startswith("DX_JINZAI")]:
            del self.env[name]  # the installed program must find everything itself
        shutil.rmtree(prefix, ignore_errors=True)
        prefix.parent.mkdir(parents=True, exist_ok=True)
        self.call(["wineboot", "-i"], timeout=300, wine=False)
        users = [p for p in (prefix / "drive_c" / "users").iterdir() if p.name != "Public"]
        check(len(users) == 1, f"Wine made no single user folder: {users}")
        self.home = users[0]
        for link in self.home.iterdir():  # Desktop, Documents, ... point at the home folder: not here
            if link.is_symlink():
                link.unlink()
                link.mkdir()
        self.local = self.home / "AppData" / "Local"
        self.install_dir = self.local / "Programs" / "dx-jinzai"
        self.data_dir = self.local / "dx-jinzai"
        self.start_menu = self.home / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs"

    def wait(self) -> None:
        try:
            subprocess.run(["wineserver", "-w"], env=self.env, timeout=120, check=False)
        except subprocess.TimeoutExpired:
            subprocess.run(["wineserver", "-k"], env=self.env, timeout=60, check=False)
            raise SmokeFailure("wineserver did not settle within 120 s (killed)") from None

    def call(self, args: list[str], timeout: int = 180, wine: bool = True,
             extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Output is always piped: Windows python.exe crashes when stdout is a file under Wine."""
        env = {**self.env, **(extra_env or {})}
        try:
            result = subprocess.run((["wine"] if wine else []) + args, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=timeout,
                                    encoding="utf-8", errors="replace")
        except subprocess.TimeoutExpired:
            subprocess.run(["wineserver", "-k"], env=self.env, timeout=60, check=False)
            raise SmokeFailure(f"timed out after {timeout} s: {args}") from None
        self.wait()
        return result

    def registry(self, key: str) -> str | None:
        """The key exported as text (reg.exe writes UTF-16), or None when it does not exist."""
        target = self.prefix / "drive_c" / "export.reg"
        target.unlink(missing_ok=True)
        self.call(["reg", "export", key, "C:\\export.reg", "/y"], timeout=60)
        if not target.exists():
            return None
        text = target.read_bytes().decode("utf-16")
        target.unlink()
        return text if key.split("\\", 1)[1] in text else None

    def shortcuts(self) -> list[Path]:
        return sorted(self.home.rglob("*.lnk"))


class Smoke:
    def __init__(self, installer: Path, bundle: Path = BUNDLE, gui: bool = False, programs: bool = True,
                 work: Path = OUT / "smoke") -> None:
        self.installer, self.bundle, self.gui, self.programs = installer, bundle, gui, programs
        self.work = work
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.wine = Wine(self.work / "prefix")
        self.started = time.monotonic()

    def step(self, text: str) -> None:
        print(f"[windows-smoke {time.monotonic() - self.started:5.0f}s] {text}", flush=True)

    @property
    def cli(self) -> str:
        return str(self.wine.install_dir / "dx-jinzai-cli.exe")

    def install(self, installer: Path) -> subprocess.CompletedProcess[str]:
        return self.wine.call([str(installer), "/S"], timeout=300)

    def check_installed(self) -> None:
        w = self.wine
        installed = tree(w.install_dir)
        check(installed.pop("uninstall.exe", None), "no uninstall.exe in the program folder")
        bundle = tree(self.bundle)
        check(installed == bundle, "the installed files differ from the bundle: "
              f"{sorted(set(installed) ^ set(bundle))[:10]} "
              f"{[k for k in installed if k in bundle and installed[k] != bundle[k]][:10]}")
        from check_windows_bundle import problems
        found = problems(w.install_dir, [w.prefix, OUT / "prefix"])
        check(not found, "the installed program carries forbidden files:\n" + "\n".join(found))
        names = {p.relative_to(w.home).as_posix() for p in w.shortcuts()}
        menu = (w.start_menu / APP_NAME).relative_to(w.home).as_posix()
        wanted = {f"{menu}/{APP_NAME}.lnk", f"{menu}/{APP_NAME} ライセンス.lnk", f"Desktop/{APP_NAME}.lnk"}
        check(wanted <= names, f"shortcuts missing: {sorted(wanted - names)} (found {sorted(names)})")
        for link in w.shortcuts():
            data = link.read_bytes()
            check(b"dx-jinzai" in data or "dx-jinzai".encode("utf-16-le") in data, f"{link.name} points elsewhere")
        entry = w.registry(UNINSTALL_KEY)
        check(entry is not None, "no uninstall entry under HKCU")
        assert entry is not None
        for value in (f'"DisplayName"="{APP_NAME}"', '"Publisher"=', '"DisplayVersion"=', '"InstallLocation"=',
                      '"UninstallString"=', '"QuietUninstallString"=', '"EstimatedSize"=dword:',
                      '"NoModify"=dword:00000001', '"NoRepair"=dword:00000001'):
            check(value in entry, f"the uninstall entry lacks {value}:\n{entry}")
        check("uninstall.exe\\\" /S" in entry, f"QuietUninstallString is not silent:\n{entry}")
        size_kb = int(entry.split('"EstimatedSize"=dword:')[1][:8], 16)
        check(abs(size_kb * 1024 - sum(p.stat().st_size for p in w.install_dir.rglob("*") if p.is_file()))
              < 5_000_000, f"EstimatedSize {size_kb} KB is not the program's size")

    def run_cli(self) -> None:
        version = self.wine.call([self.cli, "--version"]).stdout
        check("dx-jinzai " in version, f"--version printed {version!r}")
        self.version = version.strip().split()[-1]
        self.self_check("dx-jinzai-cli.exe", self.wine.call([self.cli, "self-check", "--json"]).stdout)
        out = self.wine.call([self.cli, "init"]).stdout
        db = self.wine.data_dir / "dx-jinzai.sqlite"
        check(db.exists(), f"init made no register in the user data folder:\n{out}")
        out = self.wine.call([self.cli, "demo"]).stdout
        check("300" in out, f"demo printed:\n{out}")
        pdf = self.work / "certificates.pdf"
        out = self.wine.call([self.cli, "certificates", "--out", windows_path(pdf), "--new"]).stdout
        check(pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), f"no certificate PDF:\n{out}")
        text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
        check("𠮷田" in text.replace(" ", ""), "the certificate lost 𠮷")
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
        check(fonts and all(line.split()[-5] == "yes" for line in fonts), f"fonts not embedded: {fonts}")
        self.step(f"installed CLI {self.version}: init, demo, certificates ({pdf.stat().st_size // 1024} KB PDF, "
                  f"{len(fonts)} fonts embedded, 𠮷田 found)")

    def self_check(self, program: str, text: str, gui: bool = False) -> None:
        """Judge a self-check report by its content and print its figures."""
        from smoke_test import CLI_CHECKS, GUI_CHECKS, judge_self_check
        try:
            lines = judge_self_check(f"the installed {program}", text, GUI_CHECKS if gui else CLI_CHECKS)
        except AssertionError as failure:
            raise SmokeFailure(str(failure)) from None
        self.step(f"installed {program} passed its self-check:\n    " + "\n    ".join(lines))

    def run_gui(self) -> None:
        stub = build_stubs()
        shutil.copy2(stub, self.wine.prefix / "drive_c" / "windows" / "system32" / stub.name)
        report = self.work / "gui-self-check.json"
        result = self.wine.call([str(self.wine.install_dir / "dx-jinzai.exe"), "--self-check", "--report",
                                 windows_path(report)], timeout=180, extra_env={"QT_QPA_PLATFORM": "offscreen"})
        self.self_check("dx-jinzai.exe", report.read_text(encoding="utf-8") if report.exists() else result.stdout,
                        gui=True)
        shot = self.work / "first-window.png"
        result = self.wine.call([str(self.wine.install_dir / "dx-jinzai.exe"), "--smoke-screenshot",
                                 windows_path(shot)], timeout=180,
                                extra_env={"QT_QPA_PLATFORM": "offscreen", "WINEDEBUG": "err+all"})
        logs = self.wine.local / "dx-jinzai" / "Logs"
        crash = "\n".join(p.read_text(errors="replace") for p in logs.rglob("*.log")) if logs.exists() else ""
        check(shot.exists() and shot.stat().st_size > 10_000,
              f"the installed GUI saved no screenshot:\n{result.stdout[-3000:]}\n{crash[-3000:]}")
        self.step(f"installed GUI painted its first dialog offscreen ({shot.stat().st_size // 1024} KB PNG)")

    def refuse_while_running(self) -> None:
        """The CLI waits for a password on stdin: its .exe is in use, so both programs must refuse."""
        w = self.wine
        before = tree(w.install_dir)
        running = subprocess.Popen(["wine", self.cli, "user", "add", "smoke", "--role", "viewer", "--password-stdin"],
                                   env=w.env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            check(wait_for_windows_process(Path(self.cli), 90), "the CLI did not start")
            time.sleep(2)
            check(running.poll() is None, "the CLI did not wait for its password")
            # No pipes here: Wine's explorer.exe would inherit them and hold them open for as long
            # as the CLI keeps the wineserver alive.
            result = subprocess.run(["wine", str(self.installer), "/S"], env=w.env, timeout=300,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            check(result.returncode == EXIT_APP_RUNNING,
                  f"the installer ran over a running program (exit {result.returncode})")
            subprocess.run(["wine", str(w.install_dir / "uninstall.exe"), "/S"], env=w.env, timeout=120,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(5)  # the uninstaller runs from a copy in %TEMP%; give it time to refuse
            check(tree(w.install_dir) == before, "the program folder changed while the program was running")
        finally:
            try:
                running.communicate(input=b"\n", timeout=60)  # an empty password: refused, nothing written
            except subprocess.TimeoutExpired:
                running.kill()
            w.wait()
        check(w.registry(UNINSTALL_KEY) is not None, "the uninstall entry went while the program was running")
        self.step("install and uninstall both refused while the program was running (installer exit 3)")

    def uninstall(self) -> None:
        w = self.wine
        db = w.data_dir / "dx-jinzai.sqlite"
        if not self.programs:  # a stand-in bundle makes no register: put one where the real one lives
            w.data_dir.mkdir(parents=True, exist_ok=True)
            db.write_bytes(b"SQLite format 3\x00 stand-in register")
        kept = {p.relative_to(w.data_dir).as_posix(): sha256(p) for p in w.data_dir.rglob("*")
                if p.is_file() and p.suffix != ".log" and p.parent.name.lower() != "logs"}
        w.call([str(w.install_dir / "uninstall.exe"), "/S"], timeout=120)
        check(not w.install_dir.exists(), f"the program folder is still there: {list(w.install_dir.rglob('*'))[:5]}")
        check(not w.shortcuts(), f"shortcuts left behind: {w.shortcuts()}")
        check(not (w.start_menu / APP_NAME).exists(), "the Start-menu folder is still there")
        check(w.registry(UNINSTALL_KEY) is None, "the uninstall entry is still there")
        check(db.exists(), "the uninstaller deleted the register")
        now = {name: sha256(w.data_dir / name) for name in kept if (w.data_dir / name).exists()}
        check(now == kept, f"the uninstaller touched the user data folder: {sorted(set(kept) - set(now))}")
        self.step(f"uninstalled; the user data folder kept {len(kept)} files, the register among them")

    def upgrade_from(self, old: Path) -> None:
        """OLD.exe, a previous-schema register with data, then this installer over it."""
        w = self.wine
        self.install(old)
        check((w.install_dir / "dx-jinzai-cli.exe").exists(), "the older installer installed nothing")
        old_entry = w.registry(UNINSTALL_KEY) or ""
        stale = w.install_dir / "_internal" / "left-by-the-old-version.txt"
        stale.write_text("stale")
        db = w.data_dir / "dx-jinzai.sqlite"
        w.data_dir.mkdir(parents=True, exist_ok=True)
        previous = make_previous_schema_register(db)
        before = sha256(db)
        self.install(self.installer)
        entry = w.registry(UNINSTALL_KEY) or ""
        check(entry != old_entry and '"DisplayVersion"=' in entry, "the uninstall entry kept the old version")
        check(not stale.exists(), "the upgrade left files of the old version")
        check(sha256(db) == before, "the installer touched the register")
        out = w.call([self.cli, "init"]).stdout
        backups = list((w.data_dir / "backups").glob("dx-jinzai.before-v*.sqlite"))
        check(backups, f"no backup before the migration:\n{out}")
        with sqlite3.connect(db) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            marker = conn.execute("SELECT COUNT(*) FROM staff WHERE staff_no = 'UPGRADE-1'").fetchone()[0]
        with sqlite3.connect(backups[0]) as conn:
            backup_version = conn.execute("PRAGMA user_version").fetchone()[0]
        check(version > previous == backup_version, f"not migrated: v{previous} → v{version}, backup v{backup_version}")
        check(marker == 1, "the data of the previous version is gone")
        self.step(f"upgrade over the older installer: register migrated v{previous} → v{version}, "
                  f"backup {backups[0].name}, data kept")

    def run(self, upgrade_from: Path | None) -> None:
        w = self.wine
        self.step(f"fresh Wine prefix {w.prefix}")
        if upgrade_from:
            self.upgrade_from(upgrade_from)
        else:
            result = self.install(self.installer)
            check(result.returncode == 0, f"the silent install failed ({result.returncode}): {result.stdout}")
        self.check_installed()
        self.step(f"installed {self.installer.name} to %LOCALAPPDATA%\\Programs\\dx-jinzai "
                  "(files = bundle, shortcuts, HKCU entry, nothing from Wine)")
        if self.programs and not upgrade_from:
            self.run_cli()
        if self.gui:
            self.run_gui()
        self.refuse_while_running()
        self.uninstall()


def wait_for_windows_process(exe: Path, timeout: float) -> bool:
    """True once a Wine process runs ``exe`` (Wine sets its argv[0] to the program's Unix path)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                argv0 = cmdline.read_bytes().split(b"\0", 1)[0]
            except OSError:
                continue
            if argv0 == str(exe).encode():
                return True
        time.sleep(0.5)
    return False


def make_previous_schema_register(db: Path) -> int:
    """A register at the schema version before the newest, holding one recognisable staff member."""
    sys.path.insert(0, str(ROOT))
    from app import db as app_db
    chain = app_db.migrations()
    conn = app_db.connect(db)
    for migration in chain[:-1]:
        app_db._apply(conn, migration)
    conn.execute("INSERT INTO staff (staff_no, family_name, given_name) VALUES ('UPGRADE-1', '𠮷田', '移行')")
    conn.conn.commit()
    conn.close()
    return len(chain) - 1


def build_stubs() -> Path:
    """The test-only icuuc.dll stand-in, compiled with mingw-w64 into build/windows/stubs."""
    source = ROOT / "installer" / "wine-test-stubs" / "icuuc.c"
    target = OUT / "stubs" / "icuuc.dll"
    if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o", str(target), str(source)], check=True)
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("installer", type=Path)
    parser.add_argument("--gui", action="store_true", help="also start the installed GUI offscreen")
    parser.add_argument("--upgrade-from", type=Path, help="install this older installer first")
    parser.add_argument("--bundle", type=Path, default=BUNDLE, help="the folder the installer was made from")
    parser.add_argument("--installer-only", action="store_true",
                        help="a stand-in bundle: check the installer's own work, do not run the programs")
    parser.add_argument("--work", type=Path, default=OUT / "smoke", help="scratch folder (emptied first)")
    parser.add_argument("--keep", action="store_true", help="keep the Wine prefix after a passing run")
    args = parser.parse_args(argv)
    smoke = Smoke(args.installer.resolve(), args.bundle.resolve(), args.gui, not args.installer_only,
                  args.work.resolve())
    try:
        smoke.run(args.upgrade_from.resolve() if args.upgrade_from else None)
    except SmokeFailure as failure:
        print(f"WINDOWS SMOKE TEST FAILED: {failure}", file=sys.stderr)
        return 1
    smoke.step("Windows smoke test passed")
    if not args.keep:  # 700 MB per prefix; a failed run keeps it for a look
        shutil.rmtree(smoke.wine.prefix, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
