"""The web UI and REST API (``synopsis serve``): FastAPI, server-rendered Jinja pages.

::

    from synopsis.web import create_app

    app = create_app(Settings(web=WebSettings(db="news.db")))
"""

from __future__ import annotations

from .app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
