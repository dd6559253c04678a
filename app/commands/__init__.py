"""The one write path: every change to the catalog is a command.

A command takes the caller's session (inside the transaction its runner opened), the viewer
and a typed input (`app.commands.inputs`); it enforces the rules, writes, records the audit
entry and puts its domain events into the outbox, all in that one transaction. The GraphQL
mutations, `catalog import` and `catalog seed` call commands; nothing else writes.
"""
