"""Governance tooling: profiles, waivers, lint, rule tests, verdict diff and threshold what-if."""
