"""End to end: signed slash commands through the real app, the simulator and a fake Slack.

Each test asserts what the person saw (the ack and the response_url posts) and what
Losant received (the simulator's request log).
"""

from __future__ import annotations

import time

import pytest

from bot.sandbox.simulator.seed import ACME, GLOBEX, UMBRELLA
from tests.harness import GROUP_MEMBER, READER, STRANGER, WRITER, acme_id, running_bot, text_of


async def test_help_is_answered_in_the_ack_without_calling_losant() -> None:
    """`/members` alone shows help in the ack itself and makes no Losant call."""
    async with running_bot() as bot:
        sent = await bot.command("")
        await bot.settle()
        assert 200 == sent.status
        assert "/members list" in text_of(sent.ack)
        assert "/members add" in text_of(sent.ack)
        assert [] == bot.sim.requests
        assert [] == bot.slack.responses


async def test_help_shows_readers_only_what_they_may_run() -> None:
    """A reader's help lists list/show/orgs but not add/role/remove."""
    async with running_bot() as bot:
        sent = await bot.command("help", user=READER)
        # Whether the reader is also in a writers' group is Slack's to say, so this
        # answer may come after the ack.
        text = text_of(await bot.answer(sent))
        assert "/members list" in text
        assert "/members add" not in text
        assert "/members remove" not in text


async def test_list_by_id_shows_header_count_and_members() -> None:
    """`list org=<id>` replies through the response_url with the org, its count and members."""
    async with running_bot() as bot:
        org_id = acme_id(bot.sim)
        sent = await bot.command(f"list org={org_id}")
        assert 200 == sent.status
        reply = await bot.reply(sent)
        text = text_of(reply)
        assert ACME in text
        assert "12 members" in text
        assert "bo@acme.io" in text
        assert "ephemeral" == reply.get("response_type")


async def test_list_by_name_is_case_insensitive() -> None:
    """An org name matches exactly but ignoring case."""
    async with running_bot() as bot:
        sent = await bot.command("list org=aCmE")
        reply = await bot.reply(sent)
        assert "bo@acme.io" in text_of(reply)


async def test_list_filter_and_sort_are_losants() -> None:
    """filter/field/sort/dir are sent to Losant as filterField/filter/sortField/sortDirection."""
    async with running_bot() as bot:
        sent = await bot.command('list org=Acme filter="*@acme.io" sort=role dir=desc')
        reply = await bot.reply(sent)
        calls = [r for r in bot.sim.requests if r.path.endswith("/members")]
        assert 1 == len(calls)
        query = calls[0].query
        assert ("email", "*@acme.io", "role", "desc") == (
            query.get("filterField"),
            query.get("filter"),
            query.get("sortField"),
            query.get("sortDirection"),
        )
        text = text_of(reply)
        assert "contractor@example.org" not in text
        assert "11 members" in text


async def test_list_role_shorthand_filters_on_role() -> None:
    """`role=admin` on list means filterField=role filter=admin."""
    async with running_bot() as bot:
        sent = await bot.command("list org=Acme role=admin")
        reply = await bot.reply(sent)
        assert "2 members" in text_of(reply)
        assert "ada@acme.io" not in text_of(reply)


async def test_ambiguous_org_name_lists_matches_and_no_members() -> None:
    """A name shared by several orgs is answered with each match's name and ID only."""
    async with running_bot() as bot:
        sent = await bot.command(f"list org={UMBRELLA}")
        reply = await bot.reply(sent)
        ids = [o.id for o in bot.sim.state.orgs.values() if o.name.lower() == "umbrella"]
        assert 2 == len(ids)
        for org_id in ids:
            assert org_id in text_of(reply)
        assert not [r for r in bot.sim.requests if r.path.endswith("/members")]


async def test_big_org_list_fits_slack_and_says_how_many() -> None:
    """Thousands of members: the first page, the total, and a Next button."""
    async with running_bot() as bot:
        sent = await bot.command(f"list org={GLOBEX}")
        reply = await bot.reply(sent)
        assert "2,600 members" in text_of(reply)
        assert len(reply["blocks"]) <= 50
        assert any(b.get("type") == "actions" for b in reply["blocks"])


