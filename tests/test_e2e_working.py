"""The "working on it" note covers every wait after the ack, not only Losant's.

A slow Slack (listing a user group before deciding access) and a slow confirmed
change both leave the person waiting after the ack; each gets the note first.
"""

from __future__ import annotations

from tests.harness import GROUP_MEMBER, WRITER, acme_id, running_bot, text_of

WORKING = "Working on it"


async def test_slow_group_lookup_gets_the_working_note_first() -> None:
    """When Slack takes 2 s to list a user group, the note comes before the answer."""
    async with running_bot() as bot:
        bot.slack.fail_api("usergroups.users.list", error=None, delay_s=2.0)
        sent = await bot.command("list org=Acme", user=GROUP_MEMBER)
        posts = await bot.replies(sent, 2)
        assert WORKING in text_of(posts[0])
        assert "bo@acme.io" in text_of(posts[1])


async def test_slow_confirm_replaces_the_card_with_the_note_then_the_outcome() -> None:
    """A confirmed removal that takes Losant 2 s first turns the card into the note,
    so it cannot be pressed again, then into the outcome."""
    async with running_bot() as bot:
        card = await bot.reply(await bot.command("remove org=Acme user=ada@acme.io"))
        bot.sim.faults.latency_s = 1.0
        click = await bot.click(card, "members_confirm", user=WRITER)
        posts = await bot.replies(click, 2)
        assert [True, True] == [p.get("replace_original") for p in posts]
        assert WORKING in text_of(posts[0])
        assert "Removed ada@acme.io" in text_of(posts[1])
        assert None is bot.sim.state.find_member_by_email(acme_id(bot.sim), "ada@acme.io")


async def test_slow_page_click_gets_the_working_note_in_place_of_the_list() -> None:
    """Next on a list while Losant is slow: the list becomes the note, then the next page
    (page clicks go through the same delivery step as commands)."""
    async with running_bot(LOSANT_TIMEOUT_S="5", LOSANT_RETRY_BUDGET_S="8") as bot:
        first = await bot.reply(await bot.command("list org=Globex"))
        bot.sim.faults.latency_s = 2.0
        click = await bot.click(first, "members_next", user=WRITER)
        posts = await bot.replies(click, 2)
        assert [True, True] == [p.get("replace_original") for p in posts]
        assert WORKING in text_of(posts[0])
        assert "page 2 of 130" in text_of(posts[1])
