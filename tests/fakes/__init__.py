"""Test-only helpers: building and signing requests the way Slack sends them."""
