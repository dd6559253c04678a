"""Mutations: each checks the role, validates its whole input, writes in one transaction."""
