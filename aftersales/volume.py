"""Volume data (VOLUME_DATA hook): filled in below."""


def seed(*, options, organisation, log):
    return None
