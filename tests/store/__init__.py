"""Tests of the durable store (bot.edges.store) on SQLite and on PostgreSQL."""
