"""The web tests' real server and Debian's headless Chromium come from tests/web/live.py,
registered for the whole suite in tests/conftest.py."""
