"""The opportunities forms, one module per area: they validate (with `validation.py`) and
scope their choices; the services write."""
