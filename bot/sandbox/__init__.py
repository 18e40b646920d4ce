"""Everything that exists only for the demo and the tests: the Losant simulator, the fake
Slack, the console, and the loopback server helper. The serving path never imports it."""