async def test_add_by_email_defaults_to_view_and_says_so() -> None:
    """`add` without a role adds as view, tells the person, and changes Losant's state."""
    async with running_bot() as bot:
        sent = await bot.command("add org=Acme email=new.person@acme.io")
        reply = await bot.reply(sent)
        text = text_of(reply)
        assert "new.person@acme.io" in text
        assert "view" in text
        member = bot.sim.state.find_member_by_email(acme_id(bot.sim), "new.person@acme.io")
        assert member is not None
        assert "view" == member.role
        posts = [r for r in bot.sim.writes() if r.method == "POST"]
        assert [{"email": "new.person@acme.io", "role": "view"}] == [p.json for p in posts]


async def test_add_by_user_id_posts_the_user_id_branch() -> None:
    """`add user=<24-hex>` sends the userId shape of the POST body."""
    async with running_bot() as bot:
        globex = bot.sim.state.find_org_by_name(GLOBEX)
        assert globex is not None
        someone = bot.sim.state.members(globex.id)[0]
        sent = await bot.command(f"add org=Acme user={someone.user_id} role=edit")
        reply = await bot.reply(sent)
        assert "edit" in text_of(reply)
        posts = [r.json for r in bot.sim.writes()]
        assert [{"userId": someone.user_id, "role": "edit"}] == posts


async def test_add_existing_member_says_so_with_current_role() -> None:
    """Adding a member again changes nothing and shows their role and how to change it."""
    async with running_bot() as bot:
        sent = await bot.command("add org=Acme email=ada@acme.io role=view")
        reply = await bot.reply(sent)
        text = text_of(reply)
        assert "already" in text
        assert "edit" in text
        assert "/members role" in text
        assert [] == bot.sim.writes()


async def test_unknown_org_id_is_a_clear_not_found() -> None:
    """An org ID Losant does not know: what was not found and how to find the right one."""
    async with running_bot() as bot:
        sent = await bot.command("list org=aaaaaaaaaaaaaaaaaaaaaaaa")
        text = text_of(await bot.reply(sent))
        assert "aaaaaaaaaaaaaaaaaaaaaaaa" in text
        assert "/members orgs" in text


@pytest.mark.parametrize(
    "command",
    [
        pytest.param("list org=Acme", id="org-by-name"),
        pytest.param("list org=aaaaaaaaaaaaaaaaaaaaaaaa", id="list-by-id"),
        pytest.param("show org=aaaaaaaaaaaaaaaaaaaaaaaa user=ada@acme.io", id="show-by-id"),
    ],
)
async def test_an_instance_losant_does_not_have_is_the_operators_to_fix(command: str) -> None:
    """A wrong LOSANT_INSTANCE_ID is reported as such, however the org was named."""
    async with running_bot(LOSANT_INSTANCE_ID="b" * 24) as bot:
        text = text_of(await bot.reply(await bot.command(command)))
        assert "check `LOSANT_INSTANCE_ID`" in text


async def test_unknown_org_name_is_a_clear_not_found() -> None:
    """An org name that matches nothing names it and points at `/members orgs`."""
    async with running_bot() as bot:
        sent = await bot.command("list org=Nonesuch")
        text = text_of(await bot.reply(sent))
        assert "Nonesuch" in text
        assert "/members orgs" in text


async def test_losant_400_shows_losants_message_and_the_fix() -> None:
    """A 400 from Losant is shown in Losant's words with the likely fix."""
    async with running_bot() as bot:
        bot.sim.faults.add(
            method="POST",
            path=r"/members$",
            status=400,
            body={"type": "Validation", "message": "role must be one of the allowed values"},
        )
        sent = await bot.command("add org=Acme email=x@acme.io role=edit")
        text = text_of(await bot.reply(sent))
        assert "role must be one of the allowed values" in text
        assert "collaborate" in text


