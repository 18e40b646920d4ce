"""Serving and wiring: settings in, a Bolt app out; HTTP or Socket Mode; logs; shutdown.

Never imports ``bot.sandbox``: what serves in production is exactly what is here and
in the use cases and edges."""
