"""The end-to-end tests use the `running_bot` fixture of tests/conftest.py (one real assistant per session)."""
