"""The safety section (nothing private leaks, nothing one sender does stalls or kills a café)
drives the same real server and browser as the web tests."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from live import browser, contexts, live_server, playwright, server_control  # noqa: E402, F401
