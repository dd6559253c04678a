"""The response cache: encoded answers of query operations, keyed by document, variables and
visibility scope, valid while the catalog revision (app/db/revision_triggers.py) is unchanged."""
