"""Pure domain logic: no I/O, tested directly."""
