"""Loopback fakes of Google Cloud for Latchkey's tests; entry point: tests/fakes/gcp_fake.py."""
