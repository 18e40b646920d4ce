"""The demo console: ``/members`` lines in, the bot's replies out, no Slack workspace needed."""
