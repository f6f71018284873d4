"""Conversation actions: greeting, help, contact, small talk, out of scope."""

from __future__ import annotations

from actions.common import assistant, simple_action

ActionGreet = simple_action("action_greet", lambda tracker: assistant().greeting())
ActionHelp = simple_action("action_help", lambda tracker: assistant().help())
ActionHumanContact = simple_action("action_human_contact", lambda tracker: assistant().human_contact())
ActionOutOfScope = simple_action("action_out_of_scope", lambda tracker: assistant().out_of_scope())
ActionGoodbye = simple_action("action_goodbye", lambda tracker: assistant().simple("goodbye"))
ActionThanks = simple_action("action_thanks", lambda tracker: assistant().simple("thanks"))
ActionAffirm = simple_action("action_affirm", lambda tracker: assistant().simple("affirm"))
ActionDeny = simple_action("action_deny", lambda tracker: assistant().simple("deny"))
ActionBotChallenge = simple_action("action_bot_challenge", lambda tracker: assistant().simple("bot_challenge"))
