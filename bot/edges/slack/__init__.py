"""Talking to Slack from the bot's side: replies to response URLs, the people directory
(emails, user groups), and the audit channel."""
