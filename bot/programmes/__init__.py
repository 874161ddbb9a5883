"""Programmes: cohorts, the timetable, action learning groups, invitations and calendars."""
