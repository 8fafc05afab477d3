"""Alembic migrations, shipped inside the package so an installed `evidence` can upgrade a
user's store. `evidence.store.upgrade` drives them; no alembic.ini is needed at run time."""
