"""The docker backend (being written): until it lands, 'auto' falls through to bwrap."""


def missing_reason() -> str | None:
    return "the docker backend is not available in this version yet"
