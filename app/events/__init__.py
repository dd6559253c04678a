"""The live catalog: domain events in an outbox, subscribers and signed webhooks.

Commands write events into `outbox_events` in their own transaction (`outbox.emit`). Each
worker's hub (`hub.py`) reads new events when woken (PostgreSQL NOTIFY, Redis pub/sub, a local
commit, or a poll) and hands them to its GraphQL subscribers; dispatchers (`dispatch.py`) fan
them out to webhook deliveries and deliver them with retries, from the database, so that a
restart loses nothing.
"""
