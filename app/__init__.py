"""DX人材認定台帳 core: domain, storage and services. Never imports Qt."""

from importlib.metadata import PackageNotFoundError, version as _dist_version

try:
    __version__ = _dist_version("dx-jinzai")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"

APP_NAME = "dx-jinzai"
