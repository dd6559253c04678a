"""Shared resolver work: argument checks, loader calls and row → type conversion."""
