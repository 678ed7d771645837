"""The per-installation sealing key: outside the register, in the user's profile.

Records that matter carry a MAC made with this key (see ``app.seal``). The key must not live in
the register: whoever holds the file could then recompute every MAC. It lives in a key ring file
in the user's data folder (``paths.key_dir``), protected by the OS where it can be: DPAPI on
Windows (bound to the Windows account), mode 0600 elsewhere.

The ring holds the primary key (new seals) and any older keys the officer imported (to verify
rows sealed on a previous PC). ``export_keys``/``import_keys`` carry the ring to a new PC in a
file protected by a passphrase (scrypt, SHAKE-256 key stream, HMAC-SHA256 tag: standard library only).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from app import paths
from app.errors import DatabaseRefused, UserError
from app.i18n import _

log = logging.getLogger("dx_jinzai")
KEY_FILE = "seal-keys.json"
_DPAPI_MAGIC = b"DXJZ-DPAPI1\n"
_EXPORT_FORMAT = "dx-jinzai-seal-keys"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSPHRASE = 10


def fingerprint(key: bytes) -> str:
    """16 hex digits naming a key without revealing it (stored beside every seal)."""
    return hashlib.sha256(b"dx-jinzai seal key\x00" + key).hexdigest()[:16]


@dataclass
class KeyRing:
    """The keys this installation knows, by fingerprint; ``primary`` seals new rows."""

    primary: str = ""
    keys: dict[str, bytes] = field(default_factory=dict)
    path: Path | None = None

    def primary_key(self) -> bytes:
        return self.keys[self.primary]


# -- the OS protection ------------------------------------------------------------------------

def _dpapi(data: bytes, protect: bool) -> bytes:  # pragma: no cover - Windows only
    """CryptProtectData / CryptUnprotectData for the current Windows user (ctypes, no dependency)."""
    import ctypes
    from ctypes import wintypes

    class Blob(ctypes.Structure):
        _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

    crypt32, kernel32 = ctypes.windll.crypt32, ctypes.windll.kernel32
    buffer = ctypes.create_string_buffer(data, len(data))
    source, result = Blob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char))), Blob()
    call = crypt32.CryptProtectData if protect else crypt32.CryptUnprotectData
    ui_forbidden = 0x1
    if not call(ctypes.byref(source), None, None, None, None, ui_forbidden, ctypes.byref(result)):
        raise OSError(ctypes.GetLastError(), "DPAPI failed")
    try:
        return ctypes.string_at(result.pbData, result.cbData)
    finally:
        kernel32.LocalFree(result.pbData)


def _encode(ring: KeyRing) -> bytes:
    text = json.dumps({"version": 1, "primary": ring.primary,
                       "keys": {fp: key.hex() for fp, key in ring.keys.items()}}, sort_keys=True).encode()
    if sys.platform != "win32":
        return text
    try:
        return _DPAPI_MAGIC + _dpapi(text, True)
    except (OSError, AttributeError) as exc:  # pragma: no cover - DPAPI missing (a bare Wine prefix)
        # The profile folder is private to the Windows account already; a key that cannot be written
        # would stop every write to the register, which is worse than a key protected by the folder alone.
        log.warning("DPAPI unavailable, the sealing key is protected by its folder only: %r", exc)
        return text


def _decode(raw: bytes) -> dict:
    if raw.startswith(_DPAPI_MAGIC):
        raw = _dpapi(raw[len(_DPAPI_MAGIC):], False)
    return json.loads(raw.decode())


# -- the ring on disk -------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[Path, tuple[float, KeyRing]] = {}


def ring_path() -> Path:
    return paths.key_dir() / KEY_FILE


def load(create: bool = False) -> KeyRing:
    """The installation's key ring (cached; made with a new random key when ``create`` and missing).

    A ring that cannot be read (damaged, another Windows account's DPAPI) is reported, never replaced:
    replacing it would make every sealed row look foreign.
    """
    path = ring_path()
    with _lock:
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            if not create:
                return KeyRing(path=path)
            return _create(path)
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            data = _decode(path.read_bytes())
            keys = {fp: bytes.fromhex(value) for fp, value in data["keys"].items()}
            ring = KeyRing(str(data["primary"]), keys, path)
            if ring.primary not in keys or any(fingerprint(k) != fp for fp, k in keys.items()):
                raise ValueError("fingerprints do not match")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # DatabaseRefused: the register is not opened (and so not changed) without its key.
            raise DatabaseRefused(_("The sealing key file {path} cannot be read ({error}). It was left as it is; "
                              "restore it from the key export, or ask for help.").format(path=path, error=exc)) from exc
        _cache[path] = (mtime, ring)
        return ring


def _write(path: Path, ring: KeyRing) -> None:
    """Write the ring atomically, readable by the owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(path.name + f".{secrets.token_hex(4)}.part")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_encode(ring))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _cache.pop(path, None)


