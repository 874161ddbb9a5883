"""What every area uses: the clock, settings, errors, audit, the outbox, people and roles, copy, dates."""
