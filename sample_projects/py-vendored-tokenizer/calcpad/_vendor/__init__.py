"""Third-party code copied into calcpad so it has no install-time dependencies.

tinylex 0.3.2: see tinylex/LICENSE-NOTE in the package docstring.
"""