async def test_bad_losant_token_tells_the_operator_which_scopes_work() -> None:
    """401: the bot's Losant token is invalid; the reply names the scopes that work."""
    async with running_bot(LOSANT_API_TOKEN="wrong-token") as bot:
        sent = await bot.command("list org=Acme")
        text = text_of(await bot.reply(sent))
        assert "all.Instance" in text
        assert "wrong-token" not in text


async def test_losant_down_ends_in_try_again_after_retries() -> None:
    """Persistent 503s: reads are retried within the budget, then the person is told to retry."""
    async with running_bot() as bot:
        bot.sim.faults.add(method="GET", status=503, times=100)
        sent = await bot.command("list org=Acme")
        text = text_of(await bot.reply(sent, wait_s=15))
        assert "try again" in text.lower()
        assert len(bot.sim.requests) >= 2


async def test_unparseable_losant_answer_is_a_clear_error() -> None:
    """A 200 that is not JSON gives a clear message, not a crash or silence."""
    async with running_bot() as bot:
        bot.sim.faults.add(method="GET", path=r"/members$", status=200, body="<html>oops</html>")
        sent = await bot.command(f"list org={acme_id(bot.sim)}")
        text = text_of(await bot.reply(sent))
        assert "Losant" in text
        assert "<html>" not in text


@pytest.mark.parametrize(
    ("user", "channel", "text", "env"),
    [
        pytest.param(STRANGER, "C0GENERAL", "list org=Acme", {}, id="stranger-read"),
        pytest.param(READER, "C0GENERAL", "add org=Acme email=x@acme.io", {}, id="reader-write"),
        pytest.param(
            WRITER,
            "C0RANDOM",
            "list org=Acme",
            {"MEMBERS_CHANNELS": "C0ADMINS"},
            id="wrong-channel",
        ),
        pytest.param(
            WRITER, "C0RANDOM", "help", {"MEMBERS_CHANNELS": "C0ADMINS"}, id="help-wrong-channel"
        ),
    ],
)
async def test_refusals_name_the_caller_and_call_no_losant(
    user: str, channel: str, text: str, env: dict[str, str]
) -> None:
    """A refused command names the caller's ID, and Losant hears nothing."""
    async with running_bot(**env) as bot:
        sent = await bot.command(text, user=user, channel=channel)
        assert 200 == sent.status
        assert user in text_of(await bot.answer(sent))
        assert [] == bot.sim.requests


async def test_denial_needing_no_slack_call_is_in_the_ack() -> None:
    """With no user groups to ask about, a refusal comes in the ack itself, not later."""
    async with running_bot(MEMBERS_WRITERS=WRITER) as bot:
        sent = await bot.command("add org=Acme email=x@acme.io", user=READER)
        await bot.settle()
        assert READER in text_of(sent.ack)
        assert "MEMBERS_WRITERS" in text_of(sent.ack)
        assert [] == bot.slack.responses
        assert [] == bot.sim.requests


async def test_group_member_may_write_via_usergroups() -> None:
    """A member of a user group listed in MEMBERS_WRITERS may add, after Slack says so."""
    async with running_bot() as bot:
        sent = await bot.command("add org=Acme email=via.group@acme.io", user=GROUP_MEMBER)
        reply = await bot.reply(sent)
        assert "via.group@acme.io" in text_of(reply)
        assert 1 == len(bot.slack.calls_to("usergroups.users.list"))


async def test_group_lookup_failure_fails_closed() -> None:
    """When Slack cannot list a group's members, access is refused with a clear reply."""
    async with running_bot() as bot:
        bot.slack.fail_api("usergroups.users.list", error="internal_error", times=5)
        sent = await bot.command("add org=Acme email=nope@acme.io", user=GROUP_MEMBER)
        text = text_of(await bot.reply(sent))
        assert "Slack" in text
        assert "Try again" in text
        assert "MEMBERS_WRITERS" not in text  # asking for access would be the wrong advice
        assert [] == bot.sim.requests


