"""The screening workspace: a local web app over the same store and services as the CLI.

`evidence serve` builds it with `evidence.web.app.create_app` and runs it with uvicorn.
Routes (app.py) call `evidence.web.backend`, the one module here that calls the services;
templates/ and static/ ship inside the package, so it works offline. Nothing is served
without the access token (security.py). Import this package only to serve: it pulls in
Starlette and Jinja2, which `evidence --help` must not pay for.
"""
