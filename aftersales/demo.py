"""Demo data (DEMO_DATA hook): filled in below."""


def seed():
    return None
