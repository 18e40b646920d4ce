"""One file per schema change, applied in order by ``bot.edges.store.migrate``."""
