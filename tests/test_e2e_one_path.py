"""Behaviour that depends on every way in sharing one path from the parser to the reply."""

from __future__ import annotations

from tests.harness import running_bot, text_of


async def test_add_without_a_role_says_view_was_the_default() -> None:
    """``add`` with no role adds as view and says that was the default, as the help promises."""
    async with running_bot() as bot:
        answer = await bot.answer(await bot.command("add org=Acme email=zed@acme.io"))
        assert "Added zed@acme.io to *Acme* as `view` (the default role" in text_of(answer)


async def test_add_with_a_role_does_not_mention_the_default() -> None:
    """A role the person chose is just reported."""
    async with running_bot() as bot:
        answer = await bot.answer(await bot.command("add org=Acme email=zed@acme.io role=view"))
        assert "default" not in text_of(answer)
