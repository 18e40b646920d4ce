"""Slack-facing code: the ``/members`` listener and button actions (thin), the command
parser and the Block Kit views (pure). ``handlers.listeners.register`` wires them into Bolt.
"""
