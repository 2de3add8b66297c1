"""Small helpers: the ``facilitator-course`` command, the live preview, the benchmark."""
