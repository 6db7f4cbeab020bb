"""Greetings for the command line."""


def greeting(name):
    """Return a friendly greeting, e.g. "Hello, Ada!"."""
    return "Hello, " + name + "."


def shout(text):
    """Upper-case the text and add an exclamation mark."""
    return text.upper() + "!"
