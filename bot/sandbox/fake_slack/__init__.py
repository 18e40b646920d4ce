"""A stand-in Slack for running the bot with no workspace: the demo console and the tests.

Like the Losant simulator, it ships with the bot (as ``structlog.testing`` ships with
structlog): ``FakeSlack`` plays the Web API calls the bot makes, the response_url that
receives its replies, and Socket Mode, over real loopback HTTP, and keeps what each
person sees (messages, modals, the Home tab). ``payloads`` and ``payloads_views`` build
what Slack sends to the app.
"""

from bot.sandbox.fake_slack.answers import AppAnswer
from bot.sandbox.fake_slack.slack import FakeSlack
from bot.sandbox.fake_slack.slack_respond import ResponsePost
from bot.sandbox.fake_slack.slack_web import ApiCall

__all__ = ["ApiCall", "AppAnswer", "FakeSlack", "ResponsePost"]
