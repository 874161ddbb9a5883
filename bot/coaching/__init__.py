"""Coaching: the allowance and deadline, logging sessions, nudges and coach assignment."""
