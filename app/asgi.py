"""ASGI entry point for uvicorn (`app.asgi:app`), configured from the environment."""

from app.main import create_app

app = create_app()
