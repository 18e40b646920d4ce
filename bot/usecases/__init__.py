"""The use cases: what the bot does with a parsed command, whoever asked and however.

Pure decisions (access, sealing, results) and the operations that call the edges
(Losant, Slack's directory) through the interfaces they are given. Nothing here
knows about Bolt, HTTP or Block Kit.
"""
