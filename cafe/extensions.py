"""Extensions created unbound and attached to the app in create_app."""
from __future__ import annotations

from flask_babel import Babel
from flask_socketio import SocketIO

socketio = SocketIO()
babel = Babel()
