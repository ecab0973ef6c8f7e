"""Demo data for delivery (filled in below)."""


def seed_demo():
    return None