@pytest.mark.parametrize(
    ("timestamp", "secret"),
    [
        pytest.param(None, "not-the-secret", id="forged"),
        pytest.param(int(time.time()) - 600, None, id="stale"),
    ],
)
async def test_bad_signatures_are_401_and_reach_nothing(
    timestamp: int | None, secret: str | None
) -> None:
    """Forged or stale signatures get 401 and make no Losant or Slack call."""
    async with running_bot() as bot:
        sent = await bot.command("list org=Acme", timestamp=timestamp, secret=secret)
        await bot.settle()
        assert 401 == sent.status
        assert [] == bot.sim.requests
        assert [] == bot.slack.responses


async def test_member_name_cannot_mention_the_channel() -> None:
    """`<!channel>` in a member's name from Losant is escaped in the reply."""
    async with running_bot() as bot:
        org_id = acme_id(bot.sim)
        bot.sim.state.add_member(
            org_id, email="evil@acme.io", role="view", first_name="<!channel>", last_name="<@U999>"
        )
        sent = await bot.command(f"list org={org_id} filter=evil*")
        text = text_of(await bot.reply(sent))
        assert "&lt;!channel&gt;" in text
        assert "<!channel>" not in text
        assert "<@U999>" not in text


async def test_mention_in_a_filter_is_echoed_inert() -> None:
    """A `<@U…>` typed into a filter is echoed escaped, never as a mention."""
    async with running_bot() as bot:
        sent = await bot.command("list org=Acme filter=<@U12345|bob>")
        text = text_of(await bot.reply(sent))
        assert "<@U12345" not in text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("list org=Acme filter=\u201c*@acme.io\u201d", id="curly-quotes"),
        pytest.param(
            "list org=\u2018Acme\u2019 filter=\u2018*@acme.io\u2019", id="curly-single-quotes"
        ),
        pytest.param("list org=Acme filter=*@acme.io", id="plain"),
    ],
)
async def test_slack_quoting_quirks(text: str) -> None:
    """Slack clients turn quotes curly; the bot reads them as straight quotes."""
    async with running_bot() as bot:
        sent = await bot.command(text)
        assert "11 members" in text_of(await bot.reply(sent))


async def test_mailto_wrapped_email_is_unwrapped() -> None:
    """Slack's `<mailto:a@b|a@b>` wrapping is undone before adding."""
    async with running_bot() as bot:
        sent = await bot.command("add org=Acme email=<mailto:wrapped@acme.io|wrapped@acme.io>")
        await bot.reply(sent)
        assert [{"email": "wrapped@acme.io", "role": "view"}] == [r.json for r in bot.sim.writes()]


async def test_ampersand_org_name_round_trips() -> None:
    """An org name with `&` and `<` arrives entity-escaped from Slack and still matches."""
    async with running_bot() as bot:
        sent = await bot.command('list org="R&amp;D &lt;Labs&gt;"')
        text = text_of(await bot.reply(sent))
        assert "R&amp;D &lt;Labs&gt;" in text


async def test_usage_error_in_ack_names_closest_subcommand() -> None:
    """A typo in the subcommand is answered in the ack with the closest valid one."""
    async with running_bot() as bot:
        sent = await bot.command("lsit org=Acme")
        assert "list" in text_of(sent.ack)
        await bot.settle()
        assert [] == bot.sim.requests


async def test_mention_is_resolved_to_the_profile_email() -> None:
    """`add user=<@U…>` looks the person up with users.info and adds their email."""
    async with running_bot() as bot:
        bot.slack.add_user("UPAL00001", email="pal@acme.io", name="pal")
        sent = await bot.command("add org=Acme <@UPAL00001|pal>")
        await bot.reply(sent)
        assert [{"email": "pal@acme.io", "role": "view"}] == [r.json for r in bot.sim.writes()]


async def test_wrong_channel_says_where_the_command_works() -> None:
    """Refused for the channel alone: the reply links the right channel, asks for no access."""
    async with running_bot(MEMBERS_CHANNELS="C0ADMINS") as bot:
        sent = await bot.command("list org=Acme", channel="C0RANDOM")
        text = text_of(await bot.answer(sent))
        assert "<#C0ADMINS>" in text
        assert "MEMBERS_WRITERS" not in text
        assert [] == bot.sim.requests
