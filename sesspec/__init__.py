"""sesspec: the Amazon SES Classic (API 2010-12-01) Query API wire format, made executable."""

__version__ = "0.1.0"
