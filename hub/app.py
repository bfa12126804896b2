"""The application factory."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, redirect, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from hub import config as hub_config
from hub import db, i18n
from hub.extensions import csrf, limiter, login_manager


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment, with ``overrides`` (tests) applied on top."""
    settings = hub_config.from_environment()
    if overrides:
        settings.update(overrides)
    hub_config.check(settings)

    app = Flask(
        "hub",
        root_path=str(hub_config.ROOT / "hub"),
        template_folder=str(hub_config.ROOT / "templates"),
        static_folder=str(hub_config.ROOT / "static"),
        instance_path=settings["INSTANCE_PATH"],
    )
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        # Should the shared rate-limit store (Redis) be down, count in memory rather than refuse every login.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )
    app.config.update(settings)
    if app.config["PROXY_HOPS"]:
        # Behind the TLS proxy: trust that many X-Forwarded-For/-Proto hops, so the client address is the real one.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    db.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    if app.config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        # Counts shared by all workers and app servers, under a prefix of their own in a shared Redis.
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {"key_prefix": app.config["RATELIMIT_REDIS_PREFIX"]}
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"

    _register_blueprints(app)
    _register_template_helpers(app)

    from hub import web

    web.init_app(app)

    from hub.cli import register_commands

    register_commands(app)

    @app.get("/")
    def index() -> Response:
        return redirect(url_for("initiatives.list_view"))

    return app


def _register_blueprints(app: Flask) -> None:
    """One blueprint per domain; each domain's views stay in its own package."""
    from hub.alerts.views import bp as alerts_bp
    from hub.api.pages import bp as api_pages_bp
    from hub.api.views import bp as api_bp
    from hub.auth.views import bp as auth_bp
    from hub.feeds.views import bp as feeds_bp
    from hub.funding.views import bp as funding_bp
    from hub.lobby.views import bp as lobby_bp
    from hub.initiatives.views import bp as initiatives_bp
    from hub.stakeholders.views import bp as stakeholders_bp
    from hub.transfer.views import bp as transfer_bp
    from hub.search.views import bp as search_bp
    from hub.overlap.views import bp as overlap_bp
    from hub.coverage.views import bp as coverage_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_pages_bp)
    app.register_blueprint(initiatives_bp)
    app.register_blueprint(stakeholders_bp)
    app.register_blueprint(funding_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(lobby_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(transfer_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(overlap_bp)
    app.register_blueprint(coverage_bp)


def _register_template_helpers(app: Flask) -> None:
    from hub import formatting

    formatting.init_app(app)
