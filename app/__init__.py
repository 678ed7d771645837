"""DX人材認定台帳 core: domain, storage and services. Never imports Qt."""

# The single source of the version: pyproject.toml reads it from here.
__version__ = "0.1.0"

APP_NAME = "dx-jinzai"
