"""The edges: every conversation with the outside world (Losant, Slack's Web API and
response URLs, the database), each behind a small client that turns its failures into
the bot's own errors."""
