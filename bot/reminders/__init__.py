"""Reminders: the policy, RSVP replies, follow-ups, away and leave."""
