"""Alembic migrations of the store's schema; a package so that they ship with the bot."""
