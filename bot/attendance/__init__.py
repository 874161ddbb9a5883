"""Attendance: registers, check-ins and repeated-absence alerts."""
