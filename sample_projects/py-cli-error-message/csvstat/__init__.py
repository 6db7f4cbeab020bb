"""csvstat: column summaries of CSV files."""
__version__ = "0.9.0"
