"""Extensions created unbound and attached to the app in create_app."""
from __future__ import annotations

from flask_babel import Babel
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

socketio = SocketIO()
babel = Babel()
# Every HTTP form POST carries a signed token; Socket.IO traffic is checked by origin instead.
csrf = CSRFProtect()
