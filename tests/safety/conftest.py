"""The safety section (nothing private leaks, nothing one sender does stalls or kills a café)
drives the same real server and browser as the web tests (tests/web/live.py, registered for the
whole suite in tests/conftest.py)."""
