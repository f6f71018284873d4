"""Rasa input channels of the assistant: the embeddable website chat widget (`bot.channels.widget`)."""
