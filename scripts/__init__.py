"""Maintainer scripts: vector generators and the public-suite fetcher (run as files or imported)."""
