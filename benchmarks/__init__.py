"""``make bench``: how fast members-bot is, each figure beside a reference from the same run.

Every benchmark starts what it needs on loopback (the bot as a real ``python -m bot``
subprocess in HTTP mode, the Losant simulator with a set latency, Slack's side) and
sends real signed requests. ``python -m benchmarks`` runs them all, prints one table,
writes it to ``benchmarks/results.json`` and exits 1 if any target was missed;
``python -m benchmarks reply throughput`` runs only those.

The references: a bare Bolt app that only acks (``bare_bolt``), the minimal pipeline
any bot doing this job needs (``minimal``), Losant's official Python client, and
the interpreter itself. Nothing here is imported by the bot or by the tests.
"""
