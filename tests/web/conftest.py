"""Fixtures for the web tests: the real server and Debian's headless Chromium (see live.py)."""
from live import browser, contexts, live_server, playwright, server_control  # noqa: F401
