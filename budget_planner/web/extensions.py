"""The site's Flask extensions, made once here and initialised by the app factory (``app.py``):
CSRF protection for every form, and the login manager (its user loader and unauthorised handler are
registered by ``auth.py``). Modules that need them import them from here, never from the factory."""

from __future__ import annotations

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"