def _create(path: Path) -> KeyRing:
    key = secrets.token_bytes(32)
    ring = KeyRing(fingerprint(key), {fingerprint(key): key}, path)
    _write(path, ring)
    return load_unlocked(path)


def load_unlocked(path: Path) -> KeyRing:
    data = _decode(path.read_bytes())
    ring = KeyRing(str(data["primary"]), {fp: bytes.fromhex(v) for fp, v in data["keys"].items()}, path)
    _cache[path] = (path.stat().st_mtime, ring)
    return ring


# -- carrying the key to a new PC -------------------------------------------------------------

def _stream(passphrase: str, salt: bytes, length: int) -> tuple[bytes, bytes]:
    derived = hashlib.scrypt(passphrase.encode(), salt=salt, dklen=64, maxmem=64 * 1024 * 1024, **_SCRYPT)
    return hashlib.shake_256(derived[:32]).digest(length), derived[32:]


def export_keys(out: Path, passphrase: str) -> str:
    """Write the ring to ``out`` protected by a passphrase; returns the primary fingerprint."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise UserError(_("The passphrase must have at least {n} characters.").format(n=MIN_PASSPHRASE))
    if out.exists():
        raise UserError(_("{path} already exists. Choose another file name.").format(path=str(out)))
    ring = load(create=True)
    plain = json.dumps({"primary": ring.primary, "keys": {fp: k.hex() for fp, k in ring.keys.items()}}).encode()
    salt = secrets.token_bytes(16)
    pad, mac_key = _stream(passphrase, salt, len(plain))
    cipher = bytes(a ^ b for a, b in zip(plain, pad))
    tag = hmac.new(mac_key, salt + cipher, hashlib.sha256).hexdigest()
    out.write_text(json.dumps({"format": _EXPORT_FORMAT, "version": 1, "primary": ring.primary,
                               "salt": base64.b64encode(salt).decode(), "data": base64.b64encode(cipher).decode(),
                               "tag": tag}, indent=1), encoding="utf-8")
    return ring.primary


def import_keys(source: Path, passphrase: str) -> str:
    """Add the keys in an export to this installation's ring and make its primary key the primary.

    Keys already here stay (rows they sealed keep verifying). Returns the new primary fingerprint.
    """
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        if data.get("format") != _EXPORT_FORMAT:
            raise ValueError
        salt, cipher = base64.b64decode(data["salt"]), base64.b64decode(data["data"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UserError(_("{path} is not a sealing key export of DX人材認定台帳.").format(path=str(source))) from exc
    pad, mac_key = _stream(passphrase, salt, len(cipher))
    if not hmac.compare_digest(hmac.new(mac_key, salt + cipher, hashlib.sha256).hexdigest(), str(data.get("tag"))):
        raise UserError(_("The passphrase is wrong, or {path} was changed. No key was imported.").format(
            path=str(source)))
    plain = json.loads(bytes(a ^ b for a, b in zip(cipher, pad)).decode())
    ring = load(create=True)
    keys = dict(ring.keys)
    keys.update({fp: bytes.fromhex(k) for fp, k in plain["keys"].items()})
    new = KeyRing(plain["primary"], keys, ring.path)
    with _lock:
        _write(ring_path(), new)
    return new.primary
