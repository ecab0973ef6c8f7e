"""The opportunities views, one module per area; `urls.py` imports the modules."""
