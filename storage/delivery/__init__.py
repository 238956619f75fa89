"""Delivery: the SMS and e-mail outboxes, their leases, the modem's heartbeat, quiet hours, the code-text queue."""
