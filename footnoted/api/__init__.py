"""The HTTP service: ``create_app`` builds the FastAPI application."""

from footnoted.api.app import create_app

__all__ = ["create_app"]
