"""Rasa custom actions: thin adapters from Rasa's tracker and dispatcher to `bot/`."""
