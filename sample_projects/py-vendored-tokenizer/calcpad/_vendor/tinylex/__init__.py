"""tinylex: a small regex-driven tokenizer for expression languages.

Vendored (0.3.2, MIT). Local changes: none.
"""
from .lexer import Lexer, LexError, tokenize
from .tokens import Token, TokenKind

__all__ = ["Lexer", "LexError", "Token", "TokenKind", "tokenize"]
