"""Root query fields, grouped by area; schema.py composes them."""
