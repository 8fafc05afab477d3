"""One module per schema revision (0001_initial.py, 0002_...); Alembic skips this file."""
