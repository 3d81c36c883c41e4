"""HTTP API (FastAPI): create_app() factory, thin routers, named services."""
