"""The demo catalog loader (`catalog seed`)."""
