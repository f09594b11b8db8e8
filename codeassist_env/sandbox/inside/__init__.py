"""The sandbox worker's files: joined into one script and run inside the sandbox (README.md). They are not
modules of their own there; the host imports only ``plain`` from here, the plain-data codec both sides use."""
