"""Simulated users: the protocol, the turn budget, the `ask_user` tool and the built-in simulators."""
