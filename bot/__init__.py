"""members-bot: the /members Slack command for a Losant Enterprise instance."""

__version__ = "0.1.0"
